import { mulberry32 } from './ids.js';
import {
  scenarioStartMs,
  type FaultKind,
  type FaultRule,
  type RegionOutage,
  type Scenario,
  type SimulatedService,
} from './scenario.js';
import type { FaultEffect } from './kind-model.js';
import { modeledFault, serviceSpec } from './kinds.js';

/**
 * Which attempts fail, and how each kind of fault looks from each operation. Faults are decided
 * per attempt (the SDK retries below the handler, so every attempt has its own call number).
 */

export interface Attempt {
  readonly service: SimulatedService;
  readonly operation: string;
  readonly region: string;
  /** 1-based number of this attempt among all attempts of the operation, in every region. */
  readonly callNumber: number;
}

export type { FaultEffect } from './kind-model.js';

/** Whether `kind` means something for this operation (`notFound` on Publish does; `invalidState` on GetParameter does not). */
export function faultApplies(kind: FaultKind, service: SimulatedService, operation: string): boolean {
  if (kind !== 'notFound' && kind !== 'invalidState') return true;
  return modeledFault(kind, service, operation) !== undefined;
}

/**
 * The effect of a non-timeout fault. Wire codes per protocol: the query services (RDS, Auto
 * Scaling, CloudWatch, SNS) send `Throttling` "Rate exceeded" with HTTP 400; SSM (JSON) sends the
 * modeled `ThrottlingException`. Where a service models its 5xx or access error, that shape is used.
 */
export function faultEffect(
  kind: Exclude<FaultKind, 'timeout' | 'timeoutAfterApply'>,
  attempt: Attempt,
  input: Readonly<Record<string, unknown>>,
  accountId: string,
): FaultEffect {
  const { service, operation } = attempt;
  const spec = serviceSpec(service);
  switch (kind) {
    case 'throttling':
      return {
        error: {
          name: spec.protocol === 'json' ? 'ThrottlingException' : 'Throttling',
          status: 400,
          message: 'Rate exceeded',
        },
      };
    case 'server': {
      return {
        error: {
          name: spec.serverErrorName,
          status: 500,
          message: 'The request processing has failed because of an unknown error, exception or failure.',
        },
      };
    }
    case 'unavailable':
      return {
        error: {
          name: 'ServiceUnavailable',
          status: 503,
          message: 'Service is unavailable. Please try again later.',
        },
      };
    case 'accessDenied': {
      const action = `${spec.iamPrefix}:${operation}`;
      const message = `User: arn:aws:sts::${accountId}:assumed-role/failover-orchestrator-step/simulated is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
      return { error: { name: spec.accessDeniedName, status: 403, message } };
    }
    case 'notFound':
    case 'invalidState': {
      const effect = modeledFault(kind, service, operation);
      if (!effect) throw new Error(`fault ${kind} has no meaning for ${service} ${operation}`);
      return effect(input);
    }
  }
}

function inCalls(rule: FaultRule, callNumber: number): boolean {
  if (rule.calls === 'all') return true;
  if (rule.calls !== undefined) return rule.calls.includes(callNumber);
  if (rule.from !== undefined)
    return callNumber >= rule.from && (rule.count === undefined || callNumber < rule.from + rule.count);
  return true;
}

/** Decides, attempt by attempt, which fail. Deterministic for a given scenario and call order. */
export class FaultInjector {
  private readonly rules: readonly FaultRule[];
  private readonly down: ReadonlySet<string>;
  private readonly outages: readonly RegionOutage[];
  private readonly startMs: number;
  private readonly random: Scenario['random'];
  private readonly draw: () => number;

  public constructor(scenario: Scenario) {
    this.rules = scenario.faults ?? [];
    this.down = new Set(scenario.regionsDown ?? []);
    this.outages = scenario.regionOutages ?? [];
    this.startMs = scenarioStartMs(scenario);
    this.random = scenario.random;
    this.draw = mulberry32(scenario.random?.seed ?? 0);
  }

  /** Whether `region` is down at epoch ms `now` (`regionsDown`, or within one of its `regionOutages`). */
  public regionDown(region: string, now: number): boolean {
    if (this.down.has(region)) return true;
    const second = (now - this.startMs) / 1000;
    return this.outages.some(
      (outage) =>
        outage.region === region &&
        second >= (outage.fromSeconds ?? 0) &&
        (outage.untilSeconds === undefined || second < outage.untilSeconds),
    );
  }

  /** The fault for this attempt: the first matching rule, else a seeded random one, else none. */
  public decide(attempt: Attempt): FaultKind | undefined {
    const rule = this.rules.find(
      (candidate) =>
        candidate.service === attempt.service &&
        candidate.operation === attempt.operation &&
        (candidate.region === undefined || candidate.region === attempt.region) &&
        inCalls(candidate, attempt.callNumber),
    );
    if (rule) return rule.error;
    const random = this.random;
    if (!random) return undefined;
    if (random.services && !random.services.includes(attempt.service)) return undefined;
    if (random.operations && !random.operations.includes(attempt.operation)) return undefined;
    if (this.draw() >= random.rate) return undefined;
    const kind = random.errors[Math.floor(this.draw() * random.errors.length)];
    return kind !== undefined && faultApplies(kind, attempt.service, attempt.operation) ? kind : undefined;
  }
}

import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { ssmClient } from '../../common/clients/ssm.js';
import { describeError } from '../../common/errors.js';
import { readFacts, readProgress, writeAssessment, writeProgress } from '../../common/failover-record.js';
import { nowIso } from '../../common/step-handler.js';
import { mapBounded, summarise, type Assessed, type KindContext, type KindSummary } from '../kind-step.js';
import { ssmParameterKind } from './definition.js';
import { currentValue, REPOINT_CONCURRENCY } from './repoint-parameters.js';
import type { ParameterFacts } from './types.js';

/**
 * The SSM parameter kind in the failback direction (issue 10): Route Back puts each parameter
 * back to the value recorded before the failover's first write (the failover record's facts,
 * `context.failoverScope`). Idempotent: a parameter already holding that value is not written.
 * A parameter the failover never wrote (no facts: skipped, or it did not exist before) is left
 * as it is and said so.
 */

const KIND = ssmParameterKind.id;

export interface RouteBack {
  readonly status: 'restored' | 'already' | 'would-restore' | 'left';
  readonly restoredAt: string;
  readonly message: string;
}

const cut = (value: string): string => (value.length <= 120 ? value : `${value.slice(0, 120)}…`);

export async function routeBack(context: KindContext): Promise<KindSummary> {
  const { plan, scope, dryRun, failoverScope } = context;
  if (failoverScope === undefined)
    throw new Error('Route Back needs the failover execution (failoverExecutionId)');
  const recorded = (await readProgress<RouteBack[]>(scope, KIND)) ?? [];
  const progress = await mapBounded(
    plan.parameters,
    REPOINT_CONCURRENCY,
    async (parameter, i): Promise<RouteBack> => {
      const done = recorded[i];
      if (done !== undefined && done.status !== 'would-restore') return done;
      const facts = await readFacts<ParameterFacts>(failoverScope, KIND, i);
      const restoredAt = nowIso();
      if (facts === undefined || facts.previousValue === null)
        return {
          status: 'left',
          restoredAt,
          message: `${parameter.name}: ${facts === undefined ? 'the failover recorded no previous value' : 'did not exist before the failover'}; left as it is`,
        };
      const current = await currentValue(plan.recoveryRegion, parameter.name);
      if (current.value === facts.previousValue)
        return {
          status: 'already',
          restoredAt,
          message: `${parameter.name} already ${cut(facts.previousValue)}`,
        };
      if (dryRun)
        return {
          status: 'would-restore',
          restoredAt,
          message: `would restore ${parameter.name} to ${cut(facts.previousValue)}`,
        };
      await ssmClient(plan.recoveryRegion).send(
        new PutParameterCommand({
          Name: parameter.name,
          Value: facts.previousValue,
          Type: current.type,
          Overwrite: true,
        }),
      );
      return {
        status: 'restored',
        restoredAt,
        message: `${parameter.name} ${cut(current.value ?? '(absent)')} -> ${cut(facts.previousValue)}`,
      };
    },
  );
  await writeProgress(scope, KIND, progress);
  return summarise(
    KIND,
    'start',
    progress.map((item) => ({ done: true, pollSeconds: 0, doneAt: item.restoredAt })),
    'parameters routed back',
  );
}

/** Each parameter against the value it had before the failover. */
export async function routeBackReadBack(context: KindContext): Promise<readonly Assessed[]> {
  const { plan, scope, failoverScope } = context;
  const assessed = await mapBounded(
    plan.parameters,
    REPOINT_CONCURRENCY,
    async (parameter, i): Promise<Assessed> => {
      const label = parameter.name;
      try {
        const facts =
          failoverScope === undefined ? undefined : await readFacts<ParameterFacts>(failoverScope, KIND, i);
        const { value } = await currentValue(plan.recoveryRegion, parameter.name);
        if (
          facts?.previousValue !== undefined &&
          facts.previousValue !== null &&
          value === facts.previousValue
        )
          return { label, done: true, detail: `back at ${cut(value)}` };
        return {
          label,
          done: false,
          detail: `holds ${cut(value ?? '(no parameter)')}, not the value before the failover`,
        };
      } catch (error) {
        return { label, done: false, detail: `unknown: ${describeError(error)}` };
      }
    },
  );
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

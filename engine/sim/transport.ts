import type { InitializeMiddleware, MetadataBearer, MiddlewareStack } from '@smithy/types';
import type { ClientInterceptor, ClientSettings } from '../../functions/common/aws-clients.js';
import { callerExecution, sandboxFrozen } from './execution-context.js';
import { faultEffect, type FaultInjector } from './faults.js';
import { sleep } from './ids.js';
import type { SimulatedService } from './scenario.js';
import { isRetryable, isThrottling, sdkError, SimulatedFailure, timeoutError } from './sdk-errors.js';
import { mutatingOperationNames, serviceSpec } from './kinds.js';
import type { OperationTable, SimWorld } from './world.js';

/**
 * The simulated transport: a middleware at the very start of each client's stack answers the
 * command from the model instead of sending it. Because it sits above the SDK's retry
 * middleware, it also does what the SDK would do for the faults it injects: retry throttling,
 * 5xx and timeouts up to the client's maxAttempts, with the standard strategy's backoff.
 */

/**
 * Operations that change the cloud: those the kinds mark `mutating` (engine/sim/kinds.ts).
 * Publish is not one: notifications are counted on their own; nor are the failover lock's writes
 * (DynamoDB), which change the orchestrator's own state, not the stack it fails over
 * (`service: 'dynamodb'` finds them in the call log).
 */
export const MUTATING_OPERATIONS: ReadonlySet<string> = new Set(mutatingOperationNames());

/** One attempt of one call, as the log keeps it. */
export interface CallRecord {
  /** Epoch ms (virtual clock) when the attempt started. */
  readonly time: number;
  readonly durationMs: number;
  readonly service: SimulatedService;
  readonly region: string;
  readonly operation: string;
  readonly input: unknown;
  /** `ok`, or the error's `name` (e.g. `Throttling`, `InvalidDBInstanceStateFault`). */
  readonly outcome: string;
  readonly mutating: boolean;
  /** 1 for the first try, 2 for the SDK's first retry … */
  readonly attempt: number;
  /** Number of this attempt among all attempts of the operation (what `faults[].calls` counts). */
  readonly callNumber: number;
  readonly requestId: string;
  /** The execution whose step made the call (the runner tags them); null outside an execution. */
  readonly executionArn: string | null;
}

/**
 * The installed SDK's standard retry backoff (@smithy/core retry, `retries-2026-config`): retry i
 * waits random() * min(base * 2^i, 20 s), base 50 ms, 1 s for throttling. The jitter is replaced
 * by its mean (one half) so that replays repeat exactly.
 */
const RETRY_DELAY_BASE_MS = 50;
const THROTTLING_RETRY_DELAY_BASE_MS = 1_000;
const MAXIMUM_RETRY_DELAY_MS = 20_000;
const MEAN_JITTER = 0.5;
/** A client without a request timeout waits as long as a Lambda can run. */
const NO_TIMEOUT_WAIT_MS = 900_000;

/**
 * What a step handler sees when it calls AWS after Lambda stopped it at its timeout: in AWS the
 * call is never made (the sandbox is frozen). Not retryable, never logged as a call.
 */
export class SandboxFrozenError extends Error {
  public constructor(service: string, operation: string) {
    super(`${service} ${operation} was not called: the function had timed out and Lambda stopped it`);
    this.name = 'SandboxFrozenError';
  }
}

/** The SDK's own error for a command the simulated AWS does not model: loud, never silently empty. */
export class SimulationNotModeledError extends Error {
  public constructor(service: string, operation: string) {
    super(`the simulated AWS does not model ${service} ${operation}`);
    this.name = 'SimulationNotModeledError';
  }
}

const operationName = (commandName: string | undefined): string =>
  (commandName ?? 'Unknown').replace(/Command$/, '');

function copyOf(input: unknown): unknown {
  try {
    return structuredClone(input);
  } catch {
    return input;
  }
}

export class SimulatedTransport {
  /** Every attempt, in the order they finished. */
  public readonly calls: CallRecord[] = [];
  private readonly counters = new Map<string, number>();
  private requests = 0;

  public constructor(
    private readonly world: SimWorld,
    /** Every simulated service's operations: the workflow's own merged with the kinds'. */
    private readonly models: ReadonlyMap<SimulatedService, OperationTable>,
    private readonly faults: FaultInjector,
    private readonly latencyMs: number,
  ) {}

  /** Installs the short-circuit on a new client (pass to `setClientInterceptor`). */
  public readonly interceptor: ClientInterceptor = (client, settings) => {
    const stack = client.middlewareStack as unknown as MiddlewareStack<object, MetadataBearer>;
    const middleware: InitializeMiddleware<object, MetadataBearer> = (_next, context) => async (args) => ({
      output: await this.serve(settings, operationName(context.commandName), args.input),
      response: {},
    });
    // Fast path: serve the command from `send` itself. Resolving the SDK's middleware stack for
    // every call was a third of a 50-resource replay (npm run bench). The operation is the
    // command class name, as the SDK's own `context.commandName`; any command whose class name
    // does not say so (a renamed class) goes through the SDK and the middleware below.
    const sdkSend = client.send.bind(client) as (command: unknown) => Promise<MetadataBearer>;
    const fastSend = (command: {
      readonly input?: object;
      readonly constructor: { readonly name: string };
    }) => {
      const name = command.constructor.name;
      return name.endsWith('Command')
        ? this.serve(settings, operationName(name), command.input ?? {})
        : sdkSend(command);
    };
    Object.assign(client, { send: fastSend });
    stack.add(middleware, {
      step: 'initialize',
      priority: 'high',
      name: 'simulatedAwsTransport',
      override: true,
    });
  };

  /** Serves one SDK call: attempts (with the SDK's retries) until success or a final error. */
  public async serve(settings: ClientSettings, operation: string, input: object): Promise<MetadataBearer> {
    const executionArn = callerExecution() ?? null;
    let totalRetryDelay = 0;
    for (let attempt = 1; ; attempt++) {
      try {
        const output = await this.attempt(settings, operation, input, attempt, executionArn);
        return {
          ...output.body,
          $metadata: { httpStatusCode: 200, requestId: output.requestId, attempts: attempt, totalRetryDelay },
        };
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        // Like the SDK's retry middleware, record the attempts on every error, even one without metadata.
        const bearer = error as Error & Partial<MetadataBearer>;
        bearer.$metadata = { ...bearer.$metadata, attempts: attempt, totalRetryDelay };
        if (attempt >= Math.max(1, settings.maxAttempts) || !isRetryable(error)) throw error;
        const base = isThrottling(error) ? THROTTLING_RETRY_DELAY_BASE_MS : RETRY_DELAY_BASE_MS;
        const delay = MEAN_JITTER * Math.min(MAXIMUM_RETRY_DELAY_MS, base * 2 ** (attempt - 1));
        totalRetryDelay += delay;
        await sleep(delay);
      }
    }
  }

  private async attempt(
    settings: ClientSettings,
    operation: string,
    input: object,
    attempt: number,
    executionArn: string | null,
  ): Promise<{ body: object; requestId: string }> {
    const { service, region } = settings;
    if (sandboxFrozen()) throw new SandboxFrozenError(service, operation);
    const key = `${service}:${operation}`;
    const callNumber = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, callNumber);
    this.requests += 1;
    // Deterministic and cheap: a UUID-shaped counter (a hash per call showed in the bench).
    const requestId = `00000000-0000-4000-a000-${this.requests.toString(16).padStart(12, '0')}`;
    const started = Date.now();
    const record = (outcome: string) =>
      this.calls.push({
        time: started,
        durationMs: Date.now() - started,
        service,
        region,
        operation,
        input: copyOf(input),
        outcome,
        mutating: MUTATING_OPERATIONS.has(operation),
        attempt,
        callNumber,
        requestId,
        executionArn,
      });
    try {
      const body = await this.respond(
        settings,
        operation,
        input,
        { service, operation, region, callNumber },
        requestId,
      );
      record('ok');
      return { body, requestId };
    } catch (error) {
      record(error instanceof Error ? error.name : 'Error');
      throw error;
    }
  }

  private async respond(
    settings: ClientSettings,
    operation: string,
    input: object,
    attempt: { service: SimulatedService; operation: string; region: string; callNumber: number },
    requestId: string,
  ): Promise<object> {
    const { service, region } = settings;
    const timeoutMs = settings.requestTimeoutMs > 0 ? settings.requestTimeoutMs : NO_TIMEOUT_WAIT_MS;
    const handler = this.models.get(service)?.[operation];
    const kind = this.faults.regionDown(region, Date.now()) ? 'timeout' : this.faults.decide(attempt);
    const run = (absent: boolean): object => {
      if (!handler) throw new SimulationNotModeledError(service, operation);
      try {
        return handler(input as never, { region, now: Date.now(), absent });
      } catch (error) {
        if (error instanceof SimulatedFailure) throw sdkError(serviceSpec(service), error.spec, requestId);
        throw error;
      }
    };
    if (kind === 'timeout' || this.latencyMs >= timeoutMs) {
      await sleep(timeoutMs);
      throw timeoutError(timeoutMs);
    }
    await sleep(this.latencyMs);
    if (kind === 'timeoutAfterApply') {
      // The service applied the call; the response never arrived.
      try {
        run(false);
      } catch {
        // The lost response would have been this error; the client sees the timeout either way.
      }
      await sleep(timeoutMs - this.latencyMs);
      throw timeoutError(timeoutMs);
    }
    if (kind === undefined) return run(false);
    const effect = faultEffect(
      kind,
      attempt,
      input as Readonly<Record<string, unknown>>,
      this.world.accountId,
    );
    if ('absent' in effect) return run(true);
    throw sdkError(serviceSpec(service), effect.error, requestId);
  }
}

import type { InvokeCommandInput, InvokeCommandOutput } from '@aws-sdk/client-lambda';
import * as z from 'zod';
import { sleep } from '../../../engine/sim/ids.js';
import { settingsFor } from '../../../engine/sim/kind-model.js';
import { fail, required } from '../../../engine/sim/sdk-errors.js';
import type { CallContext, SimWorld } from '../../../engine/sim/world.js';
import type { CustomHookPlan } from './definition.js';

/**
 * AWS Lambda, for the plan's hook functions only: each exists in its region and answers Invoke
 * as the scenario's `hooks` section says, after running `runSeconds` of virtual time:
 * - `succeed` (the default): status 200 and a small JSON payload;
 * - `fail`: status 200 with `FunctionError: Unhandled` and the `{errorType, errorMessage}` payload
 *   Lambda returns for an uncaught error;
 * - `timeout`: the function runs into its own timeout (`runSeconds`, at most the plan's
 *   `timeoutSeconds`, as the readiness check requires) and Lambda answers `FunctionError:
 *   Unhandled` with a `Sandbox.Timedout` payload (Lambda developer guide, "Troubleshoot invocation").
 * `failTimes: n` fails the first n invocations, then answers as `outcome` says. The orchestrator's
 * own request timeout (no answer at all) is the fault matrix's `timeout` fault.
 */
export const hookBehaviourSchema = z.strictObject({
  /** @default succeed */
  outcome: z.enum(['succeed', 'fail', 'timeout']).optional(),
  /** Virtual seconds the function runs before it answers. @default 2 (timeout: the plan's timeoutSeconds) */
  runSeconds: z.number().min(0).optional(),
  /** The first this many invocations fail (a function error) before `outcome` applies. */
  failTimes: z.number().int().min(0).optional(),
  /** The function does not exist. */
  missing: z.boolean().optional(),
});
export type HookBehaviour = z.output<typeof hookBehaviourSchema>;

export interface HookSnapshot {
  readonly name: string;
  readonly functionArn: string;
  /** How many times the function ran (every Invoke that reached it). */
  readonly invocations: number;
  /** The event of its last invocation, as it received it. */
  readonly lastEvent: unknown;
}

interface FunctionRecord {
  readonly hook: CustomHookPlan;
  readonly behaviour: HookBehaviour;
  invocations: number;
  lastEvent: unknown;
}

const DEFAULT_RUN_SECONDS = 2;
/** The SDK's response payload: bytes that can also say themselves as a string (Uint8ArrayBlobAdapter). */
function encode(value: unknown): NonNullable<InvokeCommandOutput['Payload']> {
  const text = JSON.stringify(value);
  return Object.assign(new TextEncoder().encode(text), { transformToString: () => text });
}

export class SimulatedLambda {
  private readonly functions: FunctionRecord[] = [];

  public constructor(world: SimWorld) {
    for (const hook of world.plan.hooks) {
      const behaviour = settingsFor(world.scenario.hooks, hook.name) ?? {};
      if (!behaviour.missing) this.functions.push({ hook, behaviour, invocations: 0, lastEvent: null });
    }
  }

  public readonly operations = {
    Invoke: (input: InvokeCommandInput, call: CallContext) => this.invoke(input, call),
  };

  public snapshot(): HookSnapshot[] {
    return this.functions.map((record) => ({
      name: record.hook.name,
      functionArn: record.hook.functionArn,
      invocations: record.invocations,
      lastEvent: record.lastEvent,
    }));
  }

  /** Runs the function on the virtual clock: the transport awaits the answer. */
  private async invoke(
    input: InvokeCommandInput,
    call: CallContext,
  ): Promise<Omit<InvokeCommandOutput, '$metadata'>> {
    const name = required(input.FunctionName, 'FunctionName', 'InvalidParameterValueException');
    const record = this.functions.find(
      (candidate) =>
        candidate.hook.functionArn === name && candidate.hook.functionArn.split(':')[3] === call.region,
    );
    if (record === undefined) throw fail('ResourceNotFoundException', 404, `Function not found: ${name}`);
    record.invocations += 1;
    const payload = input.Payload === undefined ? '' : new TextDecoder().decode(input.Payload as Uint8Array);
    record.lastEvent = payload === '' ? null : (JSON.parse(payload) as unknown);
    const { behaviour, hook } = record;
    const failing = record.invocations <= (behaviour.failTimes ?? 0);
    const outcome = failing ? 'fail' : (behaviour.outcome ?? 'succeed');
    const runSeconds =
      outcome === 'timeout'
        ? Math.min(behaviour.runSeconds ?? hook.timeoutSeconds, hook.timeoutSeconds)
        : (behaviour.runSeconds ?? DEFAULT_RUN_SECONDS);
    await sleep(runSeconds * 1000);
    const requestId = `${record.invocations.toString(16).padStart(8, '0')}-0000-4000-a000-000000000000`;
    switch (outcome) {
      case 'succeed':
        return {
          StatusCode: 200,
          ExecutedVersion: '$LATEST',
          Payload: encode({ ok: true, hook: hook.name }),
        };
      case 'fail':
        return {
          StatusCode: 200,
          FunctionError: 'Unhandled',
          ExecutedVersion: '$LATEST',
          Payload: encode({
            errorType: 'Error',
            errorMessage: `hook ${hook.name} could not finish its work`,
            trace: [],
          }),
        };
      case 'timeout':
        return {
          StatusCode: 200,
          FunctionError: 'Unhandled',
          ExecutedVersion: '$LATEST',
          Payload: encode({
            errorType: 'Sandbox.Timedout',
            errorMessage: `RequestId: ${requestId} Error: Task timed out after ${runSeconds.toFixed(2)} seconds`,
          }),
        };
    }
  }
}

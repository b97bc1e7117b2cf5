import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { replay, type ReplayResult } from '../../engine/runner.js';
import type { Scenario } from '../../engine/sim/index.js';
import type { LocalStepHandler } from '../../engine/local-lambda.js';
import { examplePlan } from '../fixtures/plans.js';

/** A Lambda ARN for hand-written definitions (the engine serves it locally). */
export const fn = (name: string): string => `arn:aws:lambda:us-west-2:000000000000:function:${name}`;

/** A handler from a plain function of the event (the engine passes a Lambda context too). */
export const handler = (body: (event: Record<string, unknown>) => unknown): LocalStepHandler =>
  (async (event: Record<string, unknown>) => body(event)) as unknown as LocalStepHandler;

/** Runs a hand-written definition with the given handlers (by Resource) on the simulated AWS. */
export function runDefinition(
  definition: object,
  handlers: Readonly<Record<string, LocalStepHandler>>,
  options: { input?: unknown; scenario?: Scenario; functionTimeoutSeconds?: number } = {},
): Promise<ReplayResult> {
  return replay({
    plan: examplePlan(),
    event: options.input ?? {},
    scenario: options.scenario,
    functionTimeoutSeconds: options.functionTimeoutSeconds,
    workflow: { definition: definition as StateMachineDefinition, handlers },
  });
}

/** A JSON string value of `bytes` ASCII characters. */
export const filler = (bytes: number): string => 'x'.repeat(bytes);

/** States the replay's timeline shows, in order. */
export const statesOf = (result: ReplayResult): string[] => result.timeline.map((entry) => entry.state);

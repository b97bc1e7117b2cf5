import type { Plan } from '../../functions/common/plan.js';
import { taskStateNames, taskStateResources } from '../local-lambda.js';
import { loadDefinition } from '../runner.js';
import { LAMBDA_FAULT_KINDS, type LambdaFaultKind, type Scenario } from '../sim/scenario.js';
import type { ReplayResult } from '../runner.js';
import { observeReplay } from './observed-replay.js';
import { judgeReplay, type ScenarioVerdict } from './verdict.js';

/**
 * The Lambda side of the fault matrix: every Task state a healthy failover runs, under each of
 * Lambda's own faults (engine/sim/scenario.ts LAMBDA_FAULT_KINDS). `transient`: its first two
 * invocations fail (a retrier of the definition may ride it out); `persistent`: every one does.
 */
export const LAMBDA_FAULT_DURATIONS = ['transient', 'persistent'] as const;
export type LambdaFaultDuration = (typeof LAMBDA_FAULT_DURATIONS)[number];

export interface LambdaMatrixCase {
  readonly state: string;
  readonly fault: LambdaFaultKind;
  readonly duration: LambdaFaultDuration;
  readonly scenario: Scenario;
}

export interface LambdaMatrixRow extends ScenarioVerdict {
  readonly case: LambdaMatrixCase;
  readonly wallMs: number;
}

/** The Task states of the plan's definition that `healthy` ran, in the order they first ran. */
export async function taskStatesRun(plan: Plan, healthy: ReplayResult): Promise<string[]> {
  const tasks = taskStateNames((await loadDefinition(plan)).definition);
  return [...new Set(healthy.timeline.map((entry) => entry.state).filter((state) => tasks.has(state)))];
}

export function lambdaMatrixCases(states: readonly string[]): LambdaMatrixCase[] {
  return states.flatMap((state) =>
    LAMBDA_FAULT_KINDS.flatMap((fault) =>
      LAMBDA_FAULT_DURATIONS.map((duration) => ({
        state,
        fault,
        duration,
        scenario: {
          lambdaFaults: [
            duration === 'transient'
              ? { state, from: 1, count: 2, error: fault }
              : { state, invocations: 'all' as const, error: fault },
          ],
        },
      })),
    ),
  );
}

/** The Task states served by the notify step: the states that tell people what happened. */
export async function notifierStates(plan: Plan): Promise<Set<string>> {
  const { definition, functionIds } = await loadDefinition(plan);
  const notifiers = [...taskStateResources(definition)].filter(
    ([, resource]) => functionIds.get(resource) === 'notify',
  );
  return new Set(notifiers.map(([state]) => state));
}

/**
 * Judges one Lambda case like an API case, with one addition: when the fault is on a notifier
 * state itself (its function is failing or timing out), nobody can be told, exactly as when SNS
 * Publish fails; the row counts as `sns-down` ("notification impossible") provided the execution
 * still ends with that fault as its error, so that the console tells the story.
 */
function judgeLambdaCase(
  plan: Plan,
  observed: Awaited<ReturnType<typeof observeReplay>>,
  matrixCase: LambdaMatrixCase,
  notifiers: ReadonlySet<string>,
): ScenarioVerdict {
  const judged = judgeReplay(plan, observed);
  const unnotified = judged.verdict === 'silent-partial' || judged.verdict === 'unnotified';
  const notifierDown = notifiers.has(matrixCase.state) && observed.result.error?.error === matrixCase.fault;
  if (!unnotified || !notifierDown) return judged;
  const problems = judged.problems.filter((problem) => problem !== 'failed without a failure notification');
  return { ...judged, verdict: 'sns-down', problems };
}

/** Replays the failover once per Lambda case and judges each ending, like the API matrix. */
export async function runLambdaMatrix(
  plan: Plan,
  event: unknown,
  states: readonly string[],
): Promise<LambdaMatrixRow[]> {
  const notifiers = await notifierStates(plan);
  const rows: LambdaMatrixRow[] = [];
  for (const matrixCase of lambdaMatrixCases(states)) {
    const observed = await observeReplay(plan, event, matrixCase.scenario);
    const verdict = judgeLambdaCase(plan, observed, matrixCase, notifiers);
    rows.push({ ...verdict, case: matrixCase, wallMs: observed.result.wallMs });
  }
  return rows;
}

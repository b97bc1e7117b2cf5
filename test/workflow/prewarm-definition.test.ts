import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { failedStateName, readBackStateName, STATES } from '../../functions/common/vocabulary.js';
import { autoScalingGroupKind } from '../../functions/kinds/auto-scaling-group/definition.js';
import { KINDS } from '../../functions/kinds/registry.js';
import { RETRY_POLICY } from '../../state-machines/policies.js';
import { buildWorkflow, prewarmedKinds } from '../../state-machines/workflow-builder.js';
import { examplePlan } from '../fixtures/plans.js';

// asl-validator is CommonJS without types, and it mutates the definition it is given.
const require = createRequire(import.meta.url);
const validator = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

interface State {
  Type: string;
  Next?: string;
  Default?: string;
  End?: boolean;
  Parameters?: Record<string, unknown>;
  Retry?: unknown[];
  Catch?: { ErrorEquals: string[]; ResultPath: string; Next: string }[];
  Choices?: { Next: string }[];
  Branches?: { StartAt: string; States: Record<string, State> }[];
}

const prewarmPlan = () => examplePlan((document) => Object.assign(document, { prewarm: true }));
const statesOf = (prewarm = true) =>
  buildWorkflow(prewarm ? prewarmPlan() : examplePlan()).States as unknown as Record<string, State>;

/** Every state reachable from `from` through Next, Default, Choices and Catch. */
function reachable(states: Record<string, State>, from: string, stopAt: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length > 0) {
    const name = queue.shift()!;
    if (seen.has(name) || states[name] === undefined) continue;
    seen.add(name);
    if (stopAt.includes(name)) continue;
    const state = states[name];
    queue.push(
      ...[state.Next, state.Default, ...(state.Choices ?? []).map((choice) => choice.Next)].filter(
        (next): next is string => next !== undefined,
      ),
    );
  }
  return seen;
}

describe('the definition of a plan with prewarm', () => {
  it('is a definition asl-validator accepts, every state named by the vocabulary or a kind', () => {
    // Arrange
    const definition = buildWorkflow(prewarmPlan());
    const allowed = new Set<string>([
      ...Object.values(STATES),
      ...Object.values(STATES).map(failedStateName),
      ...[0, 1].map(readBackStateName),
      ...KINDS.flatMap((kind) =>
        Object.values(kind.states).filter((name): name is string => name !== undefined),
      ),
    ]);

    // Act
    const result = validator(structuredClone(definition));
    const prewarm = definition.States[STATES.prewarm] as unknown as State;
    const names = [
      ...Object.keys(definition.States),
      ...(prewarm.Branches ?? []).flatMap((branch) => Object.keys(branch.States)),
    ];

    // Assert
    expect(result.errors).toEqual([]);
    expect(names.filter((name) => !allowed.has(name))).toEqual([]);
  });

  it('prewarms right after the lock, live runs only, and goes on to the confirm window whatever happens', () => {
    // Act
    const states = statesOf();

    // Assert
    expect(states[STATES.lockAcquired]?.Choices?.[0]?.Next).toBe(STATES.prewarmLiveRun);
    expect(states[STATES.prewarmLiveRun]).toMatchObject({
      Type: 'Choice',
      Choices: [{ Variable: '$.trigger.dryRun', BooleanEquals: false, Next: STATES.prewarm }],
      Default: STATES.needsConfirmation,
    });
    expect(states[STATES.prewarm]).toMatchObject({
      Type: 'Parallel',
      ResultPath: '$.prewarm',
      Next: STATES.needsConfirmation,
      Catch: [
        { ErrorEquals: ['States.ALL'], ResultPath: '$.prewarmFailure', Next: STATES.needsConfirmation },
      ],
    });
  });

  it('gives each reversible kind one branch whose Task has the kind retry policy and a catch that ends the branch', () => {
    // Arrange
    const branches = statesOf()[STATES.prewarm]?.Branches ?? [];
    const { prewarm, prewarmFailed } = autoScalingGroupKind.states;

    // Assert
    expect(prewarmedKinds(prewarmPlan()).map((kind) => kind.id)).toEqual(['auto-scaling-group']);
    expect(branches).toHaveLength(1);
    const task = branches[0]!.States[prewarm!]!;
    expect(task.Parameters).toMatchObject({ action: 'prewarm', 'lockVersion.$': '$.lock.version' });
    expect(task.Retry).toEqual(
      expect.arrayContaining([
        ...RETRY_POLICY,
        expect.objectContaining({ ErrorEquals: ['ScalingActivityInProgressFault'] }),
      ]),
    );
    expect(task.Catch).toEqual([
      { ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: prewarmFailed },
    ]);
    expect(branches[0]!.States[prewarmFailed!]).toMatchObject({ Type: 'Pass', End: true });
  });

  it.each([
    ['the alarm recovered', STATES.outageConfirmed],
    ['Confirm Outage failed', failedStateName(STATES.confirmOutage)],
    ['Record Failover Start failed (the lock was lost)', failedStateName(STATES.recordFailoverStart)],
    ['the gate refused', failedStateName(STATES.gate)],
  ])('undoes the prewarm before the final notice when %s', (_case, from) => {
    // Arrange
    const states = statesOf();
    const start = from === STATES.outageConfirmed ? states[from]!.Default! : from;

    // Act
    const beforeNotice = reachable(states, start, [STATES.notifyAborted, STATES.notifyFailed]);
    const withoutUndo = reachable(states, start, [STATES.anythingPrewarmed]);

    // Assert
    expect(beforeNotice.has(STATES.undoPrewarm)).toBe(true);
    expect(withoutUndo.has(STATES.notifyAborted) || withoutUndo.has(STATES.notifyFailed)).toBe(false);
  });

  it('does not undo anything once Recover has started changing resources', () => {
    // Act
    const states = statesOf();

    // Assert
    expect(
      reachable(states, failedStateName(STATES.recover), [STATES.notifyFailed]).has(STATES.undoPrewarm),
    ).toBe(false);
  });

  it('leaves no prewarm state in a plan without prewarm', () => {
    // Act
    const names = Object.keys(statesOf(false));

    // Assert
    expect(
      names.filter((name) =>
        [
          STATES.prewarmLiveRun,
          STATES.prewarm,
          STATES.anythingPrewarmed,
          STATES.undoPrewarm,
          STATES.abortedOrFailed,
        ].includes(name as never),
      ),
    ).toEqual([]);
  });
});

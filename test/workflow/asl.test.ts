import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parsePlan, type Plan } from '../../functions/common/plan.js';
import { failedStateName, readBackStateName, STATES } from '../../functions/common/vocabulary.js';
import { functionArnVariable } from '../../functions/kinds/kind-definition.js';
import { KINDS, type Kind } from '../../functions/kinds/registry.js';
import { stepFunctionsFor } from '../../engine/step-registry.js';
import {
  RETRY_POLICY,
  TASK_TIMEOUT_SECONDS,
  WAIT_FOR_IN_FLIGHT_SECONDS,
} from '../../state-machines/policies.js';
import {
  buildWorkflow,
  workflowFunctionIds,
  type AslDefinition,
} from '../../state-machines/workflow-builder.js';
import { examplePlan } from '../fixtures/plans.js';

// asl-validator is CommonJS without types, and it mutates the definition it is given.
const require = createRequire(import.meta.url);
const validator = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

interface State {
  Type: string;
  Resource?: string;
  Retry?: unknown[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Next?: string;
  Default?: string;
  Seconds?: number;
  TimeoutSeconds?: number;
  Choices?: { Next: string }[];
  Branches?: { States: Record<string, State> }[];
  ItemProcessor?: { States: Record<string, State> };
}

interface Visit {
  readonly name: string;
  readonly state: State;
  /** The Parallel states around this one, innermost last. */
  readonly parents: readonly State[];
}

function walk(states: Record<string, State>, parents: readonly State[] = []): Visit[] {
  return Object.entries(states).flatMap(([name, state]) => [
    { name, state, parents },
    ...(state.Branches ?? []).flatMap((branch) => walk(branch.States, [...parents, state])),
    ...(state.ItemProcessor ? walk(state.ItemProcessor.States, [...parents, state]) : []),
  ]);
}

/** The definition's top-level states, typed for these checks. */
const topLevel = (definition: AslDefinition) => definition.States as unknown as Record<string, State>;
const statesOf = (definition: AslDefinition) => walk(topLevel(definition));
const catchesAll = (state: State) =>
  state.Catch?.some((handler) => handler.ErrorEquals.includes('States.ALL')) === true;
const kindRetry = (kind: Kind) =>
  (kind.extraRetry ?? []).map((retry) => ({
    ErrorEquals: retry.errors,
    IntervalSeconds: retry.intervalSeconds,
    MaxAttempts: retry.maxAttempts,
    BackoffRate: retry.backoffRate,
  }));

/** The other examples: the sections of the kinds the shop example does not have (self-hosted, ECS, hooks). */
const OTHER_EXAMPLES = readdirSync('examples')
  .filter((file) => file.endsWith('.plan.yaml') && file !== 'shop-prod.plan.yaml')
  .map((file) => parse(readFileSync(`examples/${file}`, 'utf8')) as Record<string, unknown>);
const sectionOf = (planKey: string): unknown =>
  OTHER_EXAMPLES.map((example) => example[planKey]).find((section) => section !== undefined);

/** The example plan keeping only the kinds in `ids` (the others' sections from the other examples). */
function planWith(ids: readonly string[]): Plan {
  const key = ids.join(' + ');
  const cached = PLANS.get(key);
  if (cached !== undefined) return cached;
  const plan = freshPlanWith(ids);
  PLANS.set(key, plan);
  return plan;
}

/** Plans and definitions built once per subset: the checks below only read them. */
const PLANS = new Map<string, Plan>();
const DEFINITIONS = new Map<Plan, AslDefinition>();
function definitionOf(plan: Plan): AslDefinition {
  const definition = DEFINITIONS.get(plan) ?? buildWorkflow(plan);
  DEFINITIONS.set(plan, definition);
  return definition;
}

function freshPlanWith(ids: readonly string[]): Plan {
  return examplePlan((document) => {
    for (const kind of KINDS) {
      const sections = document as Record<string, unknown>;
      if (!ids.includes(kind.id)) sections[kind.planKey] = [];
      else if (sections[kind.planKey] === undefined) sections[kind.planKey] = sectionOf(kind.planKey);
    }
    // Without databases, only the parameters that name none.
    if (!ids.includes('rds-replica'))
      document.parameters = document.parameters?.filter(
        (parameter) => !parameter.value.includes('databases.'),
      );
  });
}

/**
 * The subsets of the registry's kinds the per-subset checks build: every subset of at most three
 * kinds and every subset missing at most three (the whole registry included). The first half puts
 * any three kinds in every present/absent combination beside an otherwise empty plan, the second
 * beside every other kind; kinds meet in the builder only by phase and order, so a fault that
 * needs a particular combination shows in one of them. All 2^n subsets took 294 s for 11 kinds and
 * would double with every kind added.
 */
const SUBSETS: string[][] = Array.from({ length: 2 ** KINDS.length - 1 }, (_, mask) =>
  KINDS.filter((_kind, i) => ((mask + 1) & (1 << i)) !== 0).map((kind) => kind.id),
).filter((ids) => ids.length <= 3 || ids.length >= KINDS.length - 3);
const SUBSET_CASES = SUBSETS.map((ids) => [ids.join(' + '), ids] as const);
/**
 * asl-validator compiles its JSON schemas on every call (about 0.4 s for the example plan), so
 * it checks the subsets of at most two kinds and those missing at most one: every pair of kinds
 * meets in a validated definition, alone and beside all the others.
 */
const VALIDATED_CASES = SUBSET_CASES.filter(([, ids]) => ids.length <= 2 || ids.length >= KINDS.length - 1);

/** Names a definition may use: the vocabulary's, "<step> Failed", and each kind's own. */
function allowedNames(): Set<string> {
  const names = new Set<string>(Object.values(STATES));
  for (const name of Object.values(STATES)) names.add(failedStateName(name));
  for (const i of [0, 1]) names.add(readBackStateName(i));
  for (const kind of KINDS) {
    for (const name of Object.values(kind.states)) if (name !== undefined) names.add(name);
    if (kind.states.gate !== undefined) names.add(`${kind.states.gate} Passed`);
  }
  return names;
}

const variablesOf = (definition: AslDefinition): Set<string> =>
  new Set([...JSON.stringify(definition).matchAll(/\$\{(\w+)\}/g)].map((match) => match[1] ?? ''));

describe('buildWorkflow', () => {
  it.each([['the example plan', KINDS.map((kind) => kind.id)] as const, ...VALIDATED_CASES])(
    'builds a definition asl-validator accepts for %s',
    (_case, ids) => {
      // Arrange
      const definition = definitionOf(planWith(ids));

      // Act
      const result = validator(structuredClone(definition));

      // Assert
      expect(result.errors).toEqual([]);
      expect(result.isValid).toBe(true);
    },
  );

  it.each(SUBSET_CASES)('names every state of %s from the vocabulary or a kind', (_case, ids) => {
    // Arrange
    const allowed = allowedNames();

    // Act
    const names = statesOf(definitionOf(planWith(ids))).map(({ name }) => name);

    // Assert
    expect(names.filter((name) => !allowed.has(name))).toEqual([]);
  });

  it.each(SUBSET_CASES)(
    "gives every Task of %s exactly the retry policy (and its kind's own), the task timeout, and a catch",
    (_case, ids) => {
      // Arrange
      const plan = planWith(ids);
      const byVariable = new Map(KINDS.map((kind) => [`\${${functionArnVariable(kind.id)}}`, kind]));

      // Act
      const tasks = statesOf(definitionOf(plan)).filter(({ state }) => state.Type === 'Task');

      // Assert
      expect(tasks.length).toBeGreaterThan(8);
      for (const { name, state, parents } of tasks) {
        const kind = byVariable.get(state.Resource ?? '');
        const policy = [...RETRY_POLICY, ...(kind === undefined ? [] : kindRetry(kind))];
        // A read-back only reads: the kind's own retriers (for its changes) may be left out.
        const readBack = kind !== undefined && name === kind.states.readBack;
        const expected = readBack && state.Retry?.length === RETRY_POLICY.length ? [...RETRY_POLICY] : policy;
        expect({ name, retry: state.Retry }).toEqual({ name, retry: expected });
        expect({ name, timeout: state.TimeoutSeconds }).toEqual({ name, timeout: TASK_TIMEOUT_SECONDS });
        const caught = catchesAll(state) || parents.some(catchesAll);
        expect({ name, caught }).toEqual({ name, caught: true });
      }
    },
  );

  it.each(SUBSET_CASES)('leaves no trace of a kind absent from the plan (%s)', (_case, ids) => {
    // Arrange
    const absent = KINDS.filter((kind) => !ids.includes(kind.id));

    // Act
    const definition = definitionOf(planWith(ids));

    // Assert
    const names = new Set(statesOf(definition).map(({ name }) => name));
    const variables = variablesOf(definition);
    for (const kind of absent) {
      const traces = [
        ...Object.values(kind.states).filter((name) => name !== undefined && names.has(name)),
        ...(variables.has(functionArnVariable(kind.id)) ? [functionArnVariable(kind.id)] : []),
      ];
      expect({ kind: kind.id, traces }).toEqual({ kind: kind.id, traces: [] });
    }
  });

  it.each(SUBSET_CASES)(
    'names only the functions the plan uses, each served by the local engine (%s)',
    async (_case, ids) => {
      // Arrange
      const plan = planWith(ids);

      // Act
      const variables = variablesOf(definitionOf(plan));
      const served = (await stepFunctionsFor(plan)).map((entry) => entry.variable);

      // Assert
      expect([...variables].sort()).toEqual(workflowFunctionIds(plan).map(functionArnVariable).sort());
      expect(served.sort()).toEqual([...variables].sort());
    },
  );

  it('catches every error of every top-level Task and Parallel state', () => {
    // Act
    const uncaught = statesOf(buildWorkflow(examplePlan()))
      .filter(
        ({ state, parents }) => parents.length === 0 && ['Task', 'Map', 'Parallel'].includes(state.Type),
      )
      .filter(({ state }) => !catchesAll(state))
      .map(({ name }) => name);

    // Assert
    expect(uncaught).toEqual([]);
  });

  it('sends every failure path through a notification before the execution ends', () => {
    // Arrange: a notify state's own Catch cannot notify (SNS itself failed); a lock release runs
    // after the final notification, best effort, and its Catch ends the execution.
    const definition = buildWorkflow(examplePlan());
    const states = topLevel(definition);
    const catchTargets = statesOf(definition)
      .filter(
        ({ name, parents }) =>
          parents.length === 0 && !name.startsWith('Notify') && !name.startsWith('Release Lock'),
      )
      .flatMap(({ state }) => (state.Catch ?? []).map((handler) => handler.Next));

    // Act
    const paths = [...new Set(catchTargets)].map((target) => {
      const seen: string[] = [];
      for (let name = target; states[name] !== undefined && !seen.includes(name);) {
        seen.push(name);
        const state = states[name]!;
        if (state.Type === 'Fail' || state.Type === 'Succeed') break;
        name = state.Next ?? state.Default ?? '';
      }
      return seen;
    });

    // Assert
    expect(paths.length).toBeGreaterThan(4);
    for (const path of paths)
      expect({ path, notifies: path.includes(STATES.notifyFailed) }).toEqual({ path, notifies: true });
  });

  it('waits in Wait states, never in a Lambda: every polling loop goes through a Wait', () => {
    // Act
    const waits = statesOf(buildWorkflow(examplePlan()))
      .filter(({ state }) => state.Type === 'Wait')
      .map(({ name }) => name);

    // Assert
    expect(waits).toEqual(
      expect.arrayContaining([
        STATES.waitConfirmWindow,
        'Wait For Lag To Fall',
        'Wait For Promotions',
        'Wait For Instances',
        'Wait For Parameters',
      ]),
    );
  });

  it('waits out steps still running in other branches before reading back a failed Recover', () => {
    // Arrange
    const states = topLevel(buildWorkflow(examplePlan()));

    // Act
    const failed = states[failedStateName(STATES.recover)];
    const wait = states[failed?.Next ?? ''];

    // Assert
    expect(failed?.Next).toBe(STATES.waitForInFlightSteps);
    expect(wait).toMatchObject({ Type: 'Wait', Seconds: WAIT_FOR_IN_FLIGHT_SECONDS, Next: STATES.readBack });
  });

  it('reads back straight away when the failed phase had only one branch', () => {
    // Arrange
    const states = topLevel(buildWorkflow(planWith(['rds-replica', 'ssm-parameter'])));

    // Act
    const failed = states[failedStateName(STATES.recover)];

    // Assert
    expect(failed?.Next).toBe(STATES.readBack);
    expect(states[STATES.waitForInFlightSteps]).toBeUndefined();
  });

  it('reads back the data before what routes to it, then notifies', () => {
    // Arrange
    const states = topLevel(buildWorkflow(examplePlan()));

    // Act
    const first = states[readBackStateName(0)];
    const second = states[readBackStateName(1)];

    // Assert
    expect(first?.Next).toBe(readBackStateName(1));
    expect(second?.Next).toBe(STATES.notifyFailed);
  });

  it('refuses a failback of a plan that cannot fail back (its databases name no primary)', () => {
    expect(() => buildWorkflow(examplePlan(), 'failback')).toThrow(/name no primary/);
  });
});

describe('what cfn-lint accepts', () => {
  const EXAMPLES = readdirSync('examples').filter((file) => file.endsWith('.plan.yaml'));
  const directions = (plan: Plan) =>
    (['failover', 'failback'] as const).flatMap((direction) => {
      try {
        return [{ direction, definition: buildWorkflow(plan, direction) }];
      } catch {
        return []; // a plan that cannot fail back has no failback definition
      }
    });

  it.each(EXAMPLES)('gives no Parallel state Parameters in %s, in either direction', (file) => {
    // Arrange: AWS allows Parameters on a Parallel state (JSONPath), but cfn-lint 1.51's
    // state machine schema does not (E3601), which would fail a user's cfn-lint on the template.
    const plan = parsePlan(parse(readFileSync(`examples/${file}`, 'utf8')) as unknown, file);

    // Act
    const offending = directions(plan).flatMap(({ direction, definition }) =>
      statesOf(definition)
        .filter(({ state }) => state.Type === 'Parallel' && 'Parameters' in state)
        .map(({ name }) => `${direction}: ${name}`),
    );

    // Assert
    expect(offending).toEqual([]);
  });
});

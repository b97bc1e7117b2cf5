import { describe, expect, it } from 'vitest';
import {
  describeError,
  FailoverError,
  GroupCapacityTimeoutError,
  InvalidTriggerError,
  ParameterTemplateError,
  PlanValidationError,
  PromotionFailedError,
  PromotionTimeoutError,
  ReplicaLagExceededError,
  ReplicaLagUnknownError,
  ReplicaNotFoundError,
  ScalingGroupNotFoundError,
} from '../../functions/common/errors.js';
import { StepInputError } from '../../functions/kinds/kind-step.js';
import { buildWorkflow } from '../../state-machines/workflow-builder.js';
import { examplePlan } from '../fixtures/plans.js';

const MESSAGE_ERRORS = [
  InvalidTriggerError,
  ReplicaLagExceededError,
  ReplicaLagUnknownError,
  ReplicaNotFoundError,
  PromotionFailedError,
  PromotionTimeoutError,
  ScalingGroupNotFoundError,
  GroupCapacityTimeoutError,
  ParameterTemplateError,
  StepInputError,
] as const;

interface AslState {
  readonly Type: string;
  readonly Retry?: readonly { readonly ErrorEquals: readonly string[] }[];
  readonly Branches?: readonly { readonly States: Readonly<Record<string, AslState>> }[];
  readonly ItemProcessor?: { readonly States: Readonly<Record<string, AslState>> };
}

/** Error names each Task of the failover ASL retries, by state name. */
function retriedErrors(states: Readonly<Record<string, AslState>>): Map<string, Set<string>> {
  const result = new Map<string, Set<string>>();
  for (const [name, state] of Object.entries(states)) {
    if (state.Type === 'Task') result.set(name, new Set(state.Retry?.flatMap((retry) => retry.ErrorEquals)));
    const nested = [
      ...(state.Branches ?? []).map((branch) => branch.States),
      ...(state.ItemProcessor ? [state.ItemProcessor.States] : []),
    ];
    for (const child of nested)
      for (const [childName, errors] of retriedErrors(child)) result.set(childName, errors);
  }
  return result;
}

describe('failover errors', () => {
  it.each(MESSAGE_ERRORS)(
    '$name carries its class name as name, the Step Functions error code',
    (ErrorClass) => {
      // Act
      const error = new ErrorClass('shop-db-replica: something went wrong');

      // Assert
      expect(error.name).toBe(ErrorClass.name);
      expect(error).toBeInstanceOf(FailoverError);
      expect(error).toBeInstanceOf(Error);
      expect(error.message).toBe('shop-db-replica: something went wrong');
    },
  );

  it.each([ReplicaNotFoundError, PromotionFailedError])(
    '$name keeps the SDK error it wraps as cause',
    (ErrorClass) => {
      // Arrange
      const cause = Object.assign(new Error('DBInstance shop-db-replica not found.'), {
        name: 'DBInstanceNotFoundFault',
      });

      // Act
      const error = new ErrorClass('not found', { cause });

      // Assert
      expect(error.cause).toBe(cause);
    },
  );

  it('keeps every plan issue on PlanValidationError', () => {
    // Arrange
    const issues = [
      { path: 'recoveryRegion', message: 'must differ from primaryRegion (us-east-1)' },
      { path: '', message: 'Unrecognized key: "owner"' },
    ];

    // Act
    const error = new PlanValidationError(issues, 'plan.yaml');

    // Assert
    expect(error.name).toBe('PlanValidationError');
    expect(error.issues).toEqual(issues);
    expect(error.message).toBe(
      'plan.yaml is invalid (2 problems):\n  - recoveryRegion: must differ from primaryRegion (us-east-1)\n  - (root): Unrecognized key: "owner"',
    );
  });

  it('is never retried by the definition: a deliberate failover error is not transient', () => {
    // Arrange
    const definition = buildWorkflow(examplePlan()) as unknown as { States: Record<string, AslState> };
    const names = new Set<string>([
      ...MESSAGE_ERRORS.map((ErrorClass) => ErrorClass.name),
      'PlanValidationError',
      'FailoverError',
    ]);

    // Act
    const retried = [...retriedErrors(definition.States)].flatMap(([state, errors]) =>
      [...errors].filter((error) => names.has(error)).map((error) => `${state}: ${error}`),
    );

    // Assert
    expect(retried).toEqual([]);
  });

  it('lets the definition retry ScalingActivityInProgressFault, which scaling lets through on purpose', () => {
    // Arrange
    const definition = buildWorkflow(examplePlan()) as unknown as { States: Record<string, AslState> };

    // Act
    const retried = retriedErrors(definition.States);

    // Assert
    for (const state of ['Scale Recovery Groups', 'Check Group Capacities'])
      expect(retried.get(state)?.has('ScalingActivityInProgressFault')).toBe(true);
  });
});

describe('describeError', () => {
  it.each([
    [
      new ReplicaNotFoundError('DB instance x not found in us-west-2'),
      'ReplicaNotFoundError: DB instance x not found in us-west-2',
    ],
    [Object.assign(new Error('Rate exceeded'), { name: 'Throttling' }), 'Throttling: Rate exceeded'],
    ['a thrown string', 'a thrown string'],
    [undefined, 'undefined'],
  ])('describes %s in one line', (error, text) => {
    // Act
    const described = describeError(error);

    // Assert
    expect(described).toBe(text);
  });
});

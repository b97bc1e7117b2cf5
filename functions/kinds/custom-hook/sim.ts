import {
  InvalidParameterValueException,
  LambdaServiceException,
  ResourceConflictException,
  ResourceNotFoundException,
  ResourceNotReadyException,
  ServiceException,
  TooManyRequestsException,
} from '@aws-sdk/client-lambda';
import {
  defineSimulatedKind,
  inputField,
  stateVerdict,
  type FaultEffectFor,
} from '../../../engine/sim/kind-model.js';
import { hookBehaviourSchema, SimulatedLambda, type HookBehaviour, type HookSnapshot } from './sim-lambda.js';

/**
 * The simulated AWS of custom hooks (engine/sim/kind-model.ts): the plan's hook functions, the
 * scenario's `hooks` section and the cloud snapshot's `hooks` (invocation counts). Only the local
 * engine imports this file; the kind's Lambda bundle does not.
 */

declare module '../../../engine/sim/kind-model.js' {
  interface KindScenarioSections {
    /** How each hook's function (by hook name, or `"*"`) answers. */
    readonly hooks?: Readonly<Record<string, HookBehaviour>>;
  }
  interface KindSnapshotSections {
    /** Every hook function, with how many times it ran. */
    readonly hooks: readonly HookSnapshot[];
  }
}

const functionNotFound: FaultEffectFor = (input) => ({
  error: {
    name: 'ResourceNotFoundException',
    status: 404,
    message: `Function not found: ${inputField('FunctionName')(input)}`,
  },
});
// A function that is not Active (Pending after creation, Inactive after weeks unused) is refused.
const functionNotReady: FaultEffectFor = () => ({
  error: {
    name: 'ResourceConflictException',
    status: 409,
    message:
      'The operation cannot be performed at this time. The function is currently in the following state: Pending',
  },
});

export const simulatedKind = defineSimulatedKind({
  id: 'custom-hook',
  services: {
    lambda: {
      baseException: LambdaServiceException,
      modeledErrors: {
        InvalidParameterValueException,
        ResourceConflictException,
        ResourceNotFoundException,
        ResourceNotReadyException,
        ServiceException,
        TooManyRequestsException,
      },
      protocol: 'json',
      serverErrorName: 'ServiceException',
      accessDeniedName: 'AccessDeniedException',
      iamPrefix: 'lambda',
    },
  },
  operations: {
    lambda: {
      // The hook's own side effects are the user's: each Invoke counts as a change.
      Invoke: { mutating: true, notFound: functionNotFound, invalidState: functionNotReady },
    },
  },
  scenario: {
    hooks: {
      entry: hookBehaviourSchema,
      names: (plan) => plan.hooks.map((hook) => hook.name),
      what: 'hook',
    },
  },
  snapshotKey: 'hooks',
  verdict: stateVerdict({
    items: (plan) => plan.hooks,
    label: (hook) => hook.name,
    stateOf: (sections, item) =>
      (sections.hooks as readonly HookSnapshot[] | undefined)?.find((hook) => hook.name === item.name),
    key: (hook) => String(hook.invocations),
    notFailedOver: (hook) => (hook.invocations > 0 ? undefined : `hook ${hook.name} was never invoked`),
  }),
  create: (world) => {
    const lambda = new SimulatedLambda(world);
    return {
      operations: { lambda: lambda.operations },
      snapshot: () => lambda.snapshot(),
      endState: () =>
        lambda
          .snapshot()
          .map(
            (hook) =>
              `hook ${hook.name}: invoked ${hook.invocations} time${hook.invocations === 1 ? '' : 's'} (${hook.functionArn})`,
          ),
    };
  },
});

import {
  AccessDeniedException,
  InternalServerError,
  ParameterAlreadyExists,
  ParameterNotFound,
  SSMServiceException,
  ThrottlingException,
  TooManyUpdates,
  ValidationException,
} from '@aws-sdk/client-ssm';
import * as z from 'zod';
import { defineSimulatedKind, inputField, type FaultEffectFor } from '../../../engine/sim/kind-model.js';
import { SimulatedSsm, type ParameterSnapshot } from './sim-parameters.js';

/**
 * The simulated AWS of SSM parameters (engine/sim/kind-model.ts): each plan parameter in the
 * recovery region, pointing at the primaries before the failover; the scenario's `parameters`
 * section and the cloud snapshot's `parameters`. Only the local engine imports this file; the
 * kind's Lambda bundle does not.
 */

const parameterBehaviourSchema = z.strictObject({
  /** The parameter does not exist in the recovery region. */
  missing: z.boolean().optional(),
});

declare module '../../../engine/sim/kind-model.js' {
  interface KindScenarioSections {
    /** Which parameters (by name, or `"*"`) do not exist. */
    readonly parameters?: Readonly<Record<string, z.output<typeof parameterBehaviourSchema>>>;
  }
  interface KindSnapshotSections {
    /** Every parameter in the recovery region, by name. */
    readonly parameters: Readonly<Record<string, ParameterSnapshot>>;
  }
}

const parameterNotFound: FaultEffectFor = (input) => ({
  error: {
    name: 'ParameterNotFound',
    status: 400,
    message: `Parameter ${inputField('Name')(input)} not found.`,
  },
});
const tooManyUpdates: FaultEffectFor = () => ({
  error: {
    name: 'TooManyUpdates',
    status: 400,
    message: 'There are concurrent updates for a resource that supports one update at a time.',
  },
});

export const simulatedKind = defineSimulatedKind({
  id: 'ssm-parameter',
  services: {
    ssm: {
      baseException: SSMServiceException,
      modeledErrors: {
        ParameterNotFound,
        ParameterAlreadyExists,
        ThrottlingException,
        AccessDeniedException,
        InternalServerError,
        ValidationException,
        TooManyUpdates,
      },
      protocol: 'json',
      serverErrorName: 'InternalServerError',
      accessDeniedName: 'AccessDeniedException',
      iamPrefix: 'ssm',
    },
  },
  operations: {
    ssm: {
      GetParameter: { notFound: parameterNotFound },
      GetParameters: {},
      PutParameter: { mutating: true, notFound: parameterNotFound, invalidState: tooManyUpdates },
      DeleteParameter: { mutating: true, notFound: parameterNotFound, invalidState: tooManyUpdates },
    },
  },
  scenario: {
    parameters: {
      entry: parameterBehaviourSchema,
      names: (plan) => plan.parameters.map((parameter) => parameter.name),
      what: 'parameter',
    },
  },
  snapshotKey: 'parameters',
  create: (world) => {
    const ssm = new SimulatedSsm(world);
    return {
      operations: { ssm: ssm.operations },
      snapshot: () => ssm.snapshot(),
      endState: () =>
        Object.entries(ssm.snapshot()).map(([name, parameter]) => `parameter ${name} = ${parameter.value}`),
      // Parameter templates name other kinds' resources: render them once every kind exists.
      seed: (peers) => ssm.seed(peers.templateValues()),
    };
  },
});

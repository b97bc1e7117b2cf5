import { GetParametersCommand } from '@aws-sdk/client-ssm';
import { ssmClient } from '../../common/clients/ssm.js';
import type { Plan } from '../../common/plan.js';
import { fail, guarded, pass, type ReadinessCheck } from '../../common/readiness-checks.js';

/** GetParameters takes at most 10 names. */
const PARAMETERS_PER_CALL = 10;

export async function parameterChecks(names: readonly string[], region: string): Promise<ReadinessCheck[]> {
  const batches: string[][] = [];
  for (let i = 0; i < names.length; i += PARAMETERS_PER_CALL)
    batches.push(names.slice(i, i + PARAMETERS_PER_CALL));
  const results = await Promise.all(
    batches.map(async (batch) => {
      const resource = batch.join(', ');
      return guarded('parameter-exists', resource, `parameters ${resource} in ${region}`, async () => {
        const response = await ssmClient(region).send(new GetParametersCommand({ Names: batch }));
        const missing = new Set(response.InvalidParameters ?? []);
        return batch.map((name) =>
          missing.has(name)
            ? fail('parameter-exists', name, `parameter ${name} not found in ${region}`)
            : pass('parameter-exists', name, `parameter ${name} exists in ${region}`),
        );
      });
    }),
  );
  return results.flat();
}

/** Every parameter of the plan exists in the recovery region. */
export function kindReadiness(plan: Plan): Promise<ReadinessCheck[]> {
  return parameterChecks(
    plan.parameters.map((parameter) => parameter.name),
    plan.recoveryRegion,
  );
}

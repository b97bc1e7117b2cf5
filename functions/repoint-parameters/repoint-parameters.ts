import { GetParameterCommand, PutParameterCommand, type ParameterType } from '@aws-sdk/client-ssm';
import { ssmClient } from '../common/clients/ssm.js';
import { ParameterTemplateError } from '../common/errors.js';
import { nowIso } from '../common/step-handler.js';
import { renderTemplate, type TemplateContext } from '../common/templates.js';
import type {
  PromotedDatabase,
  Repoint,
  RepointedParameter,
  RepointParametersInput,
} from '../common/workflow-state.js';

/**
 * Only a database whose promotion finished may be named in a parameter: a value must never
 * point the application at an instance that is still a read replica.
 */
function templateContext({ plan, databases }: RepointParametersInput): TemplateContext {
  const outputs: Record<string, { endpoint?: string; port?: string; instanceId?: string }> = {};
  for (const database of databases as readonly PromotedDatabase[]) {
    if (database.promotion.status !== 'promoted') continue;
    outputs[database.id] = {
      endpoint: database.promotion.endpoint?.address,
      port: database.promotion.endpoint === undefined ? undefined : String(database.promotion.endpoint.port),
      instanceId: database.promotion.instanceId,
    };
  }
  return {
    recoveryRegion: plan.recoveryRegion,
    primaryRegion: plan.primaryRegion,
    planName: plan.name,
    databases: outputs,
  };
}

async function currentValue(
  region: string,
  name: string,
): Promise<{ value: string | null; type: ParameterType }> {
  try {
    const response = await ssmClient(region).send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    return {
      value: response.Parameter?.Value ?? null,
      type: (response.Parameter?.Type as ParameterType) ?? 'String',
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterNotFound') return { value: null, type: 'String' };
    throw error;
  }
}

/**
 * Points the recovery region's SSM parameters at the new endpoints. Every value is rendered
 * before the first write, so a template that cannot be filled changes nothing. Each previous
 * value is recorded (failback restores it); a parameter that already holds its new value is
 * not written again, so a retried step is harmless.
 * @throws ParameterTemplateError
 */
export async function repointParameters(input: RepointParametersInput): Promise<Repoint> {
  const { plan, dryRun } = input;
  const region = plan.recoveryRegion;
  const context = templateContext(input);
  const rendered = plan.parameters.map((parameter) => {
    try {
      return { name: parameter.name, value: renderTemplate(parameter.value, context) };
    } catch (error) {
      if (error instanceof ParameterTemplateError) {
        throw new ParameterTemplateError(`${parameter.name}: ${error.message}; no parameter was changed`);
      }
      throw error;
    }
  });
  const parameters: RepointedParameter[] = [];
  for (const { name, value } of rendered) {
    const current = await currentValue(region, name);
    const changed = current.value !== value;
    if (changed && !dryRun) {
      await ssmClient(region).send(
        new PutParameterCommand({
          Name: name,
          Value: value,
          Type: current.type,
          Overwrite: current.value !== null,
        }),
      );
    }
    parameters.push({ name, previousValue: current.value, value, changed: changed && !dryRun });
  }
  return { parameters, repointedAt: nowIso(), dryRun };
}

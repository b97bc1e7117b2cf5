import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { ssmClient } from '../common/aws-clients.js';
import { describeGroup, inServiceCount } from '../common/autoscaling.js';
import { describeError } from '../common/errors.js';
import type { Plan } from '../common/plan.js';
import { describeInstance, endpointOf, isReplica } from '../common/rds.js';
import { renderTemplate, type TemplateContext } from '../common/templates.js';

/** One line of "what was done / what was not", read back from AWS rather than from the state. */
export interface AssessedResource {
  readonly kind: 'database' | 'group' | 'parameter';
  readonly name: string;
  readonly done: boolean;
  readonly detail: string;
}

type DatabaseOutputs = TemplateContext['databases'];

async function assessDatabase(
  plan: Plan,
  id: string,
  replica: string,
  outputs: Record<string, DatabaseOutputs[string]>,
) {
  try {
    const instance = await describeInstance(plan.recoveryRegion, replica);
    const status = instance.DBInstanceStatus ?? 'unknown';
    if (isReplica(instance)) {
      // PromoteReadReplica leaves the instance `modifying` with its source for minutes: say so, it cannot be undone.
      const promoting = status === 'modifying' ? ': a promotion may be under way and cannot be undone' : '';
      return {
        kind: 'database',
        name: replica,
        done: false,
        detail: `still a read replica (${status})${promoting}`,
      } as const;
    }
    const done = status === 'available';
    const endpoint = endpointOf(instance);
    if (done && endpoint)
      outputs[id] = { endpoint: endpoint.address, port: String(endpoint.port), instanceId: replica };
    return {
      kind: 'database',
      name: replica,
      done,
      detail: done ? 'promoted: standalone and available' : `standalone, ${status}`,
    } as const;
  } catch (error) {
    return {
      kind: 'database',
      name: replica,
      done: false,
      detail: `unknown: ${describeError(error)}`,
    } as const;
  }
}

async function assessGroup(plan: Plan, name: string, desired: number): Promise<AssessedResource> {
  try {
    const group = await describeGroup(plan.recoveryRegion, name);
    const inService = inServiceCount(group);
    const done = (group.DesiredCapacity ?? 0) >= desired && inService >= desired;
    return {
      kind: 'group',
      name,
      done,
      detail: `desired ${group.DesiredCapacity ?? 0} (plan ${desired}), ${inService} InService`,
    };
  } catch (error) {
    return { kind: 'group', name, done: false, detail: `unknown: ${describeError(error)}` };
  }
}

async function assessParameter(
  plan: Plan,
  name: string,
  template: string,
  context: Promise<TemplateContext>,
): Promise<AssessedResource> {
  let value: string;
  try {
    const response = await ssmClient(plan.recoveryRegion).send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    value = response.Parameter?.Value ?? '';
  } catch (error) {
    return { kind: 'parameter', name, done: false, detail: `unknown: ${describeError(error)}` };
  }
  let target: string | undefined;
  try {
    target = renderTemplate(template, await context);
  } catch {
    target = undefined; // names a database that is not promoted: it must not have been repointed
  }
  if (target !== undefined && value === target)
    return { kind: 'parameter', name, done: true, detail: `points at ${value}` };
  return { kind: 'parameter', name, done: false, detail: `not repointed: holds ${value}` };
}

/**
 * After a failure, reads back every resource of the plan (read-only; a failure to read is
 * reported as unknown) so that the notification says what really was and was not done: a
 * Parallel state that fails discards its branches' outputs, so the execution state cannot tell.
 * A parameter counts as repointed when it holds the value its template renders to from the
 * databases that are really promoted.
 */
export async function assessFailover(plan: Plan): Promise<AssessedResource[]> {
  const outputs: Record<string, DatabaseOutputs[string]> = {};
  // Every resource is read at once: each read may wait out its client's retries (~30 s when an
  // API hangs), and two such waits one after the other would pass the step's 60 s function
  // timeout, which Lambda enforces (a notification that never goes out). A parameter is judged
  // against the databases' read-back once they are in.
  let databasesRead: (context: TemplateContext) => void = () => undefined;
  const context = new Promise<TemplateContext>((resolve) => {
    databasesRead = resolve;
  });
  const groups = Promise.all(plan.scalingGroups.map((group) => assessGroup(plan, group.name, group.desired)));
  const parameters = Promise.all(
    plan.parameters.map((parameter) => assessParameter(plan, parameter.name, parameter.value, context)),
  );
  const databases = await Promise.all(
    plan.databases.map((db) => assessDatabase(plan, db.id, db.replica, outputs)),
  );
  databasesRead({
    recoveryRegion: plan.recoveryRegion,
    primaryRegion: plan.primaryRegion,
    planName: plan.name,
    databases: outputs,
  });
  return [...databases, ...(await groups), ...(await parameters)];
}

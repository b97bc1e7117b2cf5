import type { Plan } from '../../functions/common/plan.js';
import { renderTemplate, type TemplateContext } from '../../functions/common/templates.js';
import { KINDS } from '../../functions/kinds/registry.js';
import type { CloudSnapshot } from '../sim/index.js';
import type { KindVerdict } from '../sim/kind-model.js';
import { SIMULATED_KINDS } from '../sim/kinds.js';

/**
 * What the cloud must look like at the end of a failover that says it succeeded, per kind: the
 * verdict judges `succeeded` by this, never by the subject line alone. A resource the notice
 * says was skipped (optional, and unable to fail over) must be optional in the plan and untouched.
 */

/** One resource of the plan as a notice names it: `- <noun> <label>: <detail>`. */
export interface NoticeResource {
  readonly kind: string;
  readonly noun: string;
  readonly label: string;
  readonly optional: boolean;
}

/** Every resource of the plan, in the notice's words (each kind's singular noun and label). */
export function planResources(plan: Plan): NoticeResource[] {
  return KINDS.flatMap((kind) =>
    (plan[kind.planKey] as readonly { readonly optional?: boolean }[]).map((item) => ({
      kind: kind.id,
      noun: kind.noun.replace(/s$/, ''),
      label: (kind.label as (value: unknown) => string)(item),
      optional: item.optional === true,
    })),
  );
}

/** The notice's line for one resource, and whether it is listed under "Done" (or there is no such list). */
export function resourceLine(
  body: string,
  resource: Pick<NoticeResource, 'noun' | 'label'>,
): { readonly detail: string; readonly done: boolean } | undefined {
  const lines = body.split('\n');
  const notDoneAt = lines.findIndex((line) => line.startsWith('Not done:'));
  const prefix = `- ${resource.noun} ${resource.label}: `;
  const at = lines.findIndex((line) => line.startsWith(prefix));
  if (at < 0) return undefined;
  return { detail: (lines[at] ?? '').slice(prefix.length), done: notDoneAt < 0 || at < notDoneAt };
}

/** A line saying the preflight skipped the resource (functions/kinds/preflight.ts skippedMessage). */
export const saysSkipped = (detail: string): boolean => detail.includes('skipped (optional)');

/** The values the plan's parameter templates render to from the databases the cloud shows promoted. */
function templateContext(plan: Plan, cloud: CloudSnapshot): TemplateContext {
  const databases: Record<string, { endpoint: string; port: string; instanceId: string }> = {};
  for (const database of plan.databases) {
    const db = cloud.databases.find(
      (candidate) => candidate.id === database.replica && candidate.region === plan.recoveryRegion,
    );
    if (db !== undefined && !db.isReplica)
      databases[database.id] = { endpoint: db.endpoint, port: String(db.port), instanceId: db.id };
  }
  const sections = cloud as unknown as Readonly<Record<string, unknown>>;
  const outputs = Object.fromEntries(
    SIMULATED_KINDS.flatMap((kind) => {
      const planKey = KINDS.find((definition) => definition.id === kind.id)?.planKey;
      return kind.templateOutputs === undefined || planKey === undefined
        ? []
        : [[planKey, kind.templateOutputs(plan, sections[kind.snapshotKey])]];
    }),
  );
  return {
    recoveryRegion: plan.recoveryRegion,
    primaryRegion: plan.primaryRegion,
    planName: plan.name,
    databases,
    outputs,
  };
}

/** The verdict a kind's simulated model brings (kinds added after the first three judge their own resources). */
export const kindVerdict = (kindId: string): KindVerdict | undefined =>
  SIMULATED_KINDS.find((kind) => kind.id === kindId)?.verdict;

/** A snapshot as the plain sections a kind's verdict reads. */
export const sections = (cloud: CloudSnapshot): Readonly<Record<string, unknown>> =>
  cloud as unknown as Readonly<Record<string, unknown>>;

/** Why the cloud does not show `resource` failed over, if it does not. */
function notFailedOver(plan: Plan, cloud: CloudSnapshot, resource: NoticeResource): string | undefined {
  switch (resource.noun) {
    case 'replica': {
      const db = cloud.databases.find(
        (candidate) => candidate.id === resource.label && candidate.region === plan.recoveryRegion,
      );
      if (db === undefined) return `replica ${resource.label} is not in ${plan.recoveryRegion}`;
      if (db.isReplica || db.status !== 'available')
        return `${resource.label} is ${db.isReplica ? 'still a read replica' : db.status}`;
      return undefined;
    }
    case 'group': {
      const group = cloud.groups.find(
        (candidate) => candidate.name === resource.label && candidate.region === plan.recoveryRegion,
      );
      const planned = plan.scalingGroups.find((candidate) => candidate.name === resource.label);
      if (group === undefined || planned === undefined) return `group ${resource.label} is not there`;
      return group.desired >= planned.desired
        ? undefined
        : `${resource.label} has desired ${group.desired} of ${planned.desired}`;
    }
    case 'parameter': {
      const planned = plan.parameters.find((candidate) => candidate.name === resource.label);
      const value = cloud.parameters[resource.label]?.value;
      if (planned === undefined) return undefined;
      let target: string;
      try {
        target = renderTemplate(planned.value, templateContext(plan, cloud));
      } catch {
        return `${resource.label} names a database that is not promoted`;
      }
      return value === target ? undefined : `${resource.label} holds ${value ?? '(nothing)'}, not ${target}`;
    }
    default:
      return kindVerdict(resource.kind)?.notFailedOver(
        { plan, before: {}, cloud: sections(cloud) },
        resource.label,
      );
  }
}

/**
 * A success notice's fence lines (issue 10) against the cloud: an old primary it calls fenced is
 * stopping or stopped, an old group it calls fenced is at desired 0. "NOT fenced yet" is never
 * wrong: the scheduled retry looks again (and finds a stop whose answer was lost).
 */
function fenceProblems(plan: Plan, body: string, cloud: CloudSnapshot): string[] {
  const problems: string[] = [];
  for (const database of plan.databases) {
    if (database.primary === undefined || !body.includes(`- old primary ${database.primary}: fenced:`))
      continue;
    const db = cloud.databases.find(
      (candidate) => candidate.id === database.primary && candidate.region === plan.primaryRegion,
    );
    if (db?.status !== 'stopping' && db?.status !== 'stopped')
      problems.push(
        `the notification says old primary ${database.primary} is fenced, but it is ${db?.status ?? 'not there'}`,
      );
  }
  for (const group of plan.scalingGroups) {
    if (group.primaryGroup === undefined || !body.includes(`- old group ${group.primaryGroup}: fenced:`))
      continue;
    const old = cloud.groups.find(
      (candidate) => candidate.name === group.primaryGroup && candidate.region === plan.primaryRegion,
    );
    if (old?.desired !== 0)
      problems.push(
        `the notification says old group ${group.primaryGroup} is fenced, but its desired capacity is ${old?.desired ?? 'unknown'}`,
      );
  }
  return problems;
}

/**
 * Problems of a success notice against the cloud's end state: every resource of the plan is
 * named; a live run left each one failed over (a skipped one optional and untouched); a dry run
 * changed nothing at all.
 */
export function successProblems(
  plan: Plan,
  body: string,
  {
    cloud,
    changed,
    mutatingCalls,
  }: { cloud: CloudSnapshot; changed: readonly string[]; mutatingCalls: number },
): string[] {
  const dryRun = body.includes('DRY RUN');
  const problems: string[] = dryRun ? [] : fenceProblems(plan, body, cloud);
  if (dryRun && (mutatingCalls > 0 || changed.length > 0))
    problems.push(`a dry run that succeeded changed ${changed.join(', ') || 'something'}`);
  for (const resource of planResources(plan)) {
    const name = `${resource.noun} ${resource.label}`;
    const line = resourceLine(body, resource);
    if (line === undefined) {
      problems.push(`the success notification does not mention ${name}`);
      continue;
    }
    if (saysSkipped(line.detail)) {
      if (!resource.optional) problems.push(`${name} is required, but the notification says it was skipped`);
      if (changed.includes(name))
        problems.push(`${name} was changed, but the notification says it was skipped`);
      continue;
    }
    if (dryRun) continue;
    const why = notFailedOver(plan, cloud, resource);
    if (why !== undefined) problems.push(`the notification says SUCCEEDED, but ${why}`);
  }
  return problems;
}

import type { Plan } from '../../functions/common/plan.js';
import { renderTemplate, type TemplateContext } from '../../functions/common/templates.js';
import { KINDS } from '../../functions/kinds/registry.js';
import { SIMULATED_KINDS, type CloudSnapshot } from '../sim/index.js';

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

/** The values the plan's parameter templates render to from the resources the cloud shows failed over. */
function templateContext(plan: Plan, cloud: CloudSnapshot): TemplateContext {
  const outputs = KINDS.flatMap((kind) => {
    const simulated = SIMULATED_KINDS.find((candidate) => candidate.id === kind.id);
    if (kind.templateOutputs === undefined || simulated?.outputsAfter === undefined) return [];
    const items = simulated.outputsAfter(plan, cloud as unknown as Readonly<Record<string, unknown>>);
    return [[kind.planKey, { noun: kind.templateOutputs.noun, items }] as const];
  });
  return {
    recoveryRegion: plan.recoveryRegion,
    primaryRegion: plan.primaryRegion,
    planName: plan.name,
    outputs: Object.fromEntries(outputs),
  };
}

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
      const group = cloud.groups.find((candidate) => candidate.name === resource.label);
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
        return `${resource.label} names a resource that has not failed over`;
      }
      return value === target ? undefined : `${resource.label} holds ${value ?? '(nothing)'}, not ${target}`;
    }
    default:
      return undefined;
  }
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
  const problems: string[] = [];
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

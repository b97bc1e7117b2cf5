import type { Plan } from '../../functions/common/plan.js';
import { HOPELESS_STATUSES } from '../../functions/kinds/rds-replica/rds.js';
import type { ReplayOutcome } from '../runner.js';
import type { CloudSnapshot, PublishedMessage } from '../sim/index.js';
import type { TimelineEntry } from '../timeline.js';
import {
  kindVerdict,
  planResources,
  sections,
  resourceLine,
  saysSkipped,
  successProblems,
  type NoticeResource,
} from './end-state.js';
import type { ObservedReplay } from './observed-replay.js';
import { KINDS } from '../../functions/kinds/registry.js';
import { SIMULATED_KINDS } from '../sim/kinds.js';

/**
 * How one replay ended, judged by the rule a failover orchestrator lives by: it either
 * succeeds, or it stops and says exactly where and what it left behind.
 *
 * - `succeeded`: the failover completed and the success notification went out.
 * - `notified`: failed or aborted, and the final notification names the failed step, the error
 *   and what was and was not done, consistently with the cloud's real end state.
 * - `sns-down`: the final notification could not be published because SNS Publish itself
 *   failed (or, in the Lambda fault matrix, the notify function itself failed or timed out:
 *   engine/faults/lambda-matrix.ts); reported apart, because nobody can be told. The execution's error must still be
 *   the original failure, so that the console tells the story.
 * - `silent-partial`: the cloud was changed (a mutating call was made) and no final
 *   notification says so, or one says so wrongly. Must never happen.
 * - `unnotified`: nothing was changed, but the execution ended without the notification it owes.
 */
export const VERDICTS = ['succeeded', 'notified', 'sns-down', 'silent-partial', 'unnotified'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface ScenarioVerdict {
  readonly verdict: Verdict;
  readonly outcome: ReplayOutcome;
  /** The execution's error code (failed and aborted executions). */
  readonly error: string | undefined;
  /** The step the failure notification names. */
  readonly failedStep: string | undefined;
  /** Whether the final notification went out. */
  readonly notified: boolean;
  /** The last message published, if any. */
  readonly notification: PublishedMessage | undefined;
  /** Attempts of mutating operations (failed ones included). */
  readonly mutatingCalls: number;
  /** Plan resources the cloud shows as changed at the end. */
  readonly changed: readonly string[];
  /** Why the verdict is not `succeeded`/`notified`/a clean `sns-down`; empty when all is well. */
  readonly problems: readonly string[];
}

const KIND_BY_SUBJECT: readonly (readonly [
  string,
  'started' | 'succeeded' | 'failed' | 'aborted' | 'refused',
])[] = [
  ['Failover STARTED', 'started'],
  ['Failover SUCCEEDED', 'succeeded'],
  ['Failover FAILED', 'failed'],
  ['Failover ABORTED', 'aborted'],
  // The lock's refusal notice (minimum interval between failovers): nothing was changed.
  ['Failover REFUSED', 'refused'],
];

export function notificationKind(message: PublishedMessage | undefined): string | undefined {
  const subject = message?.subject ?? '';
  return KIND_BY_SUBJECT.find(([prefix]) => subject.startsWith(prefix))?.[1];
}

const mentionsPromotion = (detail: string): boolean =>
  /promot|standalone|unknown/i.test(detail) ||
  [...HOPELESS_STATUSES].some((status) => detail.includes(`(${status})`));

/** A read-back that could not read the resource sends the operator to look: never wrong. */
const isUnknown = (detail: string): boolean => detail.startsWith('unknown');

/** A changed resource of the plan: `<noun> <label>`, as the notice names it. */
const changedName = (noun: string, label: string): string => `${noun} ${label}`;

/** Plan resources whose state differs between the two snapshots (or whose promotion started). */
export function changedResources(plan: Plan, before: CloudSnapshot, after: CloudSnapshot): string[] {
  const changed: string[] = [];
  for (const db of after.databases) {
    const was = before.databases.find(
      (candidate) => candidate.id === db.id && candidate.region === db.region,
    );
    if (db.promotionStartedAt !== null || (was !== undefined && was.isReplica !== db.isReplica)) {
      changed.push(changedName('replica', db.id));
    }
  }
  // The primary region's groups are the fence's (issue 10), reported on the notice's fence lines.
  for (const group of after.groups.filter((candidate) => candidate.region === plan.recoveryRegion)) {
    const was = before.groups.find(
      (candidate) => candidate.name === group.name && candidate.region === group.region,
    );
    if (
      was === undefined ||
      was.min !== group.min ||
      was.desired !== group.desired ||
      was.max !== group.max
    ) {
      changed.push(changedName('group', group.name));
    }
  }
  for (const [name, parameter] of Object.entries(after.parameters)) {
    if (before.parameters[name]?.value !== parameter.value) changed.push(changedName('parameter', name));
  }
  // Kinds that judge their own resources (engine/sim/kind-model.ts KindVerdict).
  for (const kind of SIMULATED_KINDS) {
    const noun = KINDS.find((defined) => defined.id === kind.id)?.noun.replace(/s$/, '') ?? kind.id;
    for (const label of kind.verdict?.changed({ plan, before: sections(before), cloud: sections(after) }) ??
      [])
      changed.push(changedName(noun, label));
  }
  return changed;
}

/**
 * Whether the notice's line for a resource agrees with the cloud: a changed resource must not
 * read as untouched (described in its pre-failover state), and a resource listed as done must be
 * done. The read-back writes what it found (functions/kinds/<kind>/runtime.ts); a line saying it
 * could not read the resource ("unknown: …", "not found") sends the operator to look, and is
 * not wrong.
 */
function lineProblems(
  plan: Plan,
  resource: NoticeResource,
  line: { readonly detail: string; readonly done: boolean },
  changed: boolean,
  { before, cloud }: { readonly before: CloudSnapshot; readonly cloud: CloudSnapshot },
): string[] {
  const { detail } = line;
  if (isUnknown(detail)) return [];
  const said = `the notification says "${resource.noun} ${resource.label}: ${detail}"`;
  if (saysSkipped(detail)) {
    if (changed) return [`${resource.label} was changed, but ${said}`];
    return resource.optional ? [] : [`${resource.label} is required, but ${said}`];
  }
  switch (resource.noun) {
    case 'replica': {
      // A replica whose promotion RDS accepted cannot be un-promoted: calling it "still a read
      // replica (available)" tells the operator nothing happened. Naming the promotion, a
      // standalone instance, an unknown state or a broken one (`failed`…) sends them to look.
      const db = cloud.databases.find(
        (candidate) => candidate.id === resource.label && candidate.region === plan.recoveryRegion,
      );
      if (changed && !mentionsPromotion(detail))
        return [`a promotion of ${resource.label} was started, but ${said}`];
      if (line.done && (db === undefined || db.isReplica || db.status !== 'available'))
        return [
          `${resource.label} is ${db?.isReplica === false ? db.status : 'still a read replica'}, but ${said} under Done`,
        ];
      return [];
    }
    case 'group': {
      const inRecovery = (candidate: { name: string; region: string }) =>
        candidate.name === resource.label && candidate.region === plan.recoveryRegion;
      const group = cloud.groups.find(inRecovery);
      if (group === undefined) return [];
      // Reading as its pre-failover size while the cloud shows it scaled is reading as untouched.
      const was = before.groups.find(inRecovery);
      if (changed && was !== undefined && detail.includes(`desired ${was.desired} `))
        return [`${resource.label} was scaled from desired ${was.desired} to ${group.desired}, but ${said}`];
      const planned = plan.scalingGroups.find((candidate) => candidate.name === resource.label);
      if (line.done && planned !== undefined && group.desired < planned.desired)
        return [
          `${resource.label} has desired ${group.desired} of ${planned.desired}, but ${said} under Done`,
        ];
      return [];
    }
    case 'parameter': {
      // Reading as holding its pre-failover value while the cloud holds another is reading as untouched.
      const value = cloud.parameters[resource.label]?.value;
      const was = before.parameters[resource.label]?.value;
      if (changed && was !== undefined && detail.endsWith(`holds ${was}`))
        return [`${resource.label} was changed from ${was} to ${value ?? '(deleted)'}, but ${said}`];
      // Listed as done, it must name the value the cloud holds (a read-back found it there).
      if (line.done && (value === undefined || !detail.includes(value)))
        return [`${resource.label} holds ${value ?? '(nothing)'}, but ${said} under Done`];
      return [];
    }
    default: {
      // Kinds that judge their own resources: one listed as done must show failed over.
      const verdict = kindVerdict(resource.kind);
      if (verdict === undefined) return [];
      const context = { plan, before: sections(before), cloud: sections(cloud) };
      const why = line.done ? verdict.notFailedOver(context, resource.label) : undefined;
      return [
        ...(why === undefined ? [] : [`${why}, but ${said} under Done`]),
        ...(verdict.lineProblems?.(context, {
          label: resource.label,
          detail,
          done: line.done,
          changed,
          said,
        }) ?? []),
      ];
    }
  }
}

/**
 * Checks that a failure notification names the step and the error, lists what was and was not
 * done, mentions every resource of the plan, and describes every resource as the cloud shows it
 * (a changed replica, group or parameter never as untouched; nothing as done that is not).
 */
function failureNotificationProblems(
  plan: Plan,
  observed: ObservedReplay,
  body: string,
  changed: readonly string[],
): string[] {
  const { result, before } = observed;
  const problems: string[] = [];
  const step = /^Failed step: (.+)$/m.exec(body)?.[1];
  if (step === undefined || step === 'unknown')
    problems.push('the failure notification does not name the failed step');
  const error = result.error?.error ?? '';
  if (!body.includes(`Error: ${error}`))
    problems.push(`the failure notification does not name the error ${error}`);
  if (!body.includes('Done (read back from AWS):') || !body.includes('Not done:')) {
    problems.push('the failure notification does not say what was and was not done');
  }
  const resources = planResources(plan);
  for (const resource of resources) {
    const line = resourceLine(body, resource);
    if (line === undefined) {
      problems.push(`the failure notification does not mention ${resource.noun} ${resource.label}`);
      continue;
    }
    const wasChanged = changed.includes(changedName(resource.noun, resource.label));
    problems.push(...lineProblems(plan, resource, line, wasChanged, { before, cloud: result.cloud }));
  }
  // A change to anything the plan does not name is a change nobody is told about.
  for (const name of changed) {
    if (!resources.some((resource) => changedName(resource.noun, resource.label) === name))
      problems.push(`${name} was changed, but it is not a resource of the plan`);
  }
  return problems;
}

/**
 * The error a Catch first recorded: the state whose "<state> Failed" bookkeeping Pass state ran
 * (the ASL's convention) and the error it failed with.
 */
export function originalFailure(
  timeline: readonly TimelineEntry[],
): { step: string; error: string } | undefined {
  const failed = timeline
    .filter(
      (entry) =>
        entry.error !== undefined && timeline.some((other) => other.state === `${entry.state} Failed`),
    )
    .sort((a, b) => a.end - b.end)[0];
  return failed?.error === undefined ? undefined : { step: failed.state, error: failed.error };
}

/** Judges one observed replay; see {@link Verdict}. */
export function judgeReplay(plan: Plan, observed: ObservedReplay): ScenarioVerdict {
  const { result, calls, before } = observed;
  const notifications = result.cloud.notifications;
  const last = notifications.at(-1);
  const lastKind = notificationKind(last);
  const changed = changedResources(plan, before, result.cloud);
  const mutatingCalls = result.mutatingCalls;
  const failedStep =
    last !== undefined && lastKind === 'failed' ? /^Failed step: (.+)$/m.exec(last.message)?.[1] : undefined;
  const base = {
    outcome: result.outcome,
    error: result.error?.error,
    failedStep,
    mutatingCalls,
    changed,
    notification: last,
  };
  const publishes = calls.filter((call) => call.service === 'sns' && call.operation === 'Publish');
  const snsDown = publishes.length > 0 && publishes.at(-1)?.outcome !== 'ok';
  const verdict = (value: Verdict, notified: boolean, problems: string[] = []): ScenarioVerdict => ({
    ...base,
    verdict: value,
    notified,
    problems,
  });

  const problems: string[] = [];
  switch (result.outcome) {
    case 'succeeded':
      // Judged by the cloud's end state: the subject line alone could claim anything.
      if (lastKind === 'succeeded' && last !== undefined) {
        const content = successProblems(plan, last.message, { cloud: result.cloud, changed, mutatingCalls });
        if (content.length === 0) return verdict('succeeded', true);
        problems.push(...content);
      } else {
        problems.push('succeeded without a success notification');
      }
      break;
    case 'ignored':
    case 'duplicate':
      // Nothing to do and nobody to page: the one rule is that nothing was changed.
      if (mutatingCalls === 0) return verdict('notified', false);
      problems.push(`an execution that ended ${result.outcome} made mutating calls`);
      break;
    case 'refused':
      // Acquire Lock publishes the refusal itself, before anything could change.
      if (mutatingCalls === 0 && lastKind === 'refused') return verdict('notified', true);
      if (mutatingCalls === 0 && snsDown) return verdict('sns-down', false);
      problems.push(
        mutatingCalls > 0 ? 'refused after mutating calls' : 'refused without a refusal notification',
      );
      break;
    case 'aborted':
      if (lastKind === 'aborted' && mutatingCalls === 0) return verdict('notified', true);
      // A prewarm (plan `prewarm`) changes resources before the abort, and its undo puts them back:
      // fine when the cloud ends as it began and the notice says the prewarm was undone.
      if (
        lastKind === 'aborted' &&
        changed.length === 0 &&
        last?.message.includes('Nothing was failed over: only the prewarm changed anything.') === true
      )
        return verdict('notified', true);
      // FailoverAborted is itself the original story: the alarm was not confirmed.
      if (lastKind !== 'aborted' && snsDown && mutatingCalls === 0) return verdict('sns-down', false);
      problems.push(
        lastKind === 'aborted'
          ? 'aborted ("nothing was changed") after mutating calls'
          : 'aborted without an abort notification',
      );
      break;
    case 'failed':
      if (result.error?.error === 'NotificationUnconfirmedError' && snsDown) {
        // A Publish never answered, so notify neither knows nor resends: the execution fails and
        // the orchestrator's execution alarm (infra/execution-alarm.ts) tells the same topic.
        return verdict('sns-down', false);
      }
      if (lastKind === 'failed' && last !== undefined) {
        const content = failureNotificationProblems(plan, observed, last.message, changed);
        if (content.length === 0) return verdict('notified', true);
        problems.push(...content);
      } else if (snsDown) {
        const original = originalFailure(result.timeline);
        const named = original !== undefined && original.error === result.error?.error;
        if (named) return verdict('sns-down', false);
        problems.push(
          `SNS is down and the execution error ${result.error?.error ?? '(none)'} is not the original failure ${original?.error ?? '(unknown)'}`,
        );
        return verdict('sns-down', false, problems);
      } else {
        problems.push('failed without a failure notification');
      }
      break;
    default:
      problems.push(`ended ${String(result.outcome)}, which this verdict does not know how to judge`);
  }
  return verdict(mutatingCalls > 0 ? 'silent-partial' : 'unnotified', false, problems);
}

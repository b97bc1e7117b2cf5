import type { Plan } from '../../functions/common/plan.js';
import type { CallRecord, CloudSnapshot } from '../sim/index.js';
import type { ObservedReplay } from './observed-replay.js';
import { judgeReplay } from './verdict.js';

/**
 * The safety properties of a failover that must hold under any sequence of faults. Each check
 * returns what it found wrong, in words; an empty list means the property held.
 */

const inputField = (call: CallRecord, field: string): string | undefined => {
  const value = (call.input as Record<string, unknown> | null)?.[field];
  return typeof value === 'string' ? value : undefined;
};

/** Never two PromoteReadReplica calls that RDS accepted for the same instance. */
export function duplicatePromotions(calls: readonly CallRecord[]): string[] {
  const accepted = new Map<string, number>();
  for (const call of calls) {
    if (call.operation !== 'PromoteReadReplica' || call.outcome !== 'ok') continue;
    const id = `${call.region}/${inputField(call, 'DBInstanceIdentifier') ?? '?'}`;
    accepted.set(id, (accepted.get(id) ?? 0) + 1);
  }
  return [...accepted]
    .filter(([, count]) => count > 1)
    .map(([id, count]) => `RDS accepted ${count} promotions of ${id}`);
}

/**
 * Never a parameter pointing at a recovery-region database that is not a promoted, available
 * standalone instance: neither in the end state nor at the moment it was written.
 */
export function parametersAtUnpromotedReplicas(
  plan: Plan,
  calls: readonly CallRecord[],
  cloud: CloudSnapshot,
): string[] {
  const problems: string[] = [];
  const recovery = cloud.databases.filter((db) => db.region === plan.recoveryRegion);
  const target = (value: string) => recovery.find((db) => value.includes(db.endpoint));
  for (const [name, parameter] of Object.entries(cloud.parameters)) {
    const db = target(parameter.value);
    if (db?.isReplica === true)
      problems.push(`parameter ${name} points at ${db.id}, which is still a read replica`);
  }
  for (const call of calls) {
    if (call.operation !== 'PutParameter' || call.outcome !== 'ok') continue;
    const db = target(inputField(call, 'Value') ?? '');
    if (db === undefined) continue;
    const promotedAt = db.promotedAt === null ? undefined : Date.parse(db.promotedAt);
    const alreadyStandalone = db.promotionStartedAt === null && !db.isReplica;
    if (!alreadyStandalone && (promotedAt === undefined || call.time < promotedAt)) {
      const when = new Date(call.time).toISOString();
      problems.push(
        `${inputField(call, 'Name') ?? '?'} was pointed at ${db.id} at ${when}, before it was a promoted, available instance`,
      );
    }
  }
  return problems;
}

/** Every property at once, including "always a final notification (or SNS was down)". */
export function invariantViolations(plan: Plan, observed: ObservedReplay): string[] {
  const verdict = judgeReplay(plan, observed);
  const notification =
    verdict.verdict === 'silent-partial' || verdict.verdict === 'unnotified' || verdict.problems.length > 0
      ? [`${verdict.verdict} (${verdict.outcome} ${verdict.error ?? ''}): ${verdict.problems.join('; ')}`]
      : [];
  return [
    ...duplicatePromotions(observed.calls),
    ...parametersAtUnpromotedReplicas(plan, observed.calls, observed.result.cloud),
    ...notification,
  ];
}

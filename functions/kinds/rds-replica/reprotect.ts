import {
  CreateDBInstanceReadReplicaCommand,
  ModifyDBInstanceCommand,
  StartDBInstanceCommand,
  StopDBInstanceCommand,
  type DBInstance,
} from '@aws-sdk/client-rds';
import { rdsClient } from '../../common/clients/rds.js';
import { ReplicaNotFoundError, ReprotectionFailedError } from '../../common/errors.js';
import { readProgress, writeProgress } from '../../common/failover-record.js';
import { nowIso, secondsSince } from '../../common/step-handler.js';
import { mapBounded, summarise, underWay, type KindContext, type KindSummary } from '../kind-step.js';
import { rdsReplicaKind, type DatabasePlan } from './definition.js';
import { describeInstance, HOPELESS_STATUSES, isReplica } from './rds.js';

/**
 * Re-protection (issue 10, failback): a fresh cross-region read replica under the identifier the
 * plan names, so that the plan needs no edit after a round trip.
 * - `home`: in the primary region, id `primary`, from the recovery region's promoted instance
 *   (`replica`), encrypted with `primaryKmsKeyId`.
 * - `recovery`: in the recovery region, id `replica`, from the home primary (promoted by the
 *   failback), encrypted with `recoveryKmsKeyId`.
 * Where the identifier is taken by the instance that held the role before (the fenced old
 * primary, stopped; or the recovery instance, available), that instance is renamed aside to
 * `<id>-stale-<yyyymmddhhmm>` (RDS cannot modify a stopped instance: it is started first), then
 * stopped again: it is never deleted here (its data is the last word of the old role). Every call
 * is preceded by a look, and a retried look resumes where the record says it was.
 */

const KIND = rdsReplicaKind.id;
const CONCURRENCY = 10;
export const REPROTECT_POLL_SECONDS = 30;

export type ReprotectTarget = 'home' | 'recovery';

export interface Reprotection {
  readonly status: 'renaming-aside' | 'creating' | 'replicating' | 'not-applicable';
  readonly instanceId: string;
  /** The instance renamed aside, named once (write-once through the progress record). */
  readonly staleId?: string;
  readonly startedAt: string;
  readonly doneAt?: string;
  readonly pollSeconds: number;
  readonly dryRun: boolean;
  readonly message: string;
}

/** Where one database's new replica goes and where it comes from. */
interface Placement {
  readonly region: string;
  readonly instanceId: string;
  readonly sourceRegion: string;
  readonly sourceId: string;
  readonly kmsKeyId: string | undefined;
}

function placementOf(
  context: KindContext,
  database: DatabasePlan,
  target: ReprotectTarget,
): Placement | undefined {
  const { plan } = context;
  if (database.primary === undefined) return undefined;
  return target === 'home'
    ? {
        region: plan.primaryRegion,
        instanceId: database.primary,
        sourceRegion: plan.recoveryRegion,
        sourceId: database.replica,
        kmsKeyId: database.primaryKmsKeyId,
      }
    : {
        region: plan.recoveryRegion,
        instanceId: database.replica,
        sourceRegion: plan.primaryRegion,
        sourceId: database.primary,
        kmsKeyId: database.recoveryKmsKeyId,
      };
}

/** `yyyymmddhhmm` in UTC, for the identifiers of instances renamed aside. */
export const stamp = (iso: string): string => iso.replace(/[-:T]/g, '').slice(0, 12);

export const isReplicating = (instance: DBInstance): boolean =>
  instance.DBInstanceStatus === 'available' &&
  (instance.StatusInfos ?? []).some(
    (info) => info.StatusType === 'read replication' && info.Status === 'replicating',
  );

async function lookUp(region: string, id: string): Promise<DBInstance | undefined> {
  try {
    return await describeInstance(region, id);
  } catch (error) {
    if (error instanceof ReplicaNotFoundError) return undefined;
    throw error;
  }
}

/** A guarded call: an answer saying the state moved on under us is read again at the next look. */
async function guarded(send: () => Promise<unknown>, alreadyDone: readonly string[]): Promise<void> {
  try {
    await send();
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (!alreadyDone.includes(name) && name !== 'InvalidDBInstanceStateFault') throw error;
  }
}

interface Step {
  readonly context: KindContext;
  readonly database: DatabasePlan;
  readonly place: Placement;
  readonly previous: Reprotection | undefined;
}

/** The instance holding the identifier is not the replica we want: rename it aside (start it first if stopped). */
async function renameAside(step: Step, holder: DBInstance, base: Reprotection): Promise<Reprotection> {
  const { place, context } = step;
  const staleId = base.staleId ?? `${place.instanceId}-stale-${stamp(nowIso())}`;
  const status = holder.DBInstanceStatus ?? 'unknown';
  const waiting = (message: string): Reprotection => ({
    ...base,
    status: 'renaming-aside',
    staleId,
    message,
  });
  if (context.dryRun)
    return {
      ...waiting(`dry run: would rename ${place.instanceId} (${status}) aside to ${staleId}`),
      status: 'replicating',
      doneAt: nowIso(),
    };
  const rds = rdsClient(place.region);
  if (status === 'stopped') {
    await guarded(() => rds.send(new StartDBInstanceCommand({ DBInstanceIdentifier: place.instanceId })), []);
    return waiting(
      `${place.instanceId} is stopped: started, to rename it aside to ${staleId} (a stopped instance cannot be modified)`,
    );
  }
  if (status !== 'available')
    return waiting(`${place.instanceId} is ${status}: waiting to rename it aside to ${staleId}`);
  await guarded(
    () =>
      rds.send(
        new ModifyDBInstanceCommand({
          DBInstanceIdentifier: place.instanceId,
          NewDBInstanceIdentifier: staleId,
          ApplyImmediately: true,
        }),
      ),
    [],
  );
  return waiting(`${place.instanceId} renamed aside to ${staleId}`);
}

/** The stale instance, once renamed: stopped again, or deleted after a final snapshot. */
async function retireStale(step: Step, staleId: string): Promise<string | undefined> {
  const stale = await lookUp(step.place.region, staleId);
  const status = stale?.DBInstanceStatus;
  if (stale === undefined || status === 'stopped' || status === 'stopping') return undefined;
  if (status !== 'available') return `${staleId} is ${status}: waiting to retire it`;
  await guarded(
    () => rdsClient(step.place.region).send(new StopDBInstanceCommand({ DBInstanceIdentifier: staleId })),
    [],
  );
  return undefined;
}

async function createReplica(step: Step, base: Reprotection): Promise<Reprotection> {
  const { place, database, context } = step;
  const source = await describeInstance(place.sourceRegion, place.sourceId);
  const sourceArn = source.DBInstanceArn ?? place.sourceId;
  if (context.dryRun)
    return {
      ...base,
      status: 'replicating',
      doneAt: nowIso(),
      message: `dry run: would create ${place.instanceId} in ${place.region} as a read replica of ${sourceArn}`,
    };
  await guarded(
    () =>
      rdsClient(place.region).send(
        new CreateDBInstanceReadReplicaCommand({
          DBInstanceIdentifier: place.instanceId,
          SourceDBInstanceIdentifier: sourceArn,
          ...(place.kmsKeyId !== undefined ? { KmsKeyId: place.kmsKeyId } : {}),
          ...(database.instanceClass !== undefined ? { DBInstanceClass: database.instanceClass } : {}),
          ...(database.parameterGroup !== undefined ? { DBParameterGroupName: database.parameterGroup } : {}),
        }),
      ),
    ['DBInstanceAlreadyExistsFault'],
  );
  return {
    ...base,
    status: 'creating',
    message: `${place.instanceId} being created in ${place.region} from ${sourceArn}`,
  };
}

async function advanceOne(step: Step): Promise<Reprotection> {
  const { place, previous, context } = step;
  const base: Reprotection = {
    status: previous?.status ?? 'creating',
    instanceId: place.instanceId,
    ...(previous?.staleId !== undefined ? { staleId: previous.staleId } : {}),
    startedAt: previous?.startedAt ?? nowIso(),
    pollSeconds: REPROTECT_POLL_SECONDS,
    dryRun: context.dryRun,
    message: '',
  };
  const timeout = context.plan.failback.replicaTimeoutSeconds;
  if (secondsSince(base.startedAt) > timeout)
    throw new ReprotectionFailedError(
      `${place.instanceId} (${place.region}) is not an available, replicating read replica ${timeout}s after re-protection started (failback.replicaTimeoutSeconds); last: ${previous?.message ?? 'nothing'}`,
    );
  const holder = await lookUp(place.region, place.instanceId);
  if (holder !== undefined) {
    const sourceOf = holder.ReadReplicaSourceDBInstanceIdentifier ?? '';
    const fromSource =
      isReplica(holder) && (sourceOf === place.sourceId || sourceOf.endsWith(`:db:${place.sourceId}`));
    if (!fromSource) return renameAside(step, holder, base);
    const status = holder.DBInstanceStatus ?? 'unknown';
    if (HOPELESS_STATUSES.has(status))
      throw new ReprotectionFailedError(
        `${place.instanceId} (${place.region}) went ${status} while being created`,
      );
    if (isReplicating(holder))
      return {
        ...base,
        status: 'replicating',
        doneAt: previous?.doneAt ?? nowIso(),
        message: `${place.instanceId} (${place.region}) is available and replicating from ${place.sourceId}`,
      };
    return { ...base, status: 'creating', message: `${place.instanceId} (${place.region}) is ${status}` };
  }
  if (base.staleId !== undefined) {
    const waiting = await retireStale(step, base.staleId);
    if (waiting !== undefined) return { ...base, status: 'renaming-aside', message: waiting };
  }
  return createReplica(step, base);
}

/** `reprotect` of the RDS kind: every database with a `primary`, at `context.target`. */
export async function reprotectDatabases(context: KindContext): Promise<KindSummary> {
  const target: ReprotectTarget = context.target ?? 'home';
  const key = `${KIND}-reprotect-${target}`;
  const recorded = (await readProgress<Reprotection[]>(context.scope, key)) ?? [];
  const progress = await mapBounded(context.plan.databases, CONCURRENCY, async (database, i) => {
    const previous = recorded[i];
    if (previous?.status === 'replicating' || previous?.status === 'not-applicable') return previous;
    const place = placementOf(context, database, target);
    if (place === undefined)
      return {
        status: 'not-applicable',
        instanceId: database.replica,
        startedAt: nowIso(),
        pollSeconds: 0,
        dryRun: context.dryRun,
        message: `${database.replica} names no primary: not failed back`,
      } satisfies Reprotection;
    return advanceOne({ context, database, place, previous });
  });
  await writeProgress(context.scope, key, progress);
  return summarise(
    KIND,
    'reprotect',
    progress.map((item) =>
      item.status === 'not-applicable'
        ? { done: true, pollSeconds: 0 }
        : underWay(item, item.status === 'replicating', item.doneAt),
    ),
    `replicas re-protected (${target})`,
  );
}

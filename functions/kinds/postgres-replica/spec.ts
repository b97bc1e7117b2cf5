import type { Plan } from '../../common/plan.js';
import { type CommandKindSpec, type Facts } from '../run-command.js';
import { postgresReplicaKind, type PostgresReplicaPlan } from './definition.js';
import { POSTGRES_REPLICA_DOCUMENTS as DOCUMENTS } from './documents/index.js';
import type { ReadBackFacts, ReplicaLagFacts, WritableFacts } from './types.js';

/**
 * The self-hosted PostgreSQL streaming replica kind, through SSM Run Command on the replica's
 * node: the gate (node Online, still in recovery, replay lag within maxLagSeconds and
 * maxLagBytes), pg_promote() (idempotent: an already promoted server is success), then the
 * write check until the server commits a write; read-back reports role, timeline and LSN.
 */

const connection = (item: PostgresReplicaPlan) => ({
  Host: item.host,
  Port: String(item.port),
  Database: item.database,
  DbUser: item.dbUser,
  OsUser: item.osUser,
});

const lagOf = (facts: ReplicaLagFacts): number | null => {
  const lag = typeof facts.lagSeconds === 'string' ? Number(facts.lagSeconds) : facts.lagSeconds;
  return typeof lag === 'number' && Number.isFinite(lag) ? lag : null;
};

export const postgresReplicaSpec: CommandKindSpec<PostgresReplicaPlan> = {
  kind: postgresReplicaKind.id,
  noun: postgresReplicaKind.noun,
  doneNoun: 'PostgreSQL replicas promoted',
  items: (plan: Plan) => plan.postgresReplicas,
  label: postgresReplicaKind.label,
  optional: (item) => item.optional,
  node: (item) => item.replicaNode,
  gate: {
    call: (item) => ({
      document: DOCUMENTS.gate,
      inputs: {
        ...connection(item),
        MaxLagSeconds: String(item.maxLagSeconds),
        MaxLagBytes: String(item.maxLagBytes),
      },
    }),
    verdict: (item, raw: Facts) => {
      const facts = raw as unknown as ReplicaLagFacts;
      const lagSeconds = lagOf(facts);
      if (!facts.inRecovery)
        // Already promoted (a re-run, or someone promoted it by hand): nothing to lose, the start is a no-op.
        return { within: true, lagSeconds: 0, detail: 'not in recovery: already promoted' };
      const lag = `replay lag ${lagSeconds ?? 'unknown'}s and ${facts.lagBytes ?? 'unknown'} bytes (max ${item.maxLagSeconds}s, ${item.maxLagBytes} bytes), upstream ${facts.upstream ?? 'none'}`;
      return {
        within: facts.withinThreshold,
        lagSeconds,
        detail: facts.withinThreshold ? `${lag}: within` : `${lag}: over the threshold`,
      };
    },
    waitSeconds: (item) => item.lagWaitSeconds,
    onExceeded: (item) => (item.onLagExceeded === 'promote' ? 'proceed' : 'abort'),
  },
  start: (item) => ({ document: DOCUMENTS.start, inputs: connection(item) }),
  check: (item) => ({
    document: DOCUMENTS.check,
    inputs: connection(item),
    done: (facts) => (facts as unknown as WritableFacts).writable === true,
    detail: (facts) => {
      const writable = facts as unknown as Partial<WritableFacts>;
      return writable.writable === true
        ? `promoted: accepts writes at LSN ${writable.lsn}`
        : `not writable yet (in recovery: ${String(writable.inRecovery ?? 'unknown')})`;
    },
  }),
  readBack: (item) => ({
    document: DOCUMENTS.readBack,
    inputs: connection(item),
    done: (facts) => (facts as unknown as ReadBackFacts).role === 'primary',
    detail: (facts) => {
      const back = facts as unknown as ReadBackFacts;
      return back.role === 'primary'
        ? `primary on timeline ${back.timeline} at LSN ${back.lsn}`
        : `still a replica (timeline ${back.timeline}, LSN ${back.lsn}, upstream ${back.upstream ?? 'none'})`;
    },
  }),
  timeoutSeconds: (item) => item.promotionTimeoutSeconds,
};

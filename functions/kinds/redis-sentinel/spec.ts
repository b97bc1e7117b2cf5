import type { Plan } from '../../common/plan.js';
import { type CommandKindSpec, type Facts } from '../run-command.js';
import { redisSentinelKind, type RedisSentinelPlan } from './definition.js';
import { REDIS_SENTINEL_DOCUMENTS as DOCUMENTS } from './documents/index.js';
import type { MasterStateFacts, ReplicaLinkFacts } from './types.js';

/**
 * The Redis Sentinel kind, through SSM Run Command on the recovery replica's node: the gate (node
 * Online; the recovery node is a replica with a link, its offset lag within maxOffsetLag when the
 * master still answers), SENTINEL FAILOVER (idempotent: Sentinel already naming the recovery node
 * is success), then the master-state document until Sentinel names the recovery node and it
 * reports ROLE master.
 */

const sentinel = (item: RedisSentinelPlan) => ({
  SentinelHost: item.sentinelHost,
  SentinelPort: String(item.sentinelPort),
  MasterName: item.masterName,
  RecoveryHost: item.recoveryHost,
  RecoveryPort: String(item.recoveryPort),
  SentinelPasswordFile: item.sentinelPasswordFile ?? '',
});
const masterState = (item: RedisSentinelPlan) => ({
  document: DOCUMENTS.check,
  inputs: { ...sentinel(item), PasswordFile: item.passwordFile ?? '' },
  done: (facts: Facts) => (facts as unknown as MasterStateFacts).done === true,
  detail: (facts: Facts) => {
    const state = facts as unknown as Partial<MasterStateFacts>;
    return state.done === true
      ? `Sentinel names ${state.sentinelMaster} as master of ${item.masterName}; it reports ROLE master`
      : `Sentinel names ${state.sentinelMaster ?? 'unknown'} as master; ${item.recoveryHost}:${item.recoveryPort} reports ROLE ${state.recoveryRole ?? 'unknown'}`;
  },
});

export const redisSentinelSpec: CommandKindSpec<RedisSentinelPlan> = {
  kind: redisSentinelKind.id,
  noun: redisSentinelKind.noun,
  doneNoun: 'Redis masters moved',
  items: (plan: Plan) => plan.redisSentinels,
  label: redisSentinelKind.label,
  optional: (item) => item.optional,
  node: (item) => item.node,
  gate: {
    call: (item) => ({
      document: DOCUMENTS.gate,
      inputs: {
        RedisHost: item.recoveryHost,
        RedisPort: String(item.recoveryPort),
        PasswordFile: item.passwordFile ?? '',
        MaxOffsetLag: String(item.maxOffsetLag),
      },
    }),
    verdict: (item, raw) => {
      const facts = raw as unknown as ReplicaLinkFacts;
      if (facts.role === 'master') return { within: true, detail: 'already master' };
      const link = `replica of ${facts.master ?? 'unknown'}, link ${facts.masterLinkStatus ?? 'unknown'}, offset lag ${facts.offsetLag ?? 'unknown (master unreachable)'} bytes (max ${item.maxOffsetLag})`;
      return {
        within: facts.withinThreshold,
        detail: facts.withinThreshold ? `${link}: within` : `${link}: over the threshold`,
      };
    },
    waitSeconds: (item) => item.lagWaitSeconds,
    onExceeded: (item) => (item.onLagExceeded === 'promote' ? 'proceed' : 'abort'),
  },
  start: (item) => ({ document: DOCUMENTS.start, inputs: sentinel(item) }),
  check: masterState,
  readBack: masterState,
  timeoutSeconds: (item) => item.failoverTimeoutSeconds,
};

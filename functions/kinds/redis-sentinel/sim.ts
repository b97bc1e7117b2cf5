import { defineSimulatedKind, stateVerdict } from '../../../engine/sim/kind-model.js';
import type { SimWorld } from '../../../engine/sim/world.js';
import {
  commandError,
  factsLine,
  nodeBehaviour,
  registerRunCommandKind,
  runCommandFor,
  type CommandRecord,
  type NodeCommand,
  type NodeCommandResult,
  type RunCommandModel,
} from '../sim-run-command.js';
import { redisSentinelKind, type RedisSentinelPlan } from './definition.js';
import { REDIS_SENTINEL_DOCUMENTS as DOCUMENTS } from './documents/index.js';

/**
 * The simulated Redis masters watched by Sentinel: per plan item, the master Sentinel names, the
 * recovery replica's ROLE and offset lag, and a failover that completes `changeSeconds` after
 * SENTINEL FAILOVER. SSM Run Command itself is served through functions/kinds/sim-run-command.ts.
 */

const KIND = redisSentinelKind.id;

export interface RedisMasterSnapshot {
  readonly node: string;
  readonly sentinelMaster: string;
  readonly recoveryRole: 'master' | 'slave';
  /** SENTINEL FAILOVER was asked (count). */
  readonly failovers: number;
}

declare module '../../../engine/sim/kind-model.js' {
  interface KindSnapshotSections {
    /** The Redis masters by plan id, and the commands sent for them. */
    readonly redisSentinels: {
      readonly masters: Readonly<Record<string, RedisMasterSnapshot>>;
      readonly commands: readonly CommandRecord[];
    };
  }
}

interface MasterState {
  readonly item: RedisSentinelPlan;
  sentinelMaster: string;
  failoverDoneAt: number | undefined;
  failovers: number;
}

const OLD_MASTER_PORT = 6379;
const oldMaster = (item: RedisSentinelPlan) => `${item.masterName}-primary:${OLD_MASTER_PORT}`;
const recoveryOf = (item: RedisSentinelPlan) => `${item.recoveryHost}:${item.recoveryPort}`;

function createModel(world: SimWorld): RunCommandModel {
  const masters = new Map<string, MasterState>(
    world.plan.redisSentinels.map((item) => [
      item.id,
      {
        item,
        sentinelMaster:
          nodeBehaviour(world, item.node).alreadyPromoted === true ? recoveryOf(item) : oldMaster(item),
        failoverDoneAt: undefined,
        failovers: 0,
      },
    ]),
  );
  /** Sentinel completes the failover on its own time. */
  const settle = (state: MasterState, now: number) => {
    if (state.failoverDoneAt !== undefined && now >= state.failoverDoneAt)
      state.sentinelMaster = recoveryOf(state.item);
  };
  const run = (command: NodeCommand): NodeCommandResult => {
    const state = [...masters.values()].find(
      (master) =>
        master.item.node === command.node &&
        (command.inputs.MasterName ?? master.item.masterName) === master.item.masterName,
    );
    if (state === undefined)
      return commandError(KIND, command.document, command.node, 'Sentinel does not monitor this master');
    settle(state, command.now);
    const { item } = state;
    const isMaster = state.sentinelMaster === recoveryOf(item);
    const lagSeconds = nodeBehaviour(world, command.node).lagSeconds ?? 0;
    switch (command.document) {
      case DOCUMENTS.gate: {
        const offsetLag = isMaster ? null : Math.round(lagSeconds * 1_048_576);
        const max = Number(command.inputs.MaxOffsetLag ?? item.maxOffsetLag);
        return factsLine({
          role: isMaster ? 'master' : 'slave',
          master: isMaster ? null : state.sentinelMaster,
          masterLinkStatus: isMaster ? null : 'up',
          masterLastIoSecondsAgo: isMaster ? null : 1,
          masterLinkDownSinceSeconds: null,
          replicaOffset: isMaster ? null : 90_000,
          masterOffset: isMaster || offsetLag === null ? null : 90_000 + offsetLag,
          offsetLag,
          maxOffsetLag: max,
          withinThreshold: isMaster || (offsetLag ?? 0) <= max,
        });
      }
      case DOCUMENTS.start: {
        const previous = state.sentinelMaster;
        let outcome = 'already-master';
        if (!isMaster) {
          outcome = state.failoverDoneAt === undefined ? 'failover-started' : 'failover-in-progress';
          state.failovers += 1;
          state.failoverDoneAt ??=
            command.now + (nodeBehaviour(world, command.node).changeSeconds ?? 2) * 1000;
          settle(state, command.now);
        }
        return factsLine({
          state: outcome,
          failoverStarted: outcome !== 'already-master',
          alreadyMaster: outcome === 'already-master',
          previousMaster: previous,
          sentinelMaster: state.sentinelMaster,
          recovery: recoveryOf(item),
        });
      }
      case DOCUMENTS.check:
        return factsLine({
          done: isMaster,
          sentinelMaster: state.sentinelMaster,
          recoveryRole: isMaster ? 'master' : 'slave',
          recoveryOffset: 90_000,
          connectedReplicas: isMaster ? 0 : null,
          replicationId: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
        });
      default:
        return commandError(KIND, command.document, command.node, 'the model does not run this document');
    }
  };
  return {
    run,
    snapshot: () =>
      Object.fromEntries(
        [...masters].map(([id, state]): [string, RedisMasterSnapshot] => [
          id,
          {
            node: state.item.node,
            sentinelMaster: state.sentinelMaster,
            recoveryRole: state.sentinelMaster === recoveryOf(state.item) ? 'master' : 'slave',
            failovers: state.failovers,
          },
        ]),
      ),
  };
}

registerRunCommandKind({
  kind: KIND,
  documents: [...new Set(Object.values(DOCUMENTS))],
  nodes: (plan) => plan.redisSentinels.map((item) => item.node),
  createModel,
});

export const simulatedKind = defineSimulatedKind({
  id: KIND,
  // SSM Run Command is served by the postgres-replica kind's sim for every Run Command kind.
  operations: {},
  scenario: {},
  snapshotKey: 'redisSentinels',
  verdict: stateVerdict({
    items: (plan) => plan.redisSentinels,
    label: redisSentinelKind.label,
    stateOf: (sections, item) =>
      (sections.redisSentinels as { masters?: Record<string, RedisMasterSnapshot> } | undefined)?.masters?.[
        item.id
      ],
    key: (master) => master.sentinelMaster,
    notFailedOver: (master) =>
      master.recoveryRole === 'master'
        ? undefined
        : `Sentinel still names ${master.sentinelMaster} the master`,
  }),
  create: (world) => {
    const runCommand = runCommandFor(world);
    return {
      operations: {},
      snapshot: (now) => ({
        masters: runCommand.snapshotOf(KIND),
        commands: runCommand.commandsOf(KIND, now),
      }),
      endState: () =>
        Object.entries(runCommand.snapshotOf(KIND) as Record<string, RedisMasterSnapshot>).map(
          ([id, master]) =>
            `redis ${id} on ${master.node}: sentinel master ${master.sentinelMaster}, recovery side ${master.recoveryRole}`,
        ),
    };
  },
});

import { defineSimulatedKind, stateVerdict } from '../../../engine/sim/kind-model.js';
import type { SimWorld } from '../../../engine/sim/world.js';
import {
  commandError,
  factsLine,
  nodeBehaviour,
  NODES_SCENARIO_SECTION,
  registerRunCommandKind,
  RUN_COMMAND_OPERATIONS,
  runCommandFor,
  type CommandRecord,
  type NodeCommand,
  type NodeCommandResult,
  type RunCommandModel,
} from '../sim-run-command.js';
import { postgresReplicaKind, type PostgresReplicaPlan } from './definition.js';
import { POSTGRES_REPLICA_DOCUMENTS as DOCUMENTS } from './documents/index.js';

/**
 * The simulated self-hosted PostgreSQL replicas: one small state machine per replica server
 * (in recovery with a lag, then promoted on a new timeline) answering each document with the
 * JSON line the real script prints. This kind also serves SSM Run Command for the three
 * self-hosted kinds (functions/kinds/sim-run-command.ts: one side serves an operation), and
 * declares the scenario's `nodes` section they share. Only the local engine imports this file.
 */

const KIND = postgresReplicaKind.id;

/** One replica server as the model keeps it. */
export interface PostgresServerSnapshot {
  readonly node: string;
  readonly inRecovery: boolean;
  readonly timeline: number;
  readonly lsn: string;
  /** Rows the write check committed (0 while in recovery). */
  readonly probeWrites: number;
}

declare module '../../../engine/sim/kind-model.js' {
  interface KindSnapshotSections {
    /** The PostgreSQL replica servers by plan id, and the commands sent to them. */
    readonly postgresReplicas: {
      readonly servers: Readonly<Record<string, PostgresServerSnapshot>>;
      readonly commands: readonly CommandRecord[];
    };
  }
}

interface ServerState {
  readonly item: PostgresReplicaPlan;
  inRecovery: boolean;
  timeline: number;
  lsn: number;
  probeWrites: number;
}

const lsnText = (lsn: number) => `0/${lsn.toString(16).toUpperCase()}`;

function createModel(world: SimWorld): RunCommandModel {
  const servers = new Map<string, ServerState>(
    world.plan.postgresReplicas.map((item) => {
      const promoted = nodeBehaviour(world, item.replicaNode).alreadyPromoted === true;
      return [
        item.id,
        { item, inRecovery: !promoted, timeline: promoted ? 2 : 1, lsn: 0x3000060, probeWrites: 0 },
      ];
    }),
  );
  const serverFor = (command: NodeCommand) =>
    [...servers.values()].find(
      (server) =>
        server.item.replicaNode === command.node && String(server.item.port) === command.inputs.Port,
    ) ?? [...servers.values()].find((server) => server.item.replicaNode === command.node);

  const run = (command: NodeCommand): NodeCommandResult => {
    const server = serverFor(command);
    if (server === undefined)
      return commandError(KIND, command.document, command.node, 'no PostgreSQL server answers on this port');
    const lagSeconds = server.inRecovery ? (nodeBehaviour(world, command.node).lagSeconds ?? 0) : 0;
    switch (command.document) {
      case DOCUMENTS.gate: {
        const lagBytes = Math.round(lagSeconds * 1_048_576);
        const maxSeconds = Number(command.inputs.MaxLagSeconds ?? 30);
        const maxBytes = Number(command.inputs.MaxLagBytes ?? 16_777_216);
        return factsLine({
          inRecovery: server.inRecovery,
          receiveLsn: lsnText(server.lsn + lagBytes),
          replayLsn: lsnText(server.lsn),
          lastReplayAt: new Date(command.now - lagSeconds * 1000).toISOString(),
          lagBytes,
          lagSeconds,
          maxLagBytes: maxBytes,
          maxLagSeconds: maxSeconds,
          withinThreshold: lagBytes <= maxBytes && lagSeconds <= maxSeconds,
          replayPaused: false,
          walReceiver: server.inRecovery ? 'streaming' : null,
          upstream: server.inRecovery ? `${server.item.primaryNode}:${server.item.port}` : null,
        });
      }
      case DOCUMENTS.start: {
        const already = !server.inRecovery;
        if (!already) {
          server.inRecovery = false;
          server.timeline += 1;
          server.lsn += 0x100;
        }
        return factsLine({
          promoted: true,
          alreadyPromoted: already,
          inRecovery: false,
          timeline: server.timeline,
          lsn: lsnText(server.lsn),
        });
      }
      case DOCUMENTS.check: {
        const writable = !server.inRecovery;
        if (writable) {
          server.probeWrites += 1;
          server.lsn += 0x80;
        }
        return factsLine({
          writable,
          inRecovery: server.inRecovery,
          transactionReadOnly: server.inRecovery,
          probeWrittenAt: writable ? new Date(command.now).toISOString() : null,
          synchronousStandbyNames: '',
          lsn: lsnText(server.lsn),
        });
      }
      case DOCUMENTS.readBack:
        return factsLine({
          role: server.inRecovery ? 'replica' : 'primary',
          inRecovery: server.inRecovery,
          timeline: server.timeline,
          checkpointTimeline: server.timeline,
          lsn: lsnText(server.lsn),
          lastReplayAt: null,
          upstream: server.inRecovery ? `${server.item.primaryNode}:${server.item.port}` : null,
          serverVersion: '15.10',
        });
      default:
        return commandError(KIND, command.document, command.node, 'the model does not run this document');
    }
  };
  return {
    run,
    snapshot: () =>
      Object.fromEntries(
        [...servers].map(([id, server]): [string, PostgresServerSnapshot] => [
          id,
          {
            node: server.item.replicaNode,
            inRecovery: server.inRecovery,
            timeline: server.timeline,
            lsn: lsnText(server.lsn),
            probeWrites: server.probeWrites,
          },
        ]),
      ),
  };
}

registerRunCommandKind({
  kind: KIND,
  documents: Object.values(DOCUMENTS),
  executionTimeoutSeconds: { [DOCUMENTS.start]: 120, [DOCUMENTS.failback]: 3600 },
  nodes: (plan) => plan.postgresReplicas.map((item) => item.replicaNode),
  createModel,
});

export const simulatedKind = defineSimulatedKind({
  id: KIND,
  operations: { ssm: RUN_COMMAND_OPERATIONS },
  scenario: NODES_SCENARIO_SECTION,
  snapshotKey: 'postgresReplicas',
  verdict: stateVerdict({
    items: (plan) => plan.postgresReplicas,
    label: postgresReplicaKind.label,
    stateOf: (sections, item) =>
      (sections.postgresReplicas as { servers?: Record<string, PostgresServerSnapshot> } | undefined)
        ?.servers?.[item.id],
    key: (server) => `${server.inRecovery}/${server.timeline}`,
    notFailedOver: (server) =>
      server.inRecovery ? `${server.node} is still in recovery (a standby)` : undefined,
  }),
  create: (world) => {
    const runCommand = runCommandFor(world);
    return {
      operations: { ssm: runCommand.operations },
      snapshot: (now) => ({
        servers: runCommand.snapshotOf(KIND),
        commands: runCommand.commandsOf(KIND, now),
      }),
      endState: () =>
        Object.entries(runCommand.snapshotOf(KIND) as Record<string, PostgresServerSnapshot>).map(
          ([id, server]) =>
            `postgres ${id} on ${server.node}: ${server.inRecovery ? 'standby (in recovery)' : 'primary'}, timeline ${server.timeline}, ${server.probeWrites} write checks`,
        ),
    };
  },
});

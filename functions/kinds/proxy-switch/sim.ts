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
import { proxySwitchKind, type ProxySwitchPlan } from './definition.js';
import { PROXY_SWITCH_DOCUMENTS } from './documents/index.js';

/**
 * The simulated HAProxy and Nginx in front of the application: per plan item, which backend takes
 * the traffic (the primary's before the failover; the primary is down, so a request through
 * Nginx answers 502 until the switch). SSM Run Command is served through
 * functions/kinds/sim-run-command.ts.
 */

const KIND = proxySwitchKind.id;

export interface ProxySnapshot {
  readonly node: string;
  readonly proxy: 'haproxy' | 'nginx';
  readonly active: 'primary' | 'recovery';
  readonly switches: number;
}

declare module '../../../engine/sim/kind-model.js' {
  interface KindSnapshotSections {
    /** The proxies by plan id, and the commands sent to them. */
    readonly proxySwitches: {
      readonly proxies: Readonly<Record<string, ProxySnapshot>>;
      readonly commands: readonly CommandRecord[];
    };
  }
}

interface ProxyState {
  readonly item: ProxySwitchPlan;
  active: 'primary' | 'recovery';
  switches: number;
}

const primaryFile = (target: string) =>
  target.includes('recovery') ? target.replace('recovery', 'primary') : `${target}.primary`;

function createModel(world: SimWorld): RunCommandModel {
  const proxies = new Map<string, ProxyState>(
    world.plan.proxySwitches.map((item) => [
      item.id,
      {
        item,
        active: nodeBehaviour(world, item.node).alreadyPromoted === true ? 'recovery' : 'primary',
        switches: 0,
      },
    ]),
  );
  const find = (command: NodeCommand) =>
    [...proxies.values()].find(
      (proxy) =>
        proxy.item.node === command.node &&
        (proxy.item.proxy === 'haproxy'
          ? proxy.item.backend === command.inputs.Backend
          : proxy.item.activeInclude === command.inputs.ActiveInclude),
    );
  const run = (command: NodeCommand): NodeCommandResult => {
    const state = find(command);
    if (state === undefined)
      return commandError(KIND, command.document, command.node, 'no such backend or include on this proxy');
    const { item } = state;
    const switched = state.active === 'recovery';
    if (item.proxy === 'haproxy') {
      const documents = PROXY_SWITCH_DOCUMENTS.haproxy;
      const statuses = () => ({
        backend: item.backend,
        recoveryServer: item.recoveryServer,
        recoveryStatus: state.active === 'recovery' ? 'UP' : 'MAINT',
        primaryServer: item.primaryServer ?? '',
        primaryStatus: item.primaryServer === undefined ? '' : state.active === 'recovery' ? 'MAINT' : 'DOWN',
        configPersisted: state.active === 'recovery',
      });
      if (command.document === documents.start) {
        state.active = 'recovery';
        state.switches += 1;
        return factsLine(statuses());
      }
      if (command.document === documents.check) return factsLine({ switched, ...statuses() });
    } else {
      const documents = PROXY_SWITCH_DOCUMENTS.nginx;
      const target = (active: 'primary' | 'recovery') =>
        active === 'recovery' ? item.targetFile : primaryFile(item.targetFile);
      if (command.document === documents.start) {
        const previous = target(state.active);
        state.active = 'recovery';
        state.switches += 1;
        return factsLine({
          switched: true,
          alreadyActive: switched,
          previousTarget: previous,
          target: item.targetFile,
          reloaded: true,
          master: 4242,
        });
      }
      if (command.document === documents.check) {
        const probe = (command.inputs.ProbeUrl ?? '') !== '';
        return factsLine({
          switched,
          activeTarget: target(state.active),
          target: item.targetFile,
          probeStatus: probe ? (switched ? 200 : 502) : null,
          probeBody: probe ? (switched ? 'served by the recovery backend' : 'Bad Gateway') : null,
        });
      }
    }
    return commandError(KIND, command.document, command.node, 'the model does not run this document');
  };
  return {
    run,
    snapshot: () =>
      Object.fromEntries(
        [...proxies].map(([id, state]): [string, ProxySnapshot] => [
          id,
          { node: state.item.node, proxy: state.item.proxy, active: state.active, switches: state.switches },
        ]),
      ),
  };
}

registerRunCommandKind({
  kind: KIND,
  documents: [
    ...new Set(Object.values(PROXY_SWITCH_DOCUMENTS).flatMap((documents) => Object.values(documents))),
  ],
  nodes: (plan) => plan.proxySwitches.map((item) => item.node),
  createModel,
});

export const simulatedKind = defineSimulatedKind({
  id: KIND,
  // SSM Run Command is served by the postgres-replica kind's sim for every Run Command kind.
  operations: {},
  scenario: {},
  snapshotKey: 'proxySwitches',
  verdict: stateVerdict({
    items: (plan) => plan.proxySwitches,
    label: proxySwitchKind.label,
    stateOf: (sections, item) =>
      (sections.proxySwitches as { proxies?: Record<string, ProxySnapshot> } | undefined)?.proxies?.[item.id],
    key: (proxy) => proxy.active,
    notFailedOver: (proxy) =>
      proxy.active === 'recovery' ? undefined : `${proxy.node} still routes to the primary`,
  }),
  create: (world) => {
    const runCommand = runCommandFor(world);
    return {
      operations: {},
      snapshot: (now) => ({
        proxies: runCommand.snapshotOf(KIND),
        commands: runCommand.commandsOf(KIND, now),
      }),
      endState: () =>
        Object.entries(runCommand.snapshotOf(KIND) as Record<string, ProxySnapshot>).map(
          ([id, proxy]) =>
            `${proxy.proxy} ${id} on ${proxy.node}: routes to ${proxy.active}, ${proxy.switches} switches`,
        ),
    };
  },
});

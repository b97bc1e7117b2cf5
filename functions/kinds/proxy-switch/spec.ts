import type { Plan } from '../../common/plan.js';
import { type CommandKindSpec, type DocumentCall, type Facts } from '../run-command.js';
import { proxySwitchKind, type ProxySwitchPlan } from './definition.js';
import { PROXY_SWITCH_DOCUMENTS } from './documents/index.js';
import type { ProxyStateFacts } from './types.js';

/**
 * The HAProxy / Nginx switch kind, through SSM Run Command on the proxy's node: the gate is
 * read-only (node Online, the proxy's state readable: the backend and its servers exist, or the
 * include link is there); the switch (HAProxy runtime API persisted in the configuration; Nginx
 * include link, nginx -t, reload) is safe to run twice; the check reads the state until the
 * recovery backend takes the traffic (Nginx: and the probe request answers below 500).
 */

const stateCall = (item: ProxySwitchPlan): DocumentCall =>
  item.proxy === 'haproxy'
    ? {
        document: PROXY_SWITCH_DOCUMENTS.haproxy.check,
        inputs: {
          AdminSocket: item.adminSocket,
          Backend: item.backend,
          RecoveryServer: item.recoveryServer,
          PrimaryServer: item.primaryServer ?? '',
          ConfigFile: item.configFile,
        },
      }
    : {
        document: PROXY_SWITCH_DOCUMENTS.nginx.check,
        inputs: {
          ActiveInclude: item.activeInclude,
          TargetFile: item.targetFile,
          ProbeUrl: item.probeUrl ?? '',
        },
      };

const switched = (facts: Facts): boolean => {
  const state = facts as unknown as ProxyStateFacts;
  return state.switched === true && (typeof state.probeStatus !== 'number' || state.probeStatus < 500);
};

const describe = (item: ProxySwitchPlan, facts: Facts): string => {
  const state = facts as unknown as ProxyStateFacts;
  if (item.proxy === 'haproxy')
    return `backend ${item.backend}: ${item.recoveryServer} ${state.recoveryStatus ?? '?'}${item.primaryServer ? `, ${item.primaryServer} ${state.primaryStatus ?? '?'}` : ''}; persisted in ${item.configFile}: ${String(state.configPersisted ?? 'unknown')}`;
  const probe =
    typeof state.probeStatus === 'number'
      ? `; ${item.probeUrl} answered ${state.probeStatus} "${state.probeBody ?? ''}"`
      : '';
  return `${item.activeInclude} -> ${state.activeTarget ?? '?'}${probe}`;
};

const stateCheck = (item: ProxySwitchPlan) => ({
  ...stateCall(item),
  done: switched,
  detail: (facts: Facts) => `${switched(facts) ? 'switched' : 'not switched'}: ${describe(item, facts)}`,
});

export const proxySwitchSpec: CommandKindSpec<ProxySwitchPlan> = {
  kind: proxySwitchKind.id,
  noun: proxySwitchKind.noun,
  doneNoun: 'proxies switched',
  items: (plan: Plan) => plan.proxySwitches,
  label: proxySwitchKind.label,
  optional: (item) => item.optional,
  node: (item) => item.node,
  gate: {
    call: stateCall,
    // Read-only: reading the state is what the gate needs (the backend, its servers or the link exist).
    verdict: (item, facts) => ({ within: true, detail: `readable: ${describe(item, facts)}` }),
    waitSeconds: () => 0,
    onExceeded: () => 'abort',
  },
  start: (item): DocumentCall =>
    item.proxy === 'haproxy'
      ? {
          document: PROXY_SWITCH_DOCUMENTS.haproxy.start,
          inputs: {
            AdminSocket: item.adminSocket,
            Backend: item.backend,
            RecoveryServer: item.recoveryServer,
            PrimaryServer: item.primaryServer ?? '',
            ConfigFile: item.configFile,
          },
        }
      : {
          document: PROXY_SWITCH_DOCUMENTS.nginx.start,
          inputs: {
            ActiveInclude: item.activeInclude,
            TargetFile: item.targetFile,
            ConfigFile: item.configFile,
          },
        },
  check: stateCheck,
  readBack: stateCheck,
  timeoutSeconds: (item) => item.switchTimeoutSeconds,
};

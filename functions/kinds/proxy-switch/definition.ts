import * as z from 'zod';
import { defineKind, records } from '../kind-definition.js';
import {
  MANAGED_NODE_MESSAGE,
  MANAGED_NODE_PATTERN,
  runCommandPermissions,
} from '../run-command-definition.js';
import { PROXY_SWITCH_DOCUMENTS } from './documents/index.js';

const seconds = (max: number) => z.number().int('must be a whole number of seconds').min(0).max(max);
const node = z.string().regex(MANAGED_NODE_PATTERN, MANAGED_NODE_MESSAGE);
const server = z.string().regex(/^[A-Za-z0-9_.:-]{1,128}$/);
const file = z.string().regex(/^\/[A-Za-z0-9_./-]{1,255}$/, 'an absolute path');

const common = {
  /** Short id for messages and records. */
  id: z
    .string()
    .regex(/^[a-zA-Z][a-zA-Z0-9_-]{0,62}$/, 'must start with a letter and use letters, digits, _ or -'),
  /** The managed node the proxy runs on: every document runs there. */
  node,
  /** Give up when the proxy does not send traffic to the recovery backend after this long. @default 120 */
  switchTimeoutSeconds: seconds(3_600).min(30).default(120),
  /** Skipped with a warning when its node is offline or its state cannot be read. @default false */
  optional: z.boolean().default(false),
};

/** HAProxy, switched through its runtime API and persisted in its configuration file. */
const haproxySchema = z.strictObject({
  ...common,
  proxy: z.literal('haproxy'),
  /** HAProxy's stats socket with level admin. @default /run/haproxy/admin.sock */
  adminSocket: file.default('/run/haproxy/admin.sock'),
  /** The backend (or listen section) to switch. */
  backend: server,
  /** The server that must take the traffic. */
  recoveryServer: server,
  /** The server to put in maintenance. */
  primaryServer: server.optional(),
  /** The configuration file the states are persisted in. @default /etc/haproxy/haproxy.cfg */
  configFile: file.default('/etc/haproxy/haproxy.cfg'),
});

/** Nginx, switched by pointing an upstream include (a symbolic link) at the recovery file and reloading. */
const nginxSchema = z.strictObject({
  ...common,
  proxy: z.literal('nginx'),
  /** The symbolic link nginx.conf includes for the upstream. */
  activeInclude: file,
  /** The recovery upstream file to activate. */
  targetFile: file,
  /** @default /etc/nginx/nginx.conf */
  configFile: file.default('/etc/nginx/nginx.conf'),
  /** An http:// address served by this Nginx that the check requests once. */
  probeUrl: z
    .string()
    .regex(/^http:\/\/[A-Za-z0-9_.-]{1,255}(:[0-9]{1,5})?(\/[A-Za-z0-9_./?=&%-]*)?$/, 'an http:// URL')
    .optional(),
});

/** One proxy to switch to the recovery backend (the plan's `proxySwitches[]`). */
export const proxySwitchSchema = z.discriminatedUnion('proxy', [haproxySchema, nginxSchema]);
export type ProxySwitchPlan = z.output<typeof proxySwitchSchema>;

const documentsOf = (items: readonly ProxySwitchPlan[], gateOnly: boolean): string[] =>
  items.flatMap((item) => {
    const documents = PROXY_SWITCH_DOCUMENTS[item.proxy];
    return gateOnly ? [documents.check] : [documents.start, documents.check, documents.readBack];
  });

export const proxySwitchKind = defineKind({
  id: 'proxy-switch',
  planKey: 'proxySwitches',
  itemSchema: proxySwitchSchema,
  maxItems: 50,
  noun: 'proxy backends',
  title: 'Self-hosted HAProxy / Nginx switches (SSM Run Command)',
  phase: 'route',
  // The gate is read-only: the node is Online and the proxy's state can be read.
  hasGate: true,
  states: {
    gate: 'Check Proxies',
    gateWait: 'Wait For Proxies',
    gatePassed: 'Proxies Ready?',
    start: 'Switch Proxies',
    check: 'Check Proxies Switched',
    wait: 'Wait For Proxy Switches',
    doneChoice: 'All Proxies Switched?',
    done: 'Proxies Switched',
    readBack: 'Read Back Proxies',
    readBackFailed: 'Proxies Not Read Back',
  },
  budgetSeconds: (items) => ({
    gate: 60,
    change: Math.max(0, ...items.map((item) => item.switchTimeoutSeconds)),
  }),
  services: ['ssm'],
  label: (item) => `${item.proxy} ${item.id} on ${item.node}`,
  crossFieldIssues: (document) => {
    const issues = [];
    const ids = new Set<unknown>();
    for (const item of records(document.proxySwitches)) {
      if (typeof item.id === 'string' && ids.has(item.id))
        issues.push({ path: 'proxySwitches', message: `proxy id "${item.id}" is used more than once` });
      ids.add(item.id);
    }
    return issues;
  },
  permissions: (plan, scope) =>
    runCommandPermissions(
      plan,
      scope,
      'proxy-switch',
      documentsOf(plan.proxySwitches, false),
      plan.proxySwitches.map((item) => item.node),
    ),
  readinessPermissions: (plan, scope) =>
    runCommandPermissions(
      plan,
      scope,
      'proxy-switch',
      documentsOf(plan.proxySwitches, true),
      plan.proxySwitches.map((item) => item.node),
    ),
});

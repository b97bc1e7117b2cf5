/**
 * The proxy-switch kind's SSM Command documents, per proxy, by the action that sends them: each
 * name is a `<name>.json` (generated from `<name>.sh`) in this folder. The kind routes (no gate);
 * its check and read-back read the same state, so they share a document.
 */
export const PROXY_SWITCH_DOCUMENTS = {
  haproxy: { start: 'haproxy-switch', check: 'haproxy-state', readBack: 'haproxy-state' },
  nginx: { start: 'nginx-switch', check: 'nginx-state', readBack: 'nginx-state' },
} as const;

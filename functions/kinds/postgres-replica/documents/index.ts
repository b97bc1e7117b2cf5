/**
 * The postgres-replica kind's SSM Command documents, by the action that sends them: each name is
 * a `<name>.json` (generated from `<name>.sh`) in this folder. Every one prints one JSON line of
 * facts and exits non-zero with the node and the command in stderr when it fails.
 */
export const POSTGRES_REPLICA_DOCUMENTS = {
  gate: 'replica-lag',
  start: 'promote',
  check: 'check-writable',
  readBack: 'read-back',
  failback: 'reseed-standby',
} as const;

/**
 * The redis-sentinel kind's SSM Command documents, by the action that sends them: each name is a
 * `<name>.json` (generated from `<name>.sh`) in this folder. The check and the read-back read the
 * same facts (Sentinel's master, the recovery node's ROLE and offsets), so they share a document.
 */
export const REDIS_SENTINEL_DOCUMENTS = {
  gate: 'replica-link',
  start: 'sentinel-failover',
  check: 'master-state',
  readBack: 'master-state',
} as const;

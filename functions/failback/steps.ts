/**
 * The failback workflow's steps in order, with where each keeps its result in the execution state:
 * the builder (state-machines/failback-builder.ts) and the failure notice (notice.ts) read the same
 * list, so the notice's "done / not done" follows the definition.
 */
export const FAILBACK_STEPS = [
  { name: 'Re-protect Home', resultKey: 'reprotectHome' },
  { name: 'Failback Gate', resultKey: 'gate' },
  { name: 'Freeze Writes', resultKey: 'freeze' },
  { name: 'Promote Home', resultKey: 'promote' },
  { name: 'Route Back', resultKey: 'routeBack' },
  { name: 'Scale Back', resultKey: 'scaleBack' },
  { name: 'Re-protect Recovery', resultKey: 'reprotectRecovery' },
  { name: 'Unfreeze Writes', resultKey: 'unfreeze' },
  { name: 'Close Fencing', resultKey: 'closed' },
] as const;

/** The kinds that have a failback counterpart; a plan using another kind cannot fail back. */
export const FAILBACK_KINDS: readonly string[] = ['rds-replica', 'auto-scaling-group', 'ssm-parameter'];

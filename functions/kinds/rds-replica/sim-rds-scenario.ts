import * as z from 'zod';

/** The scenario's `promotion` section of the simulated RDS (functions/kinds/rds-replica/sim-rds.ts). */

/** DB instance statuses from the RDS user guide ("Viewing Amazon RDS DB instance status"). */
export const DB_INSTANCE_STATUSES = [
  'available',
  'backing-up',
  'configuring-enhanced-monitoring',
  'configuring-log-exports',
  'creating',
  'failed',
  'inaccessible-encryption-credentials',
  'incompatible-network',
  'incompatible-option-group',
  'incompatible-parameters',
  'incompatible-restore',
  'maintenance',
  'modifying',
  'rebooting',
  'storage-full',
  'storage-optimization',
  'upgrading',
] as const;

const seconds = z.number().min(0);

/** The scenario's `promotion` entry: how one replica (or `"*"`) behaves. */
export const promotionSchema = z.strictObject({
  /** From PromoteReadReplica to a standalone `available` instance. @default 300 */
  durationSeconds: z.number().positive().optional(),
  /** Status before promotion. @default 'available' ('backing-up' when backingUpUntilSeconds is set) */
  initialStatus: z.enum(DB_INSTANCE_STATUSES).optional(),
  /** The replica leaves `initialStatus` for `available` at this second. @default never */
  backingUpUntilSeconds: seconds.optional(),
  /** The replica does not exist in the recovery region. */
  missing: z.boolean().optional(),
  /** The replica is already a standalone instance (a previous failover promoted it). */
  alreadyPromoted: z.boolean().optional(),
  /** Seconds after PromoteReadReplica at which the instance fails. @default durationSeconds (with failWith) */
  failAtSeconds: seconds.optional(),
  /** Status the instance ends in when it fails. @default 'failed' (with failAtSeconds) */
  failWith: z.enum(DB_INSTANCE_STATUSES).optional(),
});
export type PromotionBehaviour = z.output<typeof promotionSchema>;

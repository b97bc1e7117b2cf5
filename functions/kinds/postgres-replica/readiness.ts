import type { Plan } from '../../common/plan.js';
import type { ReadinessCheck } from '../../common/readiness-checks.js';
import { commandKindReadiness } from '../run-command.js';
import { postgresReplicaSpec } from './spec.js';

/** Every replica's node is Online in SSM, and the gate's read-only lag document finds it within its threshold. */
export const kindReadiness = (plan: Plan): Promise<ReadinessCheck[]> =>
  commandKindReadiness(postgresReplicaSpec, plan);

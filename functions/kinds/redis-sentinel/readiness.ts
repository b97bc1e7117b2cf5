import type { Plan } from '../../common/plan.js';
import type { ReadinessCheck } from '../../common/readiness-checks.js';
import { commandKindReadiness } from '../run-command.js';
import { redisSentinelSpec } from './spec.js';

/** Every recovery node is Online in SSM, and the gate's read-only link document finds it linked and within its lag. */
export const kindReadiness = (plan: Plan): Promise<ReadinessCheck[]> =>
  commandKindReadiness(redisSentinelSpec, plan);

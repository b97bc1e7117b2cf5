import type { Plan } from '../../common/plan.js';
import type { ReadinessCheck } from '../../common/readiness-checks.js';
import { commandKindReadiness } from '../run-command.js';
import { proxySwitchSpec } from './spec.js';

/** Every proxy's node is Online in SSM, and the read-only state document can read the proxy. */
export const kindReadiness = (plan: Plan): Promise<ReadinessCheck[]> =>
  commandKindReadiness(proxySwitchSpec, plan);

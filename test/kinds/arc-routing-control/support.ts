import type { PlanInput } from '../../../functions/common/plan.js';
import { planInput } from '../../sim/support.js';

const PANEL = 'arn:aws:route53-recovery-control::111122223333:controlpanel/0123456789abcdef0123456789abcdef';
/** The recovery cell's routing control (turned On by a failover). */
export const RECOVERY_CONTROL = `${PANEL}/routingcontrol/usw2cell0a1b2c3d`;
/** The primary cell's routing control (turned Off by a failover). */
export const PRIMARY_CONTROL = `${PANEL}/routingcontrol/use1cell0a1b2c3d`;
export const SAFETY_RULE = `${PANEL}/safetyrule/atleastone0a1b2c`;

export const ENDPOINTS = [
  { region: 'us-east-1', url: 'https://a1b2c3d4.route53-recovery-cluster.us-east-1.amazonaws.com/v1' },
  { region: 'us-west-2', url: 'https://a1b2c3d4.route53-recovery-cluster.us-west-2.amazonaws.com/v1' },
  { region: 'eu-west-1', url: 'https://a1b2c3d4.route53-recovery-cluster.eu-west-1.amazonaws.com/v1' },
];

/** The simulated AWS tests' plan with one routing control set `cells` (60 s health check delay). */
export const controlsPlan = (item: Record<string, unknown> = {}): PlanInput => ({
  ...structuredClone(planInput),
  routingControls: [
    {
      id: 'cells',
      clusterEndpoints: ENDPOINTS,
      on: [RECOVERY_CONTROL],
      off: [PRIMARY_CONTROL],
      ...item,
    },
  ],
});

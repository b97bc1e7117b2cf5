import type { PlanInput } from '../../../functions/common/plan.js';
import { planInput } from '../../sim/support.js';

/** The simulated AWS tests' plan with one DNS flag (defaults: 60 s health check delay, 600 s timeout). */
export const flagPlan = (flag: Record<string, unknown> = {}): PlanInput => ({
  ...structuredClone(planInput),
  dnsFlags: [{ id: 'shop', recordName: 'shop.example.com', ...flag }],
});

export const ALARM_NAME = 'shop-prod-dns-flag-shop';
export const NAMESPACE = 'FailoverOrchestrator/DnsFlags';

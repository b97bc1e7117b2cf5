import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { cloudWatchClient } from '../common/clients/cloudwatch.js';
import type { Plan } from '../common/plan.js';
import type { Readiness } from './readiness-check.js';

export const READINESS_NAMESPACE = 'FailoverOrchestrator';
export const READINESS_METRIC = 'Readiness';

/**
 * Publishes `FailoverOrchestrator Readiness` (1 ready, 0 not) with dimension Plan, in the
 * recovery region where the orchestrator and its alarm live. An alarm on it (< 1, missing data
 * breaching) tells people before a real outage that the failover would not work.
 */
export async function publishReadiness(
  plan: Plan,
  readiness: Readiness,
  region = plan.recoveryRegion,
): Promise<void> {
  await cloudWatchClient(region).send(
    new PutMetricDataCommand({
      Namespace: READINESS_NAMESPACE,
      MetricData: [
        {
          MetricName: READINESS_METRIC,
          Dimensions: [{ Name: 'Plan', Value: plan.name }],
          Timestamp: new Date(readiness.checkedAt),
          Value: readiness.ready ? 1 : 0,
          Unit: 'None',
        },
      ],
    }),
  );
}

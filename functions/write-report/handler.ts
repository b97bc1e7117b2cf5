import { deployedPlan } from '../common/config.js';
import { stepHandler } from '../common/step-handler.js';
import { REPORT_BUCKET_VARIABLE, writeExecutionReport } from './write-report.js';

/** EventBridge target: an execution of the failover state machine ended; store its report. */
export const handler = stepHandler('Write Report', async (event: unknown) => {
  const bucket = process.env[REPORT_BUCKET_VARIABLE];
  if (bucket === undefined || bucket === '') {
    throw new Error(
      `${REPORT_BUCKET_VARIABLE} is not set: the orchestrator was deployed without its report bucket`,
    );
  }
  return writeExecutionReport(event, deployedPlan(), bucket);
});

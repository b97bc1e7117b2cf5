import { PutObjectCommand } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, type HistoryEvent } from '@aws-sdk/client-sfn';
import * as z from 'zod';
import { s3Client } from '../common/clients/s3.js';
import { sfnClient } from '../common/clients/sfn.js';
import { readAssessment, readGate, readProgress, type RecordScope } from '../common/failover-record.js';
import type { Plan } from '../common/plan.js';
import { KINDS } from '../kinds/registry.js';
import type { Assessed } from '../kinds/kind-step.js';
import { buildFailoverReport } from '../../engine/report/failover-report.js';
import { recordFromHistory } from '../../engine/report/history.js';
import { renderHtml } from '../../engine/report/html.js';
import type { KindRunRecord, RunRecord } from '../../engine/report/run-record.js';

/**
 * Stores a finished execution's report (HTML and its JSON facts) in the report bucket, from the
 * execution's history and the failover record: EventBridge invokes it on the state machine's
 * "Step Functions Execution Status Change" events (SUCCEEDED, FAILED, TIMED_OUT, ABORTED), so
 * executions that time out or are stopped, which never reach a last state, are reported too.
 * `failover report <ARN>` fetches what it wrote (cli/report-command.ts).
 */

export { REPORT_BUCKET_VARIABLE } from './settings.js';

/** The object keys of an execution's report: `<plan>/<execution name>.html` and `.json`. */
export const reportKeys = (planName: string, executionName: string) => ({
  html: `${planName}/${executionName}.html`,
  json: `${planName}/${executionName}.json`,
});

/** The fields of the EventBridge event it reads (the rest varies). */
export const statusChangeEventSchema = z.looseObject({
  'detail-type': z.literal('Step Functions Execution Status Change'),
  detail: z.looseObject({
    executionArn: z.string().regex(/^arn:[\w-]+:states:[\w-]+:\d{12}:execution:[^:]+:[^:]+$/),
    status: z.enum(['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'RUNNING', 'PENDING_REDRIVE']),
  }),
});

export interface WrittenReportObjects {
  readonly bucket: string;
  readonly htmlKey: string;
  readonly jsonKey: string;
  readonly outcome: string;
}

/** Step Functions returns at most 1,000 events a page; an execution has at most 25,000. */
const MAX_HISTORY_PAGES = 30;

async function history(executionArn: string, region: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_HISTORY_PAGES; page += 1) {
    const response = await sfnClient(region).send(
      new GetExecutionHistoryCommand({ executionArn, maxResults: 1000, nextToken }),
    );
    events.push(...(response.events ?? []));
    nextToken = response.nextToken;
    if (nextToken === undefined) break;
  }
  return events;
}

/** What each kind of the plan recorded for this execution (its progress, gate and read-back). */
async function failoverRecord(plan: Plan, executionArn: string): Promise<RunRecord | null> {
  const scope: RecordScope = { planName: plan.name, executionId: executionArn };
  const kinds = KINDS.filter((kind) => (plan[kind.planKey] as readonly unknown[]).length > 0);
  const records = await Promise.all(
    kinds.map(async (kind): Promise<KindRunRecord | undefined> => {
      const [progress, gate, assessment] = await Promise.all([
        readProgress<unknown[]>(scope, kind.id),
        readGate<unknown[]>(scope, kind.id),
        readAssessment<Assessed[]>(scope, kind.id),
      ]);
      if (progress === undefined && gate === undefined && assessment === undefined) return undefined;
      return {
        kind: kind.id,
        ...(progress === undefined ? {} : { progress }),
        ...(gate === undefined ? {} : { gate }),
        ...(assessment === undefined ? {} : { assessment }),
        facts: {},
      };
    }),
  );
  const kept = records.filter((record): record is KindRunRecord => record !== undefined);
  return kept.length === 0 ? null : { kinds: kept };
}

/** Builds the report of the event's execution and puts it into `bucket`. */
export async function writeExecutionReport(
  event: unknown,
  plan: Plan,
  bucket: string,
): Promise<WrittenReportObjects | { readonly skipped: string }> {
  const parsed = statusChangeEventSchema.safeParse(event);
  if (!parsed.success) {
    throw new Error(
      `not a Step Functions Execution Status Change event: ${parsed.error.issues[0]?.message ?? ''}`,
    );
  }
  const { executionArn, status } = parsed.data.detail;
  if (status === 'RUNNING' || status === 'PENDING_REDRIVE')
    return { skipped: `${executionArn} is ${status}` };
  const region = executionArn.split(':')[3] ?? '';
  const description = await sfnClient(region).send(new DescribeExecutionCommand({ executionArn }));
  const events = await history(executionArn, region);
  const record = {
    ...recordFromHistory(executionArn, events, description),
    failoverRecord: await failoverRecord(plan, executionArn),
  };
  const report = buildFailoverReport(record, plan);
  const keys = reportKeys(plan.name, record.executionName);
  const s3 = s3Client(region);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: keys.json,
      Body: `${JSON.stringify(report, null, 2)}\n`,
      ContentType: 'application/json',
    }),
  );
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: keys.html,
      Body: renderHtml(report),
      ContentType: 'text/html; charset=utf-8',
    }),
  );
  return { bucket, htmlKey: keys.html, jsonKey: keys.json, outcome: report.outcome };
}

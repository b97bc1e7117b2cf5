import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import { describeError } from '../functions/common/errors.js';
import type { Plan } from '../functions/common/plan.js';
import { loadPlanFile, readJsonFile } from '../engine/files.js';
import {
  parseReplayResult,
  recordFromHistory,
  recordFromReplay,
  trendRow,
  type ExecutionRecord,
  type FailoverReport,
} from '../engine/report/index.js';
import { REPORT_BUCKET_VARIABLE, reportKeys } from '../functions/write-report/write-report.js';
import { EXIT, type CliIo } from './cli-io.js';
import { EXIT_INTERRUPTED, type CliEnvironment } from './cli-environment.js';
import { BadInputError, badInputLine, isBadInput } from './command-inputs.js';
import { followExecution, readHistory } from './execution-follower.js';
import { interruptedLines } from './gameday-command.js';
import { LiveProgress } from './progress.js';
import { exitCodeFor, outcomeLine, publishReport, reportRun } from './report-output.js';
import { isExecutionArn, regionOfArn, stepFunctionsClient } from './state-machine-arn.js';

export const REPORT_USAGE =
  'failover report <execution ARN | replay result JSON> [--plan <file>] [--report-dir <dir>] [--report-bucket <bucket>]';

export const REPORT_OPTIONS = {
  plan: { type: 'string' },
  'report-dir': { type: 'string' },
  'report-bucket': { type: 'string' },
} as const;

export interface ReportArgs {
  readonly positionals: readonly string[];
  readonly values: {
    readonly plan?: string;
    readonly 'report-dir'?: string;
    readonly 'report-bucket'?: string;
  };
}

/**
 * The report the deployed writer stored for a finished execution (functions/write-report):
 * `<plan>/<execution name>.json` in the report bucket. It read the failover record, so it knows
 * each resource's final state, which the history alone does not. Undefined when it is not there.
 */
async function storedReport(
  executionArn: string,
  bucket: string,
  planName: string,
  io: CliIo,
): Promise<FailoverReport | undefined> {
  const executionName = executionArn.split(':').at(-1) ?? '';
  const key = reportKeys(planName, executionName).json;
  try {
    const object = await new S3Client({ region: regionOfArn(executionArn) ?? '' }).send(
      new GetObjectCommand({ Bucket: bucket, Key: key }),
    );
    const document = JSON.parse((await object.Body?.transformToString()) ?? '') as unknown;
    if (trendRow(document) === undefined) {
      io.err(
        `s3://${bucket}/${key} is not a failover report: rebuilding the report from the execution history`,
      );
      return undefined;
    }
    io.out(`Stored report: s3://${bucket}/${key}`);
    return document as FailoverReport;
  } catch (error) {
    io.err(
      error instanceof NoSuchKey
        ? `no stored report at s3://${bucket}/${key} (yet): rebuilding it from the execution history`
        : `cannot read the stored report s3://${bucket}/${key}: ${describeError(error)}; rebuilding it from the execution history`,
    );
    return undefined;
  }
}

/** A live execution's record; a running one is followed to its end (Ctrl-C stops following). */
async function liveRecord(
  executionArn: string,
  io: CliIo,
  env: CliEnvironment,
): Promise<{ record: ExecutionRecord; interrupted: boolean }> {
  const client = stepFunctionsClient(regionOfArn(executionArn) ?? '');
  const description = await client.send(new DescribeExecutionCommand({ executionArn }));
  if (description.status !== 'RUNNING') {
    const events = await readHistory(client, executionArn);
    return { record: recordFromHistory(executionArn, events, description), interrupted: false };
  }
  io.out(
    `${executionArn} is running: following it (Ctrl-C stops following and reports what happened so far)`,
  );
  const controller = new AbortController();
  const stopListening = env.onInterrupt(() => controller.abort());
  const progress = new LiveProgress();
  try {
    const followed = await followExecution({
      client,
      executionArn,
      pollIntervalMs: env.pollIntervalMs,
      sleep: env.sleep,
      signal: controller.signal,
      onEvents: (events) => progress.lines(events).forEach((line) => io.out(line)),
    });
    return {
      record: recordFromHistory(executionArn, followed.events, followed.description),
      interrupted: followed.interrupted,
    };
  } finally {
    stopListening();
  }
}

async function localRecord(path: string): Promise<ExecutionRecord> {
  const parsed = parseReplayResult(await readJsonFile(path, 'replay result'));
  if ('problem' in parsed) throw new BadInputError(`${path} is ${parsed.problem}`);
  return recordFromReplay(parsed);
}

/**
 * `failover report`: the HTML, Markdown and JSON report of a live execution (by ARN) or of a
 * saved local replay (`failover replay --json > result.json`). For an execution, the report the
 * deployed writer stored in the report bucket (`--report-bucket` or FAILOVER_REPORT_BUCKET, with
 * `--plan`) is fetched when it is there; otherwise the report is rebuilt from the execution's
 * history. The exit code is the run's outcome.
 */
export async function reportCommand(
  { positionals, values }: ReportArgs,
  io: CliIo,
  env: CliEnvironment,
): Promise<number> {
  const [target, ...extra] = positionals;
  let plan: Plan | undefined;
  try {
    if (target === undefined || extra.length > 0)
      throw new BadInputError(`report takes one execution ARN or result file: ${REPORT_USAGE}`);
    if (target.startsWith('arn:') && !isExecutionArn(target)) {
      throw new BadInputError(`"${target}" is not a Step Functions execution ARN`);
    }
    plan = values.plan === undefined ? undefined : await loadPlanFile(values.plan);
  } catch (error) {
    if (!isBadInput(error)) throw error;
    io.err(badInputLine(error));
    return EXIT.badInput;
  }
  const bucket = values['report-bucket'] ?? env.variables[REPORT_BUCKET_VARIABLE];
  if (isExecutionArn(target) && bucket !== undefined && bucket !== '' && plan !== undefined) {
    const stored = await storedReport(target, bucket, plan.name, io);
    if (stored !== undefined && stored.outcome !== 'running') {
      const report = await publishReport(stored, { dir: values['report-dir'] }, io);
      io.err(outcomeLine(report));
      return exitCodeFor(report.outcome);
    }
  }
  let outcome: { record: ExecutionRecord; interrupted: boolean };
  try {
    outcome = isExecutionArn(target)
      ? await liveRecord(target, io, env)
      : { record: await localRecord(target), interrupted: false };
  } catch (error) {
    if (isBadInput(error)) {
      io.err(badInputLine(error));
    } else {
      io.err(`cannot read execution ${target}: ${describeError(error)}`);
    }
    return EXIT.badInput;
  }
  const report = await reportRun(outcome.record, { plan, dir: values['report-dir'] }, io);
  if (outcome.interrupted) {
    for (const line of interruptedLines(target)) io.err(line);
    return EXIT_INTERRUPTED;
  }
  io.err(outcomeLine(report));
  return exitCodeFor(report.outcome);
}

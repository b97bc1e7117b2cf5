import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { DescribeExecutionCommand, GetExecutionHistoryCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ReplayResult } from '../../engine/runner.js';
import { buildFailoverReport, recordFromHistory, type FailoverReport } from '../../engine/report/index.js';
import { examplePlan } from '../fixtures/plans.js';
import { pressCtrlC, recordingEnvironment, runCli } from '../gameday/support/cli.js';
import { STATE_MACHINE_ARN, succeededDrill } from './support/live-executions.js';

const sfn = mockClient(SFNClient);
const s3 = mockClient(S3Client);
const plan = examplePlan();
let dir: string;

beforeEach(() => {
  sfn.reset();
  s3.reset();
  dir = mkdtempSync(join(tmpdir(), 'failover-report-cli-'));
});

const readFacts = (name: string): FailoverReport =>
  JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as FailoverReport;

describe('failover report <replay result file>', () => {
  it('reports a saved `failover replay --json` result with the replay’s own figures', async () => {
    const replayed = await runCli(['replay', 'events/route53-health-alarm.json', '--json']);
    const result = JSON.parse(replayed.out) as ReplayResult;
    const file = join(dir, 'result.json');
    writeFileSync(file, replayed.out);

    const { code, out, err } = await runCli([
      'report',
      file,
      '--plan',
      'examples/shop-prod.plan.yaml',
      '--report-dir',
      dir,
    ]);

    expect(code).toBe(0);
    expect(err).toBe('failover succeeded');
    // The RTO counts from the outage: the example alarm's datapoints put it 180 s before the alarm.
    const fromOutage = Math.round(((result.rtoSeconds ?? NaN) + 180) * 10) / 10;
    expect(out).toContain(`RTO achieved: ${fromOutage}s against objective 900s (met), from the outage`);
    // What each resource did comes from the failover record the saved result's cloud holds.
    expect(out).toContain('replica shop-db-replica: promoted: shop-db-replica is standalone and available');
    expect(out).toContain('parameter /shop/active-region: repointed: repointed us-east-1 -> us-west-2');
    const facts = readFacts(result.executionName);
    expect(facts.rto.achievedSeconds).toBe(fromOutage);
    expect(facts.steps).toHaveLength(result.timeline.length);
    expect(facts.local).toEqual({
      apiCalls: result.apiCalls,
      mutatingCalls: result.mutatingCalls,
      criticalPathSeconds: result.criticalPathSeconds,
    });
  });

  it('has no objectives to measure against without --plan (the execution state carries no plan)', async () => {
    const replayed = await runCli(['replay', 'events/route53-health-alarm.json', '--json']);
    const file = join(dir, 'result.json');
    writeFileSync(file, replayed.out);

    const { code, out } = await runCli(['report', file, '--report-dir', dir]);

    expect(code).toBe(0);
    expect(out).toMatch(/RTO achieved: [\d.]+s against objective n\/a/);
  });

  it('exits 1 for a failed run, with the plan from --plan when the run left no state', async () => {
    const replayed = await runCli([
      'replay',
      'events/route53-health-alarm.json',
      '--json',
      '--scenario',
      'events/scenarios/alarm-recovers-during-confirm.json',
    ]);
    const file = join(dir, 'aborted.json');
    writeFileSync(file, replayed.out);

    const { code, err } = await runCli([
      'report',
      file,
      '--plan',
      'examples/shop-prod.plan.yaml',
      '--report-dir',
      dir,
    ]);

    expect(code).toBe(1);
    expect(err).toMatch(/^failover aborted: The alarm was no longer in ALARM/);
    const facts = readFacts((JSON.parse(replayed.out) as ReplayResult).executionName);
    expect(facts.plan?.name).toBe('shop-prod');
    expect(facts.rto.objectiveSeconds).toBe(900);
  });

  it.each([
    ['no target', ['report'], /^bad input: report takes one execution ARN or result file/],
    [
      'an ARN that is not an execution',
      ['report', STATE_MACHINE_ARN],
      /is not a Step Functions execution ARN/,
    ],
    [
      'a missing file',
      ['report', 'nope.json'],
      /^bad input: cannot read replay result nope\.json: no such file$/,
    ],
    [
      'a JSON file that is not a replay result',
      ['report', 'events/gameday-drill.json'],
      /^bad input: events\/gameday-drill\.json is not a replay result/,
    ],
  ])('exits 2 for %s', async (_what, argv, reason) => {
    const { code, err } = await runCli(argv);

    expect(code).toBe(2);
    expect(err.split('\n')[0]).toMatch(reason);
  });
});

describe('failover report <execution ARN>', () => {
  it('reads the whole history of a finished execution, page by page, and reports it', async () => {
    const run = succeededDrill(plan);
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: run.executionArn, status: 'SUCCEEDED', startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).callsFake((input: { nextToken?: string }) => {
      const from = Number(input.nextToken ?? '0');
      return {
        events: run.events.slice(from, from + 25),
        ...(from + 25 < run.events.length ? { nextToken: String(from + 25) } : {}),
      };
    });

    const { code, out } = await runCli([
      'report',
      run.executionArn,
      '--plan',
      'examples/shop-prod.plan.yaml',
      '--report-dir',
      dir,
    ]);

    expect(code).toBe(0);
    expect(out).toContain('RTO achieved: 390s against objective 900s (met)');
    expect(out).toContain('recover auto-scaling-group: 1 of 1 done');
    expect(sfn.commandCalls(GetExecutionHistoryCommand).length).toBe(Math.ceil(run.events.length / 25));
    expect(readFacts('gameday-shop-prod-20261124T090000Z')).toMatchObject({
      outcome: 'succeeded',
      rpo: { estimateSeconds: 12 },
    });
  });

  it('follows a running execution to its end, then reports it', async () => {
    const run = succeededDrill(plan);
    let visible = 10;
    sfn.on(DescribeExecutionCommand).callsFake(() => {
      visible += 20;
      return {
        executionArn: run.executionArn,
        status: visible >= run.events.length ? 'SUCCEEDED' : 'RUNNING',
        startDate: new Date(),
      };
    });
    sfn.on(GetExecutionHistoryCommand).callsFake(() => ({ events: run.events.slice(0, visible) }));
    const env = recordingEnvironment();

    const { code, out } = await runCli(['report', run.executionArn, '--report-dir', dir], env);

    expect(code).toBe(0);
    expect(out).toContain(`${run.executionArn} is running: following it`);
    expect(out).toContain('✓ execution succeeded');
    expect(env.sleeps.length).toBeGreaterThan(0);
    expect(readFacts('gameday-shop-prod-20261124T090000Z').outcome).toBe('succeeded');
  });

  it('on Ctrl-C reports what happened so far and says how to follow or stop the execution', async () => {
    const run = succeededDrill(plan);
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: run.executionArn, status: 'RUNNING', startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: run.events.slice(0, 20) });
    const env = recordingEnvironment({ onSleep: pressCtrlC });

    const { code, err } = await runCli(['report', run.executionArn, '--report-dir', dir], env);

    expect(code).toBe(130);
    expect(err).toContain(`stop it:   aws stepfunctions stop-execution --execution-arn ${run.executionArn}`);
    const facts = readFacts('gameday-shop-prod-20261124T090000Z');
    expect(facts.outcome).toBe('running');
    expect(facts.steps.some((step) => step.outcome === 'running')).toBe(true);
  });
});

describe('failover replay --report-dir', () => {
  it('writes the report of the replay next to its usual output', async () => {
    const { code, out } = await runCli(['replay', 'events/route53-health-alarm.json', '--report-dir', dir]);

    const name = /^Replay (\S+):/.exec(out)?.[1] ?? '';
    expect(code).toBe(0);
    expect(out).toContain(
      `Report: ${join(dir, `${name}.html`)} (Markdown: ${join(dir, `${name}.md`)}, facts: ${join(dir, `${name}.json`)})`,
    );
    expect(readFacts(name).outcome).toBe('succeeded');
  });

  it('keeps stdout pure JSON with --json and says where the report went on stderr', async () => {
    const { code, out, err } = await runCli([
      'replay',
      'events/route53-health-alarm.json',
      '--json',
      '--report-dir',
      dir,
    ]);

    const result = JSON.parse(out) as ReplayResult;
    expect(code).toBe(0);
    expect(err).toBe(
      `Report: ${join(dir, `${result.executionName}.html`)} (Markdown: ${join(dir, `${result.executionName}.md`)}, facts: ${join(dir, `${result.executionName}.json`)})`,
    );
  });
});

describe('failover report <execution ARN> --report-bucket', () => {
  /** A stored report: what functions/write-report put into the bucket (it read the record). */
  function storedReportBody(executionArn: string): string {
    const run = succeededDrill(plan);
    const report = buildFailoverReport(recordFromHistory(run.executionArn, run.events), plan);
    return JSON.stringify({
      ...report,
      executionArn,
      resources: [
        {
          kind: 'rds-replica',
          noun: 'replica',
          label: 'shop-db-replica',
          status: 'promoted',
          detail: 'read from the record',
        },
      ],
    });
  }

  it('fetches the report the deployed writer stored, and writes it without reading the history', async () => {
    const run = succeededDrill(plan);
    s3.on(GetObjectCommand, {
      Bucket: 'shop-reports',
      Key: 'shop-prod/gameday-shop-prod-20261124T090000Z.json',
    }).resolves({
      // The one method of the SDK's stream body the command reads.
      Body: { transformToString: () => Promise.resolve(storedReportBody(run.executionArn)) } as never,
    });

    const { code, out } = await runCli([
      'report',
      run.executionArn,
      '--plan',
      'examples/shop-prod.plan.yaml',
      '--report-dir',
      dir,
      '--report-bucket',
      'shop-reports',
    ]);

    expect(code).toBe(0);
    expect(out).toContain(
      'Stored report: s3://shop-reports/shop-prod/gameday-shop-prod-20261124T090000Z.json',
    );
    expect(out).toContain('replica shop-db-replica: promoted: read from the record');
    expect(sfn.commandCalls(GetExecutionHistoryCommand)).toHaveLength(0);
    expect(readFileSync(join(dir, 'gameday-shop-prod-20261124T090000Z.html'), 'utf8')).toContain(
      'read from the record',
    );
  });

  it('rebuilds the report from the history when the bucket has none (yet), and says so', async () => {
    const run = succeededDrill(plan);
    s3.on(GetObjectCommand).rejects(
      new NoSuchKey({ message: 'The specified key does not exist.', $metadata: {} }),
    );
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ executionArn: run.executionArn, status: 'SUCCEEDED', startDate: new Date() });
    sfn.on(GetExecutionHistoryCommand).resolves({ events: [...run.events] });

    const { code, err } = await runCli(
      ['report', run.executionArn, '--plan', 'examples/shop-prod.plan.yaml', '--report-dir', dir],
      recordingEnvironment({ variables: { FAILOVER_REPORT_BUCKET: 'shop-reports' } }),
    );

    expect(code).toBe(0);
    expect(err).toContain(
      'no stored report at s3://shop-reports/shop-prod/gameday-shop-prod-20261124T090000Z.json (yet): rebuilding it from the execution history',
    );
    expect(readFacts('gameday-shop-prod-20261124T090000Z').outcome).toBe('succeeded');
  });
});

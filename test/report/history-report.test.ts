import { describe, expect, it } from 'vitest';
import {
  buildFailoverReport,
  recordFromHistory,
  renderMarkdown,
  type ExecutionStep,
} from '../../engine/report/index.js';
import { examplePlan } from '../fixtures/plans.js';
import { HistoryBuilder } from './support/history-builder.js';
import { LAG_EXCEEDED, lagExceededDrill, stoppedDrill, succeededDrill } from './support/live-executions.js';
import { mermaidBlocks, parseGantt } from './support/mermaid-gantt.js';

const plan = examplePlan();

const step = (steps: readonly ExecutionStep[], state: string, item?: string): ExecutionStep | undefined =>
  steps.find((candidate) => candidate.state === state && candidate.item === item);

const seconds = (entry: ExecutionStep | undefined): number =>
  entry === undefined ? NaN : (Date.parse(entry.endedAt) - Date.parse(entry.startedAt)) / 1000;

describe('recordFromHistory', () => {
  it('folds a succeeded execution into one row per state and Map item, with runs and retries', () => {
    const run = succeededDrill(plan);

    const record = recordFromHistory(run.executionArn, run.events);

    expect(record.outcome).toBe('succeeded');
    expect(record.source).toBe('live');
    expect(record.executionName).toBe('gameday-shop-prod-20261124T090000Z');
    expect(step(record.steps, 'Read Replica Lag', 'shop-db-replica')).toMatchObject({
      runs: 1,
      retries: 1,
      outcome: 'succeeded',
    });
    expect(step(record.steps, 'Wait For Promotion', 'shop-db-replica')).toMatchObject({
      runs: 2,
      outcome: 'succeeded',
    });
    expect(step(record.steps, 'Check Promotion', 'shop-db-replica')).toMatchObject({ runs: 2, retries: 0 });
    expect(step(record.steps, 'Promote And Scale')?.outcome).toBe('succeeded');
    expect(record.steps.every((entry) => entry.outcome === 'succeeded')).toBe(true);
    expect(record.state).toEqual(run.state);
  });

  it('spans a polling loop from its first entry to its last exit', () => {
    const run = succeededDrill(plan);

    const record = recordFromHistory(run.executionArn, run.events);

    // Two 150 s waits, with a 0.5 s Check Promotion and an instant Choice between them.
    expect(seconds(step(record.steps, 'Wait For Promotion', 'shop-db-replica'))).toBe(300.5);
    expect(seconds(step(record.steps, 'Read Replica Lag', 'shop-db-replica'))).toBe(2);
  });

  it('marks the failing step failed, the Map whose Catch took over caught, and the Fail state failed', () => {
    const run = lagExceededDrill(plan);

    const record = recordFromHistory(run.executionArn, run.events);

    expect(record.outcome).toBe('failed');
    expect(record.error).toEqual({ error: 'ReplicaLagExceededError', cause: LAG_EXCEEDED });
    expect(step(record.steps, 'Read Replica Lag', 'shop-db-replica')).toMatchObject({
      outcome: 'failed',
      error: 'ReplicaLagExceededError',
    });
    expect(step(record.steps, 'Check Replica Lag')).toMatchObject({
      outcome: 'caught',
      error: 'ReplicaLagExceededError',
    });
    expect(step(record.steps, 'Notify Failed')?.outcome).toBe('succeeded');
    expect(step(record.steps, 'Failover Failed')).toMatchObject({
      outcome: 'failed',
      error: 'ReplicaLagExceededError',
    });
    expect(record.state?.failedStep).toBe('Check Replica Lag');
  });

  it('tells a stopped execution from a failed one and marks the states it cut short aborted', () => {
    const run = stoppedDrill(plan);

    const record = recordFromHistory(run.executionArn, run.events);

    expect(record.outcome).toBe('stopped');
    expect(record.error?.error).toBe('Stopped');
    expect(step(record.steps, 'Wait For Promotion', 'shop-db-replica')).toMatchObject({ outcome: 'aborted' });
    expect(seconds(step(record.steps, 'Wait For Promotion', 'shop-db-replica'))).toBe(20);
    expect(step(record.steps, 'Promote Replica', 'shop-db-replica')?.outcome).toBe('succeeded');
  });

  it('fails the states still running when the execution timed out', () => {
    const builder = new HistoryBuilder(
      '2026-11-24T09:00:01.000Z',
      'arn:aws:states:us-west-2:111111111111:execution:shop-prod-failover:slow-1',
    );
    builder.started({}).task('Validate Trigger').enter('Wait', 'Wait For Promotion', {});
    builder.after(14_400).event('ExecutionTimedOut', {
      executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'TimeoutSeconds 14400 passed' },
    });

    const record = recordFromHistory(builder.arn, builder.events);

    expect(record.outcome).toBe('timed-out');
    expect(record.error).toEqual({ error: 'States.Timeout', cause: 'TimeoutSeconds 14400 passed' });
    expect(step(record.steps, 'Wait For Promotion')).toMatchObject({
      outcome: 'failed',
      error: 'States.Timeout',
    });
    expect(seconds(step(record.steps, 'Wait For Promotion'))).toBe(14_400);
  });

  it('reports the workflow abort (alarm recovered) as aborted, not failed', () => {
    const builder = new HistoryBuilder(
      '2026-11-24T09:00:01.000Z',
      'arn:aws:states:us-west-2:111111111111:execution:shop-prod-failover:alarm-1',
    );
    builder
      .started({})
      .task('Confirm Outage', { input: {} })
      .failState('Failover Aborted')
      .failed(
        'FailoverAborted',
        'The alarm was no longer in ALARM after the confirm window; nothing was changed.',
      );

    const record = recordFromHistory(builder.arn, builder.events);

    expect(record.outcome).toBe('aborted');
    expect(step(record.steps, 'Failover Aborted')?.outcome).toBe('failed');
  });

  it('leaves the steps of a running execution running, up to its latest event', () => {
    const run = succeededDrill(plan);
    // Up to the lag read's first (throttled) attempt, which the ASL is about to retry.
    const events = run.events.slice(
      0,
      run.events.findIndex((event) => event.type === 'LambdaFunctionFailed') + 1,
    );

    const record = recordFromHistory(run.executionArn, events, { status: 'RUNNING' });

    expect(record.outcome).toBe('running');
    expect(record.error).toBeUndefined();
    expect(record.endedAt).toBe(events.at(-1)?.timestamp?.toISOString());
    expect(record.steps.filter((entry) => entry.outcome === 'running').map((entry) => entry.state)).toEqual([
      'Check Replica Lag',
      'Read Replica Lag',
    ]);
    expect(step(record.steps, 'Read Replica Lag', 'shop-db-replica')).toMatchObject({
      error: 'Throttling',
      retries: 0,
    });
  });
});

describe('the report of a live execution', () => {
  it('takes RTO and RPO from the execution state and the plan it carries', () => {
    const run = succeededDrill(plan);

    const report = buildFailoverReport(recordFromHistory(run.executionArn, run.events));

    // succeededState: drill requested 09:00:00, last parameter repointed 09:06:30, lag 12 s.
    expect(report.rto).toMatchObject({ achievedSeconds: 390, objectiveSeconds: 900, met: true });
    expect(report.rpo).toMatchObject({ estimateSeconds: 12, objectiveSeconds: 60, met: true });
    expect(report.timeBase).toBe('real');
    expect(report.executionArn).toBe(run.executionArn);
    expect(report.dryRun).toBe(false);
  });

  it('says when the objectives were missed', () => {
    const run = succeededDrill(plan);
    const slow = examplePlan((document) => {
      document.objectives = { rtoSeconds: 300, rpoSeconds: 10 };
      document.databases = [{ id: 'main', replica: 'shop-db-replica', maxLagSeconds: 10 }];
    });
    const events = run.events.map((event) =>
      event.type === 'ExecutionSucceeded'
        ? {
            ...event,
            executionSucceededEventDetails: { output: JSON.stringify({ ...run.state, plan: slow }) },
          }
        : event,
    );

    const report = buildFailoverReport(recordFromHistory(run.executionArn, events));
    const markdown = renderMarkdown(report);

    expect(report.rto.met).toBe(false);
    expect(report.rpo.met).toBe(false);
    expect(markdown).toContain(
      '390 s (trigger → last parameter repointed) against objective 300 s: **missed**',
    );
    expect(markdown).toContain('12 s (highest replica lag at promotion) against objective 10 s: **missed**');
  });

  it('renders a gantt Mermaid parses, with the durations of the history', async () => {
    const run = lagExceededDrill(plan);
    const report = buildFailoverReport(recordFromHistory(run.executionArn, run.events));

    const gantt = await parseGantt(mermaidBlocks(renderMarkdown(report))[0] ?? '');

    const byId = new Map(gantt.tasks.map((task) => [task.id, task]));
    const drawn = report.steps.map((_entry, i) => byId.get(`s${i + 1}`));
    expect(drawn.map((task) => ((task?.endMs ?? 0) - (task?.startMs ?? 0)) / 1000)).toEqual(
      report.steps.map((entry) => entry.durationSeconds),
    );
    expect(
      gantt.tasks
        .filter((task) => task.crit)
        .map((task) => task.name)
        .sort(),
    ).toEqual(['Check Replica Lag', 'Failover Failed', 'Read Replica Lag (shop-db-replica)']);
  });
});

import { describe, expect, it } from 'vitest';
import {
  buildFailoverReport,
  recordFromHistory,
  renderMarkdown,
  type ExecutionStep,
} from '../../engine/report/index.js';
import { examplePlan } from '../fixtures/plans.js';
import { HistoryBuilder } from './support/history-builder.js';
import {
  duplicateDrill,
  LAG_EXCEEDED,
  lagExceededDrill,
  refusedExecution,
  stoppedDrill,
  succeededDrill,
} from './support/live-executions.js';
import { mermaidBlocks, parseGantt } from './support/mermaid-gantt.js';

const plan = examplePlan();

const step = (steps: readonly ExecutionStep[], state: string, item?: string): ExecutionStep | undefined =>
  steps.find((candidate) => candidate.state === state && candidate.item === item);

const seconds = (entry: ExecutionStep | undefined): number =>
  entry === undefined ? NaN : (Date.parse(entry.endedAt) - Date.parse(entry.startedAt)) / 1000;

describe('recordFromHistory', () => {
  it('folds a succeeded execution into one row per state, with runs and retries', () => {
    const run = succeededDrill(plan);

    const record = recordFromHistory(run.executionArn, run.events);

    expect(record.outcome).toBe('succeeded');
    expect(record.source).toBe('live');
    expect(record.executionName).toBe('gameday-shop-prod-20261124T090000Z');
    expect(step(record.steps, 'Check Replica Lag')).toMatchObject({
      runs: 1,
      retries: 1,
      outcome: 'succeeded',
    });
    expect(step(record.steps, 'Wait For Promotions')).toMatchObject({ runs: 2, outcome: 'succeeded' });
    expect(step(record.steps, 'All Replicas Promoted?')).toMatchObject({ runs: 3, outcome: 'succeeded' });
    expect(step(record.steps, 'Check Promotions')).toMatchObject({ runs: 2, retries: 0 });
    expect(step(record.steps, 'Recover')?.outcome).toBe('succeeded');
    expect(step(record.steps, 'Repoint Parameters')?.outcome).toBe('succeeded');
    expect(record.steps.every((entry) => entry.outcome === 'succeeded')).toBe(true);
    expect(record.state).toEqual(run.state);
  });

  it('spans a polling loop from its first entry to its last exit', () => {
    const run = succeededDrill(plan);

    const record = recordFromHistory(run.executionArn, run.events);

    // Two 150 s waits, with a 0.5 s Check Promotions and an instant Choice between them.
    expect(seconds(step(record.steps, 'Wait For Promotions'))).toBe(300.5);
    // A throttled 0.5 s attempt, 1 s back-off, then the 0.5 s attempt that succeeded.
    expect(seconds(step(record.steps, 'Check Replica Lag'))).toBe(2);
  });

  it('marks the failing step failed, the Parallel whose Catch took over caught, and the Fail state failed', () => {
    const run = lagExceededDrill(plan);

    const record = recordFromHistory(run.executionArn, run.events);

    expect(record.outcome).toBe('failed');
    expect(record.error).toEqual({ error: 'ReplicaLagExceededError', cause: LAG_EXCEEDED });
    expect(step(record.steps, 'Check Replica Lag')).toMatchObject({
      outcome: 'failed',
      error: 'ReplicaLagExceededError',
    });
    expect(step(record.steps, 'Gate')).toMatchObject({
      outcome: 'caught',
      error: 'ReplicaLagExceededError',
    });
    expect(step(record.steps, 'Read Back Replicas')?.outcome).toBe('succeeded');
    expect(step(record.steps, 'Notify Failed')?.outcome).toBe('succeeded');
    expect(step(record.steps, 'Failover Failed')).toMatchObject({
      outcome: 'failed',
      error: 'ReplicaLagExceededError',
    });
    expect(record.state?.failedStep).toBe('Gate');
  });

  it('tells a stopped execution from a failed one and marks the states it cut short aborted', () => {
    const run = stoppedDrill(plan);

    const record = recordFromHistory(run.executionArn, run.events);

    expect(record.outcome).toBe('stopped');
    expect(record.error?.error).toBe('Stopped');
    expect(step(record.steps, 'Wait For Promotions')).toMatchObject({ outcome: 'aborted' });
    expect(seconds(step(record.steps, 'Wait For Promotions'))).toBe(20);
    expect(step(record.steps, 'Promote Replicas')?.outcome).toBe('succeeded');
    expect(step(record.steps, 'Recover')?.outcome).toBe('aborted');
  });

  it('fails the states still running when the execution timed out', () => {
    const builder = new HistoryBuilder(
      '2026-11-24T09:00:01.000Z',
      'arn:aws:states:us-west-2:111111111111:execution:shop-prod-failover:slow-1',
    );
    builder.started({}).task('Validate Trigger').enter('Wait', 'Wait For Promotions', {});
    builder.after(14_400).event('ExecutionTimedOut', {
      executionTimedOutEventDetails: { error: 'States.Timeout', cause: 'TimeoutSeconds 14400 passed' },
    });

    const record = recordFromHistory(builder.arn, builder.events);

    expect(record.outcome).toBe('timed-out');
    expect(record.error).toEqual({ error: 'States.Timeout', cause: 'TimeoutSeconds 14400 passed' });
    expect(step(record.steps, 'Wait For Promotions')).toMatchObject({
      outcome: 'failed',
      error: 'States.Timeout',
    });
    expect(seconds(step(record.steps, 'Wait For Promotions'))).toBe(14_400);
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

  it('reports a duplicate delivery as duplicate, with no error', () => {
    const run = duplicateDrill(plan);

    const record = recordFromHistory(run.executionArn, run.events);

    expect(record.outcome).toBe('duplicate');
    expect(record.error).toBeUndefined();
  });

  it('reports a failover within the minimum interval as refused, not failed', () => {
    const run = refusedExecution(plan);

    const record = recordFromHistory(run.executionArn, run.events);

    expect(record.outcome).toBe('refused');
    expect(record.error?.error).toBe('FailoverRefused');
    expect(step(record.steps, 'Failover Refused')?.outcome).toBe('failed');
  });

  it('leaves the steps of a running execution running, up to its latest event', () => {
    const run = succeededDrill(plan);
    // Up to the lag look's first (throttled) attempt, which the Task's Retry is about to retry.
    const events = run.events.slice(
      0,
      run.events.findIndex((event) => event.type === 'LambdaFunctionFailed') + 1,
    );

    const record = recordFromHistory(run.executionArn, events, { status: 'RUNNING' });

    expect(record.outcome).toBe('running');
    expect(record.error).toBeUndefined();
    expect(record.endedAt).toBe(events.at(-1)?.timestamp?.toISOString());
    expect(record.steps.filter((entry) => entry.outcome === 'running').map((entry) => entry.state)).toEqual([
      'Gate',
      'Check Replica Lag',
    ]);
    expect(step(record.steps, 'Check Replica Lag')).toMatchObject({
      error: 'Throttling',
      retries: 0,
    });
  });
});

describe('the report of a live execution', () => {
  it('takes RTO and RPO from the phase summaries in the execution state, against the plan', () => {
    const run = succeededDrill(plan);

    const report = buildFailoverReport(recordFromHistory(run.executionArn, run.events), plan);

    // succeededDrillState: drill requested 09:00:00, last resource (route) done 09:06:30, gate lag 12 s.
    expect(report.rto).toMatchObject({ achievedSeconds: 390, objectiveSeconds: 900, met: true });
    expect(report.rpo).toMatchObject({ estimateSeconds: 12, objectiveSeconds: 60, met: true });
    expect(report.timeBase).toBe('real');
    expect(report.executionArn).toBe(run.executionArn);
    expect(report.dryRun).toBe(false);
    expect(report.rto.to).toBe('2026-11-24T09:06:30.000Z');
  });

  it('shows each kind’s summary per phase when the failover record was not read', () => {
    const run = succeededDrill(plan);

    const report = buildFailoverReport(recordFromHistory(run.executionArn, run.events), plan);

    expect(report.resources).toBeNull();
    expect(report.phases.map((phase) => `${phase.phase} ${phase.kind}`)).toEqual([
      'gate rds-replica',
      'recover rds-replica',
      'recover auto-scaling-group',
      'route ssm-parameter',
    ]);
    expect(renderMarkdown(report)).toContain(
      '| route | ssm-parameter | yes | 0 of 3 | 2026-11-24T09:06:30.000Z |',
    );
  });

  it('says when the objectives were missed', () => {
    const run = succeededDrill(plan);
    const slow = examplePlan((document) => {
      document.objectives = { rtoSeconds: 300, rpoSeconds: 10 };
      document.databases = [{ id: 'main', replica: 'shop-db-replica', maxLagSeconds: 10 }];
    });

    const report = buildFailoverReport(recordFromHistory(run.executionArn, run.events), slow);
    const markdown = renderMarkdown(report);

    expect(report.rto.met).toBe(false);
    expect(report.rpo.met).toBe(false);
    expect(markdown).toContain(
      '390 s (drill request → last resource failed over) against objective 300 s: **missed**',
    );
    expect(markdown).toContain('12 s (highest replica lag at promotion) against objective 10 s: **missed**');
  });

  it('renders a gantt Mermaid parses: one task per phase, for as long as the history says, failures crit', async () => {
    const run = lagExceededDrill(plan);
    const report = buildFailoverReport(recordFromHistory(run.executionArn, run.events), plan);

    const gantt = await parseGantt(mermaidBlocks(renderMarkdown(report))[0] ?? '');

    const phases = gantt.tasks.filter((task) => task.section === 'Phases');
    expect(phases.map((task) => task.name)).toEqual(report.timeline.map((phase) => phase.title));
    expect(phases.map((task) => (task.endMs - task.startMs) / 1000)).toEqual(
      report.timeline.map((phase) => phase.durationSeconds),
    );
    // Every state of the history lies within its phase's bar.
    const gate = report.timeline.find((phase) => phase.id === 'gate');
    const lagChecks = report.steps.filter((step) => step.state === 'Check Replica Lag');
    expect(lagChecks.length).toBeGreaterThan(0);
    for (const step of lagChecks) {
      expect(Date.parse(step.startedAt)).toBeGreaterThanOrEqual(Date.parse(gate?.startedAt ?? ''));
      expect(Date.parse(step.endedAt)).toBeLessThanOrEqual(Date.parse(gate?.endedAt ?? ''));
    }
    expect(phases.filter((task) => task.crit).map((task) => task.name)).toEqual(
      expect.arrayContaining(['Gate (read-only checks)']),
    );
    expect(gantt.tasks.find((task) => task.name === 'RDS read replicas')?.section).toBe(
      'Gate (read-only checks)',
    );
    expect(gantt.tasks.find((task) => task.name === 'RDS read replicas')?.crit).toBe(true);
    expect(report.gateRan).toBe(true);
  });
});

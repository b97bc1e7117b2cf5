import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListStateMachinesCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { gamedayExecutionName } from '../../cli/gameday-command.js';
import type { FailoverReport } from '../../engine/report/index.js';
import { EXAMPLE_PLAN_FILE, examplePlan } from '../fixtures/plans.js';
import {
  executionArn,
  LAG_EXCEEDED,
  lagExceededDrill,
  STATE_MACHINE_ARN,
  stoppedDrill,
  succeededDrill,
  type LiveExecution,
} from '../report/support/live-executions.js';
import { NOW, pressCtrlC, recordingEnvironment, runCli, type RecordingEnvironment } from './support/cli.js';

const sfn = mockClient(SFNClient);
const plan = examplePlan();
const NAME = gamedayExecutionName(plan, NOW, false);
const ARN = executionArn(NAME);
const PAGE = 4;

/**
 * Serves an execution the way Step Functions does while it runs: each DescribeExecution call
 * lets the next batch of events "happen"; GetExecutionHistory pages the events so far, PAGE at
 * a time, with a nextToken while more remain.
 */
function serveExecution(
  run: LiveExecution,
  batches: readonly number[],
  finalStatus: 'SUCCEEDED' | 'FAILED' | 'ABORTED',
) {
  let visible = batches[0] ?? run.events.length;
  let describes = 0;
  sfn.on(StartExecutionCommand).resolves({ executionArn: run.executionArn, startDate: NOW });
  sfn.on(GetExecutionHistoryCommand).callsFake((input: { nextToken?: string }) => {
    const from = input.nextToken === undefined ? 0 : Number(input.nextToken.replace('page-', ''));
    const events: HistoryEvent[] = run.events.slice(0, visible).slice(from, from + PAGE);
    const more = from + PAGE < visible;
    return { events, ...(more ? { nextToken: `page-${from + PAGE}` } : {}) };
  });
  sfn.on(DescribeExecutionCommand).callsFake(() => {
    describes += 1;
    const done = describes >= batches.length;
    visible = done ? run.events.length : (batches[describes] ?? run.events.length);
    const failure = run.events.find((event) => event.type === 'ExecutionFailed')?.executionFailedEventDetails;
    return {
      executionArn: run.executionArn,
      stateMachineArn: STATE_MACHINE_ARN,
      name: NAME,
      status: done ? finalStatus : 'RUNNING',
      startDate: NOW,
      ...(done && failure ? { error: failure.error, cause: failure.cause } : {}),
    };
  });
}

const liveArgs = (dir: string, ...extra: string[]) => [
  'gameday',
  '--plan',
  EXAMPLE_PLAN_FILE,
  '--state-machine-arn',
  STATE_MACHINE_ARN,
  '--report-dir',
  dir,
  ...extra,
];

let dir: string;
beforeEach(() => {
  sfn.reset();
  dir = mkdtempSync(join(tmpdir(), 'failover-live-'));
});
afterEach(() => sfn.reset());

describe('failover gameday (live)', () => {
  it('starts the deployed state machine with the drill request as input', async () => {
    serveExecution(succeededDrill(plan, NAME), [], 'SUCCEEDED');

    const { code } = await runCli(
      liveArgs(dir, '--yes', '--requested-by', 'alice@example.com', '--reason', 'Q4 game day'),
    );

    expect(code).toBe(0);
    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(start?.args[0].input).toMatchObject({ stateMachineArn: STATE_MACHINE_ARN, name: NAME });
    expect(JSON.parse(start?.args[0].input.input ?? '{}')).toEqual({
      source: 'failover.gameday',
      'detail-type': 'Failover Drill Requested',
      time: NOW.toISOString(),
      detail: {
        planName: 'shop-prod',
        requestedBy: 'alice@example.com',
        reason: 'Q4 game day',
        dryRun: false,
      },
    });
  });

  it('pages the history, printing each state once as it happens, and polls at the set interval', async () => {
    const run = succeededDrill(plan, NAME);
    serveExecution(run, [6, 23, 41], 'SUCCEEDED');
    const env = recordingEnvironment();

    const { code, outLines } = await runCli(liveArgs(dir, '--yes'), env);

    expect(code).toBe(0);
    const entered = outLines.filter((line) => line.includes('▶ '));
    const enteredEvents = run.events.filter((event) => event.type?.endsWith('StateEntered'));
    expect(entered).toHaveLength(enteredEvents.length);
    expect(outLines.filter((line) => line.endsWith('▶ Validate Trigger'))).toHaveLength(1);
    expect(outLines).toContainEqual(expect.stringMatching(/✓ Check Replica Lag {2}2s$/));
    expect(outLines).toContainEqual(expect.stringMatching(/✗ Check Replica Lag: Throttling: Rate exceeded$/));
    expect(outLines).toContainEqual(expect.stringMatching(/✓ execution succeeded$/));
    expect(env.sleeps).toEqual([2_500, 2_500]);
    const calls = sfn.commandCalls(GetExecutionHistoryCommand).map((call) => call.args[0].input);
    expect(calls.every((input) => input.reverseOrder === false && input.executionArn === ARN)).toBe(true);
    expect(calls.filter((input) => input.nextToken !== undefined).length).toBeGreaterThan(5);
    // After the first poll, each poll starts at the page it stopped on, not at the first event.
    expect(calls.filter((input) => input.nextToken === undefined)).toHaveLength(1);
  });

  it('says how to answer when the run reaches the plan approval, once', async () => {
    const run = succeededDrill(plan, NAME);
    const gateAt = run.events.findIndex((event) => event.stateEnteredEventDetails?.name === 'Recover');
    const request: HistoryEvent = {
      id: 10_000,
      type: 'TaskStateEntered',
      timestamp: run.events[gateAt]?.timestamp ?? NOW,
      stateEnteredEventDetails: { name: 'Request Approval', input: '{}' },
    };
    const events = [...run.events.slice(0, gateAt), request, ...run.events.slice(gateAt)];
    serveExecution({ ...run, events }, [gateAt + 1, events.length], 'SUCCEEDED');

    const { code, outLines } = await runCli(liveArgs(dir, '--yes'));

    expect(code).toBe(0);
    expect(outLines).toContainEqual(`    failover approve ${ARN}`);
    expect(outLines).toContainEqual(`    failover decline ${ARN} --reason "<why>"`);
    expect(outLines.filter((line) => line.startsWith('    failover approve'))).toHaveLength(1);
  });

  it('writes the report of the execution and exits 0 when it succeeded', async () => {
    serveExecution(succeededDrill(plan, NAME), [10, 30], 'SUCCEEDED');

    const { code, out, err } = await runCli(liveArgs(dir, '--yes'));

    expect(code).toBe(0);
    expect(err).toBe('failover succeeded');
    expect(out).toContain('RTO achieved: 390s against objective 900s (met)');
    expect(out).toContain('RPO estimate: 12s against objective 60s (met)');
    // A live history carries each kind's summary, not the record: the counts per phase.
    expect(out).toContain('route ssm-parameter: 3 of 3 done');
    const facts = JSON.parse(readFileSync(join(dir, `${NAME}.json`), 'utf8')) as FailoverReport;
    expect(facts).toMatchObject({
      executionArn: ARN,
      outcome: 'succeeded',
      timeBase: 'real',
      rto: { achievedSeconds: 390 },
    });
    expect(readFileSync(join(dir, `${NAME}.md`), 'utf8')).toContain(`| Execution | ${ARN} |`);
  });

  it('exits 1 with the error of a failed execution', async () => {
    serveExecution(lagExceededDrill(plan, NAME), [8, 20], 'FAILED');

    const { code, out, err } = await runCli(liveArgs(dir, '--yes'));

    expect(code).toBe(1);
    expect(err).toBe(`failover failed: ReplicaLagExceededError: ${LAG_EXCEEDED}`);
    expect(out).toContain(`✗ Check Replica Lag: ReplicaLagExceededError: ${LAG_EXCEEDED}`);
    expect(out).toContain(`✗ execution failed: ReplicaLagExceededError: ${LAG_EXCEEDED}`);
    const facts = JSON.parse(readFileSync(join(dir, `${NAME}.json`), 'utf8')) as FailoverReport;
    expect(facts.outcome).toBe('failed');
    expect(facts.steps.find((step) => step.state === 'Check Replica Lag')?.outcome).toBe('failed');
    expect(facts.steps.find((step) => step.state === 'Gate')?.outcome).toBe('caught');
  });

  it('exits 1 for an execution someone stopped (ABORTED)', async () => {
    serveExecution(stoppedDrill(plan, NAME), [12], 'ABORTED');

    const { code, out, err } = await runCli(liveArgs(dir, '--yes'));

    expect(code).toBe(1);
    expect(out).toContain('■ execution stopped (aborted)');
    expect(err).toBe('execution stopped (ABORTED in Step Functions): Stopped: stopped by sre');
    const facts = JSON.parse(readFileSync(join(dir, `${NAME}.json`), 'utf8')) as FailoverReport;
    expect(facts.steps.find((step) => step.state === 'Wait For Promotions')?.outcome).toBe('aborted');
  });
});

describe('the typed confirmation of a live drill', () => {
  it('starts the drill when the plan name is typed', async () => {
    serveExecution(succeededDrill(plan, NAME), [], 'SUCCEEDED');
    const env = recordingEnvironment({ interactive: true, answers: ['shop-prod'] });

    const { code } = await runCli(liveArgs(dir), env);

    expect(code).toBe(0);
    expect(env.questions).toEqual(['Type the plan name (shop-prod) to continue: ']);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });

  it.each([
    ['another name', ['shop-pro'], '"shop-pro" is not the plan name shop-prod: nothing was started'],
    ['end of input', [], '"" is not the plan name shop-prod: nothing was started'],
  ])('refuses (exit 2) and starts nothing on %s', async (_what, answers, reason) => {
    serveExecution(succeededDrill(plan, NAME), [], 'SUCCEEDED');
    const env = recordingEnvironment({ interactive: true, answers });

    const { code, err } = await runCli(liveArgs(dir), env);

    expect(code).toBe(2);
    expect(err.split('\n').at(-1)).toBe(reason);
    expect(err).toContain('This starts a LIVE failover of plan shop-prod');
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it('refuses without a terminal unless --yes is given', async () => {
    serveExecution(succeededDrill(plan, NAME), [], 'SUCCEEDED');

    const { code, err } = await runCli(liveArgs(dir), recordingEnvironment({ interactive: false }));

    expect(code).toBe(2);
    expect(err).toMatch(/^refusing to start a live game day of shop-prod without confirmation: .*pass --yes/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it.each([
    ['--yes', ['--yes']],
    ['--dry-run (read-only)', ['--dry-run']],
  ])('does not ask with %s', async (_what, extra) => {
    serveExecution(succeededDrill(plan, NAME), [], 'SUCCEEDED');
    const env = recordingEnvironment({ interactive: true });

    const { code } = await runCli(liveArgs(dir, ...extra), env);

    expect(code).toBe(0);
    expect(env.questions).toEqual([]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
  });
});

describe('Ctrl-C during a live drill', () => {
  it('stops following, leaves the execution running and says how to follow or stop it', async () => {
    serveExecution(succeededDrill(plan, NAME), [10, 20, 30], 'SUCCEEDED');
    const env: RecordingEnvironment = recordingEnvironment({ onSleep: (self) => pressCtrlC(self) });

    const { code, err } = await runCli(liveArgs(dir, '--yes'), env);

    expect(code).toBe(130);
    expect(err.split('\n')).toEqual([
      'Stopped following; the execution is still running.',
      `  follow it: failover report ${ARN}`,
      `  stop it:   aws stepfunctions stop-execution --execution-arn ${ARN}`,
    ]);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(1);
    expect(env.interruptHandlers.size).toBe(0);
  });
});

describe('finding the state machine', () => {
  it('uses FAILOVER_STATE_MACHINE_ARN when no --state-machine-arn is given', async () => {
    serveExecution(succeededDrill(plan, NAME), [], 'SUCCEEDED');
    const env = recordingEnvironment({ variables: { FAILOVER_STATE_MACHINE_ARN: STATE_MACHINE_ARN } });

    const { code, out } = await runCli(
      ['gameday', '--plan', EXAMPLE_PLAN_FILE, '--yes', '--report-dir', dir],
      env,
    );

    expect(code).toBe(0);
    expect(out).toContain(`on ${STATE_MACHINE_ARN} (from FAILOVER_STATE_MACHINE_ARN)`);
  });

  it('finds <plan>-failover by name in the recovery region, across pages', async () => {
    serveExecution(succeededDrill(plan, NAME), [], 'SUCCEEDED');
    sfn
      .on(ListStateMachinesCommand)
      .resolvesOnce({
        stateMachines: [
          { name: 'other', stateMachineArn: `${STATE_MACHINE_ARN}x`, type: 'STANDARD', creationDate: NOW },
        ],
        nextToken: 'p2',
      })
      .resolvesOnce({
        stateMachines: [
          {
            name: 'shop-prod-failover',
            stateMachineArn: STATE_MACHINE_ARN,
            type: 'STANDARD',
            creationDate: NOW,
          },
        ],
      });

    const { code, out } = await runCli([
      'gameday',
      '--plan',
      EXAMPLE_PLAN_FILE,
      '--yes',
      '--report-dir',
      dir,
    ]);

    expect(code).toBe(0);
    expect(out).toContain(`on ${STATE_MACHINE_ARN} (from its name shop-prod-failover in us-west-2)`);
    expect(sfn.commandCalls(ListStateMachinesCommand).map((call) => call.args[0].input.nextToken)).toEqual([
      undefined,
      'p2',
    ]);
    expect(sfn.commandCalls(StartExecutionCommand)[0]?.args[0].input.stateMachineArn).toBe(STATE_MACHINE_ARN);
  });

  it.each([
    [
      'no state machine of that name',
      [],
      /^bad input: no state machine named shop-prod-failover in us-west-2: .*--state-machine-arn/,
    ],
    [
      'an ARN that is not a state machine',
      ['--state-machine-arn', 'arn:aws:sns:us-west-2:111111111111:x'],
      /is not a Step Functions state machine ARN/,
    ],
  ])('exits 2 for %s', async (_what, extra, reason) => {
    sfn.on(ListStateMachinesCommand).resolves({ stateMachines: [] });

    const { code, err } = await runCli(['gameday', '--plan', EXAMPLE_PLAN_FILE, '--yes', ...extra]);

    expect(code).toBe(2);
    expect(err).toMatch(reason);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

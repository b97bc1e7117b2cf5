import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  SFNClient,
  StartExecutionCommand,
  StopExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_FAILBACK_PLAN } from '../../cli/failback-command.js';
import { EXAMPLE_PLAN_FILE } from '../fixtures/plans.js';
import { NOW, pressCtrlC, recordingEnvironment, runCli } from '../gameday/support/cli.js';

/**
 * `failover failback` on AWS, end to end through the CLI entry (cli/main.ts) against a mocked
 * Step Functions: the failback state machine started once, followed by DescribeExecution and
 * GetExecutionHistory until it ends (cli/start-and-follow.ts, shared with the live game day).
 */

const sfn = mockClient(SFNClient);
const MACHINE = 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-prod-failback';
const EXECUTION = 'arn:aws:states:us-west-2:111111111111:execution:shop-prod-failback:run-1';
const CAUSE = 'the home replica shop-db lags 45 s behind, more than maxLagSeconds (30)';

const entered = (id: number, name: string): HistoryEvent => ({
  id,
  type: 'TaskStateEntered',
  timestamp: NOW,
  stateEnteredEventDetails: { name, input: '{}' },
});
const FIRST: HistoryEvent[] = [
  { id: 1, type: 'ExecutionStarted', timestamp: NOW },
  entered(2, 'Acquire Lock'),
  { id: 3, type: 'TaskStateExited', timestamp: NOW, stateExitedEventDetails: { name: 'Acquire Lock' } },
  entered(4, 'Freeze Writes'),
];
const REST: HistoryEvent[] = [
  { id: 5, type: 'TaskStateExited', timestamp: NOW, stateExitedEventDetails: { name: 'Freeze Writes' } },
  entered(6, 'Promote Home Replicas'),
  { id: 7, type: 'ExecutionSucceeded', timestamp: NOW },
];

/** An execution RUNNING at the first look, then `final`: the history grows between the looks. */
function serveFailback(final: 'SUCCEEDED' | 'FAILED') {
  let looks = 0;
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXECUTION, startDate: NOW });
  sfn.on(GetExecutionHistoryCommand).callsFake(() => ({ events: looks === 0 ? FIRST : [...FIRST, ...REST] }));
  sfn.on(DescribeExecutionCommand).callsFake(() => {
    looks += 1;
    const done = looks > 1;
    return {
      executionArn: EXECUTION,
      stateMachineArn: MACHINE,
      status: done ? final : 'RUNNING',
      startDate: NOW,
      ...(done && final === 'FAILED' ? { error: 'FailbackRefused', cause: CAUSE } : {}),
    };
  });
}

const failbackArgs = (...extra: string[]) => [
  'failback',
  '--plan',
  DEFAULT_FAILBACK_PLAN,
  '--state-machine-arn',
  MACHINE,
  ...extra,
];

beforeEach(() => sfn.reset());
afterEach(() => sfn.reset());

describe('failover failback (live)', () => {
  it('starts the failback state machine once and follows it to SUCCEEDED: exit 0', async () => {
    // Arrange
    serveFailback('SUCCEEDED');
    const env = recordingEnvironment();

    // Act
    const { code, outLines, errLines } = await runCli(
      failbackArgs('--yes', '--requested-by', 'alice@example.com'),
      env,
    );

    // Assert
    expect(code).toBe(0);
    expect(outLines).toEqual([
      `Failback of plan shop-prod to us-east-1 on ${MACHINE} (from --state-machine-arn)`,
      `Started ${EXECUTION}`,
      '  Acquire Lock',
      '  Freeze Writes',
      '  Promote Home Replicas',
    ]);
    expect(errLines).toEqual(['failback succeeded']);
    const starts = sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input);
    expect(starts).toEqual([
      {
        stateMachineArn: MACHINE,
        input: JSON.stringify({ dryRun: false, requestedBy: 'alice@example.com' }),
      },
    ]);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(2);
    expect(
      sfn
        .commandCalls(GetExecutionHistoryCommand)
        .every((call) => call.args[0].input.executionArn === EXECUTION),
    ).toBe(true);
    expect(env.sleeps).toEqual([2_500]);
    expect(env.interruptHandlers.size).toBe(0);
  });

  it('starts a dry run without confirmation, and says so', async () => {
    // Arrange
    serveFailback('SUCCEEDED');
    const env = recordingEnvironment({ interactive: true });

    // Act
    const { code, outLines } = await runCli(failbackArgs('--dry-run'), env);

    // Assert
    expect(code).toBe(0);
    expect(env.questions).toEqual([]);
    expect(outLines[0]).toBe(
      `Failback of plan shop-prod to us-east-1 (dry run) on ${MACHINE} (from --state-machine-arn)`,
    );
    const [start] = sfn.commandCalls(StartExecutionCommand);
    expect(JSON.parse(start?.args[0].input.input ?? '{}')).toEqual({
      dryRun: true,
      requestedBy: 'failover failback',
    });
  });

  it('exits 1 with the cause of a FAILED failback', async () => {
    // Arrange
    serveFailback('FAILED');

    // Act
    const { code, errLines } = await runCli(failbackArgs('--yes'));

    // Assert
    expect(code).toBe(1);
    expect(errLines).toEqual([`failback failed: ${CAUSE}`]);
  });

  it('exits 2 when the failback cannot be started, and follows nothing', async () => {
    // Arrange
    sfn
      .on(StartExecutionCommand)
      .rejects(Object.assign(new Error('User is not authorized'), { name: 'AccessDeniedException' }));

    // Act
    const { code, errLines } = await runCli(failbackArgs('--yes'));

    // Assert
    expect(code).toBe(2);
    expect(errLines).toEqual(['could not start the failback: AccessDeniedException: User is not authorized']);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
  });

  it('stops following on Ctrl-C (exit 130), leaving the failback running', async () => {
    // Arrange
    serveFailback('SUCCEEDED');
    const env = recordingEnvironment({ onSleep: (self) => pressCtrlC(self) });

    // Act
    const { code, errLines } = await runCli(failbackArgs('--yes'), env);

    // Assert
    expect(code).toBe(130);
    expect(errLines).toEqual([
      'Stopped following; the failback is still running.',
      `  stop it:   aws stepfunctions stop-execution --execution-arn ${EXECUTION}`,
    ]);
    expect(sfn.commandCalls(StopExecutionCommand)).toHaveLength(0);
    expect(env.interruptHandlers.size).toBe(0);
  });

  it('exits 1 when it loses track of the running failback', async () => {
    // Arrange
    serveFailback('SUCCEEDED');
    sfn
      .on(DescribeExecutionCommand)
      .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const { code, errLines } = await runCli(failbackArgs('--yes'));

    // Assert
    expect(code).toBe(1);
    expect(errLines).toEqual([
      `lost track of ${EXECUTION}: ThrottlingException: Rate exceeded`,
      `  stop it:   aws stepfunctions stop-execution --execution-arn ${EXECUTION}`,
    ]);
  });
});

describe('bad input to a live failback: exit 2, one line, nothing started', () => {
  it.each([
    [
      'a scenario (local only)',
      failbackArgs('--yes', '--scenario', 'x.json'),
      /^bad input: --scenario is for --local only$/,
    ],
    [
      'a plan that cannot fail back',
      ['failback', '--plan', EXAMPLE_PLAN_FILE, '--state-machine-arn', MACHINE, '--yes'],
      /^bad input: /,
    ],
    [
      'a positional argument',
      [...failbackArgs('--yes'), 'now'],
      /^bad input: failback takes no positional arguments \(got now\)$/,
    ],
    [
      'an ARN that is not a state machine',
      [
        'failback',
        '--plan',
        DEFAULT_FAILBACK_PLAN,
        '--state-machine-arn',
        'arn:aws:sns:us-west-2:111111111111:x',
        '--yes',
      ],
      /^bad input: .*is not a Step Functions state machine ARN/,
    ],
    [
      'no terminal to confirm on and no --yes',
      failbackArgs(),
      /^refusing to start a live failback of shop-prod without confirmation: .*pass --yes/,
    ],
  ])('%s', async (_what, argv, line) => {
    // Arrange
    serveFailback('SUCCEEDED');

    // Act
    const { code, errLines } = await runCli(argv, recordingEnvironment({ interactive: false }));

    // Assert
    expect(code).toBe(2);
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toMatch(line);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});

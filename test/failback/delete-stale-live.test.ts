/**
 * `--delete-stale` on AWS (cli/delete-stale.ts), against a mocked RDS: strict matching, the typed
 * confirmation, final snapshots, skips, and one error line.
 */
import '../unit/support/aws-sdk-matchers.js';
import {
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { failbackPlan } from './support.js';
import { recordingEnvironment } from '../gameday/support/cli.js';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import { runDeleteStale } from '../../cli/delete-stale.js';

const HOME = 'shop-db-stale-202601010100';
const AWAY = 'shop-db-replica-stale-202601010105';
const listed = [
  { DBInstanceIdentifier: 'shop-db', DBInstanceStatus: 'available' },
  { DBInstanceIdentifier: HOME, DBInstanceStatus: 'stopped' },
  { DBInstanceIdentifier: AWAY, DBInstanceStatus: 'stopped' },
  { DBInstanceIdentifier: 'shop-db-stale-notes', DBInstanceStatus: 'available' },
  { DBInstanceIdentifier: 'shop-db-stale-2026010101000', DBInstanceStatus: 'available' },
];

const rds = mockClient(RDSClient);
afterEach(() => {
  vi.useRealTimers();
});

const io = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) } };
};

beforeEach(() => {
  setClientInterceptor(undefined);
  rds.reset();
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: listed });
  for (const instance of listed)
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: instance.DBInstanceIdentifier })
      .resolves({ DBInstances: [instance] });
  rds.on(DeleteDBInstanceCommand).resolves({});
});

describe('runDeleteStale', () => {
  it('after `delete` is typed, deletes each stale instance with its final snapshot, and nothing else', async () => {
    const { out, err, io: cliIo } = io();
    const env = recordingEnvironment({ interactive: true, answers: ['delete'] });
    const code = await runDeleteStale(failbackPlan(), { dryRun: false, yes: false }, cliIo, env);
    expect(err).toEqual([]);
    expect(code).toBe(0);
    expect(env.questions).toEqual(['Type delete to delete these 2 instances: ']);
    expect(out.slice(0, 2)).toEqual([
      `to delete ${HOME} (us-east-1, stopped) after final snapshot ${HOME}-final`,
      `to delete ${AWAY} (us-west-2, stopped) after final snapshot ${AWAY}-final`,
    ]);
    const deletes = rds.commandCalls(DeleteDBInstanceCommand).map((call) => call.args[0].input);
    expect(deletes).toEqual([
      {
        DBInstanceIdentifier: HOME,
        SkipFinalSnapshot: false,
        FinalDBSnapshotIdentifier: `${HOME}-final`,
        DeleteAutomatedBackups: false,
      },
      {
        DBInstanceIdentifier: AWAY,
        SkipFinalSnapshot: false,
        FinalDBSnapshotIdentifier: `${AWAY}-final`,
        DeleteAutomatedBackups: false,
      },
    ]);
  });

  it('deletes nothing without the typed word, and only lists in a dry run', async () => {
    const declined = io();
    const env = recordingEnvironment({ interactive: true, answers: ['yes'] });
    expect(await runDeleteStale(failbackPlan(), { dryRun: false, yes: false }, declined.io, env)).toBe(1);
    expect(declined.err).toEqual([
      'not confirmed ("yes"; type delete or pass --yes): nothing deleted, the stale instances stay',
    ]);
    const dry = io();
    expect(
      await runDeleteStale(failbackPlan(), { dryRun: true, yes: false }, dry.io, recordingEnvironment()),
    ).toBe(0);
    expect(dry.out).toEqual([
      `would delete ${HOME} (us-east-1, stopped) after final snapshot ${HOME}-final`,
      `would delete ${AWAY} (us-west-2, stopped) after final snapshot ${AWAY}-final`,
    ]);
    expect(rds).not.toHaveReceivedCommand(DeleteDBInstanceCommand);
  });

  it('skips an instance already deleting; an error is one line and exit 1', async () => {
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: HOME }).resolves({
      DBInstances: [{ DBInstanceIdentifier: HOME, DBInstanceStatus: 'deleting' }],
    });
    rds
      .on(DeleteDBInstanceCommand, { DBInstanceIdentifier: AWAY })
      .rejects(new InvalidDBInstanceStateFault({ message: 'deletion protection is on', $metadata: {} }));
    const { out, err, io: cliIo } = io();
    const code = await runDeleteStale(
      failbackPlan(),
      { dryRun: false, yes: true },
      cliIo,
      recordingEnvironment(),
    );
    expect(code).toBe(1);
    expect(out).toContain(`skipped ${HOME} (us-east-1): deleting already`);
    expect(err).toEqual([
      `could not delete ${AWAY} (us-west-2): InvalidDBInstanceStateFault: deletion protection is on`,
    ]);
  });

  it('waits for an instance still stopping; one in a state that does not pass is an error line', async () => {
    vi.useFakeTimers({ toFake: ['Date', 'setTimeout'] });
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: HOME })
      .resolvesOnce({ DBInstances: [{ DBInstanceIdentifier: HOME, DBInstanceStatus: 'stopping' }] })
      .resolves({ DBInstances: [{ DBInstanceIdentifier: HOME, DBInstanceStatus: 'stopped' }] });
    rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: AWAY }).resolves({
      DBInstances: [{ DBInstanceIdentifier: AWAY, DBInstanceStatus: 'failed' }],
    });
    const { out, err, io: cliIo } = io();
    const running = runDeleteStale(
      failbackPlan(),
      { dryRun: false, yes: true },
      cliIo,
      recordingEnvironment(),
    );
    await vi.advanceTimersByTimeAsync(30_000);
    expect(await running).toBe(1);
    expect(out).toContain(`deleted ${HOME} (us-east-1) after final snapshot ${HOME}-final`);
    expect(err).toEqual([
      `could not delete ${AWAY} (us-west-2): it is failed, RDS deletes it only when available or stopped`,
    ]);
    expect(
      rds.commandCalls(DeleteDBInstanceCommand).map((call) => call.args[0].input.DBInstanceIdentifier),
    ).toEqual([HOME]);
  });
});

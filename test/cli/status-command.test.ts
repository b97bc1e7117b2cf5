import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { ListStateMachinesCommand, ListTagsForResourceCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import { LOCK_TABLE_TAG, PLAN_TAG } from '../../functions/common/approval-tags.js';
import { fencingKey, type FencingRecord } from '../../functions/common/fencing-record.js';
import { runCli } from '../gameday/support/cli.js';

const PLAN = 'examples/shop-prod.plan.yaml';
const TABLE = 'shop-prod-LockTable-1ABC';
const MACHINE = 'arn:aws:states:us-west-2:111111111111:stateMachine:shop-prod-failover';
const FAILOVER = 'arn:aws:states:us-west-2:111111111111:execution:shop-prod-failover:alarm-1';

const sfn = mockClient(SFNClient);
const dynamo = mockClient(DynamoDBClient);

const record = (
  kind: string,
  resources: FencingRecord['resources'],
  state: 'open' | 'closed' = 'open',
): FencingRecord => ({
  planName: 'shop-prod',
  kind,
  failoverExecution: FAILOVER,
  state,
  resources,
  updatedAt: '2026-11-24T09:20:00.000Z',
  ...(state === 'closed' ? { closedBy: 'failback-1' } : {}),
});

/** The lock table holds these fencing records (by kind); any other key reads as no item. */
function tableHolds(records: readonly FencingRecord[]): void {
  dynamo.on(GetItemCommand).resolves({});
  for (const stored of records) {
    dynamo
      .on(GetItemCommand, {
        TableName: TABLE,
        Key: { planName: { S: fencingKey('shop-prod', stored.kind) } },
      })
      .resolves({
        Item: {
          planName: { S: fencingKey('shop-prod', stored.kind) },
          fencing: { S: JSON.stringify(stored) },
        },
      });
  }
}

const fencedGroup = record('auto-scaling-group', [
  {
    label: 'shop-app-use1',
    status: 'fenced',
    attempts: 1,
    fencedAt: '2026-11-24T09:05:00.000Z',
    detail: 'min 0, desired 0 (was 3/6)',
  },
]);
const pendingDatabase = record('rds-replica', [
  {
    label: 'shop-db',
    status: 'pending',
    attempts: 3,
    lastAttemptAt: '2026-11-24T09:15:00.000Z',
    detail: 'TimeoutError: us-east-1 did not answer in 2 s',
  },
]);

beforeEach(() => setClientInterceptor(undefined));
afterEach(() => {
  sfn.reset();
  dynamo.reset();
});

describe('failover status --plan', () => {
  it('shows each resource, and exits 1 while one is NOT fenced yet', async () => {
    tableHolds([pendingDatabase, fencedGroup]);
    const { code, outLines, err } = await runCli(['status', '--plan', PLAN, '--table', TABLE]);

    expect(code).toBe(1);
    expect(outLines).toEqual([
      `Fencing of plan shop-prod on table ${TABLE} (us-west-2):`,
      `rds-replica: fencing after failover ${FAILOVER}, updated 2026-11-24T09:20:00.000Z`,
      '  ✗ shop-db: NOT fenced yet (3 attempts, last 2026-11-24T09:15:00.000Z; retried every 5 minutes): TimeoutError: us-east-1 did not answer in 2 s',
      `auto-scaling-group: fencing after failover ${FAILOVER}, updated 2026-11-24T09:20:00.000Z`,
      '  ✓ shop-app-use1: fenced at 2026-11-24T09:05:00.000Z: min 0, desired 0 (was 3/6)',
    ]);
    expect(err).toBe('1 resource(s) NOT fenced yet');
    // Consistent reads of the lock table named, in the recovery region.
    expect(dynamo.commandCalls(GetItemCommand).map((call) => call.args[0].input.ConsistentRead)).toEqual([
      true,
      true,
    ]);
  });

  it('exits 0 once everything is fenced, not applicable, or closed by a failback; --json says the same', async () => {
    tableHolds([
      record('rds-replica', [
        { label: 'shop-db-replica', status: 'not-applicable', attempts: 0, detail: 'no primary in the plan' },
      ]),
      { ...fencedGroup, state: 'closed', closedBy: 'failback-1' },
    ]);
    const text = await runCli(['status', '--plan', PLAN, '--table', TABLE]);
    expect(text.code).toBe(0);
    expect(text.outLines.slice(1)).toEqual([
      `rds-replica: fencing after failover ${FAILOVER}, updated 2026-11-24T09:20:00.000Z`,
      '  – shop-db-replica: not applicable: no primary in the plan',
      `auto-scaling-group: closed by the failback failback-1 (failover ${FAILOVER})`,
      '  ✓ shop-app-use1: fenced at 2026-11-24T09:05:00.000Z: min 0, desired 0 (was 3/6)',
    ]);
    const json = await runCli(['status', '--plan', PLAN, '--table', TABLE, '--json']);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.out)).toMatchObject({ plan: 'shop-prod', pending: 0 });
  });

  it('says when no failover has fenced (no record): nothing pending, exit 0', async () => {
    tableHolds([]);
    const { code, outLines } = await runCli(['status', '--plan', PLAN, '--table', TABLE]);
    expect(code).toBe(0);
    expect(outLines.slice(1)).toEqual([
      'rds-replica: no fencing record: no failover of shop-prod has fenced yet',
      'auto-scaling-group: no fencing record: no failover of shop-prod has fenced yet',
    ]);
  });

  it("finds the lock table through the state machine's tags without --table", async () => {
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: [
        { name: 'shop-prod-failover', stateMachineArn: MACHINE, type: 'STANDARD', creationDate: new Date() },
      ],
    });
    sfn.on(ListTagsForResourceCommand, { resourceArn: MACHINE }).resolves({
      tags: [
        { key: PLAN_TAG, value: 'shop-prod' },
        { key: LOCK_TABLE_TAG, value: TABLE },
      ],
    });
    tableHolds([pendingDatabase]);
    const { code, outLines } = await runCli(['status', '--plan', PLAN]);
    expect(code).toBe(1);
    expect(outLines[0]).toBe(`Fencing of plan shop-prod on table ${TABLE} (us-west-2):`);
  });

  it.each([
    [['status'], 'bad input: status needs --plan <file>'],
    [['status', '--plan', PLAN, 'extra'], 'bad input: status takes no positional arguments'],
    [
      ['status', '--plan', PLAN, '--after', '10'],
      'bad input: --scenario and --after describe the simulated AWS',
    ],
    [
      ['status', '--plan', PLAN, '--local', '--table', TABLE],
      'bad input: --table, --region and --state-machine-arn are for an account',
    ],
    [
      ['status', '--plan', PLAN, '--local', '--after', 'ten'],
      'bad input: --after "ten" is not a whole number of minutes',
    ],
    [['status', '--plan', 'no-such-plan.yaml', '--table', TABLE], 'bad input:'],
  ])('exits 2 with one line for bad input: %j', async (argv, line) => {
    const { code, out, errLines } = await runCli(argv);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(errLines).toHaveLength(1);
    expect(errLines[0]).toContain(line);
    expect(dynamo.commandCalls(GetItemCommand)).toEqual([]);
  });

  it('exits 2 when the state machine has no lock table tag for the plan', async () => {
    sfn.on(ListStateMachinesCommand).resolves({
      stateMachines: [
        { name: 'shop-prod-failover', stateMachineArn: MACHINE, type: 'STANDARD', creationDate: new Date() },
      ],
    });
    sfn.on(ListTagsForResourceCommand).resolves({ tags: [] });
    const { code, errLines } = await runCli(['status', '--plan', PLAN]);
    expect(code).toBe(2);
    expect(errLines).toEqual([expect.stringContaining('pass --table <lock table>')]);
  });

  it('--local replays a failover of the plan on the simulated AWS and reads its fencing records there', async () => {
    const { code, outLines } = await runCli(['status', '--plan', PLAN, '--local', '--after', '10']);
    expect(code).toBe(0);
    expect(outLines[0]).toBe(
      'Fencing of plan shop-prod on the simulated AWS, 10 minutes after a local failover:',
    );
    // One header per fencing kind of the plan.
    expect(outLines.filter((line) => /^(rds-replica|auto-scaling-group): /.test(line))).toHaveLength(2);
    expect(dynamo.commandCalls(GetItemCommand)).toEqual([]);
  });
});

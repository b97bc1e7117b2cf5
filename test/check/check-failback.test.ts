import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { DBInstanceNotFoundFault, DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import { ListTagsForResourceCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { LOCK_TABLE_TAG, PLAN_TAG } from '../../functions/common/approval-tags.js';
import { recordKey } from '../../functions/common/failover-record.js';
import { fencingKey, type FencingRecord } from '../../functions/common/fencing-record.js';
import { describeDBInstancesOutput, replicaInstance, standaloneInstance } from '../fixtures/aws-fixtures.js';
import { EXAMPLE_PLAN_FILE, fencedExamplePlanDocument } from '../fixtures/plans.js';
import { recordingEnvironment, runCli } from '../gameday/support/cli.js';
import { healthyAccount, rds, sfn, STATE_MACHINE_ARN } from './support/ready-account.js';

/** `failover check`'s failback section (issue 10), on a mocked account. */

const dynamo = mockClient(DynamoDBClient);
const TABLE = 'shop-prod-LockTable-1ABC';
const FAILOVER = 'arn:aws:states:us-west-2:111111111111:execution:shop-prod-failover:alarm-1';
const SCOPE = { planName: 'shop-prod', executionId: FAILOVER };
const REPLICA_ARN = 'arn:aws:rds:us-west-2:111111111111:db:shop-db-replica';

/** The example plan naming its old primary (shop-db) and old group (shop-app-use1). */
const planFile = (() => {
  const file = join(mkdtempSync(join(tmpdir(), 'check-failback-')), 'fenced.plan.yaml');
  writeFileSync(file, stringify(fencedExamplePlanDocument()));
  return file;
})();

const check = (...extra: string[]) => runCli(['check', '--plan', planFile, ...extra], recordingEnvironment());

const fencing = (kind: string, resources: FencingRecord['resources']): FencingRecord => ({
  planName: 'shop-prod',
  kind,
  failoverExecution: FAILOVER,
  state: 'open',
  resources,
  updatedAt: '2026-11-24T09:20:00.000Z',
});

const RECORDS = {
  fencedDatabase: fencing('rds-replica', [
    {
      label: 'shop-db',
      status: 'fenced',
      attempts: 1,
      detail: 'stopped after final snapshot shop-db-final-1',
    },
  ]),
  pendingGroup: fencing('auto-scaling-group', [
    { label: 'shop-app-use1', status: 'pending', attempts: 3, detail: 'us-east-1 timed out' },
  ]),
};

/** The lock table holds these items (by key); any other key reads as no item. */
function tableHolds(items: Record<string, Record<string, AttributeValue>>): void {
  dynamo
    .on(GetItemCommand)
    .callsFake((input: { TableName: string; Key: { planName: { S: string } } }) =>
      input.TableName === TABLE ? { Item: items[input.Key.planName.S] } : {},
    );
}

/** A failover in effect: lock item, facts for the first two parameters, fencing records. */
function failoverInEffect(lock: Record<string, AttributeValue> = {}): void {
  const facts = (previousValue: string | null) => ({
    facts: { S: JSON.stringify({ previousValue, type: 'String' }) },
  });
  tableHolds({
    'shop-prod': { version: { N: '3' }, lastFailoverExecution: { S: FAILOVER }, ...lock },
    [recordKey(SCOPE, 'ssm-parameter', 0)]: facts('shop-db.abc.us-east-1.rds.amazonaws.com'),
    [recordKey(SCOPE, 'ssm-parameter', 1)]: facts(null),
    [fencingKey('shop-prod', 'rds-replica')]: { fencing: { S: JSON.stringify(RECORDS.fencedDatabase) } },
    [fencingKey('shop-prod', 'auto-scaling-group')]: { fencing: { S: JSON.stringify(RECORDS.pendingGroup) } },
  });
}

const home = (answer: () => unknown) =>
  rds.on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'shop-db' }).callsFake(answer);

const failbackLines = (lines: readonly string[]) =>
  lines.slice(lines.findIndex((line) => line.startsWith('Failback')));

beforeEach(() => {
  healthyAccount();
  dynamo.reset();
});

describe('failover check: failback readiness', () => {
  it('reports the home replica, recorded values and fencing, without changing the exit code', async () => {
    failoverInEffect();
    home(() =>
      describeDBInstancesOutput(
        replicaInstance('shop-db', { ReadReplicaSourceDBInstanceIdentifier: REPLICA_ARN }),
      ),
    );

    const { code, outLines, err } = await check('--table', TABLE);

    expect(code).toBe(0);
    expect(err).toBe('ready: 16 of 16 checks passed');
    expect(failbackLines(outLines)).toEqual([
      `Failback readiness (failover ${FAILOVER} in effect; informational, not in the exit code):`,
      '  ✓ home shop-db in us-east-1: a replica of shop-db-replica, available and replicating, ReplicaLag 4s (the failback gate waits for ≤ 1s)',
      '  ✓ parameter /shop/db/host: previous value recorded: shop-db.abc.us-east-1.rds.amazonaws.com',
      '  ✓ parameter /shop/db/port: recorded as absent before the failover (Route Back leaves it)',
      '  ✗ parameter /shop/active-region: no previous value recorded by the failover: Route Back will leave it as it is',
      '  ✓ fencing rds-replica shop-db: fenced: stopped after final snapshot shop-db-final-1',
      '  ✗ fencing auto-scaling-group shop-app-use1: pending after 3 attempts: us-east-1 timed out',
    ]);
    const homeCall = rds
      .commandCalls(DescribeDBInstancesCommand)
      .find((call) => call.args[0].input.DBInstanceIdentifier === 'shop-db');
    expect(await homeCall?.thisValue.config.region()).toBe('us-east-1');
    expect(await homeCall?.thisValue.config.maxAttempts()).toBe(1);
  });

  it('says what holds the home identifier while Re-protect Home has not run: the stopped old primary', async () => {
    failoverInEffect();
    home(() => describeDBInstancesOutput(standaloneInstance('shop-db', { DBInstanceStatus: 'stopped' })));

    const { code, outLines } = await check('--table', TABLE);

    expect(code).toBe(0);
    expect(outLines).toContain(
      "  ✗ home shop-db in us-east-1: not a replica of shop-db-replica yet: the failback's Re-protect Home will create it; the identifier is held now by the fenced old primary (stopped), which it renames aside",
    );
  });

  it('says the home replica is not there yet when the identifier is free', async () => {
    failoverInEffect();
    rds
      .on(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'shop-db' })
      .rejects(new DBInstanceNotFoundFault({ message: 'not found', $metadata: {} }));

    const { outLines } = await check('--table', TABLE);

    expect(outLines).toContain(
      "  ✗ home shop-db in us-east-1: not there yet: the failback's Re-protect Home will create it",
    );
  });

  it('prints one line when the last failover was already failed back', async () => {
    failoverInEffect({ lastFailbackOf: { S: FAILOVER }, lastFailbackExecution: { S: 'fb-1' } });

    const { code, outLines } = await check('--table', TABLE);

    expect(code).toBe(0);
    expect(outLines.at(-1)).toBe('no failover in effect: nothing to fail back');
    expect(rds.commandCalls(DescribeDBInstancesCommand, { DBInstanceIdentifier: 'shop-db' })).toEqual([]);
  });

  it('prints one line when no failover is recorded', async () => {
    tableHolds({ 'shop-prod': { version: { N: '1' } } });

    const { outLines } = await check('--table', TABLE);

    expect(outLines.at(-1)).toBe('no failover in effect: nothing to fail back');
  });

  it("finds the lock table through the state machine's tags", async () => {
    failoverInEffect();
    home(() => describeDBInstancesOutput());
    sfn.on(ListTagsForResourceCommand).resolves({
      tags: [
        { key: LOCK_TABLE_TAG, value: TABLE },
        { key: PLAN_TAG, value: 'shop-prod' },
      ],
    });

    const { outLines } = await check();

    expect(outLines).toContain(
      `Failback readiness (failover ${FAILOVER} in effect; informational, not in the exit code):`,
    );
    expect(sfn.commandCalls(ListTagsForResourceCommand)[0]?.args[0].input).toEqual({
      resourceArn: STATE_MACHINE_ARN,
    });
  });

  it('keeps the exit code of a plan not ready, and says when the lock table is unknown', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .rejects(new DBInstanceNotFoundFault({ message: 'not found', $metadata: {} }));
    sfn.on(ListTagsForResourceCommand).resolves({ tags: [] });

    const { code, outLines } = await check();

    expect(code).toBe(1);
    expect(outLines.at(-1)).toMatch(/^failback readiness unknown: no lock table: .*pass --table/);
    expect(dynamo.commandCalls(GetItemCommand)).toEqual([]);
  });

  it('refuses --table with --local (exit 2)', async () => {
    const { code, err } = await runCli(['check', '--local', '--plan', EXAMPLE_PLAN_FILE, '--table', TABLE]);

    expect(code).toBe(2);
    expect(err).toMatch(/--table are for checking an account/);
  });
});

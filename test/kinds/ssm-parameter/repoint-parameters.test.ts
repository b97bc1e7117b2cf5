import '../../unit/support/aws-sdk-matchers.js';
import {
  AccessDeniedException,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
  type ParameterType,
} from '@aws-sdk/client-ssm';
import { UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import { ParameterTemplateError } from '../../../functions/common/errors.js';
import type { Plan } from '../../../functions/common/plan.js';
import type { DatabaseFacts } from '../../../functions/kinds/rds-replica/types.js';
import { repointParameters } from '../../../functions/kinds/ssm-parameter/repoint-parameters.js';
import type { ParameterFacts, ParameterProgress } from '../../../functions/kinds/ssm-parameter/types.js';
import { examplePlan } from '../../fixtures/plans.js';
import { mockRecordTable, RECORD_SCOPE, RECORD_TABLE } from '../../fixtures/record-table.js';

const ssm = mockClient(SSMClient);
const record = mockRecordTable();
const NOW = new Date('2026-11-24T09:12:00.000Z');
const NEW_HOST = 'shop-db-replica.abcdefgh0ijk.us-west-2.rds.amazonaws.com';
const OLD_HOST = 'shop-db.cluster0abc.us-east-1.rds.amazonaws.com';
const KIND = 'ssm-parameter';

/** What the RDS replica kind records once a database is promoted: where it answers. */
const databasePromoted = (index = 0, facts: Partial<DatabaseFacts> = {}) =>
  record.seed(RECORD_SCOPE, ['rds-replica', index], 'facts', {
    instanceId: 'shop-db-replica',
    endpoint: NEW_HOST,
    port: '5432',
    ...facts,
  });

const repoint = (plan: Plan = examplePlan(), dryRun = false) => repointParameters(plan, RECORD_SCOPE, dryRun);

const progress = (
  status: Exclude<ParameterProgress['status'], 'skipped'>,
  previousValue: string | null,
  value: string,
  dryRun = false,
): ParameterProgress => ({
  status,
  previousValue,
  repointedAt: NOW.toISOString(),
  dryRun,
  message: `${{ repointed: 'repointed', already: 'already', 'would-repoint': 'would repoint' }[status]} ${previousValue ?? '(absent)'} -> ${value}`,
});

const recordedFacts = (index: number) => record.read<ParameterFacts>(RECORD_SCOPE, [KIND, index], 'facts');

/** The recovery region's parameters before the failover: still pointing at the primary. */
const currentParameters = (values: Record<string, { value: string; type?: ParameterType } | undefined>) => {
  for (const [name, current] of Object.entries(values)) {
    const stub = ssm.on(GetParameterCommand, { Name: name });
    if (current === undefined) {
      stub.rejects(new ParameterNotFound({ message: '', $metadata: { httpStatusCode: 400 } }));
    } else {
      stub.resolves({
        Parameter: { Name: name, Value: current.value, Type: current.type ?? 'String', Version: 3 },
      });
    }
  }
};

beforeEach(() => {
  setClientInterceptor(undefined);
  process.env.FAILOVER_LOCK_TABLE = RECORD_TABLE;
  record.reset();
  databasePromoted();
  ssm.reset();
  ssm.on(PutParameterCommand).resolves({ Version: 4, Tier: 'Standard' });
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('repointParameters', () => {
  it('renders every template from the recorded endpoints and records each previous value once', async () => {
    // Arrange
    currentParameters({
      '/shop/db/host': { value: OLD_HOST },
      '/shop/db/port': { value: '3306' },
      '/shop/active-region': { value: 'us-east-1' },
    });

    // Act
    const result = await repoint();

    // Assert
    expect(result).toEqual([
      progress('repointed', OLD_HOST, NEW_HOST),
      progress('repointed', '3306', '5432'),
      progress('repointed', 'us-east-1', 'us-west-2'),
    ]);
    expect([0, 1, 2].map(recordedFacts)).toEqual([
      { previousValue: OLD_HOST, type: 'String' },
      { previousValue: '3306', type: 'String' },
      { previousValue: 'us-east-1', type: 'String' },
    ]);
    expect(ssm).toHaveReceivedCommandTimes(PutParameterCommand, 3);
    expect(ssm).toHaveReceivedNthCommandWith(PutParameterCommand, 1, {
      Name: '/shop/db/host',
      Value: NEW_HOST,
      Type: 'String',
      Overwrite: true,
    });
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/shop/db/host',
      WithDecryption: true,
    });
  });

  it('writes to the recovery region', async () => {
    // Arrange
    currentParameters({
      '/shop/db/host': { value: OLD_HOST },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': { value: 'us-east-1' },
    });

    // Act
    await repoint();

    // Assert
    const client = ssm.commandCalls(PutParameterCommand)[0]?.thisValue as SSMClient;
    await expect(client.config.region()).resolves.toBe('us-west-2');
  });

  it('keeps the type of an existing SecureString parameter', async () => {
    // Arrange
    currentParameters({
      '/shop/db/host': { value: OLD_HOST, type: 'SecureString' },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': { value: 'us-west-2' },
    });

    // Act
    await repoint();

    // Assert
    expect(recordedFacts(0)).toEqual({ previousValue: OLD_HOST, type: 'SecureString' });
    expect(ssm).toHaveReceivedCommandExactlyOnceWith(PutParameterCommand, {
      Name: '/shop/db/host',
      Value: NEW_HOST,
      Type: 'SecureString',
      Overwrite: true,
    });
  });

  it('skips parameters that already hold their new value, so a retried step is harmless', async () => {
    // Arrange
    currentParameters({
      '/shop/db/host': { value: NEW_HOST },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': { value: 'us-east-1' },
    });

    // Act
    const result = await repoint();

    // Assert
    expect(result.map(({ status }) => status)).toEqual(['already', 'already', 'repointed']);
    expect(result[0]?.message).toBe(`already ${NEW_HOST} -> ${NEW_HOST}`);
    expect(ssm).toHaveReceivedCommandExactlyOnceWith(PutParameterCommand, {
      Name: '/shop/active-region',
      Value: 'us-west-2',
    });
  });

  it('creates a parameter that does not exist yet, without Overwrite, and records null as its previous value', async () => {
    // Arrange
    currentParameters({
      '/shop/db/host': { value: NEW_HOST },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': undefined,
    });

    // Act
    const result = await repoint();

    // Assert
    expect(ssm).toHaveReceivedCommandExactlyOnceWith(PutParameterCommand, {
      Name: '/shop/active-region',
      Value: 'us-west-2',
      Type: 'String',
      Overwrite: false,
    });
    expect(result[2]).toEqual(progress('repointed', null, 'us-west-2'));
    expect(recordedFacts(2)).toEqual({ previousValue: null, type: 'String' });
  });

  it('writes nothing in a dry run, but reports the values it would write', async () => {
    // Arrange
    currentParameters({
      '/shop/db/host': { value: OLD_HOST },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': undefined,
    });

    // Act
    const result = await repoint(examplePlan(), true);

    // Assert
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    expect(record.dynamoDb).not.toHaveReceivedCommand(UpdateItemCommand);
    expect(result).toEqual([
      progress('would-repoint', OLD_HOST, NEW_HOST, true),
      progress('already', '5432', '5432', true),
      progress('would-repoint', null, 'us-west-2', true),
    ]);
  });

  it.each([
    ['was not promoted (no facts recorded)', () => record.reset()],
    [
      'was recorded without an endpoint',
      () => (record.reset(), databasePromoted(0, { endpoint: undefined })),
    ],
  ])('throws ParameterTemplateError and changes nothing when the database %s', async (_case, arrange) => {
    // Arrange
    arrange();
    currentParameters({
      '/shop/db/host': { value: OLD_HOST },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': { value: 'us-east-1' },
    });

    // Act
    const result = repoint();

    // Assert
    await expect(result).rejects.toThrow(ParameterTemplateError);
    await expect(result).rejects.toThrow(
      '/shop/db/host: {{databases.main.endpoint}} has no value: database "main" produced no endpoint; no parameter was changed',
    );
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    expect(ssm).not.toHaveReceivedCommand(GetParameterCommand);
  });

  it('changes nothing when only a later parameter cannot be rendered', async () => {
    // Arrange
    const plan = examplePlan((document) => {
      document.databases?.push({ id: 'orders', replica: 'orders-db-replica', maxLagSeconds: 30 });
      document.parameters?.push({ name: '/orders/db/host', value: '{{databases.orders.endpoint}}' });
    });
    currentParameters({ '/shop/db/host': { value: OLD_HOST } });

    // Act
    const result = repoint(plan);

    // Assert
    await expect(result).rejects.toThrow('/orders/db/host: {{databases.orders.endpoint}} has no value');
    expect(ssm).not.toHaveReceivedAnyCommand();
  });

  it('lets an SSM error other than ParameterNotFound through', async () => {
    // Arrange
    ssm.on(GetParameterCommand).rejects(
      new AccessDeniedException({
        message: 'not authorized to perform: ssm:GetParameter',
        Message: 'not authorized to perform: ssm:GetParameter',
        $metadata: { httpStatusCode: 400 },
      }),
    );

    // Act
    const result = repoint();

    // Assert
    await expect(result).rejects.toHaveProperty('name', 'AccessDeniedException');
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it('keeps the value from before the failover when it is retried after its write', async () => {
    // Arrange: the first run repointed the host, then its response was lost.
    currentParameters({
      '/shop/db/host': { value: OLD_HOST },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': { value: 'us-east-1' },
    });
    await repoint();
    ssm.reset();
    ssm.on(PutParameterCommand).resolves({ Version: 5, Tier: 'Standard' });
    currentParameters({
      '/shop/db/host': { value: NEW_HOST },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': { value: 'us-west-2' },
    });

    // Act
    const retried = await repoint();

    // Assert
    expect(retried).toEqual([
      progress('repointed', OLD_HOST, NEW_HOST),
      progress('already', '5432', '5432'),
      progress('repointed', 'us-east-1', 'us-west-2'),
    ]);
    expect(recordedFacts(0)).toEqual({ previousValue: OLD_HOST, type: 'String' });
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });

  it('cuts long values to 200 characters in its progress, and records the full previous value', async () => {
    // Arrange
    const long = `x${'y'.repeat(300)}`;
    currentParameters({
      '/shop/db/host': { value: long },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': { value: 'us-west-2' },
    });

    // Act
    const [host] = await repoint();

    // Assert
    expect(host?.previousValue).toBe(`${long.slice(0, 200)}…`);
    expect(host?.message).toBe(`repointed ${long.slice(0, 200)}… -> ${NEW_HOST}`);
    expect(recordedFacts(0)?.previousValue).toBe(long);
  });
});

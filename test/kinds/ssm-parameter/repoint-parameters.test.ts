import './support/aws-sdk-matchers.js';
import {
  AccessDeniedException,
  GetParameterCommand,
  ParameterNotFound,
  PutParameterCommand,
  SSMClient,
  type ParameterType,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setClientInterceptor } from '../../functions/common/aws-clients.js';
import { ParameterTemplateError } from '../../functions/common/errors.js';
import type { Plan } from '../../functions/common/plan.js';
import type {
  PromotedDatabase,
  Promotion,
  RepointParametersInput,
} from '../../functions/common/workflow-state.js';
import { handler } from '../../functions/repoint-parameters/handler.js';
import { repointParameters } from '../../functions/repoint-parameters/repoint-parameters.js';
import { lambdaContext } from '../fixtures/lambda-context.js';
import { examplePlan } from '../fixtures/plans.js';

const ssm = mockClient(SSMClient);
const NOW = new Date('2026-11-24T09:12:00.000Z');
const NEW_HOST = 'shop-db-replica.abcdefgh0ijk.us-west-2.rds.amazonaws.com';
const OLD_HOST = 'shop-db.cluster0abc.us-east-1.rds.amazonaws.com';

const promotion = (overrides: Partial<Promotion> = {}): Promotion => ({
  status: 'promoted',
  instanceId: 'shop-db-replica',
  instanceStatus: 'available',
  startedAt: '2026-11-24T09:03:00.000Z',
  promotedAt: '2026-11-24T09:11:00.000Z',
  pollSeconds: 15,
  endpoint: { address: NEW_HOST, port: 5432 },
  dryRun: false,
  message: 'shop-db-replica is standalone and available',
  ...overrides,
});

const promoted = (overrides: Partial<Promotion> = {}): PromotedDatabase[] => [
  { id: 'main', replica: 'shop-db-replica', promotion: promotion(overrides) },
];

const repoint = (
  databases: PromotedDatabase[] = promoted(),
  dryRun = false,
  plan: Plan = examplePlan(),
): RepointParametersInput => ({
  plan,
  databases,
  dryRun,
});

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
  ssm.reset();
  ssm.on(PutParameterCommand).resolves({ Version: 4, Tier: 'Standard' });
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(NOW);
});

afterEach(() => {
  vi.useRealTimers();
});

describe('repointParameters', () => {
  it('renders every template from the promoted endpoints and records the previous values', async () => {
    // Arrange
    currentParameters({
      '/shop/db/host': { value: OLD_HOST },
      '/shop/db/port': { value: '3306' },
      '/shop/active-region': { value: 'us-east-1' },
    });

    // Act
    const result = await repointParameters(repoint());

    // Assert
    expect(result).toEqual({
      parameters: [
        { name: '/shop/db/host', previousValue: OLD_HOST, value: NEW_HOST, changed: true },
        { name: '/shop/db/port', previousValue: '3306', value: '5432', changed: true },
        { name: '/shop/active-region', previousValue: 'us-east-1', value: 'us-west-2', changed: true },
      ],
      repointedAt: NOW.toISOString(),
      dryRun: false,
    });
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
    await repointParameters(repoint());

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
    await repointParameters(repoint());

    // Assert
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
    const result = await repointParameters(repoint());

    // Assert
    expect(result.parameters.map(({ name, changed }) => [name, changed])).toEqual([
      ['/shop/db/host', false],
      ['/shop/db/port', false],
      ['/shop/active-region', true],
    ]);
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
    const result = await repointParameters(repoint());

    // Assert
    expect(ssm).toHaveReceivedCommandExactlyOnceWith(PutParameterCommand, {
      Name: '/shop/active-region',
      Value: 'us-west-2',
      Type: 'String',
      Overwrite: false,
    });
    expect(result.parameters[2]).toEqual({
      name: '/shop/active-region',
      previousValue: null,
      value: 'us-west-2',
      changed: true,
    });
  });

  it('writes nothing in a dry run, but reports the values it would write', async () => {
    // Arrange
    currentParameters({
      '/shop/db/host': { value: OLD_HOST },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': undefined,
    });

    // Act
    const result = await repointParameters(repoint(promoted({ dryRun: true }), true));

    // Assert
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
    expect(result).toEqual({
      parameters: [
        { name: '/shop/db/host', previousValue: OLD_HOST, value: NEW_HOST, changed: false },
        { name: '/shop/db/port', previousValue: '5432', value: '5432', changed: false },
        { name: '/shop/active-region', previousValue: null, value: 'us-west-2', changed: false },
      ],
      repointedAt: NOW.toISOString(),
      dryRun: true,
    });
  });

  it.each([
    ['is still promoting', promoted({ status: 'promoting', endpoint: undefined })],
    ['is waiting to promote', promoted({ status: 'waiting-to-promote', endpoint: undefined })],
    ['is missing from the failover output', []],
  ])('throws ParameterTemplateError and changes nothing when the database %s', async (_case, databases) => {
    // Arrange
    currentParameters({
      '/shop/db/host': { value: OLD_HOST },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': { value: 'us-east-1' },
    });

    // Act
    const result = repointParameters(repoint(databases));

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
    const result = repointParameters(repoint(promoted(), false, plan));

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
    const result = repointParameters(repoint());

    // Assert
    await expect(result).rejects.toHaveProperty('name', 'AccessDeniedException');
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });
});

describe('repoint-parameters handler', () => {
  it('repoints the plan parameters from the failover output', async () => {
    // Arrange
    currentParameters({
      '/shop/db/host': { value: OLD_HOST },
      '/shop/db/port': { value: '5432' },
      '/shop/active-region': { value: 'us-east-1' },
    });

    // Act
    const result = await handler(repoint(), lambdaContext('repoint-parameters'));

    // Assert
    expect(
      result.parameters.filter((parameter) => parameter.changed).map((parameter) => parameter.name),
    ).toEqual(['/shop/db/host', '/shop/active-region']);
  });

  it('fails with the error name ParameterTemplateError', async () => {
    // Act
    const invocation = handler(
      repoint(promoted({ status: 'promoting' })),
      lambdaContext('repoint-parameters'),
    );

    // Assert
    await expect(invocation).rejects.toHaveProperty('name', 'ParameterTemplateError');
    expect(ssm).not.toHaveReceivedCommand(PutParameterCommand);
  });
});

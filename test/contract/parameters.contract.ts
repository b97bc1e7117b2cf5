import { GetParameterCommand, PutParameterCommand, type Parameter } from '@aws-sdk/client-ssm';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFacts, rememberOnce, type RecordScope } from '../../functions/common/failover-record.js';
import type { Plan } from '../../functions/common/plan.js';
import type { DatabaseFacts } from '../../functions/kinds/rds-replica/types.js';
import { repointParameters } from '../../functions/kinds/ssm-parameter/repoint-parameters.js';
import type { ParameterFacts } from '../../functions/kinds/ssm-parameter/types.js';
import { expectStepCommandsSentToMoto, stepCalls } from './step-calls.js';
import {
  arrange,
  contractPlan,
  createRecordTable,
  motoEndpoint,
  newExecution,
  RECOVERY,
  rejectionOf,
} from './support.js';

/**
 * repointParameters over HTTP against moto's Parameter Store in the recovery region, with the
 * failover record (where the promoted endpoints come from and the previous values go) in moto's
 * DynamoDB.
 */

const NEW_HOST = 'shop-db-replica.c9akciq32.us-west-2.rds.amazonaws.com';
const OLD_HOST = 'shop-db.c9akciq32.us-east-1.rds.amazonaws.com';
let created = 0;

interface ParameterNames {
  readonly host: string;
  readonly port: string;
  readonly activeRegion: string;
}

/**
 * Fresh parameters as the primary region left them: the host as a SecureString, the port as a
 * String, the active region not yet created. Returns their names and a plan that repoints them.
 */
async function arrangeParameters(): Promise<{ names: ParameterNames; plan: Plan }> {
  created += 1;
  const prefix = `/contract/${created}`;
  const names = {
    host: `${prefix}/db/host`,
    port: `${prefix}/db/port`,
    activeRegion: `${prefix}/active-region`,
  };
  const ssm = arrange.ssm(RECOVERY);
  await ssm.send(new PutParameterCommand({ Name: names.host, Value: OLD_HOST, Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: names.port, Value: '5433', Type: 'String' }));
  const plan = contractPlan((document) => {
    document.parameters = [
      { name: names.host, value: '{{databases.main.endpoint}}' },
      { name: names.port, value: '{{databases.main.port}}' },
      { name: names.activeRegion, value: '{{recoveryRegion}}' },
    ];
  });
  return { names, plan };
}

beforeAll(async () => {
  await createRecordTable('contract-parameters-record');
});

/** An execution whose database `main` finished its promotion: the RDS kind recorded where it answers. */
async function promoted(): Promise<RecordScope> {
  const scope = newExecution();
  await rememberOnce<DatabaseFacts>(scope, 'rds-replica', 0, {
    instanceId: 'shop-db-replica',
    endpoint: NEW_HOST,
    port: '5432',
  });
  return scope;
}

const outcome = (progress: readonly { status: string; previousValue: string | null }[]) =>
  progress.map(({ status, previousValue }) => ({ status, previousValue }));

async function readParameter(name: string): Promise<Parameter | undefined> {
  const response = await arrange
    .ssm(RECOVERY)
    .send(new GetParameterCommand({ Name: name, WithDecryption: true }))
    .catch((error: unknown) => {
      if (error instanceof Error && error.name === 'ParameterNotFound') return undefined;
      throw error;
    });
  return response?.Parameter;
}

async function readAll(names: ParameterNames) {
  const [host, port, activeRegion] = await Promise.all([
    readParameter(names.host),
    readParameter(names.port),
    readParameter(names.activeRegion),
  ]);
  return { host, port, activeRegion };
}

const putCalls = (): number => stepCalls.filter((call) => call.command === 'PutParameterCommand').length;

describe('repointParameters', () => {
  it('points each parameter at the promoted endpoint, keeps its type and records the previous value', async () => {
    // Arrange
    const { names, plan } = await arrangeParameters();

    const scope = await promoted();

    // Act
    const repoint = await repointParameters(plan, scope, false);

    // Assert
    expect(outcome(repoint)).toEqual([
      { status: 'repointed', previousValue: OLD_HOST },
      { status: 'repointed', previousValue: '5433' },
      { status: 'repointed', previousValue: null },
    ]);
    expect(await readFacts<ParameterFacts>(scope, 'ssm-parameter', 0)).toEqual({
      previousValue: OLD_HOST,
      type: 'SecureString',
    });
    const stored = await readAll(names);
    expect(stored.host).toMatchObject({ Value: NEW_HOST, Type: 'SecureString', Version: 2 });
    expect(stored.port).toMatchObject({ Value: '5432', Type: 'String', Version: 2 });
    expect(stored.activeRegion).toMatchObject({ Value: RECOVERY, Type: 'String', Version: 1 });
  });

  it('writes nothing when run again, and still reports the values from before the failover', async () => {
    // Arrange
    const { names, plan } = await arrangeParameters();
    const scope = await promoted();
    await repointParameters(plan, scope, false);
    const callsBefore = putCalls();

    // Act
    const again = await repointParameters(plan, scope, false);

    // Assert
    expect(putCalls()).toBe(callsBefore);
    expect(outcome(again)).toEqual([
      { status: 'repointed', previousValue: OLD_HOST },
      { status: 'repointed', previousValue: '5433' },
      { status: 'repointed', previousValue: null },
    ]);
    const stored = await readAll(names);
    expect([stored.host?.Version, stored.port?.Version, stored.activeRegion?.Version]).toEqual([2, 2, 1]);
  });

  it('in a dry run reads every parameter and writes none', async () => {
    // Arrange
    const { names, plan } = await arrangeParameters();
    const scope = await promoted();
    const callsBefore = putCalls();

    // Act
    const repoint = await repointParameters(plan, scope, true);

    // Assert
    expect(putCalls()).toBe(callsBefore);
    expect(outcome(repoint)).toEqual([
      { status: 'would-repoint', previousValue: OLD_HOST },
      { status: 'would-repoint', previousValue: '5433' },
      { status: 'would-repoint', previousValue: null },
    ]);
    expect(await readFacts(scope, 'ssm-parameter', 0)).toBeUndefined();
    const stored = await readAll(names);
    expect([stored.host?.Value, stored.port?.Value, stored.activeRegion]).toEqual([
      OLD_HOST,
      '5433',
      undefined,
    ]);
  });

  it('changes no parameter when one names a database whose promotion has not finished', async () => {
    // Arrange: nothing recorded for the database yet.
    const { names, plan } = await arrangeParameters();
    const callsBefore = putCalls();

    // Act
    const error = await rejectionOf(repointParameters(plan, newExecution(), false));

    // Assert
    expect(error.name).toBe('ParameterTemplateError');
    expect(putCalls()).toBe(callsBefore);
    const stored = await readAll(names);
    expect([stored.host?.Value, stored.port?.Value, stored.activeRegion]).toEqual([
      OLD_HOST,
      '5433',
      undefined,
    ]);
  });
});

describe('SSM errors as the SDK reads them from moto', () => {
  it('names a missing parameter ParameterNotFound (400), which repointParameters reads as "absent"', async () => {
    // Act
    const error = await rejectionOf(
      arrange
        .ssm(RECOVERY)
        .send(new GetParameterCommand({ Name: '/contract/missing', WithDecryption: true })),
    );

    // Assert
    expect(error.name).toBe('ParameterNotFound');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('refuses to overwrite without Overwrite with ParameterAlreadyExists', async () => {
    // Arrange
    const { names } = await arrangeParameters();

    // Act
    const error = await rejectionOf(
      arrange
        .ssm(RECOVERY)
        .send(new PutParameterCommand({ Name: names.port, Value: '5432', Type: 'String' })),
    );

    // Assert
    expect(error.name).toBe('ParameterAlreadyExists');
  });
});

describe('repointParameters over HTTP', () => {
  it('sent GetParameter and PutParameter to the moto server only', () => {
    expectStepCommandsSentToMoto('parameters', motoEndpoint(), ['GetItemCommand', 'UpdateItemCommand']);
  });
});

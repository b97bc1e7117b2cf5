import { GetParameterCommand, PutParameterCommand, type Parameter } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../functions/common/plan.js';
import type { PromotedDatabase, Promotion } from '../../functions/common/workflow-state.js';
import { repointParameters } from '../../functions/repoint-parameters/repoint-parameters.js';
import { expectStepCommandsSentToMoto, stepCalls } from './step-calls.js';
import { arrange, contractPlan, motoEndpoint, RECOVERY, rejectionOf } from './support.js';

/** repointParameters over HTTP against moto's Parameter Store in the recovery region. */

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

function database(status: Promotion['status']): PromotedDatabase {
  return {
    id: 'main',
    replica: 'shop-db-replica',
    promotion: {
      status,
      instanceId: 'shop-db-replica',
      instanceStatus: status === 'promoted' ? 'available' : 'modifying',
      pollSeconds: 15,
      dryRun: false,
      message: '',
      ...(status === 'promoted' ? { endpoint: { address: NEW_HOST, port: 5432 } } : {}),
    },
  };
}

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

    // Act
    const repoint = await repointParameters({ plan, databases: [database('promoted')], dryRun: false });

    // Assert
    expect(repoint.parameters).toEqual([
      { name: names.host, previousValue: OLD_HOST, value: NEW_HOST, changed: true },
      { name: names.port, previousValue: '5433', value: '5432', changed: true },
      { name: names.activeRegion, previousValue: null, value: RECOVERY, changed: true },
    ]);
    const stored = await readAll(names);
    expect(stored.host).toMatchObject({ Value: NEW_HOST, Type: 'SecureString', Version: 2 });
    expect(stored.port).toMatchObject({ Value: '5432', Type: 'String', Version: 2 });
    expect(stored.activeRegion).toMatchObject({ Value: RECOVERY, Type: 'String', Version: 1 });
  });

  it('writes nothing when run again: every parameter already holds its value', async () => {
    // Arrange
    const { names, plan } = await arrangeParameters();
    const input = { plan, databases: [database('promoted')], dryRun: false };
    await repointParameters(input);
    const callsBefore = putCalls();

    // Act
    const again = await repointParameters(input);

    // Assert
    expect(putCalls()).toBe(callsBefore);
    expect(again.parameters.map((parameter) => parameter.changed)).toEqual([false, false, false]);
    const stored = await readAll(names);
    expect([stored.host?.Version, stored.port?.Version, stored.activeRegion?.Version]).toEqual([2, 2, 1]);
  });

  it('in a dry run reads every parameter and writes none', async () => {
    // Arrange
    const { names, plan } = await arrangeParameters();
    const callsBefore = putCalls();

    // Act
    const repoint = await repointParameters({ plan, databases: [database('promoted')], dryRun: true });

    // Assert
    expect(putCalls()).toBe(callsBefore);
    expect(repoint.parameters.map(({ previousValue, changed }) => ({ previousValue, changed }))).toEqual([
      { previousValue: OLD_HOST, changed: false },
      { previousValue: '5433', changed: false },
      { previousValue: null, changed: false },
    ]);
    const stored = await readAll(names);
    expect([stored.host?.Value, stored.port?.Value, stored.activeRegion]).toEqual([
      OLD_HOST,
      '5433',
      undefined,
    ]);
  });

  it('changes no parameter when one names a database whose promotion has not finished', async () => {
    // Arrange
    const { names, plan } = await arrangeParameters();
    const callsBefore = putCalls();

    // Act
    const error = await rejectionOf(
      repointParameters({ plan, databases: [database('promoting')], dryRun: false }),
    );

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
    expectStepCommandsSentToMoto('parameters', motoEndpoint());
  });
});

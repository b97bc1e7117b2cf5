import { describe, expect, it } from 'vitest';
import type { Assessed } from '../../../functions/kinds/kind-step.js';
import { handler as rdsReplica } from '../../../functions/kinds/rds-replica/handler.js';
import { handler } from '../../../functions/kinds/ssm-parameter/handler.js';
import type { ParameterFacts, ParameterProgress } from '../../../functions/kinds/ssm-parameter/types.js';
import { REPLICA } from '../../sim/support.js';
import { kindHarness, type KindHarness } from '../support.js';

/**
 * The SSM parameter kind's Lambda (functions/kinds/ssm-parameter/runtime.ts through its handler)
 * against the simulated AWS. The plan's parameters: /shop/db/host = {{databases.main.endpoint}},
 * /shop/active-region = {{recoveryRegion}}; before the failover they point at the primary.
 */

const KIND = 'ssm-parameter';
const HOST = '/shop/db/host';
const REGION = '/shop/active-region';

const parameter = (harness: KindHarness, name: string) => harness.cloud.snapshot().parameters[name]?.value;
const replicaEndpoint = (harness: KindHarness) =>
  harness.cloud.snapshot().databases.find((db) => db.id === REPLICA)?.endpoint;

/** A harness whose replica a previous run promoted: the RDS kind records its endpoint on start. */
async function promoted(): Promise<KindHarness> {
  const harness = kindHarness(handler, { scenario: { promotion: { '*': { alreadyPromoted: true } } } });
  await harness.runKind(rdsReplica, 'start');
  return harness;
}

describe('ssm-parameter runtime: start and check', () => {
  it('repoints every parameter at the promoted database and the recovery region in one invocation', async () => {
    // Arrange
    const harness = await promoted();
    const before = parameter(harness, HOST);

    // Act
    const started = await harness.run('start');
    const checked = await harness.run('check');

    // Assert
    expect(started).toMatchObject({ kind: KIND, action: 'start', done: true, total: 2, pending: 0 });
    expect(checked).toMatchObject({ action: 'check', done: true, total: 2 });
    expect(parameter(harness, HOST)).toBe(replicaEndpoint(harness));
    expect(parameter(harness, REGION)).toBe('us-west-2');
    expect(await harness.progress<ParameterProgress[]>(KIND)).toEqual([
      expect.objectContaining({
        status: 'repointed',
        message: `repointed ${before} -> ${replicaEndpoint(harness)}`,
      }),
      expect.objectContaining({ status: 'repointed', message: 'repointed us-east-1 -> us-west-2' }),
    ]);
  });

  it('says repointed, with the value from before the failover, when a start is run again', async () => {
    // Arrange
    const harness = await promoted();
    const before = parameter(harness, HOST);
    await harness.run('start');
    const writes = harness.cloud.calls.filter((call) => call.operation === 'PutParameter').length;

    // Act
    await harness.run('start');

    // Assert
    const [host, region] = (await harness.progress<ParameterProgress[]>(KIND)) ?? [];
    expect(host).toMatchObject({ status: 'repointed', previousValue: before });
    expect(host?.message).toBe(`repointed ${before} -> ${replicaEndpoint(harness)}`);
    expect(region?.message).toBe('repointed us-east-1 -> us-west-2');
    expect(await harness.facts<ParameterFacts>(KIND, 0)).toEqual({ previousValue: before, type: 'String' });
    expect(harness.cloud.calls.filter((call) => call.operation === 'PutParameter')).toHaveLength(writes);
  });

  it('fails with ParameterTemplateError, by name, and changes nothing when the database was not promoted', async () => {
    // Arrange
    const harness = kindHarness(handler);

    // Act
    const error = await harness.fails('start');

    // Assert
    expect(error.name).toBe('ParameterTemplateError');
    expect(error.message).toContain('no parameter was changed');
    expect(harness.cloud.calls.filter((call) => call.operation === 'PutParameter')).toEqual([]);
  });

  it('changes nothing in a dry run and says what it would do', async () => {
    // Arrange
    const harness = await promoted();

    // Act
    await harness.run('start', { dryRun: true });

    // Assert
    expect(parameter(harness, REGION)).toBe('us-east-1');
    expect(await harness.progress<ParameterProgress[]>(KIND)).toEqual([
      expect.objectContaining({ status: 'would-repoint', dryRun: true }),
      expect.objectContaining({ status: 'would-repoint', message: 'would repoint us-east-1 -> us-west-2' }),
    ]);
    expect(await harness.facts<ParameterFacts>(KIND, 1)).toBeUndefined();
  });
});

describe('ssm-parameter runtime: read-back', () => {
  it('counts a parameter repointed only when it holds what its template renders to', async () => {
    // Arrange
    const harness = await promoted();

    // Act
    const summary = await harness.run('read-back');

    // Assert
    expect(summary).toMatchObject({ action: 'read-back', total: 2, pending: 2 });
    expect(await harness.assessment<Assessed[]>(KIND)).toEqual([
      expect.objectContaining({ label: HOST, done: false }),
      { label: REGION, done: false, detail: 'not repointed: holds us-east-1' },
    ]);
  });

  it('counts parameters that hold their new values as repointed', async () => {
    // Arrange
    const harness = await promoted();
    await harness.run('start');

    // Act
    const summary = await harness.run('read-back');

    // Assert
    expect(summary.pending).toBe(0);
    expect(await harness.assessment<Assessed[]>(KIND)).toEqual([
      { label: HOST, done: true, detail: `points at ${replicaEndpoint(harness)}` },
      { label: REGION, done: true, detail: 'points at us-west-2' },
    ]);
  });

  it('reports a parameter it cannot read as unknown and not done, without failing', async () => {
    // Arrange
    const harness = kindHarness(handler, {
      scenario: {
        faults: [{ service: 'ssm', operation: 'GetParameter', calls: 'all', error: 'accessDenied' }],
      },
    });

    // Act
    const summary = await harness.run('read-back');

    // Assert
    expect(summary).toMatchObject({ done: true, pending: 2 });
    const assessed = (await harness.assessment<Assessed[]>(KIND)) ?? [];
    expect(assessed.map((item) => [item.label, item.done])).toEqual([
      [HOST, false],
      [REGION, false],
    ]);
    expect(assessed[0]?.detail).toMatch(/^unknown: AccessDenied/);
  });
});

import {
  CreateDBInstanceReadReplicaCommand,
  DBInstanceNotFoundFault,
  DescribeDBInstancesCommand,
  InvalidDBInstanceStateFault,
  PromoteReadReplicaCommand,
} from '@aws-sdk/client-rds';
import { afterEach, describe, expect, it } from 'vitest';
import { rdsClient } from '../../../functions/common/clients/rds.js';
import {
  failure,
  PRIMARY,
  RECOVERY,
  REPLICA,
  settle,
  simulate,
  teardown,
  type InstalledClock,
} from '../../sim/support.js';

afterEach(teardown);

async function describeReplica(clock: InstalledClock, id = REPLICA, region = RECOVERY) {
  const output = await settle(
    clock,
    rdsClient(region).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })),
  );
  const instance = output.DBInstances?.[0];
  if (!instance) throw new Error(`no instance ${id}`);
  return instance;
}

describe('simulated RDS', () => {
  it('starts with a replicating cross-region read replica of a source in the primary region', async () => {
    const { clock } = simulate();

    const replica = await describeReplica(clock);
    const source = await describeReplica(clock, 'shop-db', PRIMARY);

    expect(replica).toMatchObject({
      DBInstanceStatus: 'available',
      Engine: 'postgres',
      BackupRetentionPeriod: 7,
      ReadReplicaSourceDBInstanceIdentifier: source.DBInstanceArn,
      StatusInfos: [{ StatusType: 'read replication', Normal: true, Status: 'replicating' }],
      Endpoint: { Port: 5432 },
    });
    expect(replica.Endpoint?.Address).toMatch(
      /^shop-db-replica\.[a-z0-9]{12}\.us-west-2\.rds\.amazonaws\.com$/,
    );
    expect(source.ReadReplicaDBInstanceIdentifiers).toEqual([replica.DBInstanceArn]);
  });

  it('answers PromoteReadReplica while the instance is still modifying and still names its source', async () => {
    const { clock } = simulate();

    const output = await settle(
      clock,
      rdsClient(RECOVERY).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })),
    );

    expect(output.$metadata.httpStatusCode).toBe(200);
    expect(output.DBInstance?.DBInstanceStatus).toBe('modifying');
    expect(output.DBInstance?.ReadReplicaSourceDBInstanceIdentifier).toContain(':db:shop-db');
  });

  it('takes a promoted replica through modifying and rebooting to a standalone available instance', async () => {
    const { clock } = simulate({ promotion: { [REPLICA]: { durationSeconds: 300 } } });
    await settle(
      clock,
      rdsClient(RECOVERY).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })),
    );

    await clock.tickAsync(60_000);
    const early = await describeReplica(clock);
    await clock.tickAsync(180_000);
    const late = await describeReplica(clock);
    await clock.tickAsync(60_000);
    const done = await describeReplica(clock);

    expect(early.DBInstanceStatus).toBe('modifying');
    expect(early.ReadReplicaSourceDBInstanceIdentifier).toBeDefined();
    expect(late.DBInstanceStatus).toBe('rebooting');
    expect(late.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    expect(done.DBInstanceStatus).toBe('available');
    expect(done.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    expect(done.StatusInfos).toBeUndefined();
  });

  it('fails a second promotion with InvalidDBInstanceStateFault', async () => {
    const { clock } = simulate();
    const rds = rdsClient(RECOVERY);
    await settle(clock, rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })));

    const error = await failure(
      clock,
      rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })),
    );

    expect(error).toBeInstanceOf(InvalidDBInstanceStateFault);
    expect(error.name).toBe('InvalidDBInstanceStateFault');
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });

  it('refuses to promote a backing-up replica until the backup ends', async () => {
    const { clock } = simulate({ promotion: { [REPLICA]: { backingUpUntilSeconds: 120 } } });
    const rds = rdsClient(RECOVERY);

    const refused = await failure(
      clock,
      rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })),
    );
    const status = (await describeReplica(clock)).DBInstanceStatus;
    await clock.tickAsync(120_000);
    const accepted = await settle(
      clock,
      rds.send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })),
    );

    expect(refused.name).toBe('InvalidDBInstanceStateFault');
    expect(status).toBe('backing-up');
    expect(accepted.DBInstance?.DBInstanceStatus).toBe('modifying');
  });

  it('fails DescribeDBInstances of a missing replica with DBInstanceNotFoundFault', async () => {
    const { clock } = simulate({ promotion: { [REPLICA]: { missing: true } } });

    const error = await failure(
      clock,
      rdsClient(RECOVERY).send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: REPLICA })),
    );

    expect(error).toBeInstanceOf(DBInstanceNotFoundFault);
    expect(error.name).toBe('DBInstanceNotFoundFault');
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it('shows an already promoted replica as standalone and refuses to promote it again', async () => {
    const { clock } = simulate({ promotion: { '*': { alreadyPromoted: true } } });

    const instance = await describeReplica(clock);
    const error = await failure(
      clock,
      rdsClient(RECOVERY).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })),
    );

    expect(instance.ReadReplicaSourceDBInstanceIdentifier).toBeUndefined();
    expect(instance.DBInstanceStatus).toBe('available');
    expect(error.name).toBe('InvalidDBInstanceStateFault');
  });

  it('leaves a failing promotion in the scenario failWith status', async () => {
    const { clock } = simulate({
      promotion: { [REPLICA]: { failAtSeconds: 100, failWith: 'incompatible-parameters' } },
    });
    await settle(
      clock,
      rdsClient(RECOVERY).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })),
    );

    await clock.tickAsync(600_000);
    const instance = await describeReplica(clock);

    expect(instance.DBInstanceStatus).toBe('incompatible-parameters');
  });

  it('creates a read replica that is creating first and replicating afterwards', async () => {
    const { clock, cloud } = simulate();
    const sourceArn = `arn:aws:rds:${RECOVERY}:111122223333:db:${REPLICA}`;
    await settle(
      clock,
      rdsClient(RECOVERY).send(new PromoteReadReplicaCommand({ DBInstanceIdentifier: REPLICA })),
    );
    await clock.tickAsync(400_000);

    const created = await settle(
      clock,
      rdsClient(PRIMARY).send(
        new CreateDBInstanceReadReplicaCommand({
          DBInstanceIdentifier: 'shop-db-back',
          SourceDBInstanceIdentifier: sourceArn,
        }),
      ),
    );
    await clock.tickAsync(600_000);
    const later = await describeReplica(clock, 'shop-db-back', PRIMARY);

    expect(created.DBInstance?.DBInstanceStatus).toBe('creating');
    expect(later.DBInstanceStatus).toBe('available');
    expect(later.ReadReplicaSourceDBInstanceIdentifier).toBe(sourceArn);
    expect(cloud.mutatingCalls().map((call) => call.operation)).toEqual([
      'PromoteReadReplica',
      'CreateDBInstanceReadReplica',
    ]);
  });
});

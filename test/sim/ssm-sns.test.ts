import { GetTopicAttributesCommand, NotFoundException, PublishCommand } from '@aws-sdk/client-sns';
import {
  GetParameterCommand,
  GetParametersCommand,
  ParameterAlreadyExists,
  ParameterNotFound,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import { afterEach, describe, expect, it } from 'vitest';
import { snsClient } from '../../functions/common/clients/sns.js';
import { ssmClient } from '../../functions/common/clients/ssm.js';
import { failure, PRIMARY, RECOVERY, settle, simulate, teardown, TOPIC } from './support.js';

afterEach(teardown);

describe('simulated SSM Parameter Store', () => {
  it('starts every plan parameter pointing at the primary', async () => {
    const { clock } = simulate();

    const output = await settle(
      clock,
      ssmClient(RECOVERY).send(
        new GetParametersCommand({ Names: ['/shop/db/host', '/shop/active-region', '/shop/nope'] }),
      ),
    );
    const values = Object.fromEntries(
      (output.Parameters ?? []).map((parameter) => [parameter.Name, parameter.Value]),
    );

    expect(values['/shop/db/host']).toMatch(/^shop-db\.[a-z0-9]{12}\.us-east-1\.rds\.amazonaws\.com$/);
    expect(values['/shop/active-region']).toBe(PRIMARY);
    expect(output.InvalidParameters).toEqual(['/shop/nope']);
  });

  it('fails PutParameter without Overwrite on an existing parameter with ParameterAlreadyExists', async () => {
    const { clock } = simulate();

    const error = await failure(
      clock,
      ssmClient(RECOVERY).send(new PutParameterCommand({ Name: '/shop/active-region', Value: RECOVERY })),
    );

    expect(error).toBeInstanceOf(ParameterAlreadyExists);
    expect(error.name).toBe('ParameterAlreadyExists');
  });

  it('bumps Version and LastModifiedDate when a parameter is overwritten', async () => {
    const { clock, cloud } = simulate();
    const ssm = ssmClient(RECOVERY);

    const put = await settle(
      clock,
      ssm.send(
        new PutParameterCommand({
          Name: '/shop/active-region',
          Value: RECOVERY,
          Overwrite: true,
          Type: 'String',
        }),
      ),
    );
    const read = await settle(clock, ssm.send(new GetParameterCommand({ Name: '/shop/active-region' })));

    expect(put.Version).toBe(2);
    expect(read.Parameter).toMatchObject({ Value: RECOVERY, Version: 2 });
    expect(read.Parameter?.LastModifiedDate?.getTime()).toBeGreaterThanOrEqual(cloud.startTime.getTime());
    expect(cloud.snapshot().parameters['/shop/active-region']).toEqual({ value: RECOVERY, version: 2 });
  });

  it('fails GetParameter of a parameter the scenario marks missing with ParameterNotFound', async () => {
    const { clock } = simulate({ parameters: { '/shop/db/host': { missing: true } } });

    const error = await failure(
      clock,
      ssmClient(RECOVERY).send(new GetParameterCommand({ Name: '/shop/db/host' })),
    );

    expect(error).toBeInstanceOf(ParameterNotFound);
    expect(error.$metadata?.httpStatusCode).toBe(400);
  });
});

describe('simulated SNS', () => {
  it('keeps every published message with its topic, subject, body and time', async () => {
    const { clock, cloud } = simulate();
    await clock.tickAsync(5_000);

    const output = await settle(
      clock,
      snsClient(RECOVERY).send(
        new PublishCommand({ TopicArn: TOPIC, Subject: 'Failover started', Message: 'shop-prod: started' }),
      ),
    );

    expect(output.MessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(cloud.notifications()).toEqual([
      {
        topicArn: TOPIC,
        subject: 'Failover started',
        message: 'shop-prod: started',
        messageId: output.MessageId,
        time: '2026-01-01T00:00:05.040Z',
      },
    ]);
  });

  it('fails Publish to an unknown topic with NotFoundException', async () => {
    const { clock } = simulate();

    const error = await failure(
      clock,
      snsClient(RECOVERY).send(new PublishCommand({ TopicArn: `${TOPIC}-typo`, Message: 'hello' })),
    );

    expect(error).toBeInstanceOf(NotFoundException);
    expect(error.$metadata?.httpStatusCode).toBe(404);
  });

  it.each([
    { case: 'a line break', subject: 'Failover\nstarted' },
    { case: 'over 100 characters', subject: 'x'.repeat(101) },
    { case: 'non-ASCII text', subject: 'Failover → us-west-2' },
  ])('rejects a Subject with $case as InvalidParameterException', async ({ subject }) => {
    const { clock, cloud } = simulate();

    const error = await failure(
      clock,
      snsClient(RECOVERY).send(new PublishCommand({ TopicArn: TOPIC, Subject: subject, Message: 'm' })),
    );

    expect(error.name).toBe('InvalidParameterException');
    expect(cloud.notifications()).toEqual([]);
  });

  it('describes the topic with GetTopicAttributes', async () => {
    const { clock } = simulate();

    const output = await settle(
      clock,
      snsClient(RECOVERY).send(new GetTopicAttributesCommand({ TopicArn: TOPIC })),
    );

    expect(output.Attributes).toMatchObject({ TopicArn: TOPIC, Owner: '111122223333' });
  });
});

import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  InvocationDoesNotExist,
  SSMClient,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { setClientInterceptor } from '../../../functions/common/aws-clients.js';
import {
  CommandFailedError,
  CommandTimedOutError,
  commandState,
  parseFacts,
  pingStatuses,
  SSM_STDOUT_LIMIT,
} from '../../../functions/kinds/run-command.js';
import {
  documentName,
  nodeArn,
  runCommandPermissions,
} from '../../../functions/kinds/run-command-definition.js';

/** The SDK side the three Run Command kinds share: what SSM's answers mean. */

const ssm = mockClient(SSMClient);
const REGION = 'us-west-2';
const NODE = 'mi-0a1b2c3d4e5f60002';

beforeEach(() => {
  setClientInterceptor(undefined);
  ssm.reset();
});

const invocation = (fields: Record<string, unknown>) =>
  ssm.on(GetCommandInvocationCommand).resolves({ CommandId: 'c-1', InstanceId: NODE, ...fields });

describe('parseFacts', () => {
  it('reads the last non-empty line as the JSON facts', () => {
    expect(parseFacts('starting\n{"promoted":true,"timeline":2}\n\n', 'promote')).toEqual({
      promoted: true,
      timeline: 2,
    });
  });

  it('refuses output SSM cut at 24,000 characters, saying so', () => {
    const cut = `${'x'.repeat(SSM_STDOUT_LIMIT - 10)}\n{"a":1}`.padEnd(SSM_STDOUT_LIMIT, ' ');

    expect(() => parseFacts(cut, 'command promote on node n')).toThrow(/24,000-character limit and was cut/);
  });

  it.each([
    ['no output', ''],
    ['not JSON', 'done'],
    ['a JSON array', '[1,2]'],
  ])('refuses %s as facts, naming the command', (_case, stdout) => {
    expect(() => parseFacts(stdout, 'command promote on node n')).toThrow(
      new CommandFailedError(
        `command promote on node n: printed no JSON facts line (stdout: ${JSON.stringify(stdout)})`,
      ),
    );
  });
});

describe('commandState', () => {
  it('reads a command that succeeded as its facts', async () => {
    invocation({ Status: 'Success', ResponseCode: 0, StandardOutputContent: '{"writable":true}\n' });

    expect(await commandState(REGION, 'c-1', NODE, 'check-writable')).toEqual({
      status: 'success',
      facts: { writable: true },
    });
  });

  it.each(['Pending', 'InProgress', 'Delayed'])('reads %s as still under way', async (status) => {
    invocation({ Status: status, StatusDetails: status });

    expect(await commandState(REGION, 'c-1', NODE, 'promote')).toEqual({ status: 'pending', detail: status });
  });

  it('reads an invocation SSM has not registered yet (right after SendCommand) as under way', async () => {
    ssm.on(GetCommandInvocationCommand).rejects(new InvocationDoesNotExist({ message: 'no', $metadata: {} }));

    expect(await commandState(REGION, 'c-1', NODE, 'promote')).toMatchObject({ status: 'pending' });
  });

  it('turns a non-zero exit into an error naming the node, the command, the exit code and stderr', async () => {
    invocation({
      Status: 'Failed',
      StatusDetails: 'Failed',
      ResponseCode: 1,
      StandardErrorContent:
        'postgres-replica/promote failed on db2 (/var/run/postgresql:5432): pg_promote: permission denied\n',
    });

    const error = await commandState(REGION, 'c-1', NODE, 'promote').catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(CommandFailedError);
    expect((error as Error).message).toBe(
      `command promote (c-1) on node ${NODE} failed (exit 1): postgres-replica/promote failed on db2 (/var/run/postgresql:5432): pg_promote: permission denied`,
    );
  });

  it('tells a delivery timeout (node unreachable) from an execution timeout (the script hung)', async () => {
    invocation({ Status: 'TimedOut', StatusDetails: 'DeliveryTimedOut', ResponseCode: -1 });
    const delivery = await commandState(REGION, 'c-1', NODE, 'promote').catch((caught: unknown) => caught);
    ssm.reset();
    invocation({ Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut', ResponseCode: -1 });
    const execution = await commandState(REGION, 'c-1', NODE, 'promote').catch((caught: unknown) => caught);

    expect(delivery).toBeInstanceOf(CommandTimedOutError);
    expect((delivery as Error).message).toContain(
      'was not delivered within 60s (the node is offline or its agent is not running)',
    );
    expect(execution).toBeInstanceOf(CommandTimedOutError);
    expect((execution as Error).message).toContain("did not finish within its document's execution timeout");
  });

  it('reports an undeliverable command (node deregistered) and a cancelled one as failures', async () => {
    invocation({ Status: 'Failed', StatusDetails: 'Undeliverable', ResponseCode: -1 });
    const undeliverable = await commandState(REGION, 'c-1', NODE, 'promote').catch(
      (caught: unknown) => caught,
    );
    ssm.reset();
    invocation({ Status: 'Cancelled', StatusDetails: 'Cancelled', ResponseCode: -1 });
    const cancelled = await commandState(REGION, 'c-1', NODE, 'promote').catch((caught: unknown) => caught);

    expect((undeliverable as Error).message).toContain(`on node ${NODE} is undeliverable`);
    expect(cancelled).toBeInstanceOf(CommandFailedError);
    expect((cancelled as Error).message).toContain('cancelled (exit -1)');
  });
});

describe('pingStatuses', () => {
  it('asks for the nodes by id, 50 at a time, and leaves an unregistered node out', async () => {
    const nodes = Array.from({ length: 51 }, (_, i) => `mi-${String(i).padStart(17, '0')}`);
    ssm.on(DescribeInstanceInformationCommand).callsFake((input: { Filters: { Values: string[] }[] }) => ({
      InstanceInformationList: (input.Filters[0]?.Values ?? [])
        .filter((node) => node !== nodes[3])
        .map((node) => ({ InstanceId: node, PingStatus: node === nodes[50] ? 'ConnectionLost' : 'Online' })),
    }));

    const statuses = await pingStatuses(REGION, nodes);

    expect(
      ssm
        .commandCalls(DescribeInstanceInformationCommand)
        .map((call) => call.args[0].input.Filters?.[0]?.Values?.length),
    ).toEqual([50, 1]);
    expect(statuses.get(nodes[0] ?? '')).toBe('Online');
    expect(statuses.has(nodes[3] ?? '')).toBe(false);
    expect(statuses.get(nodes[50] ?? '')).toBe('ConnectionLost');
  });
});

describe('the documents and IAM of a Run Command kind', () => {
  it('names a document after the plan, the kind and the document', () => {
    expect(documentName('linode-stack', 'postgres-replica', 'promote')).toBe(
      'Failover-linode-stack-postgres-replica-promote',
    );
  });

  it('names a hybrid node by its managed-instance ARN and an EC2 node by its instance ARN', () => {
    const scope = { partition: 'aws', account: '111111111111' };

    expect(nodeArn(REGION, scope, NODE)).toBe(`arn:aws:ssm:us-west-2:111111111111:managed-instance/${NODE}`);
    expect(nodeArn(REGION, scope, 'i-0abc1234def567890')).toBe(
      'arn:aws:ec2:us-west-2:111111111111:instance/i-0abc1234def567890',
    );
  });

  it('grants SendCommand on exactly the documents and nodes, the reads on *, and nothing without nodes', () => {
    const plan = { name: 'linode-stack', recoveryRegion: REGION };
    const scope = { partition: 'aws', account: '111111111111' };

    expect(
      runCommandPermissions(plan, scope, 'proxy-switch', ['haproxy-switch', 'haproxy-switch'], [NODE, NODE]),
    ).toEqual([
      {
        actions: ['ssm:SendCommand'],
        resources: [
          'arn:aws:ssm:us-west-2:111111111111:document/Failover-linode-stack-proxy-switch-haproxy-switch',
          `arn:aws:ssm:us-west-2:111111111111:managed-instance/${NODE}`,
        ],
      },
      { actions: ['ssm:GetCommandInvocation', 'ssm:DescribeInstanceInformation'], resources: ['*'] },
    ]);
    expect(runCommandPermissions(plan, scope, 'proxy-switch', ['haproxy-switch'], [])).toEqual([]);
  });
});

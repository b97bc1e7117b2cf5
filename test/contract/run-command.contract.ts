import { readFileSync } from 'node:fs';
import { CreateDocumentCommand, GetCommandInvocationCommand, ListCommandsCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentName } from '../../functions/kinds/run-command-definition.js';
import {
  CommandFailedError,
  commandState,
  DELIVERY_TIMEOUT_SECONDS,
  pingStatuses,
  sendCommand,
  type CommandRequest,
} from '../../functions/kinds/run-command.js';
import { expectStepCommandsSentToMoto } from './step-calls.js';
import { arrange, motoEndpoint, RECOVERY, rejectionOf } from './support.js';

/**
 * The Run Command kinds' SDK calls (functions/kinds/run-command.ts) over HTTP against moto 5.2.1's
 * SSM. What moto does differently from SSM, and so what these tests can and cannot show:
 * - SendCommand accepts any document name and any node id (SSM refuses a document that does not
 *   exist, InvalidDocument, and a node that is not a managed node, InvalidInstanceId); it records
 *   the command (ListCommands shows what was sent).
 * - GetCommandInvocation answers Success at once with exit 0 and no output: moto runs no script.
 *   The step then reports a command that printed no facts line (the simulated AWS of local
 *   replays and `npm run test:nodes` run the documents for real or as server models).
 * - GetCommandInvocation of an unknown CommandId is InvalidCommandId (SSM: InvocationDoesNotExist,
 *   which the step reads as "not yet registered" right after SendCommand).
 * - DescribeInstanceInformation is not implemented (an HTML error page): no node can be Online,
 *   so the gate fails rather than passing.
 */

const PLAN = 'linode-stack';
const NODE = 'mi-0a1b2c3d4e5f60002';
const request: CommandRequest = {
  region: RECOVERY,
  planName: PLAN,
  kind: 'postgres-replica',
  document: 'promote',
  node: NODE,
  inputs: { Host: '/var/run/postgresql', Port: '5432' },
  comment: 'failover linode-stack start main on mi-0a1b2c3d4e5f60002 (contract)',
};

beforeAll(async () => {
  // The construct's document, from the same JSON.
  await arrange.ssm(RECOVERY).send(
    new CreateDocumentCommand({
      Name: documentName(PLAN, 'postgres-replica', 'promote'),
      DocumentType: 'Command',
      DocumentFormat: 'JSON',
      Content: readFileSync('functions/kinds/postgres-replica/documents/promote.json', 'utf8'),
    }),
  );
});

afterAll(() => {
  expectStepCommandsSentToMoto('run-command', motoEndpoint());
});

describe('SSM Run Command against moto', () => {
  it('sends the plan-named document to one node with its parameters and a delivery timeout', async () => {
    const commandId = await sendCommand(request);

    const sent = await arrange.ssm(RECOVERY).send(new ListCommandsCommand({ CommandId: commandId }));
    expect(sent.Commands?.[0]).toMatchObject({
      CommandId: commandId,
      DocumentName: 'Failover-linode-stack-postgres-replica-promote',
      Parameters: { Host: ['/var/run/postgresql'], Port: ['5432'] },
      Comment: request.comment,
    });
    // moto 5.2.1 differs from SSM here: a command sent without Targets also lists every EC2
    // instance moto holds in the region (it filters its reservations by the empty Targets), so
    // the list depends on what other contract tests launched; SSM lists the InstanceIds sent.
    expect(sent.Commands?.[0]?.InstanceIds).toEqual(expect.arrayContaining([NODE]));
    expect(DELIVERY_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(30);
  });

  it("reads the invocation: moto's Success with no output is a command that printed no facts, naming node and document", async () => {
    const commandId = await sendCommand(request);

    const raw = await arrange
      .ssm(RECOVERY)
      .send(new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: NODE }));
    const error = await rejectionOf(commandState(RECOVERY, commandId, NODE, 'promote'));

    expect(raw).toMatchObject({ Status: 'Success', ResponseCode: 0, StandardOutputContent: '' });
    expect(error).toBeInstanceOf(CommandFailedError);
    expect(error.message).toContain(
      `command promote (${commandId}) on node ${NODE}: printed no JSON facts line`,
    );
  });

  it('passes on what moto says of an unknown command id (InvalidCommandId; SSM says InvocationDoesNotExist)', async () => {
    const error = await rejectionOf(
      commandState(RECOVERY, '11111111-2222-3333-4444-555555555555', NODE, 'promote'),
    );

    expect(error.name).toBe('InvalidCommandId');
  });

  it('asks for the nodes’ ping status; moto does not implement DescribeInstanceInformation, so the call fails rather than reporting a node Online', async () => {
    const error = await rejectionOf(pingStatuses(RECOVERY, [NODE]));

    expect(error).toBeInstanceOf(Error);
  });
});

import {
  DescribeInstanceInformationCommand,
  GetCommandInvocationCommand,
  SendCommandCommand,
  type GetCommandInvocationCommandOutput,
} from '@aws-sdk/client-ssm';
import { describeError, FailoverError } from '../common/errors.js';
import { ssmClient } from '../common/clients/ssm.js';
import type { Plan } from '../common/plan.js';
import { fail, pass, type ReadinessCheck } from '../common/readiness-checks.js';
import { documentName } from './run-command-definition.js';

/**
 * What the kinds that act on self-hosted servers (registered with SSM as managed nodes, `mi-…`
 * through a hybrid activation, or EC2 instances `i-…`) share: SSM Run Command. Each action of
 * such a kind is one SSM Command document (`aws:runShellScript`, in the kind's `documents/`
 * folder, created by the construct with a name derived from the plan) sent with SendCommand to
 * one node and read back with GetCommandInvocation; the script prints one JSON line of facts.
 *
 * - the documents' names and the IAM they need (SendCommand on exactly those documents and the
 *   plan's nodes; GetCommandInvocation and DescribeInstanceInformation have no resource-level
 *   permissions);
 * - the SDK calls and what their answers mean (a node not Online, a command Failed, TimedOut,
 *   Undeliverable or Cancelled, output cut at 24,000 characters), as errors naming the node and
 *   the document;
 * - `commandKindRuntime`: gate, start, check and read-back of a kind whose every step is "send a
 *   document, wait for its facts", progress and write-once facts in the failover record.
 *
 * No kind's name appears here: each kind's runtime.ts passes its `CommandKindSpec`.
 */

/** SSM cuts StandardOutputContent at 24,000 characters (the full output only goes to S3/CloudWatch). */
export const SSM_STDOUT_LIMIT = 24_000;
/** SendCommand's TimeoutSeconds: how long SSM tries to deliver the command to a node (min 30). */
export const DELIVERY_TIMEOUT_SECONDS = 60;
/**
 * The longest a gate's read-only document may stay pending (not yet registered, in progress):
 * delivery, then the gate documents' own execution timeout (60 s). A command SSM never registers
 * or never finishes ends the gate with an error instead of looping until the execution's
 * 25,000-event history is full (the fault matrix found it: GetCommandInvocation answering
 * InvocationDoesNotExist for good).
 */
export const GATE_COMMAND_SECONDS = DELIVERY_TIMEOUT_SECONDS + 60;
/** How soon to look again at a command just sent or still running. */
export const COMMAND_POLL_SECONDS = 2;

/** A managed node is not Online in SSM: commands would not be delivered. */
export class NodeOfflineError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'NodeOfflineError';
  }
}

/** A command ended Failed, Cancelled or Undeliverable, or printed no readable facts. */
export class CommandFailedError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'CommandFailedError';
  }
}

/** A command was not delivered (delivery timeout) or did not finish (its script's timeout), or a step's own timeout passed. */
export class CommandTimedOutError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'CommandTimedOutError';
  }
}

export type Facts = Readonly<Record<string, unknown>>;

/** One document sent to one node. */
export interface CommandRequest {
  readonly region: string;
  readonly planName: string;
  readonly kind: string;
  readonly document: string;
  readonly node: string;
  readonly inputs: Readonly<Record<string, string>>;
  /** Up to 100 characters, shown in the SSM console's command history. */
  readonly comment: string;
}

/** Sends a document to one node and returns the CommandId. */
export async function sendCommand(request: CommandRequest): Promise<string> {
  const name = documentName(request.planName, request.kind, request.document);
  const response = await ssmClient(request.region).send(
    new SendCommandCommand({
      DocumentName: name,
      InstanceIds: [request.node],
      Parameters: Object.fromEntries(Object.entries(request.inputs).map(([key, value]) => [key, [value]])),
      // A delivery timeout: how long SSM keeps trying to reach the node. The script's own
      // timeout (ExecutionTimeout) is the document's timeoutSeconds.
      TimeoutSeconds: DELIVERY_TIMEOUT_SECONDS,
      Comment: request.comment.slice(0, 100),
    }),
  );
  const id = response.Command?.CommandId;
  if (id === undefined)
    throw new CommandFailedError(`SendCommand of ${name} to ${request.node} returned no CommandId`);
  return id;
}

/** Where a command is: still under way, or finished with its facts. */
export type CommandState =
  | { readonly status: 'pending'; readonly detail: string }
  | { readonly status: 'success'; readonly facts: Facts };

const PENDING = new Set(['Pending', 'InProgress', 'Delayed', 'Cancelling']);

/**
 * The one JSON object line a document prints (the last non-empty line of stdout).
 * @throws CommandFailedError when there is none, or the output was cut at 24,000 characters
 */
export function parseFacts(stdout: string, what: string): Facts {
  if (stdout.length >= SSM_STDOUT_LIMIT) {
    throw new CommandFailedError(
      `${what}: its output reached SSM's ${SSM_STDOUT_LIMIT.toLocaleString('en-US')}-character limit and was cut, so its facts line cannot be read`,
    );
  }
  const line = stdout
    .split('\n')
    .map((text) => text.trim())
    .filter((text) => text !== '')
    .at(-1);
  try {
    const facts: unknown = JSON.parse(line ?? '');
    if (facts !== null && typeof facts === 'object' && !Array.isArray(facts)) return facts as Facts;
  } catch {
    // reported below
  }
  throw new CommandFailedError(
    `${what}: printed no JSON facts line (stdout: ${JSON.stringify(stdout.slice(0, 200))})`,
  );
}

/** Reads one invocation; a finished one that did not succeed becomes an error naming node and document. */
export async function commandState(
  region: string,
  commandId: string,
  node: string,
  document: string,
): Promise<CommandState> {
  const what = `command ${document} (${commandId}) on node ${node}`;
  let invocation: GetCommandInvocationCommandOutput;
  try {
    invocation = await ssmClient(region).send(
      new GetCommandInvocationCommand({ CommandId: commandId, InstanceId: node }),
    );
  } catch (error) {
    // Right after SendCommand the invocation may not exist yet.
    if ((error as Error).name === 'InvocationDoesNotExist')
      return { status: 'pending', detail: 'not yet registered' };
    throw error;
  }
  const status = invocation.Status ?? 'Pending';
  const details = invocation.StatusDetails ?? status;
  if (PENDING.has(status)) return { status: 'pending', detail: details };
  const stderr = (invocation.StandardErrorContent ?? '').trim().replace(/\s+/g, ' ').slice(0, 500);
  if (status === 'Success')
    return { status: 'success', facts: parseFacts(invocation.StandardOutputContent ?? '', what) };
  if (status === 'TimedOut' || details === 'DeliveryTimedOut' || details === 'ExecutionTimedOut') {
    const why =
      details === 'DeliveryTimedOut'
        ? `was not delivered within ${DELIVERY_TIMEOUT_SECONDS}s (the node is offline or its agent is not running)`
        : "did not finish within its document's execution timeout";
    throw new CommandTimedOutError(`${what} ${why}${stderr ? `: ${stderr}` : ''}`);
  }
  if (details === 'Undeliverable')
    throw new CommandFailedError(
      `${what} is undeliverable: the node does not exist, is deregistered or its agent cannot run the document`,
    );
  const code = invocation.ResponseCode ?? -1;
  throw new CommandFailedError(
    `${what} ${details.toLowerCase()} (exit ${code})${stderr ? `: ${stderr}` : ''}`,
  );
}

/** The nodes' SSM ping status (Online, ConnectionLost, Inactive; undefined when not registered). */
export async function pingStatuses(region: string, nodes: readonly string[]): Promise<Map<string, string>> {
  const statuses = new Map<string, string>();
  const unique = [...new Set(nodes)];
  for (let i = 0; i < unique.length; i += 50) {
    let token: string | undefined;
    do {
      const page = await ssmClient(region).send(
        new DescribeInstanceInformationCommand({
          Filters: [{ Key: 'InstanceIds', Values: unique.slice(i, i + 50) }],
          MaxResults: 50,
          NextToken: token,
        }),
      );
      for (const info of page.InstanceInformationList ?? []) {
        if (info.InstanceId !== undefined) statuses.set(info.InstanceId, info.PingStatus ?? 'unknown');
      }
      token = page.NextToken;
    } while (token !== undefined);
  }
  return statuses;
}

export const offlineMessage = (node: string, status: string | undefined): string =>
  status === undefined
    ? `node ${node} is not registered with SSM in this region (no managed node with that id)`
    : `node ${node} is ${status} in SSM, not Online: commands cannot reach it`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends a document and waits for its facts within one invocation (read-only documents: read-back, readiness). */
export async function runToFacts(request: CommandRequest, waitSeconds = 60): Promise<Facts> {
  const commandId = await sendCommand(request);
  const started = Date.now();
  for (;;) {
    await sleep(1_000);
    const state = await commandState(request.region, commandId, request.node, request.document);
    if (state.status === 'success') return state.facts;
    if ((Date.now() - started) / 1000 > waitSeconds)
      throw new CommandTimedOutError(
        `command ${request.document} (${commandId}) on node ${request.node} still ${state.detail} after ${waitSeconds}s`,
      );
  }
}

// ---------------------------------------------------------------------------------------------
// A kind made of documents: the runtime every Run Command kind shares.

/** One document of a kind with the inputs it is sent with for one item. */
export interface DocumentCall {
  readonly document: string;
  readonly inputs: Readonly<Record<string, string>>;
}

/** What the gate's facts say about one item. */
export interface GateVerdict {
  readonly within: boolean;
  /** The replication lag in seconds, when the facts measure one (the RPO estimate). */
  readonly lagSeconds?: number | null;
  readonly detail: string;
}

/** A kind whose every action is one document on one node per item. */
export interface CommandKindSpec<Item> {
  readonly kind: string;
  /** Plural noun for messages ("replicas"). */
  readonly noun: string;
  readonly items: (plan: Plan) => readonly Item[];
  readonly label: (item: Item) => string;
  readonly optional: (item: Item) => boolean;
  /** The node the item's documents run on. */
  readonly node: (item: Item) => string;
  readonly gate: {
    readonly call: (item: Item) => DocumentCall;
    readonly verdict: (item: Item, facts: Facts) => GateVerdict;
    /** How long to keep looking while the facts say "not within" before `onExceeded`. */
    readonly waitSeconds: (item: Item) => number;
    readonly onExceeded: (item: Item) => 'abort' | 'proceed';
  };
  /** The change (idempotent): sent once; its facts are kept. */
  readonly start: (item: Item) => DocumentCall;
  /** Sent after the change succeeded, again and again until `done`. */
  readonly check: (item: Item) => DocumentCall & {
    readonly done: (facts: Facts) => boolean;
    readonly detail: (facts: Facts) => string;
  };
  readonly readBack: (item: Item) => DocumentCall & {
    readonly done: (facts: Facts) => boolean;
    readonly detail: (facts: Facts) => string;
  };
  /** Give up on an item's change after this long (its own timeout, in the plan). */
  readonly timeoutSeconds: (item: Item) => number;
  /** What done means in messages ("replicas promoted"). */
  readonly doneNoun: string;
}

/**
 * `failover check` for a Run Command kind: every node Online in SSM, and the gate's (read-only)
 * document succeeds on it with facts within the threshold.
 */
export async function commandKindReadiness<Item>(
  spec: CommandKindSpec<Item>,
  plan: Plan,
): Promise<ReadinessCheck[]> {
  const items = spec.items(plan);
  if (items.length === 0) return [];
  let statuses: Map<string, string>;
  try {
    statuses = await pingStatuses(plan.recoveryRegion, items.map(spec.node));
  } catch (error) {
    return items.map((item) =>
      fail('node-online', spec.label(item), `cannot read SSM's managed nodes: ${describeError(error)}`),
    );
  }
  return (
    await Promise.all(
      items.map(async (item): Promise<ReadinessCheck[]> => {
        const label = spec.label(item);
        const node = spec.node(item);
        const status = statuses.get(node);
        if (status !== 'Online') return [fail('node-online', label, offlineMessage(node, status))];
        const online = pass('node-online', label, `node ${node} is Online in SSM`);
        const call = spec.gate.call(item);
        try {
          const facts = await runToFacts(
            {
              region: plan.recoveryRegion,
              planName: plan.name,
              kind: spec.kind,
              document: call.document,
              node,
              inputs: call.inputs,
              comment: `failover check ${plan.name} ${label}`,
            },
            30,
          );
          const verdict = spec.gate.verdict(item, facts);
          return [online, (verdict.within ? pass : fail)('node-gate', label, `${label}: ${verdict.detail}`)];
        } catch (error) {
          return [online, fail('node-gate', label, `${label}: ${describeError(error)}`)];
        }
      }),
    )
  ).flat();
}

import type {
  DescribeInstanceInformationCommandInput,
  DescribeInstanceInformationCommandOutput,
  GetCommandInvocationCommandInput,
  GetCommandInvocationCommandOutput,
  SendCommandCommandInput,
  SendCommandCommandOutput,
} from '@aws-sdk/client-ssm';
import * as z from 'zod';
import {
  inputField,
  settingsFor,
  type FaultEffectFor,
  type SimulatedOperationSpec,
} from '../../engine/sim/kind-model.js';
import { fail, required } from '../../engine/sim/sdk-errors.js';
import { uuidFrom } from '../../engine/sim/ids.js';
import type { CallContext, SimWorld } from '../../engine/sim/world.js';
import type { Plan } from '../common/plan.js';
import { documentName } from './run-command-definition.js';

/**
 * The simulated SSM Run Command that the kinds acting on self-hosted servers share (SendCommand,
 * GetCommandInvocation, DescribeInstanceInformation). engine/sim/kinds.ts lets one side serve an
 * operation, so the operations are declared once, by the first of those kinds in the registry
 * (its sim.ts spreads `RUN_COMMAND_OPERATIONS` and returns `runCommandFor(world).operations`);
 * every such kind registers its documents and its server model here (`registerRunCommandKind`),
 * so one SendCommand finds the kind, document and node whatever the kind. Nothing of it is in
 * engine/sim: only those kinds call Run Command, and no kind is named here.
 *
 * A command is handed to a runner: by default each kind's model of its servers (a small state
 * machine per node answering each document with the JSON line the real script prints), so a
 * replay needs nothing installed; `npm run test:nodes` sets a runner that runs the real script in
 * a local shell against real servers (`setCommandRunner`).
 */

/** One document sent to one node, as a runner gets it. */
export interface NodeCommand {
  readonly kind: string;
  readonly document: string;
  readonly node: string;
  readonly inputs: Readonly<Record<string, string>>;
  /** Epoch ms of the SendCommand. */
  readonly now: number;
}

/** What the script did: its exit code and output (a runner may say it took a while). */
export interface NodeCommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** How long it ran (simulated seconds). @default 1 */
  readonly durationSeconds?: number;
}

/** Runs one command synchronously (the model answers at once; a real runner blocks until the script ends). */
export type CommandRunner = (command: NodeCommand) => NodeCommandResult;

/** What a node's scenario entry may say (`nodes: { "<node-id>" | "*": { … } }`). */
export const nodeBehaviourSchema = z.strictObject({
  /** The node's SSM agent does not answer: PingStatus ConnectionLost, commands never delivered. */
  offline: z.boolean().optional(),
  /** Replication lag the gate documents report, in seconds (Redis: ×1 MiB of offset lag). @default 0 */
  lagSeconds: z.number().min(0).optional(),
  /** This document (or every one, with true) exits 1 with an error on stderr, changing nothing. */
  commandFails: z.union([z.literal(true), z.string().min(1)]).optional(),
  /** This document (or every one, with true) never finishes: TimedOut after its execution timeout. */
  commandTimesOut: z.union([z.literal(true), z.string().min(1)]).optional(),
  /** The server was promoted (PostgreSQL) or is master already (Redis), or the proxy already switched. */
  alreadyPromoted: z.boolean().optional(),
  /** Seconds a change takes on the server before the check sees it done (Sentinel failover). @default 2 */
  changeSeconds: z.number().min(0).max(86_400).optional(),
});
export type NodeBehaviour = z.output<typeof nodeBehaviourSchema>;

declare module '../../engine/sim/kind-model.js' {
  interface KindScenarioSections {
    /** The self-hosted servers' SSM managed nodes, by node id (or `"*"`). */
    readonly nodes?: Readonly<Record<string, NodeBehaviour>>;
  }
}

/** One kind's part: its documents, its nodes in a plan, and its model of the servers. */
export interface RunCommandKind {
  readonly kind: string;
  readonly documents: readonly string[];
  /** Execution timeouts of the documents (their `@timeout`), by name; 60 s otherwise. */
  readonly executionTimeoutSeconds?: Readonly<Record<string, number>>;
  /** Every node id the plan names for this kind. */
  readonly nodes: (plan: Plan) => readonly string[];
  /** The kind's server model for one simulated cloud: answers a command as the real script would. */
  readonly createModel: (world: SimWorld) => RunCommandModel;
}

export interface RunCommandModel {
  readonly run: CommandRunner;
  readonly snapshot: () => unknown;
}

const REGISTERED = new Map<string, RunCommandKind>();

/** Called by each Run Command kind's sim.ts when it loads. */
export function registerRunCommandKind(kind: RunCommandKind): void {
  REGISTERED.set(kind.kind, kind);
}

/** Every node a plan names in a Run Command kind (the scenario's `nodes` keys). */
export const planNodes = (plan: Plan): string[] => [
  ...new Set([...REGISTERED.values()].flatMap((kind) => kind.nodes(plan))),
];

let overrideRunner: CommandRunner | undefined;

/** test:nodes: run every command with `runner` (the real scripts) instead of the models; undefined restores them. */
export function setCommandRunner(runner: CommandRunner | undefined): void {
  overrideRunner = runner;
}

/** The scenario section every Run Command kind shares (declared by the one that declares the operations). */
export const NODES_SCENARIO_SECTION = {
  nodes: { entry: nodeBehaviourSchema, names: planNodes, what: 'managed node' },
};

const invocationMissing: FaultEffectFor = (input) => ({
  error: {
    name: 'InvocationDoesNotExist',
    status: 400,
    message: `Command ${inputField('CommandId')(input)} does not exist on ${inputField('InstanceId')(input)}.`,
  },
});

/** The Run Command operations, for the `operations` of the kind that serves them. */
export const RUN_COMMAND_OPERATIONS: Readonly<Record<string, SimulatedOperationSpec>> = {
  // A command may change a server: every SendCommand counts as a mutating call.
  SendCommand: { mutating: true },
  GetCommandInvocation: { notFound: invocationMissing },
  DescribeInstanceInformation: {},
};

/** SSM cuts StandardOutputContent at 24,000 characters and StandardErrorContent at 8,000. */
const STDOUT_LIMIT = 24_000;
const STDERR_LIMIT = 8_000;
const MIN_DELIVERY_TIMEOUT = 30;

interface Invocation {
  readonly commandId: string;
  readonly kind: string;
  readonly document: string;
  readonly documentName: string;
  readonly node: string;
  readonly sentAt: number;
  /** When it leaves Pending/InProgress, and how. */
  readonly endsAt: number;
  readonly end: 'Success' | 'Failed' | 'DeliveryTimedOut' | 'ExecutionTimedOut';
  readonly delivered: boolean;
  readonly result: NodeCommandResult;
}

/** What the snapshot lists of one command. */
export interface CommandRecord {
  readonly document: string;
  readonly node: string;
  readonly status: string;
}

const matches = (setting: true | string | undefined, document: string) =>
  setting === true || setting === document;

/** The simulated Run Command of one cloud: every registered kind's documents and nodes. */
export class SimulatedRunCommandService {
  private readonly invocations = new Map<string, Invocation>();
  private readonly models = new Map<string, RunCommandModel>();
  private readonly documents = new Map<string, { kind: string; document: string }>();
  private readonly nodeKinds = new Map<string, Set<string>>();
  private sequence = 0;

  public constructor(private readonly world: SimWorld) {
    for (const kind of REGISTERED.values()) {
      const nodes = kind.nodes(world.plan);
      if (nodes.length === 0) continue;
      // The construct creates the documents of the kinds the plan uses, and only those.
      for (const document of kind.documents)
        this.documents.set(documentName(world.plan.name, kind.kind, document), { kind: kind.kind, document });
      for (const node of nodes)
        this.nodeKinds.set(node, (this.nodeKinds.get(node) ?? new Set()).add(kind.kind));
    }
  }

  private model(kind: string): RunCommandModel {
    let model = this.models.get(kind);
    if (model === undefined) {
      const registered = REGISTERED.get(kind);
      if (registered === undefined) throw new Error(`no Run Command kind ${kind} is registered`);
      model = registered.createModel(this.world);
      this.models.set(kind, model);
    }
    return model;
  }

  private behaviour(node: string): NodeBehaviour {
    return settingsFor(this.world.scenario.nodes, node) ?? {};
  }

  /** A kind's server models (its snapshot section). */
  public snapshotOf(kind: string): unknown {
    return this.model(kind).snapshot();
  }

  /** The commands sent to the kind's documents, in order, with their status at `now`. */
  public commandsOf(kind: string, now: number): CommandRecord[] {
    return [...this.invocations.values()]
      .filter((invocation) => invocation.kind === kind)
      .map((invocation) => ({
        document: invocation.document,
        node: invocation.node,
        status: this.status(invocation, now).Status ?? 'Pending',
      }));
  }

  private send(
    input: SendCommandCommandInput,
    call: CallContext,
  ): Omit<SendCommandCommandOutput, '$metadata'> {
    const name = required(input.DocumentName, 'DocumentName', 'InvalidDocument');
    const target = this.documents.get(name);
    if (target === undefined) throw fail('InvalidDocument', 400, `Document ${name} does not exist.`);
    const nodes = input.InstanceIds ?? [];
    if (nodes.length !== 1)
      throw fail('ValidationException', 400, 'The failover sends each command to one node.');
    const node = nodes[0] ?? '';
    if (!this.nodeKinds.has(node))
      throw fail('InvalidInstanceId', 400, `Instance ${node} is not a managed node of this account.`);
    const delivery = input.TimeoutSeconds ?? 3600;
    if (delivery < MIN_DELIVERY_TIMEOUT)
      throw fail('ValidationException', 400, 'TimeoutSeconds must be at least 30.');
    const inputs: Record<string, string> = {};
    for (const [key, values] of Object.entries(input.Parameters ?? {})) inputs[key] = values.join(',');
    this.sequence += 1;
    const commandId = uuidFrom(`${this.world.plan.name}:command:${this.sequence}`);
    const behaviour = this.behaviour(node);
    const registered = REGISTERED.get(target.kind);
    const executionTimeout = registered?.executionTimeoutSeconds?.[target.document] ?? 60;
    const base = {
      commandId,
      kind: target.kind,
      document: target.document,
      documentName: name,
      node,
      sentAt: call.now,
    };
    let invocation: Invocation;
    if (behaviour.offline) {
      invocation = {
        ...base,
        endsAt: call.now + delivery * 1000,
        end: 'DeliveryTimedOut',
        delivered: false,
        result: { exitCode: -1, stdout: '', stderr: '' },
      };
    } else if (matches(behaviour.commandTimesOut, target.document)) {
      invocation = {
        ...base,
        endsAt: call.now + executionTimeout * 1000,
        end: 'ExecutionTimedOut',
        delivered: true,
        result: { exitCode: -1, stdout: '', stderr: 'failed to run commands: exit status 124' },
      };
    } else if (matches(behaviour.commandFails, target.document)) {
      invocation = {
        ...base,
        endsAt: call.now + 1000,
        end: 'Failed',
        delivered: true,
        result: {
          exitCode: 1,
          stdout: '',
          stderr: `${target.kind}/${target.document} failed on ${node}: simulated failure (scenario nodes.${node}.commandFails)`,
        },
      };
    } else {
      const command: NodeCommand = {
        kind: target.kind,
        document: target.document,
        node,
        inputs,
        now: call.now,
      };
      const result = (overrideRunner ?? this.model(target.kind).run)(command);
      invocation = {
        ...base,
        endsAt: call.now + (result.durationSeconds ?? 1) * 1000,
        end: result.exitCode === 0 ? 'Success' : 'Failed',
        delivered: true,
        result,
      };
    }
    this.invocations.set(commandId, invocation);
    return {
      Command: {
        CommandId: commandId,
        DocumentName: name,
        InstanceIds: [node],
        Status: 'Pending',
        TimeoutSeconds: delivery,
        ...(input.Comment !== undefined ? { Comment: input.Comment } : {}),
        RequestedDateTime: new Date(call.now),
      },
    };
  }

  private status(
    invocation: Invocation,
    now: number,
  ): Pick<GetCommandInvocationCommandOutput, 'Status' | 'StatusDetails'> {
    if (now < invocation.endsAt)
      return invocation.delivered
        ? { Status: 'InProgress', StatusDetails: 'InProgress' }
        : { Status: 'Pending', StatusDetails: 'Pending' };
    switch (invocation.end) {
      case 'Success':
        return { Status: 'Success', StatusDetails: 'Success' };
      case 'Failed':
        return { Status: 'Failed', StatusDetails: 'Failed' };
      case 'DeliveryTimedOut':
        return { Status: 'TimedOut', StatusDetails: 'DeliveryTimedOut' };
      case 'ExecutionTimedOut':
        return { Status: 'TimedOut', StatusDetails: 'ExecutionTimedOut' };
    }
  }

  private invocation(
    input: GetCommandInvocationCommandInput,
    call: CallContext,
  ): Omit<GetCommandInvocationCommandOutput, '$metadata'> {
    const commandId = required(input.CommandId, 'CommandId', 'InvalidCommandId');
    const node = required(input.InstanceId, 'InstanceId', 'InvalidInstanceId');
    const invocation = this.invocations.get(commandId);
    if (invocation === undefined || invocation.node !== node)
      throw fail('InvocationDoesNotExist', 400, `Command ${commandId} does not exist on ${node}.`);
    const status = this.status(invocation, call.now);
    const finished = status.Status !== 'Pending' && status.Status !== 'InProgress';
    const { result } = invocation;
    return {
      CommandId: commandId,
      InstanceId: node,
      DocumentName: invocation.documentName,
      PluginName: 'aws:runShellScript',
      ...status,
      ResponseCode: finished ? result.exitCode : -1,
      StandardOutputContent: finished ? result.stdout.slice(0, STDOUT_LIMIT) : '',
      StandardErrorContent: finished ? result.stderr.slice(0, STDERR_LIMIT) : '',
      ExecutionStartDateTime: invocation.delivered ? new Date(invocation.sentAt).toISOString() : '',
      ExecutionEndDateTime: finished ? new Date(invocation.endsAt).toISOString() : '',
    };
  }

  private describe(
    input: DescribeInstanceInformationCommandInput,
    call: CallContext,
  ): Omit<DescribeInstanceInformationCommandOutput, '$metadata'> {
    const wanted = (input.Filters ?? []).find((filter) => filter.Key === 'InstanceIds')?.Values;
    const nodes = [...this.nodeKinds.keys()].filter((node) => wanted === undefined || wanted.includes(node));
    return {
      InstanceInformationList: nodes.map((node) => {
        const offline = this.behaviour(node).offline === true;
        return {
          InstanceId: node,
          PingStatus: offline ? 'ConnectionLost' : 'Online',
          LastPingDateTime: new Date(offline ? this.world.startMs - 600_000 : call.now),
          ResourceType: node.startsWith('mi-') ? 'ManagedInstance' : 'EC2Instance',
          PlatformType: 'Linux',
          PlatformName: 'Debian GNU/Linux',
          ComputerName: node,
          AgentVersion: '3.3.0.0',
        };
      }),
    };
  }

  public readonly operations = {
    SendCommand: (input: SendCommandCommandInput, call: CallContext) => this.send(input, call),
    GetCommandInvocation: (input: GetCommandInvocationCommandInput, call: CallContext) =>
      this.invocation(input, call),
    DescribeInstanceInformation: (input: DescribeInstanceInformationCommandInput, call: CallContext) =>
      this.describe(input, call),
  };
}

const CLOUDS = new WeakMap<SimWorld, SimulatedRunCommandService>();

/** The one simulated Run Command of a cloud (every Run Command kind's sim gets the same). */
export function runCommandFor(world: SimWorld): SimulatedRunCommandService {
  let runCommand = CLOUDS.get(world);
  if (runCommand === undefined) {
    runCommand = new SimulatedRunCommandService(world);
    CLOUDS.set(world, runCommand);
  }
  return runCommand;
}

/** The scenario settings of one node (the `"*"` entry overridden by its own). */
export const nodeBehaviour = (world: SimWorld, node: string): NodeBehaviour =>
  settingsFor(world.scenario.nodes, node) ?? {};

/** The one JSON facts line a model prints. */
export const factsLine = (facts: Readonly<Record<string, unknown>>): NodeCommandResult => ({
  exitCode: 0,
  stdout: `${JSON.stringify(facts)}\n`,
  stderr: '',
});

/** A model's failure, as the scripts report it (exit 1, the node and the command on stderr). */
export const commandError = (
  kind: string,
  document: string,
  node: string,
  why: string,
): NodeCommandResult => ({
  exitCode: 1,
  stdout: '',
  stderr: `${kind}/${document} failed on ${node}: ${why}\n`,
});

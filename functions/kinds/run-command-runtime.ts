import { describeError, ReplicaLagExceededError } from '../common/errors.js';
import {
  readGate,
  readProgress,
  rememberOnce,
  writeAssessment,
  writeGate,
  writeProgress,
} from '../common/failover-record.js';
import type { Plan } from '../common/plan.js';
import { nowIso, secondsSince } from '../common/step-handler.js';
import {
  mapBounded,
  pollInterval,
  summarise,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from './kind-step.js';
import { requireAll, skippedIndexes, skippedMessage } from './preflight.js';
import {
  COMMAND_POLL_SECONDS,
  GATE_COMMAND_SECONDS,
  CommandFailedError,
  CommandTimedOutError,
  commandState,
  NodeOfflineError,
  offlineMessage,
  pingStatuses,
  runToFacts,
  sendCommand,
  type CommandKindSpec,
  type CommandRequest,
  type DocumentCall,
  type Facts,
} from './run-command.js';

/**
 * The runtime every Run Command kind shares (its runtime.ts is one line): gate, start, check
 * and read-back over all items of the plan, where each step is "send a document to the item's
 * node, read its facts", progress and write-once facts in the failover record. The SDK calls
 * and what their answers mean are in run-command.ts (which the readiness check also uses, without
 * this module and the record).
 */

/** One look of the gate at one item, kept in the record between looks. */
export interface CommandGateLook {
  readonly checks: number;
  readonly label: string;
  readonly node: string;
  readonly firstCheckedAt?: string;
  readonly checkedAt?: string;
  /** The gate document under way, and when it was sent. */
  readonly commandId?: string;
  readonly commandSentAt?: string;
  readonly decision?: 'proceed' | 'wait';
  readonly waitSeconds?: number;
  readonly lagSeconds?: number | null;
  readonly facts?: Facts;
  readonly overThreshold?: boolean;
  readonly skipped?: boolean;
  readonly message?: string;
}

/** One item's change, kept in the record. */
export interface CommandProgress {
  readonly status: 'not-started' | 'starting' | 'checking' | 'done' | 'skipped';
  readonly label?: string;
  readonly node?: string;
  /** The document under way and its CommandId. */
  readonly document?: string;
  readonly commandId?: string;
  readonly startedAt?: string;
  readonly doneAt?: string;
  readonly checks?: number;
  readonly pollSeconds?: number;
  readonly startFacts?: Facts;
  readonly checkFacts?: Facts;
  readonly dryRun?: boolean;
  readonly message: string;
}

/** What is recorded once per item: the change's command (write-once facts), then what it did. */
export interface CommandFacts {
  readonly node: string;
  readonly document: string;
  readonly commandId: string;
  readonly sentAt: string;
}

const CONCURRENCY = 10;

const isRefusal = (error: unknown): error is Error =>
  error instanceof NodeOfflineError ||
  error instanceof CommandFailedError ||
  error instanceof CommandTimedOutError ||
  error instanceof ReplicaLagExceededError;

/** The runtime of a kind that acts through SSM Run Command only. */
export function commandKindRuntime<Item>(spec: CommandKindSpec<Item>): KindRuntime {
  const { kind } = spec;
  const region = (plan: Plan) => plan.recoveryRegion;
  const request = (context: KindContext, item: Item, call: DocumentCall, action: string): CommandRequest => ({
    region: region(context.plan),
    planName: context.plan.name,
    kind,
    document: call.document,
    node: spec.node(item),
    inputs: call.inputs,
    comment: `failover ${context.plan.name} ${action} ${spec.label(item)} (${context.scope.executionId.split(':').at(-1) ?? ''})`,
  });

  async function gateLook(
    context: KindContext,
    item: Item,
    last: CommandGateLook | undefined,
    status: string | undefined,
  ): Promise<CommandGateLook> {
    const label = spec.label(item);
    const node = spec.node(item);
    const now = nowIso();
    const base = {
      checks: (last?.checks ?? 0) + 1,
      label,
      node,
      firstCheckedAt: last?.firstCheckedAt ?? now,
      checkedAt: now,
    };
    if (status !== 'Online') throw new NodeOfflineError(`${label}: ${offlineMessage(node, status)}`);
    const call = spec.gate.call(item);
    if (last?.commandId === undefined) {
      const commandId = await sendCommand(request(context, item, call, 'gate'));
      return {
        ...base,
        commandId,
        commandSentAt: now,
        decision: 'wait',
        waitSeconds: COMMAND_POLL_SECONDS,
        message: `${label}: ${call.document} sent to ${node}`,
      };
    }
    const state = await commandState(region(context.plan), last.commandId, node, call.document);
    const pendingFor = secondsSince(last.commandSentAt ?? base.firstCheckedAt);
    if (state.status === 'pending' && pendingFor > GATE_COMMAND_SECONDS)
      throw new CommandTimedOutError(
        `${label}: ${call.document} (${last.commandId}) on node ${node} still ${state.detail} after ${Math.round(pendingFor)}s (gate limit ${GATE_COMMAND_SECONDS}s); nothing was changed`,
      );
    if (state.status === 'pending')
      return {
        ...base,
        commandId: last.commandId,
        ...(last.commandSentAt === undefined ? {} : { commandSentAt: last.commandSentAt }),
        decision: 'wait',
        waitSeconds: COMMAND_POLL_SECONDS,
        message: `${label}: ${call.document} ${state.detail}`,
      };
    const verdict = spec.gate.verdict(item, state.facts);
    const facts = { facts: state.facts, lagSeconds: verdict.lagSeconds ?? null };
    if (verdict.within)
      return { ...base, ...facts, decision: 'proceed', message: `${label}: ${verdict.detail}` };
    const waited = secondsSince(base.firstCheckedAt);
    const budget = spec.gate.waitSeconds(item);
    if (waited < budget) {
      return {
        ...base,
        ...facts,
        decision: 'wait',
        waitSeconds: Math.max(1, Math.min(10, Math.ceil(budget - waited))),
        message: `${label}: ${verdict.detail}; looking again (waited ${Math.round(waited)}s of ${budget}s)`,
      };
    }
    if (spec.gate.onExceeded(item) === 'proceed')
      return {
        ...base,
        ...facts,
        decision: 'proceed',
        overThreshold: true,
        message: `${label}: ${verdict.detail}; proceeding (onLagExceeded: promote)`,
      };
    throw new ReplicaLagExceededError(
      `${label}: ${verdict.detail} after waiting ${budget}s (onLagExceeded: abort); nothing was changed`,
    );
  }

  async function gate(context: KindContext): Promise<KindSummary> {
    const { plan, scope } = context;
    const items = spec.items(plan);
    const previous = (await readGate<(CommandGateLook | null)[]>(scope, kind)) ?? [];
    const waiting = items.filter((_, i) => previous[i]?.decision !== 'proceed');
    // Every node the kind sends commands to must be Online before anything is sent: one call.
    const statuses =
      waiting.length === 0
        ? new Map<string, string>()
        : await pingStatuses(region(plan), waiting.map(spec.node));
    const refusals: (Error | undefined)[] = [];
    const looks = await mapBounded(items, CONCURRENCY, async (item, i): Promise<CommandGateLook> => {
      const last = previous[i] ?? undefined;
      if (last?.decision === 'proceed') return last;
      try {
        return await gateLook(context, item, last, statuses.get(spec.node(item)));
      } catch (error) {
        if (!isRefusal(error)) throw error;
        refusals[i] = error;
        const base = { checks: (last?.checks ?? 0) + 1, label: spec.label(item), node: spec.node(item) };
        return spec.optional(item)
          ? { ...base, decision: 'proceed', skipped: true, message: skippedMessage(error.message) }
          : { ...base, message: error.message };
      }
    });
    await writeGate(scope, kind, looks);
    const blocking = items.flatMap((item, i) => {
      const refusal = refusals[i];
      return refusal !== undefined && !spec.optional(item) ? [refusal] : [];
    });
    if (blocking.length === 1) throw blocking[0];
    requireAll(
      spec.noun,
      items.map((item, i) => ({
        label: spec.label(item),
        optional: spec.optional(item),
        ...(refusals[i] !== undefined ? { problem: refusals[i].message } : {}),
      })),
    );
    const summary = summarise(
      kind,
      'gate',
      looks.map((look) => ({
        done: look.decision === 'proceed',
        pollSeconds: look.waitSeconds ?? COMMAND_POLL_SECONDS,
      })),
      `${spec.noun} through the gate`,
    );
    const lags = looks.map((look) => look.lagSeconds).filter((lag): lag is number => typeof lag === 'number');
    const notes = [
      ...(looks.some((look) => look.overThreshold === true)
        ? [
            `${looks.filter((look) => look.overThreshold === true).length} over the lag threshold (onLagExceeded: promote)`,
          ]
        : []),
      ...(looks.some((look) => look.skipped === true)
        ? [`${looks.filter((look) => look.skipped === true).length} optional skipped`]
        : []),
    ];
    return {
      ...summary,
      ...(lags.length > 0 ? { maxLagSeconds: Math.max(...lags) } : {}),
      ...(notes.length > 0 ? { message: [summary.message, ...notes].join('; ') } : {}),
    };
  }

  /** One step of one item's change: send, read, check again; never waits inside the invocation. */
  async function step(
    context: KindContext,
    item: Item,
    index: number,
    previous: CommandProgress,
  ): Promise<CommandProgress> {
    const label = spec.label(item);
    const node = spec.node(item);
    const regionName = region(context.plan);
    const startedAt = previous.startedAt ?? nowIso();
    if (previous.status === 'not-started') {
      const call = spec.start(item);
      if (context.dryRun)
        return {
          status: 'done',
          label,
          node,
          dryRun: true,
          doneAt: nowIso(),
          message: `dry run: would send ${call.document} to ${node}`,
        };
      const sent = await sendCommand(request(context, item, call, 'start'));
      // Write-once: a retried start that sent the (idempotent) document again keeps the first CommandId.
      const recorded = await rememberOnce<CommandFacts>(context.scope, kind, index, {
        node,
        document: call.document,
        commandId: sent,
        sentAt: startedAt,
      });
      return {
        status: 'starting',
        label,
        node,
        document: call.document,
        commandId: recorded.commandId,
        startedAt: recorded.sentAt,
        pollSeconds: COMMAND_POLL_SECONDS,
        message: `${call.document} sent to ${node}`,
      };
    }
    const elapsed = secondsSince(startedAt);
    const timeout = spec.timeoutSeconds(item);
    const document = previous.document ?? '';
    const commandId = previous.commandId ?? '';
    const state = await commandState(regionName, commandId, node, document);
    if (state.status === 'pending') {
      if (elapsed > timeout)
        throw new CommandTimedOutError(
          `${label}: ${document} (${commandId}) on node ${node} still ${state.detail} after ${Math.round(elapsed)}s (timeout ${timeout}s)`,
        );
      return {
        ...previous,
        pollSeconds: COMMAND_POLL_SECONDS,
        message: `${document} ${state.detail}`,
      };
    }
    const check = spec.check(item);
    if (previous.status === 'checking' && check.done(state.facts)) {
      return {
        ...previous,
        status: 'done',
        checkFacts: state.facts,
        doneAt: nowIso(),
        message: check.detail(state.facts),
      };
    }
    if (elapsed > timeout)
      throw new CommandTimedOutError(
        `${label}: not done after ${Math.round(elapsed)}s (timeout ${timeout}s); last look on node ${node}: ${check.detail(previous.status === 'checking' ? state.facts : {})}`,
      );
    const next = await sendCommand(request(context, item, check, 'check'));
    return {
      ...previous,
      status: 'checking',
      document: check.document,
      commandId: next,
      checks: (previous.checks ?? 0) + 1,
      ...(previous.status === 'starting' ? { startFacts: state.facts } : { checkFacts: state.facts }),
      pollSeconds: pollInterval(COMMAND_POLL_SECONDS, elapsed),
      message:
        previous.status === 'starting'
          ? `${document} succeeded on ${node}; checking`
          : `${check.detail(state.facts)}; checking again`,
    };
  }

  async function advance(context: KindContext, action: 'start' | 'check'): Promise<KindSummary> {
    const { plan, scope } = context;
    const items = spec.items(plan);
    const recorded = await readProgress<CommandProgress[]>(scope, kind);
    const skipped = await skippedIndexes(scope, kind);
    const progress = await mapBounded(items, CONCURRENCY, async (item, i): Promise<CommandProgress> => {
      const previous: CommandProgress = recorded?.[i] ?? { status: 'not-started', message: '' };
      if (previous.status === 'done' || previous.status === 'skipped') return previous;
      if (skipped.has(i))
        return {
          status: 'skipped',
          label: spec.label(item),
          message: skippedMessage(`${spec.label(item)} did not pass the gate`),
        };
      return step(context, item, i, previous);
    });
    await writeProgress(scope, kind, progress);
    return summarise(
      kind,
      action,
      progress.map((item) =>
        item.status === 'skipped'
          ? { done: true, pollSeconds: 0 }
          : {
              done: item.status === 'done',
              pollSeconds: item.pollSeconds ?? COMMAND_POLL_SECONDS,
              ...(item.doneAt ? { doneAt: item.doneAt } : {}),
            },
      ),
      spec.doneNoun,
    );
  }

  async function readBack(context: KindContext): Promise<readonly Assessed[]> {
    const { plan, scope } = context;
    const items = spec.items(plan);
    const skipped = await skippedIndexes(scope, kind).catch(() => new Set<number>());
    // A command to a node that is not Online would wait out its delivery timeout: say so instead.
    const statuses = await pingStatuses(region(plan), items.map(spec.node)).catch(() => undefined);
    const assessed = await mapBounded(items, CONCURRENCY, async (item, i): Promise<Assessed> => {
      const label = spec.label(item);
      if (skipped.has(i))
        return { label, done: false, detail: skippedMessage(`${label} did not pass the gate`) };
      const status = statuses?.get(spec.node(item));
      if (statuses !== undefined && status !== 'Online')
        return { label, done: false, detail: `unknown: ${offlineMessage(spec.node(item), status)}` };
      const call = spec.readBack(item);
      try {
        const facts = await runToFacts(request(context, item, call, 'read-back'), 30);
        return { label, done: call.done(facts), detail: call.detail(facts) };
      } catch (error) {
        return { label, done: false, detail: `unknown: ${describeError(error)}` };
      }
    });
    await writeAssessment(scope, kind, assessed);
    return assessed;
  }

  return {
    kind,
    gate,
    start: (context) => advance(context, 'start'),
    check: (context) => advance(context, 'check'),
    readBack,
  };
}

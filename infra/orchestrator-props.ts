import { existsSync } from 'node:fs';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { parsePlan, type Plan } from '../functions/common/plan.js';
import { functionArnVariable } from '../functions/kinds/kind-definition.js';
import { buildWorkflow, kindsInPlan, workflowFunctionIds } from '../state-machines/workflow-builder.js';
import { loadPlanFileSync } from '../engine/files.js';
import {
  DEFAULT_FUNCTION_TIMEOUT_SECONDS,
  MAX_FUNCTION_TIMEOUT_SECONDS,
  MIN_FUNCTION_TIMEOUT_SECONDS,
  READINESS_CHECK_ID,
} from './function-settings.js';
import { defaultHandlersDirectory, prebuiltHandler } from './handler-code.js';
import { FAILBACK_FUNCTION_ID } from './failback-state-machine.js';
import { failbackPlanProblem } from '../state-machines/failback-builder.js';
import { definitionPlaceholders } from './orchestrator-function.js';
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

export interface FailoverOrchestratorProps {
  /**
   * The plan (`loadPlanFile` or `parsePlan`); it is checked again here. Give this or `planFile`.
   * @default the plan read from `planFile`
   */
  readonly plan?: Plan;
  /**
   * Path of the plan file (YAML or JSON), read and validated at synth. Give this or `plan`.
   * @default none: `plan` is given
   */
  readonly planFile?: string;
  /**
   * Lambda runtime of every function: Node.js 22 or later.
   * @default Runtime.NODEJS_22_X
   */
  readonly runtime?: Runtime;
  /**
   * Memory of each function, in MB (the SDK is bundled; more memory also means more CPU at cold start).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout of each workflow function, 10 s to MAX_FUNCTION_TIMEOUT_SECONDS (60 s: the workflow's
   * wait for in-flight functions after a failure). Functions never wait inside Lambda (Wait
   * states do), so a minute is ample. The readiness check has its own (READINESS_CHECK_TIMEOUT_SECONDS).
   * @default Duration.seconds(DEFAULT_FUNCTION_TIMEOUT_SECONDS)
   */
  readonly stepTimeout?: Duration;
  /**
   * Reserved concurrency of each function on the failover path (the workflow's steps and the
   * kinds' functions), 1 to MAX_RESERVED_CONCURRENCY: a failover is guaranteed this many
   * concurrent executions even when other workloads in the account use up its concurrency, and
   * cannot take more. One failover runs each function at most once at a time (plus a few
   * duplicate executions from a burst of alarms, which end at the lock), so a few are ample.
   * Reserving needs headroom: Lambda keeps at least 100 of the account's concurrency unreserved.
   * @default DEFAULT_RESERVED_CONCURRENCY (5)
   */
  readonly reservedConcurrency?: number;
  /**
   * Retention of the functions' and the state machine's log groups.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of the functions (POWERTOOLS_LOG_LEVEL).
   * @default 'INFO'
   */
  readonly logLevel?: (typeof LOG_LEVELS)[number];
  /**
   * Name of the state machine (the CLI finds it by name).
   * @default `${plan.name}-failover`
   */
  readonly stateMachineName?: string;
  /**
   * Directory holding the prebuilt handlers, `<function id>/index.mjs` (`npm run build:handlers`).
   * @default the `lib/handlers` directory of the installed package
   */
  readonly handlersDirectory?: string;
  /**
   * Create the Route 53 health checks on the kinds' alarms (each DNS flag's), and those that need
   * no alarm (each routing control's, type RECOVERY_CONTROL), in this stack. Set
   * false when another stack of the app creates them with `KindHealthChecks` (e.g. the stack of
   * the PRIMARY failover record, in another region: a health check is a global resource, and a
   * stack cannot reference another region's values).
   * @default true
   */
  readonly createHealthChecks?: boolean;
}

/** The props were wrong; lists every problem at once. */
export class FailoverOrchestratorPropsError extends Error {
  public constructor(public readonly problems: readonly string[]) {
    super(
      `FailoverOrchestrator: invalid props (${problems.length}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'FailoverOrchestratorPropsError';
  }
}

/** Reserved concurrency of each failover-path function unless the props say otherwise. */
export const DEFAULT_RESERVED_CONCURRENCY = 5;
/** More would only take concurrency from the account's other workloads. */
export const MAX_RESERVED_CONCURRENCY = 100;

export interface Settings {
  readonly plan: Plan;
  readonly runtime: Runtime;
  readonly memorySize: number;
  readonly reservedConcurrency: number;
  readonly stepTimeout: Duration;
  readonly logRetention: RetentionDays;
  readonly logLevel: string;
  readonly stateMachineName: string;
  readonly handlersDirectory: string;
  /** The workflow for the plan (`buildWorkflow`), as JSON with `${<Id>FunctionArn}` placeholders. */
  readonly definition: string;
  /** The functions the definition invokes (`workflowFunctionIds`). */
  readonly workflowFunctionIds: readonly string[];
}

/** Checks every prop before anything is built, and reports every problem at once. */
export function validateProps(scope: Construct, props: FailoverOrchestratorProps): Settings {
  const problems: string[] = [];
  let plan: Plan | undefined;
  if ((props.plan === undefined) === (props.planFile === undefined)) {
    problems.push('give exactly one of plan and planFile');
  } else {
    try {
      plan =
        props.planFile !== undefined
          ? loadPlanFileSync(props.planFile, 'plan file')
          : parsePlan(props.plan, 'plan');
    } catch (error) {
      problems.push((error as Error).message);
    }
  }

  const region = Stack.of(scope).region;
  if (Token.isUnresolved(region)) {
    problems.push(
      "the stack needs an explicit env.region (the plan's recoveryRegion): the orchestrator is regional",
    );
  } else if (plan && region !== plan.recoveryRegion) {
    problems.push(
      `the stack is in ${region}, but the orchestrator must run in the plan's recoveryRegion (${plan.recoveryRegion}) to survive the outage it handles`,
    );
  }

  const runtime = props.runtime ?? Runtime.NODEJS_22_X;
  const nodeMajor = Number(/^nodejs(\d+)/.exec(runtime.name)?.[1] ?? Number.NaN);
  if (runtime.family !== RuntimeFamily.NODEJS || !(nodeMajor >= 22)) {
    problems.push(`runtime must be Node.js 22 or later, got ${runtime.name}`);
  }
  const memorySize = props.memorySize ?? 256;
  if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240) {
    problems.push(`memorySize must be a whole number of MB from 128 to 10240, got ${memorySize}`);
  }
  const reservedConcurrency = props.reservedConcurrency ?? DEFAULT_RESERVED_CONCURRENCY;
  if (
    !Number.isInteger(reservedConcurrency) ||
    reservedConcurrency < 1 ||
    reservedConcurrency > MAX_RESERVED_CONCURRENCY
  ) {
    problems.push(
      `reservedConcurrency must be a whole number from 1 to ${MAX_RESERVED_CONCURRENCY}, got ${reservedConcurrency}`,
    );
  }
  const stepTimeout = props.stepTimeout ?? Duration.seconds(DEFAULT_FUNCTION_TIMEOUT_SECONDS);
  const timeoutSeconds = stepTimeout.toSeconds();
  // When one branch of a mutating Parallel fails, the workflow waits ("Wait For In-Flight
  // Steps") for Lambdas still running in the other branches before reading back what was done:
  // a function must not be able to run longer than that wait.
  if (timeoutSeconds < MIN_FUNCTION_TIMEOUT_SECONDS || timeoutSeconds > MAX_FUNCTION_TIMEOUT_SECONDS) {
    problems.push(
      `stepTimeout must be ${MIN_FUNCTION_TIMEOUT_SECONDS} to ${MAX_FUNCTION_TIMEOUT_SECONDS} seconds (the workflow waits ${MAX_FUNCTION_TIMEOUT_SECONDS} s for in-flight functions after a failure), got ${timeoutSeconds}`,
    );
  }
  const logLevel = props.logLevel ?? 'INFO';
  if (!LOG_LEVELS.includes(logLevel))
    problems.push(`logLevel must be one of ${LOG_LEVELS.join(', ')}, got ${logLevel}`);

  const stateMachineName = props.stateMachineName ?? `${plan?.name ?? 'plan'}-failover`;
  if (!/^[A-Za-z0-9_-]{1,80}$/.test(stateMachineName)) {
    problems.push(
      `stateMachineName must be 1-80 letters, digits, hyphens or underscores, got "${stateMachineName}"`,
    );
  }

  const handlersDirectory = props.handlersDirectory ?? defaultHandlersDirectory();
  let definition = '';
  let functionIds: string[] = [];
  if (plan) {
    // A kind whose step waits on a long call (a hook's invocation) needs that long and more.
    for (const kind of kindsInPlan(plan)) {
      const needed = (kind.minFunctionSeconds as ((items: readonly unknown[]) => number) | undefined)?.(
        plan[kind.planKey] as readonly unknown[],
      );
      if (needed !== undefined && timeoutSeconds < needed)
        problems.push(
          `stepTimeout must be at least ${needed} seconds for the plan's ${kind.noun}, got ${timeoutSeconds}`,
        );
    }
    functionIds = workflowFunctionIds(plan);
    definition = JSON.stringify(buildWorkflow(plan));
    const known = new Set(functionIds.map(functionArnVariable));
    const unknown = definitionPlaceholders(definition).filter((name) => !known.has(name));
    if (unknown.length)
      problems.push(`the workflow uses substitutions no function provides: ${unknown.join(', ')}`);
    // The failback workflow's own step too, for a plan that can fail back (infra/failback-state-machine.ts).
    const failbackIds = failbackPlanProblem(plan) === undefined ? [FAILBACK_FUNCTION_ID] : [];
    const missing = [...functionIds, READINESS_CHECK_ID, ...failbackIds]
      .map((id) => prebuiltHandler(handlersDirectory, id))
      .filter((handler) => !existsSync(handler));
    if (missing.length)
      problems.push(
        `no prebuilt handler ${missing.join(', ')} (in the repository, npm run build:handlers builds them)`,
      );
  }

  if (problems.length > 0 || plan === undefined) throw new FailoverOrchestratorPropsError(problems);
  return {
    plan,
    runtime,
    memorySize,
    reservedConcurrency,
    stepTimeout,
    logRetention: props.logRetention ?? RetentionDays.THREE_MONTHS,
    logLevel,
    stateMachineName,
    handlersDirectory,
    definition,
    workflowFunctionIds: functionIds,
  };
}

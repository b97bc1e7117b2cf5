import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import { Runtime, RuntimeFamily } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { parsePlan, type Plan } from '../functions/common/plan.js';
import { DEFAULT_STEP_TIMEOUT_SECONDS } from '../functions/common/steps.js';
import { definitionPlaceholders, FAILOVER_STEPS } from './failover-steps.js';

/** The repository root: `functions/`, `state-machines/` and `package-lock.json` live there. */
const REPOSITORY_ROOT = fileURLToPath(new URL('..', import.meta.url));
const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

export interface FailoverOrchestratorProps {
  /** The validated plan (`loadPlanFile` or `parsePlan`); it is checked again here. */
  readonly plan: Plan;
  /**
   * Lambda runtime of every step: Node.js 22 or later.
   * @default Runtime.NODEJS_22_X
   */
  readonly runtime?: Runtime;
  /**
   * Memory of each step function, in MB (the SDK is bundled; more memory also means more CPU at cold start).
   * @default 256
   */
  readonly memorySize?: number;
  /**
   * Timeout of each step function, at most 60 s (the ASL's wait for in-flight steps after a failure).
   * Steps never wait inside Lambda (Wait states do), so a minute is ample.
   * @default Duration.seconds(60)
   */
  readonly stepTimeout?: Duration;
  /**
   * Retention of the functions' and the state machine's log groups.
   * @default RetentionDays.THREE_MONTHS
   */
  readonly logRetention?: RetentionDays;
  /**
   * Powertools log level of the steps (POWERTOOLS_LOG_LEVEL).
   * @default 'INFO'
   */
  readonly logLevel?: (typeof LOG_LEVELS)[number];
  /**
   * Name of the state machine (the CLI finds it by name).
   * @default `${plan.name}-failover`
   */
  readonly stateMachineName?: string;
  /**
   * Directory holding `functions/<step>/handler.ts`, `state-machines/failover.asl.json` and `package-lock.json`.
   * @default the failover-orchestrator repository root
   */
  readonly projectRoot?: string;
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

export interface Settings {
  readonly plan: Plan;
  readonly runtime: Runtime;
  readonly memorySize: number;
  readonly stepTimeout: Duration;
  readonly logRetention: RetentionDays;
  readonly logLevel: string;
  readonly stateMachineName: string;
  readonly projectRoot: string;
  readonly definition: string;
}

/** Checks every prop before anything is built, and reports every problem at once. */
export function validateProps(scope: Construct, props: FailoverOrchestratorProps): Settings {
  const problems: string[] = [];
  let plan: Plan | undefined;
  try {
    plan = parsePlan(props.plan, 'plan');
  } catch (error) {
    problems.push((error as Error).message);
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
  const stepTimeout = props.stepTimeout ?? Duration.seconds(DEFAULT_STEP_TIMEOUT_SECONDS);
  const timeoutSeconds = stepTimeout.toSeconds();
  // When one branch of "Promote And Scale" fails, the ASL waits 60 s ("Wait For In-Flight
  // Steps") for Lambdas still running in the other branch before reporting what was done: a
  // step must not be able to run longer than that wait.
  if (timeoutSeconds < 10 || timeoutSeconds > 60) {
    problems.push(
      `stepTimeout must be 10 to 60 seconds (the ASL waits 60 s for in-flight steps after a failure), got ${timeoutSeconds}`,
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

  const projectRoot = props.projectRoot ?? REPOSITORY_ROOT;
  let definition = '';
  const aslPath = join(projectRoot, 'state-machines', 'failover.asl.json');
  try {
    definition = readFileSync(aslPath, 'utf8');
    const known = new Set<string>(FAILOVER_STEPS.map((step) => step.substitution));
    const unknown = definitionPlaceholders(definition).filter((name) => !known.has(name));
    if (unknown.length)
      problems.push(`${aslPath} uses substitutions no step provides: ${unknown.join(', ')}`);
  } catch (error) {
    problems.push(`cannot read the state machine definition ${aslPath}: ${(error as Error).message}`);
  }

  if (problems.length > 0 || plan === undefined) throw new FailoverOrchestratorPropsError(problems);
  return {
    plan,
    runtime,
    memorySize,
    stepTimeout,
    logRetention: props.logRetention ?? RetentionDays.THREE_MONTHS,
    logLevel,
    stateMachineName,
    projectRoot,
    definition,
  };
}

import * as z from 'zod';
import { defineKind, records } from '../kind-definition.js';

/**
 * A Lambda function ARN: `arn:<partition>:lambda:<region>:<account>:function:<name>[:<version or
 * alias>]` (Lambda API reference, Invoke `FunctionName`: names are 1 to 64 letters, digits,
 * hyphens and underscores; a qualifier is `$LATEST`, a version number or an alias name).
 */
const FUNCTION_ARN =
  /^arn:(aws[a-z-]*):lambda:([a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d):(\d{12}):function:([A-Za-z0-9_-]{1,64})(?::(\$LATEST|[A-Za-z0-9_-]{1,128}))?$/;

/** The parts of a valid function ARN (undefined for anything else). */
export function functionArnParts(
  arn: string,
): { partition: string; region: string; account: string; name: string } | undefined {
  const match = FUNCTION_ARN.exec(arn);
  if (match === null) return undefined;
  const [, partition = '', region = '', account = '', name = ''] = match;
  return { partition, region, account, name };
}

/** The partition a region belongs to (aws-cn for cn-*, aws-us-gov for us-gov-*). */
const partitionOf = (region: string): string =>
  region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';

/**
 * The longest the orchestrator waits for one invocation of a hook. Every step function runs at
 * most 60 s (the workflow waits that long for functions still running after a failure); the rest
 * is for the failover record's reads and writes around the call.
 */
export const MAX_HOOK_TIMEOUT_SECONDS = 40;
/** What a hook step needs besides the invocation: the record's reads and writes, a cold start. */
export const HOOK_STEP_MARGIN_SECONDS = 15;
/** A failed attempt is tried again after this many seconds times its number (10 s, 20 s, 30 s). */
export const HOOK_RETRY_INTERVAL_SECONDS = 10;
export const MAX_HOOK_RETRIES = 3;

/** One Lambda function of the user's to run during the failover (the plan's `hooks[]`). */
export const customHookSchema = z.strictObject({
  /** The hook's name in notices and in its input. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lower-case letters, digits and hyphens'),
  /** The function to invoke, in the recovery region (a version or alias may follow the name). */
  functionArn: z
    .string()
    .regex(FUNCTION_ARN, 'must be a Lambda function ARN (arn:aws:lambda:<region>:<account>:function:<name>)'),
  /**
   * How long one invocation may take before it counts as failed (the SDK gives up waiting; the
   * function may still be running). Keep the function's own timeout at or below it. @default 30
   */
  timeoutSeconds: z.number().int().min(1).max(MAX_HOOK_TIMEOUT_SECONDS).default(30),
  /** Further attempts after a failed one (never after a success, never after one whose outcome is unknown). @default 0 */
  retries: z.number().int().min(0).max(MAX_HOOK_RETRIES).default(0),
  /**
   * A blocking hook that fails stops the failover before traffic and parameters move; a
   * non-blocking one is reported in the final notice and the failover goes on. @default true
   */
  blocking: z.boolean().default(true),
});
export type CustomHookPlan = z.output<typeof customHookSchema>;

export const customHookKind = defineKind({
  id: 'custom-hook',
  planKey: 'hooks',
  itemSchema: customHookSchema,
  maxItems: 10,
  noun: 'hooks',
  title: 'Custom hooks',
  // In Recover, beside the data and compute: a blocking hook's failure fails the phase, so the
  // Route phase (parameters, traffic) never runs.
  phase: 'recover',
  hasGate: false,
  states: {
    start: 'Invoke Custom Hooks',
    check: 'Retry Custom Hooks',
    wait: 'Wait To Retry Hooks',
    doneChoice: 'All Hooks Done?',
    done: 'Hooks Done',
    readBack: 'Read Back Hooks',
    readBackFailed: 'Hooks Not Read Back',
  },
  budgetSeconds: (items) => ({
    gate: 0,
    change: Math.max(
      0,
      ...items.map((hook) => {
        const attempts = hook.retries + 1;
        const waits = (HOOK_RETRY_INTERVAL_SECONDS * hook.retries * (hook.retries + 1)) / 2;
        return attempts * hook.timeoutSeconds + waits;
      }),
    ),
  }),
  // The invocation, plus the failover record's reads and writes and a cold start around it.
  minFunctionSeconds: (items) =>
    Math.max(0, ...items.map((hook) => hook.timeoutSeconds + HOOK_STEP_MARGIN_SECONDS)),
  services: ['lambda'],
  label: (item) => item.name,
  crossFieldIssues: (document) => {
    const recoveryRegion = document.recoveryRegion;
    const seen = new Set<unknown>();
    return records(document.hooks).flatMap((hook, i) => {
      const issues: { path: string; message: string }[] = [];
      if (typeof hook.name === 'string' && seen.has(hook.name))
        issues.push({ path: 'hooks', message: `hook "${hook.name}" is listed more than once` });
      seen.add(hook.name);
      const parts = typeof hook.functionArn === 'string' ? functionArnParts(hook.functionArn) : undefined;
      if (parts === undefined || typeof recoveryRegion !== 'string') return issues;
      // Static stability: nothing on the failover path may need the failed region.
      if (parts.region !== recoveryRegion)
        issues.push({
          path: `hooks[${i}].functionArn`,
          message: `the function must be in the recovery region ${recoveryRegion}, not ${parts.region}`,
        });
      else if (parts.partition !== partitionOf(parts.region))
        issues.push({
          path: `hooks[${i}].functionArn`,
          message: `partition ${parts.partition} does not hold region ${parts.region} (${partitionOf(parts.region)})`,
        });
      return issues;
    });
  },
  // Exactly the plan's functions: the construct grants nothing else to invoke.
  permissions: (plan) =>
    plan.hooks.length === 0
      ? []
      : [
          {
            actions: ['lambda:InvokeFunction'],
            resources: [...new Set(plan.hooks.map((hook) => hook.functionArn))],
          },
        ],
  readinessPermissions: (plan) =>
    plan.hooks.length === 0
      ? []
      : [
          {
            actions: ['lambda:GetFunctionConfiguration'],
            resources: [...new Set(plan.hooks.map((hook) => hook.functionArn))],
          },
        ],
});

import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { lambdaClient } from '../../common/clients/lambda.js';
import type { Plan } from '../../common/plan.js';
import { fail, guarded, pass, type ReadinessCheck } from '../../common/readiness-checks.js';
import type { CustomHookPlan } from './definition.js';

/**
 * Each hook's function exists in the recovery region, is `Active` (a Pending or Inactive function
 * cannot be invoked at once: Lambda developer guide, "Lambda function states"), and its own
 * timeout is no longer than the plan's `timeoutSeconds`, so Lambda answers a hook that hangs with
 * a function error before the orchestrator stops waiting and cannot tell what happened.
 */
function hookChecks(hook: CustomHookPlan, region: string): Promise<ReadinessCheck[]> {
  return guarded('hook-function', hook.name, `hook ${hook.name} (${hook.functionArn})`, async () => {
    const found = await lambdaClient(region).send(
      new GetFunctionConfigurationCommand({ FunctionName: hook.functionArn }),
    );
    const state = found.State ?? 'Active';
    const timeout = found.Timeout ?? 3;
    return [
      state === 'Active'
        ? pass(
            'hook-function',
            hook.name,
            `hook ${hook.name}: function ${found.FunctionName ?? hook.functionArn} is Active`,
          )
        : fail(
            'hook-function',
            hook.name,
            `hook ${hook.name}: function is ${state}${found.StateReason ? ` (${found.StateReason})` : ''}`,
          ),
      timeout <= hook.timeoutSeconds
        ? pass(
            'hook-timeout',
            hook.name,
            `hook ${hook.name}: function timeout ${timeout}s <= plan timeoutSeconds ${hook.timeoutSeconds}`,
          )
        : fail(
            'hook-timeout',
            hook.name,
            `hook ${hook.name}: function timeout ${timeout}s > plan timeoutSeconds ${hook.timeoutSeconds}: the orchestrator would stop waiting first`,
          ),
    ];
  });
}

export async function kindReadiness(plan: Plan): Promise<ReadinessCheck[]> {
  return (await Promise.all(plan.hooks.map((hook) => hookChecks(hook, plan.recoveryRegion)))).flat();
}

import { handler as failback } from '../../functions/failback/handler.js';
import type { Plan } from '../../functions/common/plan.js';
import { functionArnVariable } from '../../functions/kinds/kind-definition.js';
import { buildWorkflow } from '../../state-machines/workflow-builder.js';
import type { LocalWorkflow } from '../runner.js';
import { stepFunctionsFor } from '../step-registry.js';

/**
 * The failback definition for the local engine: `buildWorkflow(plan, 'failback')` with every
 * `${...}` substituted by a local function ARN served by the same handler CDK deploys (the
 * failover's functions, the kinds', and the failback's own).
 */
export async function failbackWorkflow(plan: Plan, accountId = '000000000000'): Promise<LocalWorkflow> {
  const entries = [
    ...(await stepFunctionsFor(plan)),
    { id: 'failback', variable: functionArnVariable('failback'), handler: failback },
  ];
  const byVariable = new Map(entries.map((entry) => [entry.variable, entry]));
  const handlers: Record<string, LocalWorkflow['handlers'][string]> = {};
  const text = JSON.stringify(buildWorkflow(plan, 'failback')).replace(
    /\$\{(\w+)\}/g,
    (_whole, name: string) => {
      const entry = byVariable.get(name);
      if (entry === undefined) throw new Error(`no local handler for substitution \${${name}}`);
      const arn = `arn:aws:lambda:${plan.recoveryRegion}:${accountId}:function:failover-${entry.id}`;
      handlers[arn] = entry.handler;
      return arn;
    },
  );
  return { definition: JSON.parse(text) as LocalWorkflow['definition'], handlers };
}

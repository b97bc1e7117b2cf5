import { handler as confirmOutage } from '../functions/confirm-outage/handler.js';
import { handler as failoverLock } from '../functions/failover-lock/handler.js';
import { handler as notify } from '../functions/notify/handler.js';
import { handler as validateTrigger } from '../functions/validate-trigger/handler.js';
import type { Plan } from '../functions/common/plan.js';
import { functionArnVariable } from '../functions/kinds/kind-definition.js';
import {
  WORKFLOW_FUNCTIONS,
  workflowFunctionIds,
  type WorkflowFunctionId,
} from '../state-machines/workflow-builder.js';

/** A deployed Lambda handler as the local engine calls it. */
export type StepHandler = (event: never, context: never) => Promise<unknown>;

const WORKFLOW_HANDLERS: Readonly<Record<WorkflowFunctionId, StepHandler>> = {
  'validate-trigger': validateTrigger,
  'failover-lock': failoverLock,
  'confirm-outage': confirmOutage,
  notify,
};

/**
 * A kind's handler, found by convention (functions/kinds/<id>/handler.ts, the same entry CDK
 * bundles), so that adding a kind needs no line here. The template literal keeps the import
 * analysable: esbuild bundles every kind's handler into the CLI.
 */
async function kindHandler(id: string): Promise<StepHandler> {
  const module = (await import(`../functions/kinds/${id}/handler.ts`)) as { handler: StepHandler };
  return module.handler;
}

export interface StepFunctionEntry {
  /** Function id: a workflow step's folder under functions/, or a kind's id. */
  readonly id: string;
  /** The `${...}` variable the definition names its ARN with. */
  readonly variable: string;
  readonly handler: StepHandler;
}

/** Every function the plan's definition invokes, with the handler the local engine runs for it. */
export async function stepFunctionsFor(plan: Plan): Promise<StepFunctionEntry[]> {
  return Promise.all(
    workflowFunctionIds(plan).map(async (id) => ({
      id,
      variable: functionArnVariable(id),
      handler: (WORKFLOW_FUNCTIONS as readonly string[]).includes(id)
        ? WORKFLOW_HANDLERS[id as WorkflowFunctionId]
        : await kindHandler(id),
    })),
  );
}

import { fileURLToPath } from 'node:url';
import { loadPlanFileSync } from '../engine/files.js';
import { buildWorkflow } from './workflow-builder.js';

/**
 * The definition the builder produces for the example plan, as people read it:
 * state-machines/failover.asl.json (`npm run workflow:example` writes it; a test fails when the
 * committed file is out of date). Nothing deploys or runs that file: CDK and the local engine
 * call the builder.
 */
export const EXAMPLE_PLAN_PATH = fileURLToPath(new URL('../examples/shop-prod.plan.yaml', import.meta.url));
export const EXAMPLE_DEFINITION_PATH = fileURLToPath(new URL('./failover.asl.json', import.meta.url));

export const exampleDefinitionText = (): string =>
  `${JSON.stringify(buildWorkflow(loadPlanFileSync(EXAMPLE_PLAN_PATH)), null, 2)}\n`;

import { join } from 'node:path';
import { FENCE_RETRY_ID } from '../functions/fence-retry/fencing-kinds.js';
import { KINDS } from '../functions/kinds/registry.js';
import { WAIT_FOR_IN_FLIGHT_SECONDS } from '../state-machines/policies.js';
import { WORKFLOW_FUNCTIONS } from '../state-machines/workflow-builder.js';

/**
 * What the orchestrator's Lambda functions are, without CDK: which functions exist, where each
 * one's handler is, and how long each may run. The construct (infra/orchestrator-function.ts)
 * deploys from these; the local engine can import them without loading aws-cdk-lib.
 */

/**
 * The longest a workflow function may run: when one branch of a mutating Parallel fails, the
 * workflow waits WAIT_FOR_IN_FLIGHT_SECONDS for functions still running in the other branches
 * before it reads back what was done, so no function may outlive that wait.
 */
export const MAX_FUNCTION_TIMEOUT_SECONDS = WAIT_FOR_IN_FLIGHT_SECONDS;
/** Below this a cold start plus one SDK retry would not fit. */
export const MIN_FUNCTION_TIMEOUT_SECONDS = 10;
/**
 * Each workflow function's timeout unless the construct is told otherwise: the cap. Functions
 * never wait inside Lambda (Wait states do), so this is ample.
 */
export const DEFAULT_FUNCTION_TIMEOUT_SECONDS = MAX_FUNCTION_TIMEOUT_SECONDS;

/**
 * The scheduled readiness check's timeout. The workflow never invokes it, so the cap above does
 * not apply; a dead alarm region costs up to ~35 s of SDK timeouts and retries
 * (functions/common/aws-clients.ts ON_PATH).
 */
export const READINESS_CHECK_TIMEOUT_SECONDS = 120;

/** The scheduled readiness check's function id (functions/readiness-check). Not a workflow function. */
export const READINESS_CHECK_ID = 'readiness-check';

/**
 * The scheduled fence retry's timeout: it invokes the fencing kinds' functions (at once), each up
 * to MAX_FUNCTION_TIMEOUT_SECONDS, then publishes its notice.
 */
export const FENCE_RETRY_TIMEOUT_SECONDS = 120;

export { FENCE_RETRY_ID };

/** The report writer (functions/write-report): started when an execution ends, not a workflow step. */
export const WRITE_REPORT_ID = 'write-report';

/**
 * Every function the orchestrator can deploy: the workflow's steps, one per resource kind, and the
 * readiness check, the report writer and the fence retry. Each one's handler is prebuilt when the package is built (scripts/build-handlers.ts).
 */
export const ORCHESTRATOR_FUNCTION_IDS: readonly string[] = [
  ...WORKFLOW_FUNCTIONS,
  ...KINDS.map((kind) => kind.id),
  READINESS_CHECK_ID,
  WRITE_REPORT_ID,
  FENCE_RETRY_ID,
  // The failback workflow's own step (issue 10): deployed with the failback state machine.
  'failback',
];

/** A resource kind's id (functions/kinds/<id>), as opposed to a workflow step's. */
export const isKindId = (id: string): boolean => KINDS.some((kind) => kind.id === id);

/**
 * The handler file of a function: `functions/kinds/<id>/handler.ts` for a kind,
 * `functions/<id>/handler.ts` for a workflow step and the readiness check.
 */
export const functionEntry = (projectRoot: string, id: string): string =>
  isKindId(id)
    ? join(projectRoot, 'functions', 'kinds', id, 'handler.ts')
    : join(projectRoot, 'functions', id, 'handler.ts');

/**
 * The resource Metadata key naming which orchestrator function a Lambda function is
 * (`validate-trigger`, `rds-replica`, `readiness-check` …): infra/bundle-sizes.ts finds the
 * bundles of a synthesized assembly by it.
 */
export const FUNCTION_ID_METADATA = 'FailoverOrchestratorFunction';

/**
 * The most a function's bundle (index.mjs) may weigh: the code Lambda loads and parses on every
 * cold start (test/infra/bundle-size.test.ts; `npm run bench` reports the largest).
 */
export const MAX_BUNDLE_BYTES = 500 * 1024;

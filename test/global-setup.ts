import { buildHandlers } from '../scripts/build-handlers.js';

/**
 * The construct deploys the prebuilt handlers (lib/handlers, infra/handler-code.ts): build them
 * from the current sources once before any test synthesizes, so no test deploys stale code.
 */
export async function setup(): Promise<void> {
  await buildHandlers();
}

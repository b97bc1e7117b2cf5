import { commandKindRuntime } from '../run-command-runtime.js';
import { proxySwitchSpec } from './spec.js';

/** The kind's Lambda side: every action is a document on the item's node (functions/kinds/run-command.ts). */
export const proxySwitchRuntime = commandKindRuntime(proxySwitchSpec);

import { kindHandler } from '../kind-step.js';
import { auroraGlobalRuntime } from './runtime.js';

export const handler = kindHandler(auroraGlobalRuntime);

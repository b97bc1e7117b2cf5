import { kindHandler } from '../kind-step.js';
import { customHookRuntime } from './runtime.js';

export const handler = kindHandler(customHookRuntime);

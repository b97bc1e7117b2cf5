import { kindHandler } from '../kind-step.js';
import { proxySwitchRuntime } from './runtime.js';

export const handler = kindHandler(proxySwitchRuntime);

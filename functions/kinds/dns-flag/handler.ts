import { kindHandler } from '../kind-step.js';
import { dnsFlagRuntime } from './runtime.js';

export const handler = kindHandler(dnsFlagRuntime);

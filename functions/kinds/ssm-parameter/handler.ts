import { kindHandler } from '../kind-step.js';
import { ssmParameterRuntime } from './runtime.js';

export const handler = kindHandler(ssmParameterRuntime);

import { kindHandler } from '../kind-step.js';
import { arcRoutingControlRuntime } from './runtime.js';

export const handler = kindHandler(arcRoutingControlRuntime);

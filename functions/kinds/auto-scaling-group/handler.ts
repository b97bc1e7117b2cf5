import { kindHandler } from '../kind-step.js';
import { autoScalingGroupRuntime } from './runtime.js';

export const handler = kindHandler(autoScalingGroupRuntime);

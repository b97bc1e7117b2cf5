import { stepHandler } from '../common/step-handler.js';
import { scaleGroup } from './scale-group.js';

export const handler = stepHandler('Scale Group', scaleGroup);

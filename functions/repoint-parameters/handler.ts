import { stepHandler } from '../common/step-handler.js';
import { repointParameters } from './repoint-parameters.js';

export const handler = stepHandler('Repoint Parameters', repointParameters);

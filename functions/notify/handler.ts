import { stepHandler } from '../common/step-handler.js';
import { notify } from './notify.js';

export const handler = stepHandler('Notify', notify);

import { stepHandler } from '../common/step-handler.js';
import { checkPromotion } from './check-promotion.js';

export const handler = stepHandler('Check Promotion', checkPromotion);

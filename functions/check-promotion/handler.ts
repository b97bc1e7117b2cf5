import { stepHandler } from '../common/step-handler.js';
import { checkPromotions } from './check-promotions.js';

export const handler = stepHandler('Check Promotions', checkPromotions);

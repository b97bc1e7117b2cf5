import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { parsePlan, type Plan } from '../../functions/common/plan.js';
import { parseScenario, type Scenario } from '../../engine/sim/index.js';

export const examplePlan = (): Plan =>
  parsePlan(parseYaml(readFileSync('examples/shop-prod.plan.yaml', 'utf8')), 'examples/shop-prod.plan.yaml');

export const sampleEvent = (name: string): unknown => JSON.parse(readFileSync(`events/${name}.json`, 'utf8'));

export const fixtureEvent = (file: string): unknown =>
  JSON.parse(readFileSync(`test/fixtures/aws/events/${file}`, 'utf8'));

export const scenario = (name: string): Scenario =>
  parseScenario(JSON.parse(readFileSync(`events/scenarios/${name}.json`, 'utf8')));

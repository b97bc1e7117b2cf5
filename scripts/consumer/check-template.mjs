// Checks a synthesized consumer template: one state machine, the plan's kind functions, the alarm rule.
import { readFileSync } from 'node:fs';

const [file, planName, ...kinds] = process.argv.slice(2);
const resources = Object.values(JSON.parse(readFileSync(file, 'utf8')).Resources);
const ofType = (type) => resources.filter((resource) => resource.Type === type);
const problems = [];
if (ofType('AWS::StepFunctions::StateMachine').length !== 1) problems.push('not exactly one state machine');
const descriptions = ofType('AWS::Lambda::Function').map((fn) => fn.Properties.Description);
for (const id of [
  'validate-trigger',
  'failover-lock',
  'confirm-outage',
  'notify',
  'readiness-check',
  ...kinds,
]) {
  if (!descriptions.includes(`failover-orchestrator ${planName}: ${id}`)) problems.push(`no ${id} function`);
}
for (const fn of ofType('AWS::Lambda::Function')) {
  if (fn.Properties.Handler !== 'index.handler' || !fn.Properties.Code?.S3Key)
    problems.push('a function without its asset');
}
const alarmRules = ofType('AWS::Events::Rule').filter(
  (rule) => rule.Properties.EventPattern?.source?.[0] === 'aws.cloudwatch',
);
if (alarmRules.length !== 1) problems.push('not exactly one alarm rule');
if (problems.length) {
  console.error(`${file}: ${problems.join('; ')}`);
  process.exit(1);
}
console.log(
  `${file}: 1 state machine, ${descriptions.length} functions (kinds: ${kinds.join(', ')}), 1 alarm rule`,
);

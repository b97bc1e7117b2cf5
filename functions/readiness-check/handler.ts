import { deployedPlan } from '../common/config.js';
import { stepHandler } from '../common/step-handler.js';
import { checkReadiness, type StateMachineTarget } from './readiness-check.js';
import { publishReadiness } from './readiness-metric.js';

/** Set by the CDK construct: the failover state machine this check looks for. */
export const STATE_MACHINE_ARN_VARIABLE = 'FAILOVER_STATE_MACHINE_ARN';

function deployedStateMachine(): StateMachineTarget {
  const arn = process.env[STATE_MACHINE_ARN_VARIABLE];
  return arn === undefined || arn === ''
    ? {
        kind: 'unresolved',
        reason: `${STATE_MACHINE_ARN_VARIABLE} is not set: the readiness check does not know the state machine`,
      }
    : { kind: 'deployed', arn };
}

/** Runs on a schedule (every 30 minutes): checks the deployed plan and publishes the Readiness metric. */
export const handler = stepHandler('Readiness Check', async (_event: unknown) => {
  const plan = deployedPlan();
  const readiness = await checkReadiness(plan, {
    stateMachine: deployedStateMachine(),
    topicArn: process.env.FAILOVER_TOPIC_ARN || undefined, // empty means unset, as in notificationTopicArn
  });
  await publishReadiness(plan, readiness);
  return readiness;
});

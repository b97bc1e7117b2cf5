import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import type { Plan } from '../functions/common/plan.js';
import { FailoverOrchestrator, type FailoverOrchestratorProps } from './failover-orchestrator.js';
import { loadPlanFile } from './plan-file.js';

export interface FailoverOrchestratorStackProps extends StackProps, FailoverOrchestratorProps {}

/** The orchestrator in a stack of its own, in the plan's recovery region, with its outputs. */
export class FailoverOrchestratorStack extends Stack {
  public readonly orchestrator: FailoverOrchestrator;

  public constructor(scope: Construct, id: string, props: FailoverOrchestratorStackProps) {
    const plan = props.plan ?? planOrUndefined(props.planFile);
    super(scope, id, {
      description: plan
        ? `failover-orchestrator for plan ${plan.name}: alarm -> Step Functions failover to ${plan.recoveryRegion}`
        : 'failover-orchestrator: alarm -> Step Functions failover',
      ...props,
    });
    // The file is read once; when it cannot be, the construct reports why with the other props.
    this.orchestrator = new FailoverOrchestrator(
      this,
      'Orchestrator',
      plan && props.planFile !== undefined ? { ...props, plan, planFile: undefined } : props,
    );
    new CfnOutput(this, 'StateMachineArn', {
      description: 'Failover state machine (start a drill with `failover gameday`)',
      value: this.orchestrator.stateMachine.stateMachineArn,
    });
    new CfnOutput(this, 'TopicArn', {
      description: 'SNS topic for started/succeeded/failed notifications (subscribe people here)',
      value: this.orchestrator.topic.topicArn,
    });
    new CfnOutput(this, 'AlarmRuleName', {
      description: 'EventBridge rule that starts a failover when a plan alarm enters ALARM',
      value: this.orchestrator.alarmRule.ruleName,
    });
    new CfnOutput(this, 'LockTableName', {
      description: 'DynamoDB table holding the failover lock (one item per plan; retained on stack deletion)',
      value: this.orchestrator.lockTable.tableName,
    });
    new CfnOutput(this, 'ReadinessAlarmName', {
      description:
        'Alarm on the readiness check (every 30 min): the plan would not fail over, or the check stopped',
      value: this.orchestrator.readinessAlarm.alarmName,
    });
  }
}

function planOrUndefined(planFile: string | undefined): Plan | undefined {
  if (planFile === undefined) return undefined;
  try {
    return loadPlanFile(planFile);
  } catch {
    return undefined;
  }
}

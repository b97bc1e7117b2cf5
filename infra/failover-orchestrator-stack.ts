import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { FailoverOrchestrator, type FailoverOrchestratorProps } from './failover-orchestrator.js';

export interface FailoverOrchestratorStackProps extends StackProps, FailoverOrchestratorProps {}

/** The orchestrator in a stack of its own, in the plan's recovery region, with its outputs. */
export class FailoverOrchestratorStack extends Stack {
  public readonly orchestrator: FailoverOrchestrator;

  public constructor(scope: Construct, id: string, props: FailoverOrchestratorStackProps) {
    super(scope, id, {
      description: `failover-orchestrator for plan ${props.plan.name}: alarm -> Step Functions failover to ${props.plan.recoveryRegion}`,
      ...props,
    });
    this.orchestrator = new FailoverOrchestrator(this, 'Orchestrator', props);
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

import { Stack, Tags } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { LOCK_TABLE_TAG, PLAN_TAG } from '../functions/common/approval-tags.js';
import type { Plan } from '../functions/common/plan.js';
import { functionArnVariable } from '../functions/kinds/kind-definition.js';
import { buildWorkflow } from '../state-machines/workflow-builder.js';
import {
  acknowledgeDefinitionSubstitutions,
  acknowledgeStateMachineRole,
  stateMachineStatements,
} from './function-permissions.js';

/** The failback step's function id (functions/failback): not part of the failover workflow. */
export const FAILBACK_FUNCTION_ID = 'failback';

/** The failback state machine's name for a plan: what `failover failback --plan` starts. */
export const failbackStateMachineName = (plan: Plan): string => `${plan.name}-failback`;

/** The `${...FunctionArn}` placeholders a definition names. */
const placeholdersOf = (definition: string): string[] =>
  [...new Set(definition.match(/\$\{(\w+)\}/g) ?? [])].map((match) => match.slice(2, -1));

export interface FailbackStateMachineProps {
  readonly plan: Plan;
  /** Every function the construct deployed, by function id (the failover's and `failback`). */
  readonly functions: Readonly<Record<string, LambdaFunction>>;
  readonly lockTableName: string;
  readonly logRetention: RetentionDays;
}

/**
 * The way back (issue 10): a second Standard state machine, `<plan>-failback`, running
 * `buildWorkflow(plan, 'failback')` (state-machines/failback-builder.ts) on the same functions as
 * the failover (the kinds' failback counterparts, the lock) plus the `failback` step. Nothing
 * starts it but a person: `failover failback --plan <file>` (or StartExecution with
 * `{"dryRun": true|false, "requestedBy": "..."}`). Its own role may invoke only the functions its
 * definition names; its own log group keeps the full execution data, as the failover's does.
 */
export class FailbackStateMachine extends Construct {
  public readonly stateMachine: StateMachine;
  public readonly role: Role;
  public readonly logGroup: LogGroup;

  public constructor(scope: Construct, id: string, props: FailbackStateMachineProps) {
    super(scope, id);
    const { plan } = props;
    const name = failbackStateMachineName(plan);
    const definition = JSON.stringify(buildWorkflow(plan, 'failback'));
    const named = placeholdersOf(definition);
    const used = Object.entries(props.functions).filter(([functionId]) =>
      named.includes(functionArnVariable(functionId)),
    );
    const missing = named.filter(
      (variable) => !used.some(([functionId]) => functionArnVariable(functionId) === variable),
    );
    if (missing.length > 0)
      throw new Error(
        `the failback workflow names functions the construct did not deploy: ${missing.join(', ')}`,
      );

    this.logGroup = new LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/vendedlogs/states/${name}`,
      retention: props.logRetention,
    });
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('states.amazonaws.com'),
      description: `failover-orchestrator ${plan.name}: the failback state machine`,
    });
    for (const statement of stateMachineStatements(
      Stack.of(this),
      used.map(([, fn]) => fn.functionArn),
    ))
      this.role.addToPrincipalPolicy(statement);
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      role: this.role.withoutPolicyUpdates(),
      stateMachineType: StateMachineType.STANDARD,
      definitionBody: DefinitionBody.fromString(definition),
      definitionSubstitutions: Object.fromEntries(
        used.map(([functionId, fn]) => [functionArnVariable(functionId), fn.functionArn]),
      ),
      logs: { destination: this.logGroup, level: LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    acknowledgeDefinitionSubstitutions(this.stateMachine);
    Tags.of(this.stateMachine).add(PLAN_TAG, plan.name);
    Tags.of(this.stateMachine).add(LOCK_TABLE_TAG, props.lockTableName);
    this.stateMachine.node.addDependency(this.role);
    acknowledgeStateMachineRole(this.role);
  }
}

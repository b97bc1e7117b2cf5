import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { functionArnVariable } from '../../functions/kinds/kind-definition.js';
import { FAILBACK_FUNCTION_ID } from '../../infra/failback-state-machine.js';
import { loadPlanFile } from '../../infra/plan-file.js';
import { buildWorkflow } from '../../state-machines/workflow-builder.js';
import {
  arnText,
  fixturePath,
  identityStatements,
  orchestratorApp,
  sdkActionsOf,
  synthesize,
  templateOf,
} from './infra-helpers.js';

type Resource = { Type: string; Properties: Record<string, unknown> };
const plan = loadPlanFile(fixturePath('failback.plan.yaml'));

function synth(file: string): Template {
  const { app, stack } = orchestratorApp(file, { bundle: false });
  return templateOf(synthesize(app, [stack]), stack);
}

const resourcesOf = (template: Template, type: string): [string, Resource][] =>
  Object.entries(template.findResources(type)) as [string, Resource][];

/** The logical id of the orchestrator function `id` (its description names it). */
function functionId(template: Template, planName: string, id: string): string {
  const found = resourcesOf(template, 'AWS::Lambda::Function').filter(
    ([, fn]) => fn.Properties.Description === `failover-orchestrator ${planName}: ${id}`,
  );
  expect(found, id).toHaveLength(1);
  return found[0]![0];
}

/** Every action the role of the resource `holderRoleId` may take, as `action on resource`. */
function grantsOfRole(template: Template, roleId: string): string[] {
  const policies = resourcesOf(template, 'AWS::IAM::Policy')
    .filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`))
    .map(([id]) => id);
  return identityStatements(template)
    .filter((statement) => policies.includes(statement.holder))
    .flatMap((statement) =>
      statement.actions.flatMap((action) =>
        statement.resources.map((resource) => `${action} on ${arnText(resource)}`),
      ),
    );
}

const roleOfFunction = (template: Template, logicalId: string): string =>
  (
    (template.toJSON().Resources as Record<string, Resource>)[logicalId]!.Properties.Role as {
      'Fn::GetAtt': [string];
    }
  )['Fn::GetAtt'][0];

describe('the failback state machine in the construct (issue 10)', () => {
  let template: Template;
  let machines: [string, Resource][];

  beforeAll(() => {
    template = synth('failback.plan.yaml');
    machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
  });

  it('deploys <plan>-failback beside the failover state machine, defined by buildWorkflow(plan, "failback")', () => {
    const names = machines.map(([, machine]) => machine.Properties.StateMachineName).sort();
    expect(names).toEqual(['shop-back-failback', 'shop-back-failover']);
    const [, failback] = machines.find(([, m]) => m.Properties.StateMachineName === 'shop-back-failback')!;
    expect(JSON.parse(failback.Properties.DefinitionString as string)).toEqual(
      buildWorkflow(plan, 'failback'),
    );
    const substitutions = Object.keys(failback.Properties.DefinitionSubstitutions as object).sort();
    expect(substitutions).toEqual(
      ['failback', 'failover-lock', 'rds-replica', 'ssm-parameter', 'auto-scaling-group']
        .map(functionArnVariable)
        .sort(),
    );
  });

  it('lets the failback state machine invoke exactly the functions its definition names', () => {
    const [, failback] = machines.find(([, m]) => m.Properties.StateMachineName === 'shop-back-failback')!;
    const roleId = (failback.Properties.RoleArn as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
    const invoked = grantsOfRole(template, roleId)
      .filter((grant) => grant.startsWith('lambda:InvokeFunction on '))
      .map((grant) => grant.slice('lambda:InvokeFunction on '.length));
    const expected = ['failback', 'failover-lock', 'rds-replica', 'ssm-parameter', 'auto-scaling-group'].map(
      (id) => functionId(template, 'shop-back', id),
    );
    // Each function's ARN (and its versions' `:*`), nothing else.
    expect([...new Set(invoked.map((arn) => arn.replace(/:\*$/, '')))].sort()).toEqual(
      expected.map((id) => arnText({ 'Fn::GetAtt': [id, 'Arn'] })).sort(),
    );
  });

  it("grants the failback step exactly the AWS APIs its code sends, on the lock table, the topic and the plan's freeze parameter", () => {
    const fn = functionId(template, 'shop-back', FAILBACK_FUNCTION_ID);
    const grants = grantsOfRole(template, roleOfFunction(template, fn)).filter(
      (grant) => !/^(logs|xray):/.test(grant),
    );
    const actions = [...new Set(grants.map((grant) => grant.split(' on ')[0]))].sort();
    expect(actions).toEqual(sdkActionsOf(FAILBACK_FUNCTION_ID));
    expect(grants.filter((grant) => grant.startsWith('ssm:')).sort()).toEqual([
      'ssm:GetParameter on arn:${Partition}:ssm:us-west-2:111111111111:parameter/shop/writes',
      'ssm:PutParameter on arn:${Partition}:ssm:us-west-2:111111111111:parameter/shop/writes',
    ]);
  });

  it('lets the lock step check a holder that is a failback execution', () => {
    const fn = functionId(template, 'shop-back', 'failover-lock');
    const described = grantsOfRole(template, roleOfFunction(template, fn))
      .filter((grant) => grant.startsWith('states:DescribeExecution on '))
      .sort();
    expect(described).toEqual([
      'states:DescribeExecution on arn:${Partition}:states:us-west-2:111111111111:execution:shop-back-failback:*',
      'states:DescribeExecution on arn:${Partition}:states:us-west-2:111111111111:execution:shop-back-failover:*',
    ]);
  });

  it('deploys no failback for a plan that cannot fail back (kinds without a failback counterpart)', () => {
    const other = synth('multi-region.plan.yaml');
    const names = resourcesOf(other, 'AWS::StepFunctions::StateMachine').map(
      ([, machine]) => machine.Properties.StateMachineName,
    );
    expect(names).toEqual(['shop-staging-failover']);
    const descriptions = resourcesOf(other, 'AWS::Lambda::Function').map(
      ([, fn]) => fn.Properties.Description,
    );
    expect(descriptions).not.toContain(`failover-orchestrator shop-staging: ${FAILBACK_FUNCTION_ID}`);
  });
});

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { LOCK_TABLE_TAG, PLAN_TAG } from '../../functions/common/approval-answer.js';
import { STATES } from '../../functions/common/vocabulary.js';
import { LAMBDA_CALLBACK_RESOURCE } from '../../state-machines/approval-states.js';
import { fixturePath, orchestratorApp } from './infra-helpers.js';

/** The multi-region fixture plan with a manual approval. */
function approvalPlanFile(): string {
  const document = parse(readFileSync(fixturePath('multi-region.plan.yaml'), 'utf8')) as Record<
    string,
    unknown
  >;
  const path = join(mkdtempSync(join(tmpdir(), 'approval-plan-')), 'approval.plan.yaml');
  writeFileSync(path, stringify({ ...document, approval: { timeoutSeconds: 1_800, onTimeout: 'abort' } }));
  return path;
}

let app: App;
let template: Template;
beforeAll(() => {
  const built = orchestratorApp(approvalPlanFile(), { bundle: false, cdkNag: true });
  app = built.app;
  app.synth();
  template = Template.fromStack(built.stack);
});

const stateMachine = () =>
  Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0] as {
    Properties: {
      Tags: { Key: string; Value: unknown }[];
      DefinitionString: unknown;
      DefinitionSubstitutions: Record<string, unknown>;
    };
  };

describe('an orchestrator whose plan asks for approval', () => {
  it('tags the state machine with the plan and the lock table, which failover approve|decline read', () => {
    const tags = stateMachine().Properties.Tags;

    expect(tags).toContainEqual({ Key: PLAN_TAG, Value: 'shop-staging' });
    const table = Object.keys(template.findResources('AWS::DynamoDB::Table'))[0];
    expect(tags).toContainEqual({ Key: LOCK_TABLE_TAG, Value: { Ref: table } });
  });

  it('waits on a task token in a Task that invokes the notify function, with the plan timeout', () => {
    const definition = JSON.stringify(stateMachine().Properties.DefinitionString);

    expect(definition).toContain(LAMBDA_CALLBACK_RESOURCE);
    expect(definition).toContain(STATES.requestApproval);
    expect(definition).toContain('\\"TimeoutSeconds\\":1800');
    expect(Object.keys(stateMachine().Properties.DefinitionSubstitutions)).toContain('NotifyFunctionArn');
  });

  it('lets the state machine role invoke the notify function (the callback Task calls lambda:InvokeFunction)', () => {
    const notify = Object.entries(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: 'failover-orchestrator shop-staging: notify' },
      }),
    )[0]![0];
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((policy) =>
      JSON.stringify(policy),
    );

    expect(
      policies.some(
        (policy) => policy.includes('lambda:InvokeFunction') && policy.includes(`"${notify}","Arn"`),
      ),
    ).toBe(true);
  });

  it('passes cdk-nag with nothing new to acknowledge', () => {
    const report = JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as {
      pluginReports: { pluginName: string; violations: unknown[] }[];
    };

    expect(report.pluginReports.find((plugin) => plugin.pluginName === 'AwsSolutions')?.violations).toEqual(
      [],
    );
  });
});

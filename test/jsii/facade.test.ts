import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { FailoverOrchestrator as CoreOrchestrator } from '../../infra/failover-orchestrator.js';
import { FailoverOrchestrator } from '../../jsii/src/index.js';
import { ACCOUNT, repositoryPath, testApp } from '../infra/infra-helpers.js';

/**
 * The jsii facade (jsii/src/index.ts, the Python construct) on the repository's sources: it takes
 * every prop of the npm construct that jsii can express and passes it through. The Python wheel
 * itself is built and synthesized by scripts/consumer-test.sh (needs PyPI and npm).
 */

const PLAN_FILE = repositoryPath('examples/dns-flag.plan.yaml');

/** The npm construct's props the facade leaves out, each with its reason. */
const NOT_IN_FACADE: Readonly<Record<string, string>> = {
  plan: 'a type inferred from a zod schema (unions, generics): the facade takes planFile',
};

/** The names (and whether optional) of an interface's properties in a source file. */
function interfaceProps(path: string, name: string): Map<string, boolean> {
  const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found = source.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === name,
  );
  if (!found) throw new Error(`no interface ${name} in ${path}`);
  return new Map(
    found.members
      .filter(ts.isPropertySignature)
      .map((member) => [member.name.getText(source), member.questionToken !== undefined]),
  );
}

function facadeStack(app: App): Stack {
  return new Stack(app, 'Failover', { env: { account: ACCOUNT, region: 'us-west-2' } });
}

describe('the jsii facade', () => {
  it('takes every prop of the npm construct but those jsii cannot express, optional as they are', () => {
    // Arrange
    const core = interfaceProps(repositoryPath('infra/orchestrator-props.ts'), 'FailoverOrchestratorProps');
    const facade = interfaceProps(repositoryPath('jsii/src/index.ts'), 'FailoverOrchestratorProps');

    // Act
    const expected = new Map([...core].filter(([name]) => !(name in NOT_IN_FACADE)));
    // The plan is the file alone in the facade: required there.
    expected.set('planFile', false);

    // Assert
    expect(Object.fromEntries(facade)).toEqual(Object.fromEntries(expected));
  });

  it('synthesizes the same template as the npm construct, health checks included by default', () => {
    // Arrange
    const coreStack = facadeStack(testApp({ bundle: false }));
    new CoreOrchestrator(coreStack, 'Orchestrator', { planFile: PLAN_FILE });
    const stack = facadeStack(testApp({ bundle: false }));

    // Act
    const orchestrator = new FailoverOrchestrator(stack, 'Orchestrator', { planFile: PLAN_FILE });

    // Assert
    const template = Template.fromStack(stack);
    expect(template.toJSON()).toEqual(Template.fromStack(coreStack).toJSON());
    template.resourceCountIs('AWS::Route53::HealthCheck', 1);
    expect(Object.keys(orchestrator.kindHealthChecks)).toEqual(['dns-flag-shop']);
  });

  it('passes createHealthChecks: false through: no health check, the flag alarm kept', () => {
    // Arrange
    const stack = facadeStack(testApp({ bundle: false }));

    // Act
    const orchestrator = new FailoverOrchestrator(stack, 'Orchestrator', {
      planFile: PLAN_FILE,
      createHealthChecks: false,
    });

    // Assert
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::Route53::HealthCheck', 0);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmName: 'shop-prod-dns-flag-shop' });
    expect(orchestrator.kindHealthChecks).toEqual({});
  });

  it('passes reservedConcurrency through to every failover-path function', () => {
    // Arrange
    const stack = facadeStack(testApp({ bundle: false }));

    // Act
    const orchestrator = new FailoverOrchestrator(stack, 'Orchestrator', {
      planFile: PLAN_FILE,
      reservedConcurrency: 7,
    });

    // Assert
    const template = Template.fromStack(stack);
    const functionIds = Object.keys(orchestrator.workflowFunctions);
    expect(functionIds.length).toBeGreaterThan(0);
    for (const fn of Object.values(orchestrator.workflowFunctions)) {
      const logicalId = stack.getLogicalId(fn.node.defaultChild as CfnFunction);
      expect(template.toJSON().Resources[logicalId].Properties.ReservedConcurrentExecutions).toBe(7);
    }
  });

  it('passes handlersDirectory through: a directory without the handlers is refused at synth', () => {
    // Arrange
    const stack = facadeStack(testApp({ bundle: false }));

    // Act
    const build = () =>
      new FailoverOrchestrator(stack, 'Orchestrator', {
        planFile: PLAN_FILE,
        handlersDirectory: repositoryPath('test/jsii'),
      });

    // Assert
    expect(build).toThrow(/no prebuilt handler .*test\/jsii\/validate-trigger\/index\.mjs/);
  });
});

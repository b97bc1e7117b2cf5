import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildSync } from 'esbuild';
import { buildExampleApp, type ExampleAppStacks } from '../../infra/example-app.js';
import { FailoverOrchestratorStack } from '../../infra/failover-orchestrator-stack.js';
import type { FailoverOrchestratorProps } from '../../infra/failover-orchestrator.js';
import { functionEntry } from '../../infra/function-settings.js';
import { loadPlanFile } from '../../infra/plan-file.js';

export const ACCOUNT = '111111111111';
export const fixturePath = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/**
 * A CDK app for tests. `bundle: false` skips esbuild (CDK's `aws:cdk:bundling-stacks` context):
 * tests about templates do not need the Lambda bundles and run seconds faster without them.
 */
export function testApp(options: { bundle: boolean }): App {
  return new App({ context: options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] } });
}

export interface Synthesized {
  readonly templates: ReadonlyMap<Stack, Template>;
  /** The cloud assembly directory (holds the Lambda bundles as `asset.<hash>/`). */
  readonly directory: string;
}

/** Synthesizes once (cdk-nag runs here when enabled, and throws on a finding) and reads every template. */
export function synthesize(app: App, stacks: readonly Stack[]): Synthesized {
  const assembly = app.synth();
  const templates = new Map(
    stacks.map((stack) => [stack, Template.fromJSON(assembly.getStackArtifact(stack.artifactId).template)]),
  );
  return { templates, directory: assembly.directory };
}

export function templateOf(synthesized: Synthesized, stack: Stack): Template {
  const template = synthesized.templates.get(stack);
  if (!template) throw new Error(`stack ${stack.stackName} was not synthesized`);
  return template;
}

/** The example app (examples/shop-prod.plan.yaml, or `planPath`), as `npm run synth` builds it. */
export function exampleApp(options: {
  bundle: boolean;
  cdkNag?: boolean;
  planPath?: string;
}): ExampleAppStacks & { app: App } {
  // cdk-nag is off unless asked for: test/infra/cdk-nag.test.ts owns that check.
  const app = testApp(options);
  const stacks = buildExampleApp(app, {
    account: ACCOUNT,
    planPath: options.planPath ?? 'examples/shop-prod.plan.yaml',
    hostedZone: { zoneName: 'example.com', hostedZoneId: 'Z0EXAMPLE0000000000' },
    healthCheckAlarm: 'shop-primary-health',
    serverErrorAlarm: 'shop-alb-5xx',
    compositeAlarm: 'shop-primary-composite',
    cdkNag: options.cdkNag ?? false,
  });
  return { ...stacks, app };
}

export function exampleStacks(stacks: ExampleAppStacks): Stack[] {
  return [stacks.primary, stacks.recovery, ...stacks.alarmForwarding, stacks.orchestrator];
}

/** An orchestrator stack alone, in the plan's recovery region, for a fixture plan (or an absolute path). */
export function orchestratorApp(
  planFile: string,
  options: { bundle: boolean; cdkNag?: boolean; props?: Partial<FailoverOrchestratorProps> },
): { app: App; stack: FailoverOrchestratorStack } {
  const app = testApp(options);
  const plan = loadPlanFile(isAbsolute(planFile) ? planFile : fixturePath(planFile));
  const stack = new FailoverOrchestratorStack(app, 'Orchestrator', {
    env: { account: ACCOUNT, region: plan.recoveryRegion },
    plan,
    ...options.props,
  });
  if (options.cdkNag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

export interface IdentityStatement {
  /** Logical id of the policy or role holding the statement (for failure messages only). */
  readonly holder: string;
  readonly effect: string;
  readonly actions: string[];
  readonly resources: unknown[];
  /** The statement's Condition block (operator -> key -> value), when it has one. */
  readonly condition?: Record<string, Record<string, unknown>>;
}

type Json = Record<string, unknown>;
const asList = (value: unknown): unknown[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

/**
 * Every statement of every identity-based policy in a template: AWS::IAM::Policy,
 * AWS::IAM::ManagedPolicy and the inline `Policies` of AWS::IAM::Role. (Resource policies such as
 * a KMS key policy are not identity policies: their "*" means the resource itself.)
 */
export function identityStatements(template: Template): IdentityStatement[] {
  const resources = (template.toJSON() as { Resources: Record<string, Json> }).Resources;
  const out: IdentityStatement[] = [];
  for (const [logicalId, resource] of Object.entries(resources)) {
    const properties = (resource.Properties ?? {}) as Json;
    const documents: unknown[] =
      resource.Type === 'AWS::IAM::Role'
        ? asList(properties.Policies).map((policy) => (policy as Json).PolicyDocument)
        : resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy'
          ? [properties.PolicyDocument]
          : [];
    for (const document of documents) {
      for (const statement of asList((document as Json).Statement) as Json[]) {
        out.push({
          holder: logicalId,
          effect: String(statement.Effect),
          actions: asList(statement.Action).map(String),
          resources: asList(statement.Resource),
          ...(statement.Condition
            ? { condition: statement.Condition as Record<string, Record<string, unknown>> }
            : {}),
        });
      }
    }
  }
  return out;
}

/** The text of a Fn::Join ARN with `${Partition}` for the partition reference, or the string itself. */
export function arnText(value: unknown): string {
  if (typeof value === 'string') return value;
  const join = (value as Json)['Fn::Join'] as [string, unknown[]] | undefined;
  if (!join) return JSON.stringify(value);
  return join[1]
    .map((part) =>
      typeof part === 'string'
        ? part
        : (part as Json).Ref === 'AWS::Partition'
          ? '${Partition}'
          : JSON.stringify(part),
    )
    .join(join[0]);
}

export const repositoryPath = (...parts: string[]): string =>
  join(fileURLToPath(new URL('../..', import.meta.url)), ...parts);

/** IAM service prefix of each AWS SDK v3 client package the functions use. */
/** SDK operations whose IAM action has another name (Service Authorization Reference). */
const IAM_ACTION_OF_OPERATION: Record<string, string> = { 'lambda:Invoke': 'lambda:InvokeFunction' };
const iamAction = (operation: string): string => IAM_ACTION_OF_OPERATION[operation] ?? operation;

const IAM_PREFIX_OF_CLIENT: Record<string, string> = {
  'client-auto-scaling': 'autoscaling',
  'client-cloudwatch': 'cloudwatch',
  'client-dynamodb': 'dynamodb',
  'client-ecs': 'ecs',
  'client-lambda': 'lambda',
  'client-elasticache': 'elasticache',
  'client-rds': 'rds',
  'client-route53-recovery-cluster': 'route53-recovery-cluster',
  'client-s3': 's3',
  'client-sfn': 'states',
  'client-sns': 'sns',
  'client-ssm': 'ssm',
};

/**
 * The IAM actions a function's code can send: every SDK `…Command` its bundle still uses once
 * esbuild has followed its imports and dropped what nothing calls. Bundling follows every
 * import, including the readiness check's template-literal `import(\`../kinds/${kind.id}/readiness.ts\`)`
 * (esbuild bundles every file that pattern matches: every kind's readiness checks), and tree
 * shaking keeps only the functions the handler reaches, so notify, which only reads the
 * failover record, sends GetItem and not the UpdateItem of the record's writers. The SDK stays
 * external: its imports name the client of each command (`GetItemCommand` → `dynamodb:GetItem`).
 */
export function sdkActionsOf(functionId: string): string[] {
  const { outputFiles } = buildSync({
    entryPoints: [functionEntry(repositoryPath(), functionId)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    external: ['@aws-sdk/*'],
    logLevel: 'error',
  });
  const code = outputFiles[0]?.text ?? '';
  const importPattern = /^import\s*\{([^}]*)\}\s*from\s*"@aws-sdk\/(client-[a-z0-9-]+)";?$/gm;
  const body = code.replace(importPattern, '');
  const actions = new Set<string>();
  for (const [, names = '', client = ''] of code.matchAll(importPattern)) {
    const prefix = IAM_PREFIX_OF_CLIENT[client];
    if (prefix === undefined) throw new Error(`${functionId}: no IAM prefix known for @aws-sdk/${client}`);
    for (const name of names.split(',').map((part) => part.trim())) {
      const [imported = '', local = imported] = name.split(/\s+as\s+/);
      if (imported.endsWith('Command') && new RegExp(`\\b${local}\\b`).test(body))
        actions.add(iamAction(`${prefix}:${imported.slice(0, -'Command'.length)}`));
    }
  }
  return [...actions].sort();
}

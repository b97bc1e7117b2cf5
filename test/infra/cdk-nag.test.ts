import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { App } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { exampleApp, orchestratorApp } from './infra-helpers.js';

interface Violation {
  readonly ruleName: string;
  readonly reason?: string;
  readonly violatingConstructs: readonly { readonly constructPath: string }[];
}
interface ValidationReport {
  readonly pluginReports: readonly {
    readonly pluginName: string;
    readonly conclusion: string;
    readonly violations: readonly Violation[];
    readonly suppressedViolations?: readonly Violation[];
  }[];
}

const reportOf = (app: App): ValidationReport =>
  JSON.parse(readFileSync(join(app.outdir, 'validation-report.json'), 'utf8')) as ValidationReport;
const awsSolutions = (app: App) =>
  reportOf(app).pluginReports.find((report) => report.pluginName === 'AwsSolutions');

describe('cdk-nag AwsSolutionsChecks', () => {
  it('passes the example app: every finding is acknowledged, each with a reason', () => {
    const { app } = exampleApp({ bundle: false, cdkNag: true });

    expect(() => app.synth()).not.toThrow();
    const report = awsSolutions(app);
    expect(report?.conclusion).toBe('success');
    expect(report?.violations).toEqual([]);
    const acknowledged = report?.suppressedViolations ?? [];
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const finding of acknowledged) {
      expect(finding.reason?.length ?? 0, `${finding.ruleName} needs a reason`).toBeGreaterThan(40);
    }
  });

  it('passes an orchestrator that creates its own encrypted topic', () => {
    const { app } = orchestratorApp('multi-region.plan.yaml', { bundle: false, cdkNag: true });

    expect(() => app.synth()).not.toThrow();
    expect(awsSolutions(app)?.violations).toEqual([]);
  });

  it('passes an orchestrator with the failback state machine and its step (issue 10)', () => {
    const { app } = orchestratorApp('failback.plan.yaml', { bundle: false, cdkNag: true });

    expect(() => app.synth()).not.toThrow();
    expect(awsSolutions(app)?.violations).toEqual([]);
  });

  it('fails the synth on a finding nobody acknowledged (the check is live)', () => {
    const { app, orchestrator } = exampleApp({ bundle: false, cdkNag: true });
    new Queue(orchestrator, 'UncheckedQueue');

    expect(() => app.synth()).toThrow();
    const rules = (awsSolutions(app)?.violations ?? []).map((violation) => violation.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-SQS3', 'AwsSolutions-SQS4']));
  });
});

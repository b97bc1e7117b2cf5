import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { exampleApp, orchestratorApp, repositoryPath } from './infra-helpers.js';

const hasCfnLint = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' }).status === 0;

/** Runs scripts/cfn-lint.sh (the same check as `npm run lint:cfn`) on a cloud assembly. */
function lint(directory: string): { status: number | null; output: string } {
  const result = spawnSync('bash', [repositoryPath('scripts', 'cfn-lint.sh'), directory], {
    encoding: 'utf8',
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

// cfn-lint comes from PyPI (`pip install cfn-lint`; .ci installs it). Without it this is skipped, loudly.
describe.skipIf(!hasCfnLint)('cfn-lint (scripts/cfn-lint.sh)', () => {
  it('finds no error in any template of the example app', () => {
    const { app } = exampleApp({ bundle: false });
    const { status, output } = lint(app.synth().directory);
    expect(output).toMatch(/4 template\(s\) .* no errors/);
    expect(status).toBe(0);
  });

  it('finds no error in an orchestrator that creates its own topic and key', () => {
    const { app } = orchestratorApp('multi-region.plan.yaml', { bundle: false });
    const { status, output } = lint(app.synth().directory);
    expect(output).toMatch(/1 template\(s\) .* no errors/);
    expect(status).toBe(0);
  });
});

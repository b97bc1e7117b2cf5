import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The `failover` command as a user meets it: the bundled CLI (`node bin/failover.js`, running
 * dist/failover.mjs as `npm ci` builds it) in its own process. Every bad input exits 2 with one
 * line on stderr and no stack trace; every command answers --help.
 */
const ROOT = resolve('.');
let dir: string;
let bin: string;

beforeAll(async () => {
  // The bundle as scripts/build-cli.mjs builds it, into a directory of its own (dist/ is shared).
  dir = mkdtempSync(join(tmpdir(), 'failover-cli-'));
  mkdirSync(join(dir, 'bin'));
  copyFileSync(join(ROOT, 'bin/failover.js'), join(dir, 'bin/failover.js'));
  symlinkSync(join(ROOT, 'examples'), join(dir, 'examples'));
  await build({
    entryPoints: [join(ROOT, 'cli/main.ts')],
    outfile: join(dir, 'dist/failover.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    banner: {
      js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
    },
    logLevel: 'error',
  });
  bin = join(dir, 'bin/failover.js');
  // A plan without the example plan's alarm `shop-primary-health`, which the shipped scenario flaps.
  writeFileSync(
    join(dir, 'other.plan.yaml'),
    [
      'name: other',
      'primaryRegion: us-east-1',
      'recoveryRegion: us-west-2',
      'objectives: { rtoSeconds: 900, rpoSeconds: 60 }',
      'triggers: { alarms: [{ name: other-health, region: us-east-1 }] }',
      'parameters: [{ name: /other/region, value: "{{recoveryRegion}}" }]',
    ].join('\n'),
  );
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** No credentials anywhere the SDK looks, and no instance metadata to wait for. */
const NO_CREDENTIALS_ENV: NodeJS.ProcessEnv = {
  PATH: process.env.PATH,
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
  AWS_CONFIG_FILE: '/nonexistent/config',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function failover(args: readonly string[]) {
  const done = spawnSync(process.execPath, [bin, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...NO_CREDENTIALS_ENV, HOME: dir },
    timeout: 60_000,
  });
  return { code: done.status, out: done.stdout, err: done.stderr };
}

const EVENT = 'events/route53-health-alarm.json';
const FLAP = 'events/scenarios/alarm-recovers-during-confirm.json';
const otherPlan = () => join(dir, 'other.plan.yaml');

describe('failover with bad input', () => {
  it.each<[string, () => string[], RegExp]>([
    [
      'a directory as --scenario',
      () => ['replay', EVENT, '--scenario', 'events'],
      /--scenario events is a directory/,
    ],
    [
      'an existing file as --report-dir',
      () => ['replay', EVENT, '--report-dir', 'README.md'],
      /--report-dir README.md is a file/,
    ],
    [
      'the shipped flap scenario with a plan that lacks its alarm',
      () => ['replay', EVENT, '--scenario', FLAP, '--plan', otherPlan()],
      /shop-primary-health/,
    ],
    ['a directory as the event', () => ['replay', 'events'], /events/],
    ['an event file that does not exist', () => ['replay', 'no-such-event.json'], /no-such-event\.json/],
    [
      'a plan file that does not exist',
      () => ['replay', EVENT, '--plan', 'no-such.plan.yaml'],
      /no-such\.plan\.yaml/,
    ],
    [
      'a directory as --plan',
      () => ['replay', EVENT, '--plan', 'examples'],
      /--plan examples is a directory/,
    ],
    ['an unknown option', () => ['replay', EVENT, '--fast'], /--fast/],
    ['an unknown command', () => ['rewind'], /unknown command "rewind"/],
    ['no command', () => [], /no command/],
    ['gameday without --plan', () => ['gameday', '--local'], /--plan/],
    [
      'gameday with a directory as --report-dir file',
      () => ['gameday', '--local', '--plan', 'examples/shop-prod.plan.yaml', '--report-dir', 'README.md'],
      /README\.md is a file/,
    ],
    [
      'check with a directory as --scenario',
      () => ['check', '--local', '--plan', 'examples/shop-prod.plan.yaml', '--scenario', 'events'],
      /is a directory/,
    ],
    [
      'report of a result file that does not exist',
      () => ['report', 'no-such-result.json'],
      /no-such-result\.json/,
    ],
    [
      'check on AWS without credentials',
      () => ['check', '--plan', 'examples/shop-prod.plan.yaml'],
      /no AWS credentials/,
    ],
  ])('exits 2 with one line and no stack trace for %s', (_case, args, reason) => {
    const { code, err } = failover(args());

    expect(err.trimEnd().split('\n'), err).toHaveLength(1);
    expect(err).toMatch(reason);
    expect(err).not.toMatch(/^\s+at /m);
    expect(code, err).toBe(2);
  });
});

describe('failover <command> --help', () => {
  it.each(['replay', 'gameday', 'report', 'check'])('shows how to use %s and exits 0', (command) => {
    const { code, out } = failover([command, '--help']);

    expect(code).toBe(0);
    expect(out).toMatch(new RegExp(`^usage: failover ${command} `));
    expect(out).toContain('Exit codes');
  });
});

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SIMULATED_KINDS, WORKFLOW_SERVICES } from '../../engine/sim/index.js';
import { KINDS } from '../../functions/kinds/registry.js';

/**
 * Adding a resource kind touches its own folder (functions/kinds/<id>/) plus at most three other
 * places: its line in functions/kinds/registry.ts, the docs and the example plan (README,
 * "Adding a resource kind"). So a kind's id, its plan key and the AWS services only it calls must
 * not appear in engine/, state-machines/, infra/, cli/ or functions/ outside its folder and the
 * registry, but for the places ALLOWED lists, each with the reason it stays.
 *
 * Code is checked with its comments removed: a comment that says "replicas" is documentation, a
 * name in code is a place someone must edit. Matching is case-sensitive and by whole word, a
 * hyphen joining words (`plan.databases`, `'rds'`, `kinds/rds-replica/`, but not
 * `RdsReplicaFunctionArn`, the ASL's `Parameters` or `incompatible-parameters`). JSON files are
 * data (SSM documents, the example definition the builder generates) and are not checked.
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCANNED = ['engine', 'state-machines', 'infra', 'cli', 'functions'];

/**
 * The places outside the kinds' folders that still name a kind, and why. Keep it short: before
 * adding a line, ask whether the kind's folder could provide what the place needs (its
 * definition.ts for the Lambda side and infra, its sim.ts for the local engine).
 */
const ALLOWED: readonly { readonly file: string; readonly names: readonly string[]; readonly why: string }[] =
  [
    // The plan's TypeScript types: re-exported for the code that reads a plan's items by name.
    {
      file: 'functions/common/plan.ts',
      names: ['rds-replica', 'auto-scaling-group', 'ssm-parameter'],
      why: 'plan.ts re-exports DatabasePlan, ScalingGroupPlan, ParameterPlan from the kinds',
    },
    // Failback (issue 10) exists for three kinds only, by design: each step names the kind it runs.
    {
      file: 'state-machines/failback-builder.ts',
      names: [
        'rds-replica',
        'auto-scaling-group',
        'ssm-parameter',
        'databases',
        'scalingGroups',
        'parameters',
      ],
      why: 'the failback workflow orders the three kinds that can fail back (re-protect, promote, route, scale back)',
    },
    {
      file: 'functions/failback/steps.ts',
      names: ['rds-replica', 'auto-scaling-group', 'ssm-parameter'],
      why: 'the list of kinds with a failback counterpart; a plan with another kind cannot fail back',
    },
    {
      file: 'functions/failback/fencing-check.ts',
      names: ['rds-replica', 'auto-scaling-group', 'databases', 'scalingGroups'],
      why: 'the old-region resources a failback needs fenced: old primaries and old groups',
    },
    {
      file: 'functions/failback/notice.ts',
      names: ['rds-replica', 'auto-scaling-group', 'ssm-parameter'],
      why: "the failback notice reads each failing-back kind's record parts",
    },
    {
      file: 'functions/failback/failback-steps.ts',
      names: ['ssm-parameter'],
      why: 'the freeze parameter is read as the ssm-parameter kind reads parameters',
    },
    {
      file: 'engine/failback/cycle.ts',
      names: ['rds-replica'],
      why: "the cycle deletes the failback's stale RDS instances (--delete-stale) with the kind's own code",
    },
    {
      file: 'cli/check-failback.ts',
      names: ['rds-replica', 'ssm-parameter', 'databases', 'parameters'],
      why: "failover check's failback section reads the home replicas and the parameters' recorded values, the two kinds a failback restores by value",
    },
    {
      file: 'cli/delete-stale.ts',
      names: ['rds-replica'],
      why: "`failover failback --delete-stale` deletes stale RDS instances with the kind's own code",
    },
    {
      file: 'engine/failback/shape.ts',
      names: ['databases', 'scalingGroups', 'parameters'],
      why: "the round trip's verdict compares the databases, groups and parameters before and after",
    },
    {
      file: 'engine/faults/failback-matrix.ts',
      names: ['parameters'],
      why: "the failback verdict reads the freeze parameter's value at the end",
    },
    {
      file: 'engine/failback/cycle.ts',
      names: ['lambda'],
      why: 'a local Lambda ARN for the seeding Task',
    },
    {
      file: 'engine/failback/definition.ts',
      names: ['lambda'],
      why: 'local Lambda ARNs substituted into the failback definition',
    },
    // The template syntax users write in their plans: {{databases.<id>.endpoint}}.
    {
      file: 'functions/common/templates.ts',
      names: ['databases'],
      why: 'the parameter template syntax names the databases section of the plan',
    },
    // The ASL's Parameters field in the builder's Task state (a local variable, not the plan key).
    {
      file: 'state-machines/states.ts',
      names: ['parameters'],
      why: "a Task's ASL Parameters, not the plan key",
    },
    // A kind that builds on another: parameter templates name the databases' endpoints.
    {
      file: 'functions/kinds/ssm-parameter/definition.ts',
      names: ['databases'],
      why: 'checks that a template names a database of the plan',
    },
    {
      file: 'functions/kinds/ssm-parameter/repoint-parameters.ts',
      names: ['rds-replica', 'databases'],
      why: 'renders templates from the promoted replicas the rds-replica kind recorded',
    },
    // IAM facts: actions that have no resource-level permissions, whatever kind grants them.
    {
      file: 'infra/function-permissions.ts',
      names: ['autoscaling'],
      why: 'autoscaling:DescribeAutoScalingGroups has no resource-level permissions (Service Authorization Reference)',
    },
    // Lambda the platform every step runs on (the custom-hook kind's service is Lambda too).
    {
      file: 'engine/local-lambda.ts',
      names: ['lambda'],
      why: "a local step's CloudWatch log group, /aws/lambda/<function>",
    },
    { file: 'engine/runner.ts', names: ['lambda'], why: "the local step functions' ARNs" },
    {
      file: 'functions/fence-retry/invoke-fence.ts',
      names: ['lambda'],
      why: "the fence retry invokes the fencing kinds' own functions (Lambda, the platform)",
    },
    {
      file: 'state-machines/approval-states.ts',
      names: ['lambda'],
      why: "the callback Task's resource, arn:aws:states:::lambda:invoke.waitForTaskToken",
    },
    {
      file: 'infra/function-permissions.ts',
      names: ['lambda'],
      why: 'the state machine invokes the step functions (lambda:InvokeFunction)',
    },
    {
      file: 'infra/orchestrator-function.ts',
      names: ['lambda'],
      why: "the step functions' role trusts lambda.amazonaws.com",
    },
    // The reference application (the example's own RDS database, groups and SSM parameters), not the orchestrator.
    {
      file: 'infra/example-app.ts',
      names: ['databases', 'scalingGroups', 'parameters'],
      why: 'the example app builds the reference stack the example plan names',
    },
    {
      file: 'infra/reference-app-user-data.ts',
      names: ['parameters'],
      why: 'the reference app reads its endpoints from SSM',
    },
    {
      file: 'infra/reference-base-stack.ts',
      names: ['parameters'],
      why: "the reference stack's own groups and parameters",
    },
    {
      file: 'infra/reference-database.ts',
      names: ['parameters'],
      why: "the reference stack's own database",
    },
    // Wording for people: the CLI's help and confirmation, the end state it prints.
    { file: 'cli/main.ts', names: ['parameters'], why: 'the help text of `failover check`' },
    {
      file: 'cli/init-command.ts',
      names: ['databases', 'scalingGroups', 'parameters'],
      why: '`failover init` writes a starter plan for the kinds people start with; a new kind does not need it',
    },
    { file: 'cli/gameday-command.ts', names: ['parameters'], why: 'the live-run confirmation sentence' },
    // Reports: RPO from the replicas' lag, and the snapshot sections they print.
    {
      file: 'engine/report/failover-report.ts',
      names: ['rds-replica', 'databases', 'parameters'],
      why: 'the RPO estimate reads the replicas',
    },
    { file: 'engine/report/markdown.ts', names: ['databases'], why: "the report's RPO table" },
    { file: 'engine/report/html.ts', names: ['databases'], why: "the HTML report's RPO table" },
    // The fault matrix's verdicts: what changed in the snapshot, per kind.
    {
      file: 'engine/faults/verdict.ts',
      names: ['rds-replica', 'databases', 'scalingGroups', 'parameters'],
      why: 'the verdict compares the snapshot sections before and after',
    },
    {
      file: 'engine/faults/end-state.ts',
      names: ['databases', 'scalingGroups', 'parameters'],
      why: "each resource's end state from the snapshot sections",
    },
    {
      file: 'engine/faults/plans.ts',
      names: ['databases', 'scalingGroups', 'parameters'],
      why: 'the fault matrix adds resources of each kind to the plan it is given',
    },
    {
      file: 'engine/faults/invariants.ts',
      names: ['databases', 'parameters'],
      why: 'the safety invariant: no parameter at an unpromoted replica',
    },
  ];

/**
 * One SDK client per AWS service, shared by every kind that calls it: a service's name may appear
 * in functions/common/aws-service.ts (AwsService), functions/common/aws-clients.ts (AnyClient)
 * and its client module functions/common/clients/<service>.ts. A kind that brings a new AWS
 * service adds those.
 */
const isClientPlumbing = (file: string, name: string): boolean =>
  file === 'functions/common/aws-service.ts' ||
  file === 'functions/common/aws-clients.ts' ||
  file === `functions/common/clients/${name}.ts`;

/** The names that identify a kind outside its folder: id, plan key, and services no one else calls. */
function kindNames(): Map<string, string> {
  const owner = new Map<string, string>();
  const shared = new Set<string>(WORKFLOW_SERVICES);
  const serviceUsers = new Map<string, number>();
  for (const kind of KINDS)
    for (const service of kind.services) serviceUsers.set(service, (serviceUsers.get(service) ?? 0) + 1);
  for (const kind of KINDS) {
    owner.set(kind.id, kind.id);
    owner.set(kind.planKey, kind.id);
    for (const service of kind.services)
      if (!shared.has(service) && serviceUsers.get(service) === 1) owner.set(service, kind.id);
  }
  return owner;
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory).flatMap((entry) => {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) return filesUnder(path);
    return /\.(ts|mts|mjs|js)$/.test(entry) ? [path] : [];
  });
}

/** The source without comments (kept line for line), strings untouched. */
function withoutComments(source: string): string {
  return source.replace(
    /('(?:\\.|[^'\\\n])*'|"(?:\\.|[^"\\\n])*"|`(?:\\.|[^`\\])*`)|\/\*[\s\S]*?\*\/|\/\/[^\n]*/g,
    (match, literal: string | undefined) => literal ?? match.replace(/[^\n]/g, ' '),
  );
}

const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
// A hyphen joins words here: `incompatible-parameters` (an RDS status) does not name the plan key.
const wholeWord = (name: string) => new RegExp(`(?<![A-Za-z0-9_$-])${escape(name)}(?![A-Za-z0-9_$-])`);

/** Every (file, name) where a kind is named outside its folder and the registry. */
function namings(): { file: string; name: string; line: number }[] {
  const owners = kindNames();
  const found: { file: string; name: string; line: number }[] = [];
  for (const path of SCANNED.flatMap((root) => filesUnder(join(ROOT, root)))) {
    const file = relative(ROOT, path).split('\\').join('/');
    if (file === 'functions/kinds/registry.ts') continue;
    const lines = withoutComments(readFileSync(path, 'utf8')).split('\n');
    for (const [name, kind] of owners) {
      if (file.startsWith(`functions/kinds/${kind}/`)) continue;
      const pattern = wholeWord(name);
      const line = lines.findIndex((text) => pattern.test(text));
      if (line >= 0) found.push({ file, name, line: line + 1 });
    }
  }
  return found;
}

describe('a resource kind', () => {
  const found = namings();

  it('is named outside its folder and the registry only where the allow-list says why', () => {
    const services = new Set<string>(KINDS.flatMap((kind) => kind.services));
    const unexplained = found
      .filter(({ file, name }) => !(services.has(name) && isClientPlumbing(file, name)))
      .filter(({ file, name }) => !ALLOWED.some((entry) => entry.file === file && entry.names.includes(name)))
      .map(({ file, name, line }) => `${file}:${line} names "${name}"`);

    expect(unexplained).toEqual([]);
  });

  it('has no stale allow-list entry (a place that no longer names the kind leaves the list)', () => {
    // A file another change has not added yet is skipped: the entry waits for it.
    const stale = ALLOWED.filter((entry) => existsSync(join(ROOT, entry.file))).flatMap((entry) =>
      entry.names
        .filter((name) => !found.some((hit) => hit.file === entry.file && hit.name === name))
        .map((name) => `${entry.file} no longer names "${name}"`),
    );

    expect(stale).toEqual([]);
  });

  it('is recognised by this test through its id, plan key and own services', () => {
    const names = kindNames();

    expect(Object.fromEntries(names)).toMatchObject({
      'rds-replica': 'rds-replica',
      databases: 'rds-replica',
      'aurora-global': 'aurora-global',
      auroraGlobalClusters: 'aurora-global',
      scalingGroups: 'auto-scaling-group',
      autoscaling: 'auto-scaling-group',
      parameters: 'ssm-parameter',
      postgresReplicas: 'postgres-replica',
      redisSentinels: 'redis-sentinel',
      proxySwitches: 'proxy-switch',
      ecsServices: 'ecs-service',
      ecs: 'ecs-service',
      hooks: 'custom-hook',
      lambda: 'custom-hook',
    });
    expect(names.has('cloudwatch')).toBe(false);
    // SSM serves parameters and Run Command (the self-hosted kinds): shared, so no kind's own.
    expect(names.has('ssm')).toBe(false);
    // RDS serves read replicas and Aurora global databases: shared too.
    expect(names.has('rds')).toBe(false);
  });

  it('ignores comments but not strings when looking for names', () => {
    const code = withoutComments("// the databases\nconst key = 'databases'; /* rds */\n");

    expect(wholeWord('databases').test(code.split('\n')[0] ?? '')).toBe(false);
    expect(wholeWord('databases').test(code.split('\n')[1] ?? '')).toBe(true);
    expect(wholeWord('rds').test(code)).toBe(false);
  });
});

/** Relative imports, static or dynamic, with `.js` or `.ts` endings, and convention imports per kind. */
const RELATIVE_IMPORT = /(?:\bfrom|\bimport\()\s*'(\.{1,2}\/[^']+)\.[jt]s'/g;
const KIND_IMPORT = /\bimport\(`(\.{1,2}\/(?:[^`$]*\/)?kinds)\/\$\{[^}]+\}\/([^`]+)\.[jt]s`\)/g;

function reachedFrom(entry: string): Set<string> {
  const reached = new Set<string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (reached.has(file) || !existsSync(file)) continue;
    reached.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, target = ''] of source.matchAll(RELATIVE_IMPORT))
      pending.push(resolve(dirname(file), `${target}.ts`));
    for (const [, kinds = '', rest = ''] of source.matchAll(KIND_IMPORT))
      for (const kind of KINDS) pending.push(resolve(dirname(file), kinds, kind.id, `${rest}.ts`));
  }
  return reached;
}

describe("a kind's simulated AWS", () => {
  it.each(KINDS.map((kind) => kind.id))('is in functions/kinds/%s/sim.ts, declaring its own id', (id) => {
    expect(SIMULATED_KINDS.map((kind) => kind.id)).toContain(id);
    expect(existsSync(join(ROOT, 'functions/kinds', id, 'sim.ts'))).toBe(true);
  });

  it.each(KINDS.map((kind) => kind.id))("stays out of the %s Lambda bundle's imports", (id) => {
    const reached = [...reachedFrom(join(ROOT, 'functions/kinds', id, 'handler.ts'))].map((file) =>
      relative(ROOT, file).split('\\').join('/'),
    );

    expect(reached.length).toBeGreaterThan(1);
    expect(reached.filter((file) => /\/sim(-[\w-]+)?\.ts$/.test(file) || file.startsWith('engine/'))).toEqual(
      [],
    );
  });
});

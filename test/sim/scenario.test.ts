import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parsePlan } from '../../functions/common/plan.js';
import {
  createSimulatedCloud,
  loadScenario,
  parseScenario,
  ScenarioValidationError,
  type Scenario,
} from '../../engine/sim/index.js';
import { GROUP, planInput, REPLICA, simulate, teardown, TOPIC } from './support.js';

afterEach(teardown);

const plan = parsePlan(planInput);

function issuesOf(action: () => unknown): string[] {
  try {
    action();
  } catch (error) {
    if (error instanceof ScenarioValidationError)
      return error.issues.map((issue) => `${issue.path}: ${issue.message}`);
    throw error;
  }
  throw new Error('expected a ScenarioValidationError');
}

describe('parseScenario', () => {
  it('rejects unknown keys, so a typo is an error and not a silent default', () => {
    const issues = issuesOf(() => parseScenario({ alarms: { [GROUP]: { okAtSecond: 30 } } }));

    expect(issues).toEqual([expect.stringMatching(/^alarms\.shop-app-usw2: .*okAtSecond/)]);
  });

  it('reports every problem at once', () => {
    const issues = issuesOf(() =>
      parseScenario({
        latencyMs: -1,
        faults: [{ service: 'rds', operation: 'RebootDBInstance', error: 'throttling' }],
      }),
    );

    expect(issues).toEqual([
      expect.stringMatching(/^latencyMs: /),
      expect.stringMatching(/^faults\[0\]\.operation: /),
    ]);
  });

  it('rejects a fault on an operation the simulated AWS does not model', () => {
    const issues = issuesOf(() =>
      parseScenario({ faults: [{ service: 'rds', operation: 'RebootDBInstance', error: 'server' }] }),
    );

    expect(issues).toEqual([
      expect.stringMatching(/^faults\[0\]\.operation: rds has no simulated operation "RebootDBInstance"/),
    ]);
  });

  it('rejects calls together with from', () => {
    const issues = issuesOf(() =>
      parseScenario({
        faults: [{ service: 'ssm', operation: 'GetParameter', calls: [1], from: 2, error: 'server' }],
      }),
    );

    expect(issues).toEqual([expect.stringContaining('use either calls or from/count')]);
  });

  it('loads and validates a JSON scenario file', async () => {
    const directory = await mkdtemp(join(tmpdir(), 'scenario-'));
    const path = join(directory, 'slow-promotion.json');
    await writeFile(
      path,
      JSON.stringify({ description: 'slow', promotion: { '*': { durationSeconds: 900 } } }),
    );

    const scenario = await loadScenario(path);

    expect(scenario).toEqual({ description: 'slow', promotion: { '*': { durationSeconds: 900 } } });
  });
});

describe('createSimulatedCloud', () => {
  it.each([
    {
      case: 'a replica',
      scenario: { promotion: { 'shop-db-replca': { missing: true } } },
      path: 'promotion.shop-db-replca',
    },
    { case: 'a group', scenario: { groups: { 'shop-app': { max: 3 } } }, path: 'groups.shop-app' },
    {
      case: 'an alarm',
      scenario: { alarms: { 'other-alarm': { okAtSeconds: 1 } } },
      path: 'alarms.other-alarm',
    },
  ])('rejects a scenario that names $case the plan does not have', ({ scenario, path }) => {
    const issues = issuesOf(() => createSimulatedCloud(plan, scenario));

    expect(issues).toEqual([expect.stringContaining(path)]);
  });

  it('rejects invalidState on an operation that has no such error', () => {
    const scenario: Scenario = {
      faults: [{ service: 'ssm', operation: 'GetParameter', error: 'invalidState' }],
    };

    const issues = issuesOf(() => createSimulatedCloud(plan, scenario));

    expect(issues).toEqual([expect.stringContaining('invalidState has no meaning for ssm GetParameter')]);
  });

  it('creates the plan topic and starts the clock origin at the scenario start time', () => {
    const cloud = createSimulatedCloud(plan, { startTime: '2026-03-01T12:00:00Z' });

    expect(cloud.topicArn).toBe(TOPIC);
    expect(cloud.startTime.toISOString()).toBe('2026-03-01T12:00:00.000Z');
  });
});

describe('criticalPathSeconds', () => {
  it.each<{ case: string; scenario: Scenario; seconds: number }>([
    { case: 'confirm window, then the default 300 s promotion', scenario: {}, seconds: 360 },
    {
      case: 'a backup that ends at 200 s',
      scenario: { promotion: { '*': { backingUpUntilSeconds: 200 } } },
      seconds: 500,
    },
    {
      case: 'instances that take longer than the promotion',
      scenario: { groups: { [GROUP]: { instanceStartSeconds: 420 } } },
      seconds: 480,
    },
    {
      case: 'lag under the gate from 150 s, readable a minute later',
      scenario: {
        lag: {
          [REPLICA]: [
            { atSeconds: 0, lagSeconds: 90 },
            { atSeconds: 150, lagSeconds: 10 },
          ],
        },
      },
      seconds: 540,
    },
    {
      case: 'an already promoted replica and quick instances',
      scenario: {
        promotion: { '*': { alreadyPromoted: true } },
        groups: { '*': { instanceStartSeconds: 30 } },
      },
      seconds: 90,
    },
  ])('accounts for $case', ({ scenario, seconds }) => {
    const cloud = createSimulatedCloud(plan, scenario);

    expect(cloud.criticalPathSeconds(plan)).toBe(seconds);
  });

  it('leaves out a database that can never get ready and says why', () => {
    const cloud = createSimulatedCloud(plan, { promotion: { '*': { failWith: 'failed' } } });

    const path = cloud.criticalPath(plan);

    expect(path.kinds['rds-replica']).toEqual([
      { name: REPLICA, readySeconds: null, why: 'promotion ends in failed' },
    ]);
    expect(path.totalSeconds).toBe(150);
  });
});

describe('snapshot', () => {
  it('is plain JSON of databases, groups, parameters, alarms and notifications', () => {
    const { cloud } = simulate();

    const snapshot = cloud.snapshot();

    expect(JSON.parse(JSON.stringify(snapshot))).toEqual(snapshot);
    expect(snapshot.databases.map((db) => [db.id, db.isReplica, db.status])).toEqual([
      ['shop-db', false, 'available'],
      [REPLICA, true, 'available'],
    ]);
    expect(snapshot.groups).toEqual([
      { name: GROUP, region: 'us-west-2', min: 1, desired: 1, max: 12, inService: 1, pending: 0 },
    ]);
    expect(Object.keys(snapshot.parameters)).toEqual(['/shop/active-region', '/shop/db/host']);
    expect(snapshot.alarms.map((alarm) => alarm.state)).toEqual(['ALARM', 'ALARM']);
    expect(snapshot.notifications).toEqual([]);
  });
});

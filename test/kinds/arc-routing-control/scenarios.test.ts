import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import {
  createSimulatedCloud,
  parseScenario,
  type Scenario,
  type SimulatedCloud,
} from '../../../engine/sim/index.js';
import { replay, type ReplayResult } from '../../../engine/runner.js';
import { parsePlan } from '../../../functions/common/plan.js';

/**
 * Whole failovers of examples/arc-routing-control.plan.yaml (the example plan plus the routing
 * control set `shop-cells`) replayed on the simulated AWS with the scenarios of
 * events/scenarios/arc-routing-control/: the Route phase switches the controls once the replica
 * is promoted and the group scaled.
 */

const PLAN_FILE = 'examples/arc-routing-control.plan.yaml';
const plan = parsePlan(parseYaml(readFileSync(PLAN_FILE, 'utf8')), PLAN_FILE);
const alarm = JSON.parse(readFileSync('events/route53-health-alarm.json', 'utf8')) as unknown;

const scenarioFile = (name: string): Scenario =>
  JSON.parse(readFileSync(`events/scenarios/arc-routing-control/${name}.json`, 'utf8')) as Scenario;
const controls = (result: ReplayResult) => result.cloud.routingControls[0];
const updates = (cloud: SimulatedCloud) =>
  cloud.calls.filter((call) => call.operation === 'UpdateRoutingControlStates');
const lastMessage = (result: ReplayResult) => result.cloud.notifications.at(-1)?.message ?? '';
const lastSubject = (result: ReplayResult) => result.cloud.notifications.at(-1)?.subject ?? '';

async function run(scenario: Scenario = {}) {
  const cloud = createSimulatedCloud(plan, parseScenario(scenario));
  const result = await replay({ plan, event: alarm, cloud });
  return { result, cloud };
}

describe('a failover with ARC routing controls', () => {
  it('switches the controls in the Route phase and counts Route 53 in the routing part of the RTO', async () => {
    const { result, cloud } = await run();

    expect(result.outcome).toBe('succeeded');
    expect(controls(result)).toMatchObject({ id: 'shop-cells', switched: true, updates: 1 });
    expect(updates(cloud)).toHaveLength(1);
    const switched = result.timeline.find((entry) => entry.state === 'Switch Routing Controls')!;
    const promoted = result.timeline.find((entry) => entry.state === 'Replicas Promoted')!;
    expect(switched.start).toBeGreaterThanOrEqual(promoted.end);
    expect(result.rtoSeconds).toBeGreaterThanOrEqual(result.criticalPathSeconds);
  });

  it('already switched: reads the states, makes no mutating call to ARC and succeeds', async () => {
    const { result, cloud } = await run(scenarioFile('already-switched'));

    expect(result.outcome).toBe('succeeded');
    expect(updates(cloud)).toEqual([]);
    expect(controls(result)).toMatchObject({ switched: true, updates: 0 });
  });

  it('first endpoint down: the next endpoint takes the update and the controls switch', async () => {
    const { result, cloud } = await run(scenarioFile('first-endpoint-down'));

    expect(result.outcome).toBe('succeeded');
    expect(updates(cloud).map((call) => [call.region, call.outcome])).toEqual([
      ['us-east-1', 'EndpointTemporarilyUnavailableException'],
      ['us-west-2', 'ok'],
    ]);
    expect(controls(result)).toMatchObject({ switched: true, updates: 1 });
  });

  it('all endpoints down: the preflight stops the failover, nothing is switched, the notice says why', async () => {
    const { result, cloud } = await run(scenarioFile('all-endpoints-down'));

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('PreflightFailedError');
    expect(result.mutatingCalls).toBe(0);
    expect(updates(cloud)).toEqual([]);
    expect(controls(result)).toMatchObject({ switched: false, updates: 0 });
    expect(lastSubject(result)).toMatch(/^Failover FAILED/);
    expect(lastMessage(result)).toMatch(/none of the cluster's 5 endpoints answered/);
  });

  it('a safety rule refuses: fails in Route with ARC message, the controls unchanged, the notice reads them back', async () => {
    const { result } = await run(scenarioFile('safety-rule-refuses'));

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('RoutingControlRefusedError');
    expect(result.error?.cause).toMatch(/ConflictException: Safety rule of control panel/);
    expect(controls(result)).toMatchObject({ switched: false, updates: 0 });
    expect(lastSubject(result)).toMatch(/^Failover FAILED/);
    expect(lastMessage(result)).toMatch(
      /shop-cells: usw2cell0a1b2c3d Off, use1cell0a1b2c3d On: not switched/,
    );
  });
});

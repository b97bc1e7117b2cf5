import { describe, expect, it } from 'vitest';
import { handler } from '../../../functions/kinds/arc-routing-control/handler.js';
import { kindReadiness } from '../../../functions/kinds/arc-routing-control/readiness.js';
import type {
  ControlSetFacts,
  ControlSetProgress,
} from '../../../functions/kinds/arc-routing-control/types.js';
import { parsePlan } from '../../../functions/common/plan.js';
import type { Assessed } from '../../../functions/kinds/kind-step.js';
import type { Scenario } from '../../../engine/sim/index.js';
import { settle } from '../../sim/support.js';
import { checkUntilDone, kindHarness, type KindHarness } from '../support.js';
import { controlsPlan, PRIMARY_CONTROL, RECOVERY_CONTROL, SAFETY_RULE } from './support.js';

/**
 * The ARC routing control kind's Lambda (functions/kinds/arc-routing-control/runtime.ts through
 * its handler) against the simulated ARC cluster: the set `cells` with three endpoints
 * (us-east-1, us-west-2, eu-west-1), the recovery cell's control Off and the primary's On.
 */

const KIND = 'arc-routing-control';

const updates = (harness: KindHarness) =>
  harness.cloud.calls.filter((call) => call.operation === 'UpdateRoutingControlStates');
const set = (harness: KindHarness) => harness.cloud.snapshot().routingControls[0];
const behaviour = (settings: NonNullable<Scenario['routingControls']>[string]): Scenario => ({
  routingControls: { cells: settings },
});

describe('arc-routing-control runtime: gate', () => {
  it('reads every control through the endpoints and changes nothing', async () => {
    const harness = kindHarness(handler, { plan: controlsPlan() });

    const gate = await harness.run('gate');

    expect(gate).toMatchObject({ action: 'gate', done: true, total: 1 });
    expect(harness.cloud.calls.filter((call) => call.mutating)).toEqual([]);
    expect(harness.cloud.calls.map((call) => call.operation)).toEqual(
      expect.arrayContaining(['GetRoutingControlState']),
    );
  });

  it('refuses the failover, naming the set, when no endpoint answers', async () => {
    const harness = kindHarness(handler, {
      plan: controlsPlan(),
      scenario: behaviour({ unavailableEndpoints: ['us-east-1', 'us-west-2', 'eu-west-1'] }),
    });

    const error = await harness.fails('gate');

    expect(error.name).toBe('PreflightFailedError');
    expect(error.message).toMatch(
      /routing control set cells: ArcEndpointsUnavailableError: .*none of the cluster's 3 endpoints answered/,
    );
  });

  it('refuses when a control does not exist', async () => {
    const required = kindHarness(handler, { plan: controlsPlan(), scenario: behaviour({ missing: true }) });

    const error = await required.fails('gate');

    expect(error.message).toMatch(/routing control set cells: ResourceNotFoundException/);
  });

  it('skips an optional set it cannot read, with a warning, and switches nothing', async () => {
    const optional = kindHarness(handler, {
      plan: controlsPlan({ optional: true }),
      scenario: behaviour({ missing: true }),
    });
    const gate = await optional.run('gate');
    const started = await optional.run('start');

    expect(gate.message).toMatch(/1 optional skipped/);
    expect(started).toMatchObject({ done: true });
    expect(updates(optional)).toEqual([]);
    const [progress] = (await optional.progress<ControlSetProgress[]>(KIND)) ?? [];
    expect(progress?.status).toBe('skipped');
  });
});

describe('arc-routing-control runtime: start and check', () => {
  it('sets both controls in one update, records the states before once, then counts the health check delay', async () => {
    const harness = kindHarness(handler, { plan: controlsPlan() });

    const started = await harness.run('start');
    const done = await checkUntilDone(harness, started);

    expect(started).toMatchObject({ action: 'start', done: false, pending: 1 });
    expect(done).toMatchObject({ action: 'check', done: true });
    expect(updates(harness)).toHaveLength(1);
    expect(updates(harness)[0]).toMatchObject({
      region: 'us-east-1',
      input: {
        UpdateRoutingControlStateEntries: [
          { RoutingControlArn: RECOVERY_CONTROL, RoutingControlState: 'On' },
          { RoutingControlArn: PRIMARY_CONTROL, RoutingControlState: 'Off' },
        ],
      },
    });
    expect(await harness.facts<ControlSetFacts>(KIND, 0)).toMatchObject({
      before: { [RECOVERY_CONTROL]: 'Off', [PRIMARY_CONTROL]: 'On' },
    });
    const [progress] = (await harness.progress<ControlSetProgress[]>(KIND)) ?? [];
    expect(progress).toMatchObject({ status: 'routed', updates: 1, endpoint: 'us-east-1' });
    expect(Date.parse(progress?.routedAt ?? '') - Date.parse(progress?.switchedAt ?? '')).toBe(60_000);
    expect(done.completedAt).toBe(progress?.routedAt);
    expect(set(harness)).toMatchObject({ switched: true, updates: 1 });
  });

  it('is idempotent: a second start changes nothing more', async () => {
    const harness = kindHarness(handler, { plan: controlsPlan() });

    await harness.run('start');
    await harness.run('start');

    expect(updates(harness)).toHaveLength(1);
  });

  it('calls nothing that changes a set already switched', async () => {
    const harness = kindHarness(handler, {
      plan: controlsPlan(),
      scenario: behaviour({ initialState: 'switched' }),
    });

    const started = await harness.run('start');

    expect(started).toMatchObject({ done: true });
    expect(harness.cloud.calls.filter((call) => call.mutating)).toEqual([]);
    const [progress] = (await harness.progress<ControlSetProgress[]>(KIND)) ?? [];
    expect(progress?.message).toMatch(
      /^already switched: usw2cell0a1b2c3d On, use1cell0a1b2c3d Off; nothing changed/,
    );
  });

  it('uses the next endpoint when the first is unavailable', async () => {
    const harness = kindHarness(handler, {
      plan: controlsPlan(),
      scenario: behaviour({ unavailableEndpoints: ['us-east-1'] }),
    });

    const done = await checkUntilDone(harness, await harness.run('start'));

    expect(done.done).toBe(true);
    expect(updates(harness).map((call) => [call.region, call.outcome])).toEqual([
      ['us-east-1', 'EndpointTemporarilyUnavailableException'],
      ['us-west-2', 'ok'],
    ]);
    const [progress] = (await harness.progress<ControlSetProgress[]>(KIND)) ?? [];
    expect(progress?.endpoint).toBe('us-west-2');
  });

  it('fails with RoutingControlRefusedError and ARC message when a safety rule refuses', async () => {
    const harness = kindHarness(handler, {
      plan: controlsPlan(),
      scenario: behaviour({ safetyRuleRefuses: true }),
    });

    const error = await harness.fails('start');

    expect(error.name).toBe('RoutingControlRefusedError');
    expect(error.message).toMatch(
      /^ARC refused to set usw2cell0a1b2c3d On, use1cell0a1b2c3d Off: ConflictException: /,
    );
    expect(set(harness)).toMatchObject({ switched: false, updates: 0 });
  });

  it('overrides the plan safety rules when it names them', async () => {
    const harness = kindHarness(handler, {
      plan: controlsPlan({ safetyRulesToOverride: [SAFETY_RULE] }),
      scenario: behaviour({ safetyRuleRefuses: true }),
    });

    await harness.run('start');

    expect(updates(harness)[0]?.input).toMatchObject({ SafetyRulesToOverride: [SAFETY_RULE] });
    expect(set(harness)?.switched).toBe(true);
  });

  it('says in a dry run what it would set, and sets nothing', async () => {
    const harness = kindHarness(handler, { plan: controlsPlan() });

    const started = await harness.run('start', { dryRun: true });

    expect(started.done).toBe(true);
    expect(harness.cloud.calls.filter((call) => call.mutating)).toEqual([]);
    const [progress] = (await harness.progress<ControlSetProgress[]>(KIND)) ?? [];
    expect(progress?.message).toMatch(
      /^would set usw2cell0a1b2c3d On, use1cell0a1b2c3d Off in one UpdateRoutingControlStates \(2 changes; now usw2cell0a1b2c3d Off, use1cell0a1b2c3d On\), then 60s/,
    );
  });
});

describe('arc-routing-control runtime: read back and readiness', () => {
  it('reads each set back for the failure notice', async () => {
    const harness = kindHarness(handler, { plan: controlsPlan() });

    await harness.run('read-back');
    const recorded = await harness.assessment<Assessed[]>(KIND);

    expect(recorded).toEqual([
      { label: 'cells', done: false, detail: 'usw2cell0a1b2c3d Off, use1cell0a1b2c3d On: not switched' },
    ]);
  });

  it('passes each control in its pre-failover state', async () => {
    const ready = kindHarness(handler, { plan: controlsPlan() });

    const checks = await settle(ready.clock, kindReadiness(parsePlan(controlsPlan())));

    expect(checks.map((check) => check.status)).toEqual(['pass', 'pass']);
    expect(checks[0]?.reason).toMatch(/usw2cell0a1b2c3d is Off through us-east-1: the pre-failover state/);
  });

  it('fails each control already switched', async () => {
    const switched = kindHarness(handler, {
      plan: controlsPlan(),
      scenario: behaviour({ initialState: 'switched' }),
    });

    const failing = await settle(switched.clock, kindReadiness(parsePlan(controlsPlan())));

    expect(failing.map((check) => check.status)).toEqual(['fail', 'fail']);
    expect(failing[0]?.reason).toMatch(/not in their pre-failover state/);
  });
});

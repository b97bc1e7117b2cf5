import { readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildCases,
  DNS_FLAG_SCENARIOS_NOT_CROSSCHECKED,
  LINODE_SCENARIOS_NOT_CROSSCHECKED,
  type CrosscheckCase,
} from '../../scripts/crosscheck/cases.js';
import {
  crosscheckOnMoto,
  describeDisagreements,
  type CrosscheckReport,
} from '../../scripts/crosscheck/moto.js';

const jsonFiles = (dir: string) => readdirSync(dir).filter((file) => file.endsWith('.json'));

let cases: CrosscheckCase[];
let report: CrosscheckReport;
const verdictOf = (id: string) => report.results.find((verdict) => verdict.id === id);

beforeAll(async () => {
  cases = await buildCases();
  report = await crosscheckOnMoto(cases);
});

describe('the failover workflow on moto, answered from local replays', () => {
  it('covers every sample event, scenario and documented AWS event, the 50-resource plan, prewarm, the failback and a duplicate storm', () => {
    const fixtures = jsonFiles('test/fixtures/aws/events');
    const watchedAlarms = fixtures.filter((file) => file.startsWith('cloudwatch-alarm-state-change'));
    const expected =
      jsonFiles('events').length +
      jsonFiles('events/scenarios').length +
      fixtures.length +
      watchedAlarms.length +
      1 + // 25 databases + 25 groups
      1 + // the Linode example
      jsonFiles('events/scenarios/linode').length -
      LINODE_SCENARIOS_NOT_CROSSCHECKED.length +
      1 + // the DNS flag example
      jsonFiles('events/scenarios/dns-flag').length -
      DNS_FLAG_SCENARIOS_NOT_CROSSCHECKED.length +
      3 + // prewarm: a failover, an abort, a gate refusal
      2 + // the failback workflow (issue 10): a failback, and one refused on lag
      3; // duplicate deliveries

    expect(cases).toHaveLength(expected);
    expect(report.executions).toBe(expected);
  });

  it('agrees with the local engine on every state entered, every Lambda payload and how each execution ended', () => {
    expect(describeDisagreements(report)).toEqual([]);
    expect(report.agree).toBe(report.executions);
  });

  it('compares executions that succeed, fail and are ignored', () => {
    const statuses = new Set(report.results.map((verdict) => verdict.status));

    expect(statuses).toEqual(new Set(['SUCCEEDED', 'FAILED']));
    expect(report.results.filter((verdict) => verdict.tasks > 30).length).toBeGreaterThan(5);
  });

  it('answers a Task that failed and then succeeded on retry fail-then-succeed, as the local run saw it', () => {
    const retried = cases.filter((c) =>
      c.tasks.some(
        (task, i) =>
          task.error !== undefined &&
          c.tasks
            .slice(i + 1)
            .some(
              (later) =>
                later.state === task.state &&
                later.result !== undefined &&
                JSON.stringify(later.payload) === JSON.stringify(task.payload),
            ),
      ),
    );

    expect(retried.length).toBeGreaterThan(0);
    for (const c of retried) expect(verdictOf(c.id)?.agree).toBe(true);
  });

  it('stops the sibling branch of a failed Parallel branch at the same state as the local engine', () => {
    const failedInParallel = cases.filter(
      (c) =>
        c.expected.status === 'FAILED' &&
        c.expected.states.some((visit) => visit.error !== undefined && isParallel(c, visit.name)),
    );

    expect(failedInParallel.length).toBeGreaterThan(0);
    for (const c of failedInParallel) {
      expect(verdictOf(c.id)?.status).toBe('FAILED');
      expect(verdictOf(c.id)?.disagreements).toEqual([]);
    }
  });
});

function isParallel(c: CrosscheckCase, name: string): boolean {
  const states = c.definition.States as Record<string, { Type: string }>;
  return states[name]?.Type === 'Parallel';
}

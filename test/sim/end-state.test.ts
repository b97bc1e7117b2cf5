import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { parsePlan, type PlanInput } from '../../functions/common/plan.js';
import { KINDS } from '../../functions/kinds/registry.js';
import { createSimulatedCloud } from '../../engine/sim/index.js';

/**
 * The end state the CLI and the reports print comes from each kind's simulated model
 * (`endState`), so a new kind's resources show without the CLI naming the kind. Every example
 * plan, including one a new kind brings, is checked.
 */
const examples = readdirSync('examples').filter((file) => file.endsWith('.plan.yaml'));

describe('the simulated cloud end state', () => {
  it.each(examples)('names every resource of every kind in %s', (file) => {
    const plan = parsePlan(parseYaml(readFileSync(`examples/${file}`, 'utf8')) as PlanInput, file);
    const lines = createSimulatedCloud(plan, {}).snapshot().endState;

    const labels = KINDS.flatMap((kind) =>
      (plan[kind.planKey] as readonly unknown[]).map((item) =>
        (kind.label as (item: unknown) => string)(item),
      ),
    );
    const missing = labels.filter((label) => !lines.some((line) => line.includes(label)));

    expect(labels.length).toBeGreaterThan(0);
    expect(missing).toEqual([]);
  });
});

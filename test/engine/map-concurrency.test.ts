import { describe, expect, it } from 'vitest';
import { INLINE_MAP_MAX_CONCURRENCY } from '../../engine/limits/aws-limits.js';
import { fn, handler, runDefinition } from './support.js';

const mapOf = (maxConcurrency: number) => ({
  StartAt: 'Each',
  States: {
    Each: {
      Type: 'Map',
      MaxConcurrency: maxConcurrency,
      ItemProcessor: {
        StartAt: 'Work',
        States: { Work: { Type: 'Task', Resource: fn('work'), End: true } },
      },
      End: true,
    },
  },
});

/** A handler that takes 5 simulated seconds and records how many run at once. */
function concurrencyProbe() {
  const probe = { running: 0, most: 0, total: 0 };
  const work = handler(async () => {
    probe.running += 1;
    probe.total += 1;
    probe.most = Math.max(probe.most, probe.running);
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    probe.running -= 1;
    return {};
  });
  return { probe, work };
}

describe('the inline Map concurrency limit', () => {
  it.each([0, 100])(
    'never runs more than 40 iterations at once (MaxConcurrency %i), and the 41st waits for a slot',
    async (maxConcurrency) => {
      const { probe, work } = concurrencyProbe();
      const items = Array.from({ length: 95 }, (_, i) => i);

      const result = await runDefinition(mapOf(maxConcurrency), { [fn('work')]: work }, { input: items });

      expect(result.outcome).toBe('succeeded');
      expect(probe.total).toBe(95);
      expect(probe.most).toBe(INLINE_MAP_MAX_CONCURRENCY);
      // Three waves of at most 40: 95 items cannot finish in fewer than 3 × 5 s.
      expect(result.durationSeconds).toBeGreaterThanOrEqual(15);
    },
  );

  it('keeps a smaller MaxConcurrency', async () => {
    const { probe, work } = concurrencyProbe();

    await runDefinition(mapOf(3), { [fn('work')]: work }, { input: [1, 2, 3, 4, 5, 6, 7] });

    expect(probe.most).toBe(3);
  });
});

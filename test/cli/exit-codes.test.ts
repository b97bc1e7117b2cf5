import { describe, expect, it } from 'vitest';
import { OUTCOMES } from '../../functions/common/vocabulary.js';
import { EXIT } from '../../cli/cli-io.js';
import { exitCodeFor } from '../../cli/report-output.js';
import type { ExecutionOutcome } from '../../engine/report/index.js';

describe('exitCodeFor', () => {
  it.each<[ExecutionOutcome, number]>([
    ['succeeded', EXIT.ok],
    ['ignored', EXIT.ok],
    ['duplicate', EXIT.ok],
    ['refused', EXIT.failed],
    ['aborted', EXIT.failed],
    ['failed', EXIT.failed],
    ['stopped', EXIT.failed],
    ['timed-out', EXIT.failed],
    ['running', EXIT.failed],
  ])('exits %s with %i', (outcome, code) => {
    expect(exitCodeFor(outcome)).toBe(code);
  });

  it('knows an exit code for every outcome of the vocabulary, and only the three that need nobody exit 0', () => {
    const ok = OUTCOMES.filter((outcome) => exitCodeFor(outcome) === EXIT.ok);

    expect(ok).toEqual(['succeeded', 'ignored', 'duplicate']);
  });
});

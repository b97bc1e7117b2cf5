import { describe, expect, it } from 'vitest';
import { PAYLOAD_LIMIT_BYTES } from '../../engine/limits/aws-limits.js';
import { fn, filler, handler, runDefinition, statesOf } from './support.js';

const CATCH_ALL = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: 'Caught' }];

/** Produce (a Task) → Done, with a Catch on States.ALL (and optionally the error by name) that must never run. */
function producer(extra: Record<string, unknown> = {}, catchers: readonly object[] = CATCH_ALL) {
  return {
    StartAt: 'Produce',
    States: {
      Produce: { Type: 'Task', Resource: fn('produce'), Catch: catchers, Next: 'Done', ...extra },
      Done: { Type: 'Pass', End: true },
      Caught: { Type: 'Pass', End: true },
    },
  };
}

describe('the 262,144-byte payload limit', () => {
  it('fails the execution with States.DataLimitExceeded naming the state and the size, and skips the Catch, when a Task result is over it', async () => {
    const big = { blob: filler(PAYLOAD_LIMIT_BYTES) };

    const result = await runDefinition(producer(), { [fn('produce')]: handler(() => big) });

    expect(result.outcome).toBe('failed');
    expect(result.error?.error).toBe('States.DataLimitExceeded');
    expect(result.error?.cause).toContain('"Produce"');
    expect(result.error?.cause).toContain(`${PAYLOAD_LIMIT_BYTES + 11} bytes`);
    expect(statesOf(result)).not.toContain('Caught');
    expect(statesOf(result)).not.toContain('Done');
  });

  it('skips a Catch that names States.DataLimitExceeded explicitly: the error is terminal', async () => {
    const catchers = [{ ErrorEquals: ['States.DataLimitExceeded'], Next: 'Caught' }, ...CATCH_ALL];

    const result = await runDefinition(producer({}, catchers), {
      [fn('produce')]: handler(() => ({ blob: filler(PAYLOAD_LIMIT_BYTES) })),
    });

    expect(result.error?.error).toBe('States.DataLimitExceeded');
    expect(statesOf(result)).not.toContain('Caught');
  });

  it('accepts a result of exactly 262,144 bytes and reports it as the largest state', async () => {
    // {"blob":"…"} is 11 bytes of JSON around the string.
    const exact = { blob: filler(PAYLOAD_LIMIT_BYTES - 11) };

    const result = await runDefinition(producer(), { [fn('produce')]: handler(() => exact) });

    expect(result.outcome).toBe('succeeded');
    expect(result.largestStateBytes).toBe(PAYLOAD_LIMIT_BYTES);
  });

  it('measures UTF-8 bytes, not characters', async () => {
    // 'é' is one UTF-16 unit and two UTF-8 bytes: 140,000 characters are 280,000 bytes.
    const result = await runDefinition(producer(), {
      [fn('produce')]: handler(() => ({ blob: 'é'.repeat(140_000) })),
    });

    expect(result.error?.error).toBe('States.DataLimitExceeded');
  });

  it('fails a state whose output grows over the limit through ResultPath, though the result alone fits', async () => {
    const half = filler(PAYLOAD_LIMIT_BYTES / 2);
    const definition = producer({ ResultPath: '$.second' });

    const result = await runDefinition(
      definition,
      { [fn('produce')]: handler(() => half) },
      {
        input: { first: half },
      },
    );

    expect(result.error?.error).toBe('States.DataLimitExceeded');
    expect(result.error?.cause).toMatch(/output of state "Produce"/);
    expect(statesOf(result)).not.toContain('Caught');
  });

  it('fails a Task whose input after Parameters is over the limit before its function runs', async () => {
    let ran = false;
    const half = filler(PAYLOAD_LIMIT_BYTES / 2 + 10);
    const definition = producer({ Parameters: { 'a.$': '$.blob', 'b.$': '$.blob' } });

    const result = await runDefinition(
      definition,
      {
        [fn('produce')]: handler(() => {
          ran = true;
          return {};
        }),
      },
      { input: { blob: half } },
    );

    expect(result.error?.error).toBe('States.DataLimitExceeded');
    expect(result.error?.cause).toMatch(/input of state "Produce"/);
    expect(ran).toBe(false);
  });

  it('fails a Map whose combined output is over the limit though every iteration fits', async () => {
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: {
            StartAt: 'Grow',
            States: { Grow: { Type: 'Task', Resource: fn('grow'), End: true } },
          },
          Catch: CATCH_ALL,
          End: true,
        },
        Caught: { Type: 'Pass', End: true },
      },
    };

    const result = await runDefinition(
      definition,
      { [fn('grow')]: handler(() => filler(100_000)) },
      { input: { items: [1, 2, 3] } },
    );

    expect(result.error?.error).toBe('States.DataLimitExceeded');
    expect(result.error?.cause).toMatch(/output of state "Each"/);
    expect(statesOf(result)).not.toContain('Caught');
  });

  it('fails an execution whose input is over the limit before any state runs', async () => {
    let ran = false;

    const result = await runDefinition(
      producer(),
      {
        [fn('produce')]: handler(() => {
          ran = true;
          return {};
        }),
      },
      { input: { blob: filler(PAYLOAD_LIMIT_BYTES) } },
    );

    expect(result.error?.error).toBe('States.DataLimitExceeded');
    expect(result.error?.cause).toContain('execution input');
    expect(ran).toBe(false);
  });
});

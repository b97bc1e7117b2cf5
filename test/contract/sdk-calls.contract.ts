import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONTRACT_FILE_OF_COMMAND } from './step-calls.js';

/**
 * Issue 5 item 7: every SDK call the handlers make is also exercised over HTTP. The commands are
 * found by following the relative imports of each functions/<step>/handler.ts, so code no handler
 * reaches yet does not count; a command that a handler reaches without a contract test fails
 * here: every handler counts, none waits for its contract tests. Each listed file checks that it
 * really sent its commands to moto through the steps' own clients.
 */

const FUNCTIONS = fileURLToPath(new URL('../../functions/', import.meta.url));
const CONTRACT = fileURLToPath(new URL('./', import.meta.url));
/** Relative imports, static or dynamic; the house style writes them with `.js` endings. */
const RELATIVE_IMPORT = /(?:\bfrom|\bimport\()\s*'(\.{1,2}\/[^']+)\.js'/g;
const SDK_COMMAND = /\bnew (\w+Command)\(/g;

/** The SDK commands constructed in the handler's module graph. */
function commandsReachedFrom(handler: string): Set<string> {
  const commands = new Set<string>();
  const seen = new Set<string>();
  const pending = [handler];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const [, command = ''] of source.matchAll(SDK_COMMAND)) commands.add(command);
    for (const [, target = ''] of source.matchAll(RELATIVE_IMPORT))
      pending.push(resolve(dirname(file), `${target}.ts`));
  }
  return commands;
}

const handlers = readdirSync(FUNCTIONS)
  .filter((step) => existsSync(join(FUNCTIONS, step, 'handler.ts')))
  .map((step) => ({ step, handler: join(FUNCTIONS, step, 'handler.ts') }));

describe('the contract tests', () => {
  it('cover every SDK command the step handlers send', () => {
    // Arrange
    const sent = new Set(handlers.flatMap(({ handler }) => [...commandsReachedFrom(handler)]));

    // Assert
    expect(handlers.map(({ step }) => step)).toEqual(
      expect.arrayContaining(['failover-lock', 'readiness-check']),
    );
    expect(handlers.length).toBeGreaterThanOrEqual(11);
    expect([...sent].sort()).toEqual(Object.keys(CONTRACT_FILE_OF_COMMAND).sort());
  });

  it.each(Object.entries(CONTRACT_FILE_OF_COMMAND))('exercise %s in %s.contract.ts', (_command, file) => {
    expect(existsSync(join(CONTRACT, `${file}.contract.ts`))).toBe(true);
  });
});

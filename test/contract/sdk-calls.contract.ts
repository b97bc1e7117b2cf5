import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { KINDS } from '../../functions/kinds/registry.js';
import { CONTRACT_FILE_OF_COMMAND, CONTRACT_FILE_OF_MODULE } from './step-calls.js';

/**
 * Every SDK call the handlers make is also exercised over HTTP. The commands are found by
 * following the relative imports of each Lambda entry (functions/<step>/handler.ts and every
 * kind's functions/kinds/<kind>/handler.ts), template-literal imports of a kind's module
 * included (`../kinds/${kind.id}/readiness.ts`), so code no handler reaches does not count; a
 * command or a sending module that a handler reaches without a contract test fails here. Each
 * listed file checks that it really sent its commands to moto through the steps' own clients.
 */

const FUNCTIONS = fileURLToPath(new URL('../../functions/', import.meta.url));
const CONTRACT = fileURLToPath(new URL('./', import.meta.url));
/** Relative imports, static or dynamic, with `.js` (or, for a convention import, `.ts`) endings. */
const RELATIVE_IMPORT = /(?:\bfrom|\bimport\()\s*'(\.{1,2}\/[^']+)\.[jt]s'/g;
/** `import(`../kinds/${kind.id}/readiness.ts`)`: one module per kind folder. */
const KIND_IMPORT = /\bimport\(`(\.{1,2}\/(?:[^`$]*\/)?kinds)\/\$\{[^}]+\}\/([^`]+)\.[jt]s`\)/g;
const SDK_COMMAND = /\bnew (\w+Command)\(/g;

/** Every module of the graph from `entry`, with the SDK commands each constructs. */
function moduleGraph(entry: string): Map<string, Set<string>> {
  const modules = new Map<string, Set<string>>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (modules.has(file) || !existsSync(file)) continue;
    const source = readFileSync(file, 'utf8');
    modules.set(file, new Set([...source.matchAll(SDK_COMMAND)].map(([, command = '']) => command)));
    for (const [, target = ''] of source.matchAll(RELATIVE_IMPORT))
      pending.push(resolve(dirname(file), `${target}.ts`));
    for (const [, kinds = '', rest = ''] of source.matchAll(KIND_IMPORT))
      for (const kind of KINDS) pending.push(resolve(dirname(file), kinds, kind.id, `${rest}.ts`));
  }
  return modules;
}

const handlers = [
  ...readdirSync(FUNCTIONS).map((step) => join(FUNCTIONS, step, 'handler.ts')),
  ...KINDS.map((kind) => join(FUNCTIONS, 'kinds', kind.id, 'handler.ts')),
].filter((handler) => existsSync(handler));

const reached = new Map<string, Set<string>>();
for (const handler of handlers)
  for (const [module, commands] of moduleGraph(handler)) reached.set(module, commands);
const sending = [...reached].filter(([, commands]) => commands.size > 0);

describe('the contract tests', () => {
  it('find every Lambda entry: the workflow steps, the readiness check and one per kind', () => {
    const names = handlers.map((handler) => relative(FUNCTIONS, handler));

    expect(names).toEqual(
      expect.arrayContaining([
        'failover-lock/handler.ts',
        'notify/handler.ts',
        'readiness-check/handler.ts',
        ...KINDS.map((kind) => `kinds/${kind.id}/handler.ts`),
      ]),
    );
  });

  it('cover every SDK command the handlers send', () => {
    const sent = new Set(sending.flatMap(([, commands]) => [...commands]));

    expect([...sent].sort()).toEqual(Object.keys(CONTRACT_FILE_OF_COMMAND).sort());
  });

  it('cover every module that sends SDK commands', () => {
    const modules = sending.map(([module]) => relative(FUNCTIONS, module));

    expect(modules.sort()).toEqual(Object.keys(CONTRACT_FILE_OF_MODULE).sort());
  });

  it.each(Object.entries(CONTRACT_FILE_OF_COMMAND))('exercise %s in %s.contract.ts', (_command, file) => {
    expect(existsSync(join(CONTRACT, `${file}.contract.ts`))).toBe(true);
  });

  it.each(Object.entries(CONTRACT_FILE_OF_MODULE))(
    'reach functions/%s from %s.contract.ts',
    (module, file) => {
      const graph = moduleGraph(join(CONTRACT, `${file}.contract.ts`));

      expect(graph.has(join(FUNCTIONS, module))).toBe(true);
    },
  );
});

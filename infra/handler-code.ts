import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plan } from '../functions/common/plan.js';
import { PLAN_FILE_NAME } from '../functions/common/config.js';

/**
 * The orchestrator's Lambda code is bundled once, when the package is built
 * (scripts/build-handlers.ts writes `<dir>/<function id>/index.mjs` and its source map), not at
 * the consumer's synth: a CDK app that installs the package needs neither esbuild, nor
 * TypeScript, nor Docker, and its synth bundles nothing. The code is the same for every plan;
 * the plan reaches a function as a file beside its handler (functions/common/config.ts
 * `deployedPlan` reads it), so one asset per function and plan.
 */

/** The bundle's file name: the Lambda handler is `index.handler`. */
export const HANDLER_FILE = 'index.mjs';

/** The nearest directory above this module holding a package.json: the repository, or the installed package. */
function packageRoot(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(directory, 'package.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    directory = parent;
  }
  return directory;
}

/** Where the package build puts the prebuilt handlers: `lib/handlers/` of the package (or the repository). */
export const defaultHandlersDirectory = (): string => join(packageRoot(), 'lib', 'handlers');

/** The prebuilt handler of a function: `<handlersDirectory>/<id>/index.mjs`. */
export const prebuiltHandler = (handlersDirectory: string, functionId: string): string =>
  join(handlersDirectory, functionId, HANDLER_FILE);

/**
 * The asset directory of one function: its prebuilt handler (and source map) with the plan beside
 * it as PLAN_FILE_NAME. It is staged under the OS temp directory, named by the hash of its
 * content, so synthesizing the same plan twice reuses it and the asset hash is stable; CDK copies
 * it into the cloud assembly as it does any asset directory.
 */
export function stageFunctionAsset(handlersDirectory: string, functionId: string, plan: Plan): string {
  const source = join(handlersDirectory, functionId);
  const files = readdirSync(source).sort();
  const planJson = `${JSON.stringify(plan, null, 2)}\n`;
  const hash = createHash('sha256');
  for (const file of files) hash.update(file).update(readFileSync(join(source, file)));
  hash.update(PLAN_FILE_NAME).update(planJson);
  const staged = join(
    tmpdir(),
    'failover-orchestrator-assets',
    `${functionId}-${hash.digest('hex').slice(0, 20)}`,
  );
  if (existsSync(staged)) return staged;
  // Written beside, then renamed: two synths at once never see a half-written directory.
  const partial = `${staged}.${process.pid}.partial`;
  mkdirSync(partial, { recursive: true });
  for (const file of files) copyFileSync(join(source, file), join(partial, file));
  writeFileSync(join(partial, PLAN_FILE_NAME), planJson);
  try {
    renameSync(partial, staged);
  } catch (error) {
    // Another process staged the same content first: theirs is identical.
    if (!existsSync(staged)) throw error;
  }
  return staged;
}

// Bundles every orchestrator function's handler into lib/handlers/<id>/index.mjs (npm run
// build:handlers; the package build and the test setup run it): the construct deploys these
// prebuilt bundles with the plan beside them (infra/handler-code.ts), so no synth bundles.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { defaultHandlersDirectory, HANDLER_FILE } from '../infra/handler-code.js';
import { functionEntry, ORCHESTRATOR_FUNCTION_IDS } from '../infra/function-settings.js';

const REPOSITORY_ROOT = dirname(dirname(fileURLToPath(import.meta.url)));

/**
 * ESM bundles that include the AWS SDK call `require('node:https')` through esbuild's CJS shim,
 * which throws "Dynamic require of ... is not supported" when the module loads, unless `require`
 * exists: give the module one (test/infra/failover-orchestrator.test.ts loads every bundle).
 */
const CREATE_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** Builds every handler into `<outDir>/<id>/index.mjs` (+ source map); returns the ids built. */
export async function buildHandlers(outDir: string = defaultHandlersDirectory()): Promise<readonly string[]> {
  rmSync(outDir, { recursive: true, force: true });
  await Promise.all(
    ORCHESTRATOR_FUNCTION_IDS.map((id) =>
      build({
        entryPoints: [functionEntry(REPOSITORY_ROOT, id)],
        outfile: join(outDir, id, HANDLER_FILE),
        bundle: true,
        platform: 'node',
        format: 'esm',
        // The Lambda runtime the construct accepts (Node.js 22 or later).
        target: 'node22',
        mainFields: ['module', 'main'],
        banner: { js: CREATE_REQUIRE_BANNER },
        // The AWS SDK comes from the Lambda runtime (Node.js 18 and later carry SDK v3), not from
        // the bundle. Bundled, SDK v3 3.116x weighs 300-450 KB minified per function (@smithy/core,
        // the protocol serde, the credential chain's nested STS/SSO clients), so every function
        // with two clients broke the 500 KiB budget (readiness check: 1.3 MB with six). The price:
        // a cold start measured ~25 ms slower for a one-client function, and deployed functions
        // run the runtime's SDK version, not package-lock.json's; the commands they send
        // (test/infra/iam-least-privilege.test.ts reads them from the sources) are long-stable APIs.
        external: ['@aws-sdk/*'],
        minify: true,
        sourcemap: true,
        sourcesContent: false,
        logLevel: 'warning',
      }),
    ),
  );
  return ORCHESTRATOR_FUNCTION_IDS;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const ids = await buildHandlers();
  console.log(`built ${ids.length} handlers into ${defaultHandlersDirectory()}`);
}

import { defineConfig } from 'vitest/config';

/**
 * `npm run test:crosscheck`: the workflow definition run on a second interpreter, moto's
 * (Python, `pip install 'moto[server]==5.2.1'`), compared with the local engine. The files end in
 * `.crosscheck.ts` so that `npm test` (test/**\/*.test.ts) runs on a machine without Python.
 */
export default defineConfig({
  test: {
    include: ['test/crosscheck/**/*.crosscheck.ts'],
    setupFiles: ['engine/polyfills.ts'],
    environment: 'node',
    testTimeout: 120_000,
    // The beforeAll runs all 71 executions on moto (about 70 s alone; over 120 s on a loaded
    // machine, which failed the file once): a generous bound, still far below CI's limits.
    hookTimeout: 600_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' },
  },
});

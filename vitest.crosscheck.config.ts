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
    hookTimeout: 120_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' },
  },
});

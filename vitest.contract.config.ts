import { defineConfig } from 'vitest/config';

/**
 * `npm run test:contract`: the steps' SDK calls over real HTTP against a moto server that
 * test/contract/global-setup.ts starts on 127.0.0.1 (needs `pip install 'moto[server]'`).
 * The files end in `.contract.ts` so that `npm test` (test/**\/*.test.ts) does not pick them up.
 */
export default defineConfig({
  test: {
    include: ['test/contract/**/*.contract.ts'],
    globalSetup: ['test/contract/global-setup.ts'],
    setupFiles: ['test/contract/setup.ts'],
    environment: 'node',
    testTimeout: 30_000,
    hookTimeout: 60_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' },
  },
});

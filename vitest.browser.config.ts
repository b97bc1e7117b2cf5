import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the HTML reports rendered in a real headless Chromium (Debian's
 * `chromium`, driven by playwright-core). Kept out of `npm test` (test/**\/*.test.ts) so that the
 * unit tests need no browser. Screenshots go to reports/screenshots/ (or $REPORT_SCREENSHOT_DIR).
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.browser.ts'],
    setupFiles: ['engine/polyfills.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', POWERTOOLS_LOG_LEVEL: 'SILENT' },
  },
});

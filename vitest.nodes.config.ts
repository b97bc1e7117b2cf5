import { defineConfig } from 'vitest/config';

/**
 * `npm run test:nodes`: the self-hosted kinds' SSM Command documents run in a local shell
 * against real PostgreSQL, Redis Sentinel, HAProxy and Nginx servers started on 127.0.0.1
 * (scripts/install-node-servers.sh installs them). The files end in `.nodes.ts` so that
 * `npm test` does not pick them up; documents.test.ts (no servers) runs in both.
 */
export default defineConfig({
  test: {
    include: ['test/nodes/**/*.nodes.ts', 'test/nodes/**/*.test.ts'],
    globalSetup: ['test/nodes/global-setup.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

// Bundles the `failover` CLI into dist/failover.mjs (npm run build:cli; npm ci runs it via prepare,
// npm pack via the package build). One file loads in about half the time of the TypeScript sources
// through tsx (npm run bench), and it carries its dependencies: the installed package needs none.
import { build } from 'esbuild';

await build({
  entryPoints: ['cli/main.ts'],
  outfile: 'dist/failover.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // Minified (names kept: errors are reported by name) so the package stays small.
  minify: true,
  keepNames: true,
  // The AWS SDK's CommonJS parts call require(); an ESM bundle has none unless given one.
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: 'warning',
});

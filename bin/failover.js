#!/usr/bin/env node
// The `failover` command. Runs the bundled CLI (dist/failover.mjs: `npm run build`, which `npm ci`
// runs through `prepare`); without a bundle, the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/failover.mjs', import.meta.url);
let cli;
if (existsSync(bundle)) {
  cli = await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  cli = await import('../cli/main.ts');
}
process.exitCode = await cli.main(process.argv.slice(2), {
  out: (text) => process.stdout.write(`${text}\n`),
  err: (text) => process.stderr.write(`${text}\n`),
});

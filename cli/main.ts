import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';


import { EXIT, type CliIo } from './cli-io.js';
import { replayCommand } from './replay-command.js';

const USAGE = `usage:
  failover replay <event.json> [--plan <file>] [--scenario <file>] [--json]

Replays an event through the real state machine and step handlers against a simulated AWS
(virtual clock, no AWS account). Default plan: examples/shop-prod.plan.yaml.
Exit codes: 0 succeeded or ignored, 1 failed or aborted, 2 bad input.`;


export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h') {
    io.out(USAGE);
    return command === undefined ? EXIT.badInput : EXIT.ok;
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      options: {
        plan: { type: 'string' },
        scenario: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    io.err(`failover: ${(error as Error).message}\n${USAGE}`);
    return EXIT.badInput;
  }
  if (command === 'replay') return replayCommand(parsed, io);
  io.err(`failover: unknown command "${command}"\n${USAGE}`);
  return EXIT.badInput;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const code = await main(process.argv.slice(2), {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
  });
  process.exitCode = code;
}

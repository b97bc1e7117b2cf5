// `npm run crosscheck`: replays every sample event, every scenario, every documented AWS event
// and the 50-resource plan on the local engine, recording each execution, then runs the same
// definition on moto's Step Functions interpreter with the Lambda calls answered from the
// recordings, and compares state by state. Exits 1 on any disagreement, 2 when moto cannot run.
import '../engine/polyfills.js';
import { buildCases } from './crosscheck/cases.js';
import { crosscheckOnMoto, describeDisagreements } from './crosscheck/moto.js';

const started = performance.now();
const cases = await buildCases();
const replayed = performance.now();
let report;
try {
  report = await crosscheckOnMoto(cases);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
const seconds = (ms: number) => (ms / 1000).toFixed(1);

for (const line of describeDisagreements(report)) console.log(`DISAGREE ${line}`);
const states = cases.reduce((sum, c) => sum + c.expected.states.length, 0);
const tasks = cases.reduce((sum, c) => sum + c.tasks.length, 0);
console.log(
  `${states} state entries and ${tasks} Lambda invocations compared; local replays ${seconds(replayed - started)} s, ` +
    `moto ${report.seconds.toFixed(1)} s, ${seconds(performance.now() - started)} s wall`,
);
console.log(`cross-checked ${report.executions} executions on moto: ${report.agree} agree`);
process.exitCode = report.agree === report.executions && report.executions === cases.length ? 0 : 1;

import type { ResourceOutcome } from '../engine/report/index.js';
import type { ReplayResult } from '../engine/runner.js';
import { SIMULATED_KINDS } from '../engine/sim/index.js';
import type { TimelineEntry } from '../engine/timeline.js';

const pad = (text: string, width: number) =>
  text.length >= width ? text : text + ' '.repeat(width - text.length);
const clock = (seconds: number) => {
  const whole = Math.floor(seconds);
  const tenths = Math.round((seconds - whole) * 10) % 10;
  return `+${String(Math.floor(whole / 60)).padStart(2, '0')}:${String(whole % 60).padStart(2, '0')}.${tenths}`;
};

function timelineRow(entry: TimelineEntry): string {
  const name = entry.item ? `${entry.state} [${entry.item}]` : entry.state;
  const runs = entry.runs > 1 ? ` x${entry.runs}` : '';
  const retries = entry.retries > 0 ? ` (${entry.retries} retr${entry.retries === 1 ? 'y' : 'ies'})` : '';
  const error = entry.error ? ` ${entry.error}` : '';
  return `  ${pad(name + runs, 52)} ${clock(entry.start)}  ${clock(entry.end)}  ${pad(entry.outcome, 9)}${retries}${error}`;
}

/**
 * The human-readable replay report: timeline in simulated time, what each resource did (the
 * failover record), then the simulated cloud's end state.
 */
export function formatReplay(result: ReplayResult, resources: readonly ResourceOutcome[] = []): string {
  const { cloud } = result;
  const lines = [
    `Replay ${result.executionName}: ${result.summary}`,
    `Simulated ${result.startedAt} -> ${result.endedAt} (${result.durationSeconds}s), real ${result.wallMs} ms`,
    '',
    `  ${pad('STATE', 52)} ${pad('START', 9)} ${pad('END', 9)} OUTCOME`,
    ...result.timeline.map(timelineRow),
    '',
    `RTO achieved: ${result.rtoSeconds === null ? 'n/a' : `${result.rtoSeconds}s`}; critical path of simulated AWS durations: ${result.criticalPathSeconds}s`,
    `AWS calls: ${result.apiCalls} (${result.mutatingCalls} mutating)`,
    '',
    ...(resources.length === 0
      ? []
      : [
          'What each resource did (failover record):',
          ...resources.map(
            (resource) => `  ${resource.noun} ${resource.label}: ${resource.status}: ${resource.detail}`,
          ),
          '',
        ]),
    'End state of the simulated cloud:',
    ...cloud.databases.map(
      (db) =>
        `  database ${db.id}: ${db.status}, ${db.isReplica ? `read replica of ${db.source}` : 'standalone'}${db.endpoint ? `, ${db.endpoint}` : ''}`,
    ),
    ...cloud.groups.map(
      (group) =>
        `  group ${group.name}: min ${group.min} desired ${group.desired} max ${group.max}, ${group.inService} InService, ${group.pending} Pending`,
    ),
    ...Object.entries(cloud.parameters).map(
      ([name, parameter]) => `  parameter ${name} = ${parameter.value}`,
    ),
    ...SIMULATED_KINDS.flatMap(
      (kind) => kind.endStateLines?.(cloud as unknown as Readonly<Record<string, unknown>>) ?? [],
    ).map((line) => `  ${line}`),
    ...cloud.notifications.map((message) => `  SNS ${message.time}: ${message.subject ?? '(no subject)'}`),
  ];
  if (result.error) lines.splice(1, 0, `Error: ${result.error.error}: ${result.error.cause}`);
  return lines.join('\n');
}

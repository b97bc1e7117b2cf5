import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Plan } from '../functions/common/plan.js';
import { loadPlanFile } from '../engine/files.js';
import { EXIT, type CliIo } from './cli-io.js';
import { BadInputError, badInputLine, isBadInput } from './command-inputs.js';

export const EVENTS_USAGE = 'failover events --plan <file> [--out-dir <dir>] [--account <id>]';

export const EVENTS_OPTIONS = {
  plan: { type: 'string' },
  'out-dir': { type: 'string', default: 'events' },
  account: { type: 'string', default: '111111111111' },
} as const;

export interface EventsArgs {
  readonly positionals: readonly string[];
  readonly values: { readonly plan?: string; readonly 'out-dir'?: string; readonly account?: string };
}

type AlarmState = 'ALARM' | 'OK';

/** The EventBridge event CloudWatch sends when `alarm` enters `state` (what the orchestrator's rule receives). */
export function alarmStateChangeEvent(
  alarm: Plan['triggers']['alarms'][number],
  state: AlarmState,
  account: string,
  time = '2026-01-01T09:00:00Z',
): Record<string, unknown> {
  const previous: AlarmState = state === 'ALARM' ? 'OK' : 'ALARM';
  return {
    version: '0',
    id: `sample-${alarm.name}-${state.toLowerCase()}`,
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account,
    time,
    region: alarm.region,
    resources: [`arn:aws:cloudwatch:${alarm.region}:${account}:alarm:${alarm.name}`],
    detail: {
      alarmName: alarm.name,
      state: { value: state, reason: `Sample ${state} event written by failover events`, timestamp: time },
      previousState: { value: previous, reason: 'Sample previous state', timestamp: time },
    },
  };
}

/**
 * `failover events`: writes, for every trigger alarm of the plan, the event of it entering ALARM
 * (`<alarm>-alarm.json`, which starts a failover) and OK (`<alarm>-ok.json`, which the workflow
 * ignores), ready for `failover replay <event> --plan <file>`.
 */
export async function eventsCommand({ positionals, values }: EventsArgs, io: CliIo): Promise<number> {
  const dir = resolve(values['out-dir'] ?? EVENTS_OPTIONS['out-dir'].default);
  const account = values.account ?? EVENTS_OPTIONS.account.default;
  const written: string[] = [];
  try {
    if (positionals.length > 0)
      throw new BadInputError(`events takes no positional arguments: ${EVENTS_USAGE}`);
    if (values.plan === undefined) throw new BadInputError('events needs --plan <file>');
    if (!/^\d{12}$/.test(account)) throw new BadInputError(`--account must be 12 digits, got ${account}`);
    const plan = await loadPlanFile(values.plan);
    await mkdir(dir, { recursive: true });
    for (const alarm of plan.triggers.alarms) {
      for (const state of ['ALARM', 'OK'] as const) {
        const file = join(dir, `${alarm.name}-${state.toLowerCase()}.json`);
        await writeFile(file, `${JSON.stringify(alarmStateChangeEvent(alarm, state, account), null, 2)}\n`);
        written.push(file);
      }
    }
  } catch (error) {
    if (isBadInput(error)) {
      io.err(badInputLine(error));
      return EXIT.badInput;
    }
    throw error;
  }
  io.out(written.map((file) => `wrote ${file}`).join('\n'));
  return EXIT.ok;
}

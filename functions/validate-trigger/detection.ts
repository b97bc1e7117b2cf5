/**
 * When the outage began, as far as the triggering alarm's own data says: the RTO counts from the
 * outage, not from the alarm. A CloudWatch "Alarm State Change" event carries, in
 * `detail.state.reasonData` (a JSON string), the datapoints the alarm evaluated
 * (`evaluatedDatapoints`, each with its period's `timestamp`) or at least the start of the
 * evaluated range (`startDate`); its `reason` text lists the breaching datapoints with their
 * times ("[0.0 (24/11/26 08:59:00), …]"). A composite alarm's reasonData names only the alarms
 * that triggered it: there is no datapoint, and the report says so.
 */

/** Where the outage start came from; `none` when the alarm's data has no time to go by. */
export type DetectionSource = 'evaluated-datapoints' | 'reason-datapoints' | 'start-date' | 'none';

export interface OutageStart {
  /** ISO 8601 UTC; absent when the alarm's data gives none. */
  readonly outageStartedAt?: string;
  readonly detectionSource: DetectionSource;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** CloudWatch writes `+0000` offsets (no colon), which Date.parse does not promise to read. */
function cloudWatchTime(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const millis = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(millis) ? undefined : millis;
}

/** "(24/11/26 08:59:00)" in a reason text: dd/MM/yy HH:mm:ss, UTC. */
function reasonTimes(reason: string): number[] {
  const times: number[] = [];
  for (const match of reason.matchAll(/\((\d{2})\/(\d{2})\/(\d{2}) (\d{2}):(\d{2}):(\d{2})\)/g)) {
    const [, day, month, year, hour, minute, second] = match.map(Number);
    const millis = Date.UTC(2000 + year!, month! - 1, day!, hour!, minute!, second!);
    if (!Number.isNaN(millis)) times.push(millis);
  }
  return times;
}

function parseReasonData(reasonData: unknown): Record<string, unknown> | undefined {
  if (typeof reasonData !== 'string') return undefined;
  try {
    const parsed = JSON.parse(reasonData) as unknown;
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The outage start from an alarm state (`detail.state`), never after `alarmAt` (the time the
 * alarm entered ALARM, epoch ms). Evaluated datapoints win, then the reason's datapoints, then the
 * evaluated range's start.
 */
export function outageStartOf(state: Readonly<Record<string, unknown>>, alarmAt: number): OutageStart {
  const data = parseReasonData(state.reasonData);
  const candidates: [DetectionSource, number[]][] = [
    [
      'evaluated-datapoints',
      (Array.isArray(data?.evaluatedDatapoints) ? data.evaluatedDatapoints : [])
        .map((point) => (isObject(point) ? cloudWatchTime(point.timestamp) : undefined))
        .filter((at): at is number => at !== undefined),
    ],
    ['reason-datapoints', typeof state.reason === 'string' ? reasonTimes(state.reason) : []],
    ['start-date', [cloudWatchTime(data?.startDate)].filter((at): at is number => at !== undefined)],
  ];
  for (const [source, times] of candidates) {
    const earliest = Math.min(...times.filter((at) => at <= alarmAt));
    if (Number.isFinite(earliest)) {
      return { outageStartedAt: new Date(earliest).toISOString(), detectionSource: source };
    }
  }
  return { detectionSource: 'none' };
}

// Facts read the same way from a local replay's events and a live execution's history.

/** The replica or group a Map iteration's state ran for, from the state's input. */
export function itemLabel(input: unknown): string | undefined {
  if (input === null || typeof input !== 'object') return undefined;
  const record = input as { database?: { replica?: unknown }; group?: { name?: unknown } };
  const label = record.database?.replica ?? record.group?.name;
  return typeof label === 'string' ? label : undefined;
}

/** Lambda error causes are JSON `{"errorType","errorMessage",...}`; show their message. */
export function causeText(cause: unknown): string {
  if (cause === undefined || cause === null) return '';
  const text = typeof cause === 'string' ? cause : JSON.stringify(cause);
  try {
    const parsed = JSON.parse(text) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // plain text
  }
  return text;
}

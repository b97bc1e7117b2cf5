import { FailoverError } from '../common/errors.js';
import { readGate, writeGate, type RecordScope } from '../common/failover-record.js';
import { summarise, type KindSummary } from './kind-step.js';

/**
 * The preflight every kind's gate runs before the first change: read-only, the same checks as
 * `failover check` makes per kind (exists in the recovery region, is in a state the change can
 * start from). A resource that cannot fail over stops the whole failover at the Gate, while
 * nothing has changed; unless the plan marks it `optional: true`, then it is skipped (recorded
 * in the gate record, left out of every later step) and the notice says so with a warning.
 */

/** One or more resources the plan requires cannot fail over: nothing was changed. */
export class PreflightFailedError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'PreflightFailedError';
  }
}

/** What the gate recorded for one resource: `skipped` when it is optional and cannot fail over. */
export interface PreflightLook {
  readonly skipped?: boolean;
  readonly message?: string;
}

/** One resource's preflight finding: `problem` says why it cannot fail over. */
export interface PreflightFinding {
  readonly label: string;
  readonly optional: boolean;
  readonly problem?: string;
}

/** The notice line of a resource the preflight skipped. */
export const skippedMessage = (problem: string): string =>
  `WARNING: skipped (optional): ${problem}; not changed`;

/**
 * Throws when a required resource cannot fail over, naming every such resource at once (so one
 * run of the gate lists them all, as `failover check` would).
 * @throws PreflightFailedError
 */
export function requireAll(noun: string, findings: readonly PreflightFinding[]): void {
  const blocking = findings.filter((finding) => finding.problem !== undefined && !finding.optional);
  if (blocking.length === 0) return;
  const problems = blocking.map((finding) => finding.problem).join('; ');
  throw new PreflightFailedError(
    `preflight: ${blocking.length} of ${findings.length} ${noun} cannot fail over (${problems}); nothing was changed`,
  );
}

/** The indexes of the resources the gate skipped (optional and unable to fail over). */
export async function skippedIndexes(scope: RecordScope, kind: string): Promise<ReadonlySet<number>> {
  const looks = (await readGate<(PreflightLook | null)[]>(scope, kind)) ?? [];
  return new Set(looks.flatMap((look, i) => (look?.skipped === true ? [i] : [])));
}

/** The gate record's look at one resource, as `passPreflight` writes it. */
export interface LabelledLook extends PreflightLook {
  readonly label: string;
  readonly skipped: boolean;
  readonly message: string;
}

/**
 * The end of a preflight gate: records each resource's look (before a refusal, so the failure
 * notice can say which resources stopped the failover), refuses when a required one cannot fail
 * over, and otherwise passes, counting the optional ones skipped. `passedText` is the look of a
 * resource that passed, e.g. "is ACTIVE in us-west-2".
 * @throws PreflightFailedError
 */
export async function passPreflight(
  scope: RecordScope,
  kind: string,
  noun: string,
  findings: readonly PreflightFinding[],
  passedText: string,
): Promise<KindSummary> {
  const looks: LabelledLook[] = findings.map((finding) => ({
    label: finding.label,
    skipped: finding.problem !== undefined && finding.optional,
    message:
      finding.problem === undefined
        ? `${finding.label} ${passedText}`
        : finding.optional
          ? skippedMessage(finding.problem)
          : finding.problem,
  }));
  await writeGate(scope, kind, looks);
  requireAll(noun, findings);
  const skipped = looks.filter((look) => look.skipped).length;
  const passed = summarise(
    kind,
    'gate',
    looks.map(() => ({ done: true, pollSeconds: 0 })),
    `${noun} through the preflight`,
  );
  return skipped === 0 ? passed : { ...passed, message: `${passed.message}; ${skipped} optional skipped` };
}

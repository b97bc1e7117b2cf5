import { readAssessment, readProgress, type RecordScope } from '../common/failover-record.js';
import type { Plan } from '../common/plan.js';
import type { Assessed } from '../kinds/kind-step.js';
import { FAILBACK_STEPS } from './steps.js';

/**
 * The failback's notices (one per path: started, succeeded, refused, failed). A failed one says
 * which step failed and why, which steps were done and which were not, and what each kind read
 * back from AWS; every notice lists each kind's progress lines from the failback record.
 */

export interface FailbackNotice {
  readonly subject: string;
  readonly body: string;
}

const SUBJECT_LIMIT = 100;
const RECORD_PARTS = [
  'rds-replica-reprotect-home',
  'rds-replica',
  'ssm-parameter',
  'auto-scaling-group',
  'rds-replica-reprotect-recovery',
];
const ASSESSED_KINDS = ['rds-replica', 'ssm-parameter', 'auto-scaling-group'];

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

async function progressLines(scope: RecordScope): Promise<string[]> {
  const parts = await Promise.all(
    RECORD_PARTS.map(async (part) => {
      const progress = await readProgress<({ message?: string } | null)[]>(scope, part).catch(
        () => undefined,
      );
      return (progress ?? []).flatMap((item) => (item?.message ? [`  ${part}: ${item.message}`] : []));
    }),
  );
  return parts.flat();
}

async function assessedLines(scope: RecordScope): Promise<string[]> {
  const parts = await Promise.all(
    ASSESSED_KINDS.map(async (kind) => {
      const assessed = await readAssessment<Assessed[]>(scope, kind).catch(() => undefined);
      return (assessed ?? []).map(
        (item) => `  ${item.done ? 'done' : 'NOT done'}: ${item.label}: ${item.detail}`,
      );
    }),
  );
  return parts.flat();
}

export async function composeFailbackNotice(
  plan: Plan,
  kind: 'started' | 'succeeded' | 'failed' | 'refused',
  executionId: string,
  state: Readonly<Record<string, unknown>>,
): Promise<FailbackNotice> {
  const scope: RecordScope = { planName: plan.name, executionId };
  const failback = (state.failback ?? {}) as Record<string, unknown>;
  const failure = (state.failure ?? {}) as Record<string, unknown>;
  const dryRun = (failback.trigger as { dryRun?: boolean } | undefined)?.dryRun === true;
  const mode = dryRun ? ' (dry run)' : '';
  const head = {
    started: `Failback of ${plan.name} to ${plan.primaryRegion} started${mode}`,
    succeeded: `Failback of ${plan.name} to ${plan.primaryRegion} succeeded${mode}`,
    refused: `Failback of ${plan.name} refused: nothing was switched`,
    failed: `Failback of ${plan.name} FAILED at ${text(state.failedStep) ?? 'an unknown step'}`,
  }[kind];
  const lines = [head, `Execution: ${executionId}`];
  const failover = text(failback.failoverExecutionId);
  if (failover !== undefined) lines.push(`Failover undone: ${failover}`);
  if (kind === 'refused') {
    const why = (state.refusal as { why?: unknown } | undefined)?.why;
    lines.push(`Why: ${text(why) ?? text(failure.Cause) ?? 'unknown'}`);
    if (state.reprotectHome !== undefined)
      lines.push(
        'The home replicas Re-protect Home created are kept: they replicate, and the next failback uses them.',
      );
  }
  if (kind === 'failed') {
    lines.push(`Error: ${text(failure.Error) ?? 'unknown'}: ${text(failure.Cause) ?? ''}`);
    const done = FAILBACK_STEPS.filter((step) => state[step.resultKey] !== undefined).map(
      (step) => step.name,
    );
    const notDone = FAILBACK_STEPS.filter((step) => state[step.resultKey] === undefined).map(
      (step) => step.name,
    );
    lines.push(`Done: ${done.join(', ') || 'nothing'}`, `Not done: ${notDone.join(', ') || 'nothing'}`);
    const frozen = (state.freeze as { changed?: boolean } | undefined)?.changed === true;
    if (frozen)
      lines.push(
        `Writes: ${state.unfreezeAfterFailure !== undefined ? 'unfrozen again' : 'STILL FROZEN'} (${plan.failback.freezeParameter?.name ?? ''})`,
      );
  }
  if (kind !== 'started') {
    const fencing = (state.fencing as { lines?: unknown } | undefined)?.lines;
    if (Array.isArray(fencing)) lines.push('Fencing:', ...fencing.map((line) => `  ${String(line)}`));
    const [progress, assessed] = await Promise.all([
      progressLines(scope),
      kind === 'failed' ? assessedLines(scope) : [],
    ]);
    if (progress.length > 0) lines.push('Progress:', ...progress);
    if (assessed.length > 0) lines.push('Read back from AWS:', ...assessed);
  }
  return { subject: head.slice(0, SUBJECT_LIMIT), body: lines.join('\n') };
}

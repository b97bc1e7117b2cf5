import type { FencingRecord } from '../common/fencing-record.js';
import type { CaughtFailure, WorkflowState } from '../common/workflow-state.js';
import type { Kind } from '../kinds/registry.js';

/**
 * The notice's lines about the fence of the old region (issue 10): one line per resource, from
 * the fencing record the kinds' fence wrote: fenced, or NOT fenced yet with the reason (the
 * scheduled retry tries again every 5 minutes). A dry run writes no record: its lines come from
 * the kinds' summaries (what would be fenced).
 */

/** What notify read for one fencing kind. */
export interface FenceRecordLines {
  readonly kind: Kind;
  readonly fencing?: FencingRecord;
}

/** How often the scheduled retry (functions/fence-retry/) tries what is still pending. */
export const FENCE_RETRY_MINUTES = 5;

/** Whether the workflow's Fence Old Region ran in this execution. */
export const fenceRan = (state: WorkflowState): boolean =>
  state.fence !== undefined || state.fenceFailure !== undefined;

/** The lines, `errorText` being the notice's own reading of a caught failure (compose.ts failureText). */
export function fenceLines(
  state: WorkflowState,
  records: readonly FenceRecordLines[],
  primaryRegion: string,
  errorText: (failure: CaughtFailure) => string,
): string[] {
  if (!fenceRan(state)) return [];
  const lines = [
    `Fence of the old region (${primaryRegion}), so that no writer there reaches the old primary:`,
  ];
  const dryRun = state.trigger?.dryRun === true;
  for (const { kind, fencing } of records) {
    const noun = kind.fenceNoun ?? kind.noun.replace(/s$/, '');
    const result = state.fence?.find((candidate) => candidate.kind === kind.id);
    if (result !== undefined && 'failure' in result) {
      lines.push(`- ${kind.title}: fence failed: ${errorText(result.failure)}`);
      continue;
    }
    if (dryRun) {
      if (result !== undefined) lines.push(`- ${kind.title}: ${result.message}`);
      continue;
    }
    if (fencing === undefined) {
      lines.push(`- ${kind.title}: no fencing record could be read`);
      continue;
    }
    for (const resource of fencing.resources) {
      if (resource.status === 'not-applicable') continue;
      lines.push(
        resource.status === 'fenced'
          ? `- ${noun} ${resource.label}: fenced: ${resource.detail}`
          : `- ${noun} ${resource.label}: NOT fenced yet (retried every ${FENCE_RETRY_MINUTES} minutes): ${resource.detail}`,
      );
    }
  }
  if (state.fenceFailure !== undefined)
    lines.push(`- fence failed: ${errorText(state.fenceFailure)}; the scheduled retry tries again`);
  return lines;
}

import { z } from 'zod';
import { OUTCOMES } from '../../functions/common/vocabulary.js';
import type { ReplayResult } from '../runner.js';

/**
 * The fields of a saved `failover replay --json` result that a report reads. Loose: the result
 * carries more (the cloud's end state, the output), which the report does not need checked.
 */
const timelineEntrySchema = z.looseObject({
  state: z.string(),
  item: z.string().optional(),
  start: z.number(),
  end: z.number(),
  runs: z.number().int(),
  retries: z.number().int(),
  outcome: z.enum(['succeeded', 'failed', 'caught', 'running']),
  error: z.string().optional(),
});

const replayResultSchema = z.looseObject({
  outcome: z.enum(OUTCOMES),
  summary: z.string(),
  executionName: z.string().min(1),
  startedAt: z.iso.datetime(),
  endedAt: z.iso.datetime(),
  error: z.strictObject({ error: z.string(), cause: z.string() }).optional(),
  output: z.unknown(),
  timeline: z.array(timelineEntrySchema),
  mutatingCalls: z.number().int(),
  apiCalls: z.number().int(),
  criticalPathSeconds: z.number(),
  // The simulated cloud's end state: its tables hold the run's failover record (optional: a
  // result without it still reports, without what each resource did).
  cloud: z
    .looseObject({ tables: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))) })
    .optional(),
});

/** A saved replay result, or a message saying what is wrong with it. */
export function parseReplayResult(document: unknown): ReplayResult | { readonly problem: string } {
  const parsed = replayResultSchema.safeParse(document);
  if (parsed.success) return parsed.data as unknown as ReplayResult;
  const problems = parsed.error.issues.map(
    (issue) => `${issue.path.join('.') || '(root)'}: ${issue.message}`,
  );
  return { problem: `not a replay result (failover replay --json): ${problems.slice(0, 3).join('; ')}` };
}

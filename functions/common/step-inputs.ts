import * as z from 'zod';
import { FailoverError } from './errors.js';
import { LOCK_DECISIONS, NOTIFICATION_KINDS } from './vocabulary.js';
import type {
  ConfirmOutageInput,
  FailoverLockInput,
  NotifyInput,
  ValidateTriggerInput,
} from './workflow-state.js';

/**
 * The input each workflow step accepts, as a schema (the kinds' steps have theirs in
 * functions/kinds/kind-step.ts). Each handler parses its input before its logic runs, so a
 * definition and a handler that drifted apart fail at once with the field named, instead of
 * deep inside the step. The step types in workflow-state.ts must accept what the schemas let
 * through: the checks at the end of this file fail to compile otherwise.
 */

/** The step input did not match its schema: a workflow definition and handler out of step. */
export class StepInputError extends FailoverError {
  public constructor(message: string) {
    super(message);
    this.name = 'StepInputError';
  }
}

/** The trigger Validate Trigger produced; optional facts (alarm name, outage start…) pass through. */
const triggerSchema = z.looseObject({
  kind: z.enum(['alarm', 'drill']),
  reason: z.string(),
  triggeredAt: z.string().min(1),
  confirmSeconds: z.number().min(0),
  dryRun: z.boolean(),
  executionId: z.string().min(1),
});

/** The lock as Acquire Lock wrote it into the state; its other facts pass through. */
const lockSchema = z.looseObject({
  decision: z.enum([LOCK_DECISIONS.acquired, LOCK_DECISIONS.duplicate, LOCK_DECISIONS.refused]),
  planName: z.string().min(1),
  tableName: z.string().min(1),
  region: z.string().min(1),
  executionArn: z.string().min(1),
  dryRun: z.boolean(),
  message: z.string(),
});

export const validateTriggerInputSchema = z.strictObject({
  event: z.unknown(),
  executionId: z.string().min(1),
  executionStartedAt: z.string().min(1),
});

export const failoverLockInputSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('acquire'), trigger: triggerSchema, executionId: z.string().min(1) }),
  z.strictObject({ action: z.literal('record-start'), lock: lockSchema }),
  z.strictObject({ action: z.literal('release'), lock: lockSchema }),
]);

export const confirmOutageInputSchema = z.strictObject({
  trigger: triggerSchema,
  lock: lockSchema.optional(),
});

export const notifyInputSchema = z.strictObject({
  kind: z.enum(NOTIFICATION_KINDS),
  executionId: z.string().min(1),
  /** The whole execution state: its parts are read defensively by the notice. */
  state: z.looseObject({}),
  /** `approval` only: the waiting Task's token (Step Functions caps it at 1,024 characters). */
  taskToken: z.string().min(1).max(1024).optional(),
});

/**
 * Parses a step's input with its schema.
 * @throws StepInputError naming every field that does not match
 */
export function parseStepInput<Schema extends z.ZodType>(schema: Schema, input: unknown): z.output<Schema> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new StepInputError(
      `invalid step input: ${parsed.error.issues
        .map((issue) => `${issue.path.join('.') || '(root)'} ${issue.message}`)
        .join('; ')}`,
    );
  }
  return parsed.data;
}

// What the schemas let through must be what the step types describe (compile-time checks).
type Accepts<Type, Schema extends z.ZodType> = z.output<Schema> extends Type ? true : never;
export const STEP_INPUT_TYPES_AGREE: [
  Accepts<ValidateTriggerInput, typeof validateTriggerInputSchema>,
  Accepts<ConfirmOutageInput, typeof confirmOutageInputSchema>,
  Accepts<FailoverLockInput, typeof failoverLockInputSchema>,
  Accepts<NotifyInput, typeof notifyInputSchema>,
] = [true, true, true, true];

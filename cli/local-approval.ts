import type { ApprovalChoice, Approver } from '../engine/approver.js';
import type { Scenario } from '../engine/sim/index.js';
import type { CliIo } from './cli-io.js';
import type { CliEnvironment } from './cli-environment.js';

/**
 * Who answers the approval request of a local game day (plans with `approval`), in this order:
 * `--approve` or `--decline` (at once, as the user running the drill); the scenario's `approval`;
 * a question on the terminal when there is one and `--yes` was not given (the seconds the answer
 * took pass on the virtual clock too, so a slow answer can meet the plan's timeout); otherwise
 * (`--yes`, or no terminal) approved at once by the user running the drill.
 */

export interface LocalApprovalFlags {
  readonly approve?: boolean;
  readonly decline?: boolean;
  readonly yes?: boolean;
}

const ANSWERS: Readonly<Record<string, ApprovalChoice['decision']>> = {
  approve: 'approve',
  a: 'approve',
  yes: 'approve',
  y: 'approve',
  decline: 'decline',
  d: 'decline',
  no: 'decline',
  n: 'decline',
  wait: 'none',
  w: 'none',
};

/** The approver of a local drill; undefined leaves it to the scenario's `approval`. */
export function localApprover(
  flags: LocalApprovalFlags,
  scenario: Scenario | undefined,
  io: CliIo,
  env: CliEnvironment,
): Approver | undefined {
  const by = env.userName();
  if (flags.approve === true) return () => ({ decision: 'approve', by });
  if (flags.decline === true)
    return () => ({ decision: 'decline', by, reason: 'declined in a local game day' });
  if (scenario?.approval !== undefined) return undefined;
  if (flags.yes === true || !env.interactive) return () => ({ decision: 'approve', by });
  return async (task) => {
    io.err(
      `Approval requested by ${task.executionArn}: the gate passed and nothing has changed yet (the simulated clock waits for you).`,
    );
    for (;;) {
      // Real time: the virtual clock stands still while it waits for the answer.
      const asked = performance.now();
      const answer = (await env.ask('Answer approve, decline or wait (let it time out): '))
        ?.trim()
        .toLowerCase();
      // The terminal closed: nobody will answer.
      if (answer === undefined) return { decision: 'none' };
      const decision = ANSWERS[answer];
      if (decision !== undefined)
        return { decision, by, afterSeconds: Math.max(0, Math.round(performance.now() - asked) / 1_000) };
      io.err(`"${answer}" is not approve, decline or wait`);
    }
  };
}

/** One line per approval request of the drill: who answered what, or that nobody did. */
export function approvalLines(
  approvals: readonly {
    readonly choice: ApprovalChoice;
    readonly sentAt?: string;
    readonly error?: string;
  }[],
): string[] {
  return approvals.map(({ choice, sentAt, error }) => {
    if (choice.decision === 'none') return "Approval: nobody answered; the plan's approval.onTimeout applied";
    const what = `${choice.decision === 'decline' ? 'declined' : 'approved'} by ${choice.by ?? 'scenario'}`;
    if (error !== undefined) return `Approval: ${what}, but not taken: ${error}`;
    return `Approval: ${what} at ${sentAt ?? 'unknown time'}`;
  });
}

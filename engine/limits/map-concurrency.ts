import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { INLINE_MAP_MAX_CONCURRENCY } from './aws-limits.js';

interface StatesHolder {
  States: Record<string, Record<string, unknown>>;
}

/**
 * The definition with every inline Map's MaxConcurrency capped at 40: AWS runs at most 40
 * iterations of an inline Map at once, whatever MaxConcurrency says (0, the default, means "as
 * many as possible"). aws-local-stepfunctions caps 0 at 40 itself but honours a larger number.
 * A MaxConcurrencyPath is resolved by the engine at run time and is left as it is. The
 * definition given is not changed.
 */
export function capInlineMapConcurrency(definition: StateMachineDefinition): StateMachineDefinition {
  const copy = structuredClone(definition) as unknown as StatesHolder;
  capStates(copy);
  return copy as unknown as StateMachineDefinition;
}

function capStates(holder: StatesHolder): void {
  for (const state of Object.values(holder.States)) {
    for (const branch of (state.Branches as StatesHolder[] | undefined) ?? []) capStates(branch);
    const processor = (state.ItemProcessor ?? state.Iterator) as
      (StatesHolder & { ProcessorConfig?: { Mode?: string } }) | undefined;
    if (state.Type !== 'Map' || processor === undefined) continue;
    capStates(processor);
    if (processor.ProcessorConfig?.Mode === 'DISTRIBUTED') continue;
    const max = state.MaxConcurrency;
    if (typeof max === 'number' && (max === 0 || max > INLINE_MAP_MAX_CONCURRENCY))
      state.MaxConcurrency = INLINE_MAP_MAX_CONCURRENCY;
  }
}

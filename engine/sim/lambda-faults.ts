import { mulberry32 } from './ids.js';
import {
  ScenarioValidationError,
  type LambdaFaultKind,
  type LambdaFaultRule,
  type Scenario,
} from './scenario.js';

/**
 * Decides which Lambda invocations fail with one of Lambda's own faults, invocation by
 * invocation: per Task state name, invocations are numbered from 1 over the whole replay (every
 * retry and every Map iteration counts), as the API faults number their calls. Deterministic for
 * a given scenario and invocation order.
 */
export class LambdaFaultInjector {
  private readonly rules: readonly LambdaFaultRule[];
  private readonly random: Scenario['randomLambda'];
  private readonly draw: () => number;
  private readonly invocations = new Map<string, number>();

  public constructor(scenario: Scenario) {
    this.rules = scenario.lambdaFaults ?? [];
    this.random = scenario.randomLambda;
    this.draw = mulberry32(scenario.randomLambda?.seed ?? 0);
  }

  /**
   * Rejects rules naming a state that is not a Task of the definition (a typo would silently
   * inject nothing).
   * @throws ScenarioValidationError
   */
  public checkStates(taskStates: ReadonlySet<string>): void {
    const issues = [
      ...this.rules.map((rule, i) => ({ path: `lambdaFaults[${i}].state`, state: rule.state })),
      ...(this.random?.states ?? []).map((state, i) => ({ path: `randomLambda.states[${i}]`, state })),
    ]
      .filter(({ state }) => !taskStates.has(state))
      .map(({ path, state }) => ({
        path,
        message: `the definition has no Task state "${state}" (one of ${[...taskStates].join(', ')})`,
      }));
    if (issues.length > 0) throw new ScenarioValidationError(issues);
  }

  /** The fault of the next invocation of `stateName`: the first matching rule, else a seeded random one, else none. */
  public decide(stateName: string): LambdaFaultKind | undefined {
    const invocation = (this.invocations.get(stateName) ?? 0) + 1;
    this.invocations.set(stateName, invocation);
    const rule = this.rules.find(
      (candidate) => candidate.state === stateName && matches(candidate, invocation),
    );
    if (rule) return rule.error;
    const random = this.random;
    if (!random || (random.states && !random.states.includes(stateName))) return undefined;
    if (this.draw() >= random.rate) return undefined;
    return random.errors[Math.floor(this.draw() * random.errors.length)];
  }
}

function matches(rule: LambdaFaultRule, invocation: number): boolean {
  if (rule.invocations === 'all') return true;
  if (rule.invocations !== undefined) return rule.invocations.includes(invocation);
  if (rule.from !== undefined)
    return invocation >= rule.from && (rule.count === undefined || invocation < rule.from + rule.count);
  return true;
}

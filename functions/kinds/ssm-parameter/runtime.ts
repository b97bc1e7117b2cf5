import { describeError } from '../../common/errors.js';
import { readProgress, writeAssessment, writeGate, writeProgress } from '../../common/failover-record.js';
import {
  mapBounded,
  summarise,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from '../kind-step.js';
import { requireAll, skippedIndexes, skippedMessage, type PreflightFinding } from '../preflight.js';
import { ssmParameterKind } from './definition.js';
import {
  currentValue,
  REPOINT_CONCURRENCY,
  repointParameters,
  templateContext,
} from './repoint-parameters.js';
import type { ParameterPreflight, ParameterProgress } from './types.js';
import { renderTemplate } from '../../common/templates.js';

import { routeBack, routeBackReadBack } from './failback.js';

const KIND = ssmParameterKind.id;

const summary = (action: 'start' | 'check', progress: readonly ParameterProgress[]): KindSummary =>
  summarise(
    KIND,
    action,
    progress.map((parameter) => ({ done: true, pollSeconds: 0, doneAt: parameter.repointedAt })),
    'parameters repointed',
  );

/**
 * Read-only preflight: every parameter exists in the recovery region (GetParameter, the call
 * Repoint makes anyway). A missing one would otherwise be created by Repoint, after the databases
 * were promoted, holding a value nobody reads: a plan naming a parameter that is not there is
 * wrong, and the failover stops before any change (unless the parameter is optional).
 */
async function gate({ plan, scope }: KindContext): Promise<KindSummary> {
  const region = plan.recoveryRegion;
  const findings = await mapBounded(
    plan.parameters,
    REPOINT_CONCURRENCY,
    async (parameter): Promise<PreflightFinding> => {
      const { value } = await currentValue(region, parameter.name);
      return {
        label: parameter.name,
        optional: parameter.optional,
        ...(value === null ? { problem: `parameter ${parameter.name} not found in ${region}` } : {}),
      };
    },
  );
  const looks: ParameterPreflight[] = findings.map((finding) => ({
    skipped: finding.problem !== undefined && finding.optional,
    message:
      finding.problem === undefined
        ? `${finding.label} exists in ${region}`
        : finding.optional
          ? skippedMessage(finding.problem)
          : finding.problem,
  }));
  // Recorded before a refusal, so the failure notice can say which parameters stopped the failover.
  await writeGate(scope, KIND, looks);
  requireAll(ssmParameterKind.noun, findings);
  const skipped = looks.filter((look) => look.skipped).length;
  const passed = summarise(
    KIND,
    'gate',
    looks.map(() => ({ done: true, pollSeconds: 0 })),
    'parameters through the preflight',
  );
  return skipped === 0 ? passed : { ...passed, message: `${passed.message}; ${skipped} optional skipped` };
}

/**
 * The SSM parameter kind: repoints every parameter in one invocation (nothing to poll, so
 * `check` only reports what `start` recorded). Read-back: a parameter counts as repointed when
 * it holds the value its template renders to from the databases really promoted.
 */
async function start({ plan, scope, dryRun }: KindContext): Promise<KindSummary> {
  const progress = await repointParameters(plan, scope, dryRun, await skippedIndexes(scope, KIND));
  await writeProgress(scope, KIND, progress);
  return summary('start', progress);
}

async function check({ scope }: KindContext): Promise<KindSummary> {
  return summary('check', (await readProgress<ParameterProgress[]>(scope, KIND)) ?? []);
}

async function readBack({ plan, scope }: KindContext): Promise<readonly Assessed[]> {
  const context = await templateContext(plan, scope);
  const skipped = await skippedIndexes(scope, KIND).catch(() => new Set<number>());
  const assessed = await mapBounded(
    plan.parameters,
    REPOINT_CONCURRENCY,
    async (parameter, i): Promise<Assessed> => {
      const label = parameter.name;
      if (skipped.has(i))
        return {
          label,
          done: false,
          detail: skippedMessage(`parameter ${label} did not pass the preflight`),
        };
      let target: string | undefined;
      try {
        target = renderTemplate(parameter.value, context);
      } catch {
        target = undefined; // names a database that is not promoted: it must not have been repointed
      }
      try {
        const { value } = await currentValue(plan.recoveryRegion, parameter.name);
        if (target !== undefined && value === target)
          return { label, done: true, detail: `points at ${value}` };
        return { label, done: false, detail: `not repointed: holds ${value ?? '(no parameter)'}` };
      } catch (error) {
        return { label, done: false, detail: `unknown: ${describeError(error)}` };
      }
    },
  );
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

const failingBack = (context: KindContext): boolean => context.direction === 'failback';

/** Failback (issue 10): Route Back to the values recorded before the failover (failback.ts). */
export const ssmParameterRuntime: KindRuntime = {
  kind: KIND,
  gate,
  start: (context) => (failingBack(context) ? routeBack(context) : start(context)),
  check: (context) => (failingBack(context) ? routeBack(context) : check(context)),
  readBack: (context) => (failingBack(context) ? routeBackReadBack(context) : readBack(context)),
};

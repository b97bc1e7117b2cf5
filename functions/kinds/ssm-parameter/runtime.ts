import { describeError } from '../../common/errors.js';
import { readProgress, writeAssessment, writeProgress } from '../../common/failover-record.js';
import {
  mapBounded,
  summarise,
  type Assessed,
  type KindContext,
  type KindRuntime,
  type KindSummary,
} from '../kind-step.js';
import { ssmParameterKind } from './definition.js';
import { currentValue, repointParameters, templateContext } from './repoint-parameters.js';
import type { ParameterProgress } from './types.js';
import { renderTemplate } from '../../common/templates.js';

const KIND = ssmParameterKind.id;

const summary = (action: 'start' | 'check', progress: readonly ParameterProgress[]): KindSummary =>
  summarise(
    KIND,
    action,
    progress.map((parameter) => ({ done: true, pollSeconds: 0, doneAt: parameter.repointedAt })),
    'parameters repointed',
  );

/**
 * The SSM parameter kind: repoints every parameter in one invocation (nothing to poll, so
 * `check` only reports what `start` recorded). Read-back: a parameter counts as repointed when
 * it holds the value its template renders to from the databases really promoted.
 */
async function start({ plan, scope, dryRun }: KindContext): Promise<KindSummary> {
  const progress = await repointParameters(plan, scope, dryRun);
  await writeProgress(scope, KIND, progress);
  return summary('start', progress);
}

async function check({ scope }: KindContext): Promise<KindSummary> {
  return summary('check', (await readProgress<ParameterProgress[]>(scope, KIND)) ?? []);
}

async function readBack({ plan, scope }: KindContext): Promise<readonly Assessed[]> {
  const context = await templateContext(plan, scope);
  const assessed = await mapBounded(plan.parameters, 8, async (parameter): Promise<Assessed> => {
    const label = parameter.name;
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
  });
  await writeAssessment(scope, KIND, assessed);
  return assessed;
}

export const ssmParameterRuntime: KindRuntime = { kind: KIND, start, check, readBack };

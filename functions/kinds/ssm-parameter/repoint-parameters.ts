import { GetParameterCommand, PutParameterCommand, type ParameterType } from '@aws-sdk/client-ssm';
import { ssmClient } from '../../common/clients/ssm.js';
import { ParameterTemplateError } from '../../common/errors.js';
import { readFacts, rememberOnce, type RecordScope } from '../../common/failover-record.js';
import type { Plan } from '../../common/plan.js';
import { nowIso } from '../../common/step-handler.js';
import { renderTemplate, type TemplateContext } from '../../common/templates.js';
import { mapBounded } from '../kind-step.js';
import { skippedMessage } from '../preflight.js';
import { KINDS } from '../registry.js';
import type { ParameterFacts, ParameterProgress } from './types.js';

/**
 * Parameters in flight at once. Each costs three calls (GetParameter, the record's UpdateItem,
 * PutParameter): at 150 ms a call, 16 in flight repoint the schema's maximum of 200 parameters in
 * about 6 s, a tenth of the function timeout (test/reliability/bounded-steps.test.ts). More in
 * flight would meet SSM's per-account PutParameter throughput, which throttles.
 */
export const REPOINT_CONCURRENCY = 16;
const CONCURRENCY = REPOINT_CONCURRENCY;
const NOTICE_VALUE_LENGTH = 200;

/**
 * Only a resource whose change finished has recorded facts (e.g. a promoted database's endpoint,
 * functions/kinds/kind-definition.ts TemplateOutputs), so only it can be named in a parameter: a
 * value must never point the application at an instance that is still a replica.
 */
export async function templateContext(plan: Plan, scope: RecordScope): Promise<TemplateContext> {
  const sections = await Promise.all(
    KINDS.map(async (kind) => {
      const outputs = kind.templateOutputs;
      if (outputs === undefined) return [];
      const items = plan[kind.planKey] as readonly Readonly<Record<string, unknown>>[];
      const facts = await mapBounded(items, 10, (_item, i) =>
        readFacts<Readonly<Record<string, unknown>>>(scope, kind.id, i),
      );
      const done: Record<string, Partial<Record<string, string>>> = {};
      items.forEach((item, i) => {
        const recorded = facts[i];
        const id = item[outputs.idField];
        if (recorded === undefined || typeof id !== 'string') return;
        done[id] = Object.fromEntries(
          outputs.fields.flatMap((field) =>
            typeof recorded[field] === 'string' ? [[field, recorded[field]]] : [],
          ),
        );
      });
      return [[kind.planKey, { noun: outputs.noun, items: done }] as const];
    }),
  );
  return {
    recoveryRegion: plan.recoveryRegion,
    primaryRegion: plan.primaryRegion,
    planName: plan.name,
    outputs: Object.fromEntries(sections.flat()),
  };
}

export async function currentValue(
  region: string,
  name: string,
): Promise<{ value: string | null; type: ParameterType }> {
  try {
    const response = await ssmClient(region).send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    return {
      value: response.Parameter?.Value ?? null,
      type: (response.Parameter?.Type as ParameterType) ?? 'String',
    };
  } catch (error) {
    if (error instanceof Error && error.name === 'ParameterNotFound') return { value: null, type: 'String' };
    throw error;
  }
}

/** A parameter left alone: optional, and unable to fail over (the reason is the notice's warning). */
export interface SkippedParameter {
  readonly skipped: string;
}

/**
 * Renders every template before the first write, so a template that cannot be filled changes
 * nothing. A parameter in `skip` (the preflight skipped it), or an optional one naming a database
 * that was not promoted (an optional database the gate skipped), is left alone.
 * @throws ParameterTemplateError
 */
export function renderAll(
  plan: Plan,
  context: TemplateContext,
  skip: ReadonlySet<number> = new Set(),
): (string | SkippedParameter)[] {
  return plan.parameters.map((parameter, i) => {
    if (skip.has(i)) return { skipped: `parameter ${parameter.name} did not pass the preflight` };
    try {
      return renderTemplate(parameter.value, context);
    } catch (error) {
      if (error instanceof ParameterTemplateError) {
        if (parameter.optional) return { skipped: `${parameter.name}: ${error.message}` };
        throw new ParameterTemplateError(`${parameter.name}: ${error.message}; no parameter was changed`);
      }
      throw error;
    }
  });
}

const short = (value: string | null): string | null =>
  value === null || value.length <= NOTICE_VALUE_LENGTH ? value : `${value.slice(0, NOTICE_VALUE_LENGTH)}…`;

/**
 * Points the recovery region's SSM parameters at the new endpoints, a few at a time. Each
 * previous value is recorded once, before the parameter's first write (failback restores it);
 * a parameter that already holds its new value is not written again, so a retried step is
 * harmless and still reports the value from before the failover.
 * @throws ParameterTemplateError
 */
export async function repointParameters(
  plan: Plan,
  scope: RecordScope,
  dryRun: boolean,
  skip: ReadonlySet<number> = new Set(),
): Promise<ParameterProgress[]> {
  const region = plan.recoveryRegion;
  const values = renderAll(plan, await templateContext(plan, scope), skip);
  return mapBounded(plan.parameters, CONCURRENCY, async (parameter, i): Promise<ParameterProgress> => {
    const value = values[i] ?? '';
    if (typeof value !== 'string') {
      return {
        status: 'skipped',
        previousValue: null,
        repointedAt: nowIso(),
        dryRun,
        message: skippedMessage(value.skipped),
      };
    }
    const current = await currentValue(region, parameter.name);
    const facts = dryRun
      ? { previousValue: current.value, type: current.type }
      : await rememberOnce<ParameterFacts>(scope, 'ssm-parameter', i, {
          previousValue: current.value,
          type: current.type,
        });
    if (current.value !== value && !dryRun) {
      await ssmClient(region).send(
        new PutParameterCommand({
          Name: parameter.name,
          Value: value,
          Type: current.type,
          Overwrite: current.value !== null,
        }),
      );
    }
    const status = facts.previousValue === value ? 'already' : dryRun ? 'would-repoint' : 'repointed';
    const verb = { already: 'already', 'would-repoint': 'would repoint', repointed: 'repointed' }[status];
    return {
      status,
      previousValue: short(facts.previousValue),
      repointedAt: nowIso(),
      dryRun,
      message: `${verb} ${short(facts.previousValue) ?? '(absent)'} -> ${short(value)}`,
    };
  });
}

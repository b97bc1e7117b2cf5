import * as z from 'zod';
import { templateReferences, templateSources } from '../../common/templates.js';
import { defineKind, records, type ArnScope } from '../kind-definition.js';

/** One SSM parameter to repoint at the recovery region (the plan's `parameters[]`). */
export const parameterSchema = z.strictObject({
  /** SSM parameter name (hierarchical, starts with `/`). */
  name: z
    .string()
    .regex(/^\/[a-zA-Z0-9_.\-/]{1,1010}$/, 'must be an SSM parameter path such as /shop/db/host'),
  /** New value; `{{databases.<id>.endpoint}}`, `{{globalDatastores.<id>.endpoint}}`, `{{recoveryRegion}}` … are filled from step outputs. */
  value: z.string().min(1).max(4096),
  /**
   * A parameter the failover can do without: when the preflight finds it missing from the
   * recovery region, or its template names an optional database that was skipped, it is left
   * alone with a warning in the notice instead of stopping the failover. A parameter naming an
   * optional database must be optional too. @default false
   */
  optional: z.boolean().default(false),
});
export type ParameterPlan = z.output<typeof parameterSchema>;

const parameterArns = (
  parameters: readonly ParameterPlan[],
  region: string,
  { partition, account }: ArnScope,
): string[] =>
  parameters.map(
    (parameter) => `arn:${partition}:ssm:${region}:${account}:parameter/${parameter.name.replace(/^\//, '')}`,
  );

export const ssmParameterKind = defineKind({
  id: 'ssm-parameter',
  planKey: 'parameters',
  itemSchema: parameterSchema,
  maxItems: 200,
  noun: 'parameters',
  title: 'SSM parameters',
  phase: 'route',
  hasGate: true,
  states: {
    gate: 'Preflight Parameters',
    gateWait: 'Wait To Preflight Parameters',
    gatePassed: 'All Parameters Preflighted?',
    start: 'Repoint Parameters',
    check: 'Check Parameters',
    wait: 'Wait For Parameters',
    doneChoice: 'All Parameters Repointed?',
    done: 'Parameters Repointed',
    readBack: 'Read Back Parameters',
    readBackFailed: 'Parameters Not Read Back',
  },
  // One invocation writes every parameter, a few at a time.
  budgetSeconds: () => ({ gate: 0, change: 60 }),
  services: ['ssm'],
  label: (item) => item.name,
  crossFieldIssues: (document, kinds) => {
    const parameters = records(document.parameters);
    const sources = templateSources(document, kinds);
    // The items a template may name that are optional, by section: `databases` → {"main"}.
    const optionalItems = new Map(
      kinds.flatMap((kind) => {
        const outputs = kind.templateOutputs;
        if (outputs === undefined) return [];
        const ids = records(document[kind.planKey])
          .filter((item) => item.optional === true)
          .map((item) => item[outputs.idField]);
        return [[kind.planKey, { noun: outputs.noun, ids: new Set(ids) }] as const];
      }),
    );
    const issues = parameters.flatMap((parameter, i) => {
      if (typeof parameter.value !== 'string') return [];
      const { references, problems } = templateReferences(parameter.value, sources);
      const onOptional =
        parameter.optional === true
          ? []
          : [
              ...new Set(
                references.flatMap((reference) => {
                  const [root = '', id] = reference.split('.');
                  const optional = optionalItems.get(root);
                  return optional !== undefined && optional.ids.has(id)
                    ? [
                        `names ${optional.noun} "${id}", which is optional: mark this parameter optional too, or the ${optional.noun} required`,
                      ]
                    : [];
                }),
              ),
            ];
      return [...problems, ...onOptional].map((message) => ({ path: `parameters[${i}].value`, message }));
    });
    const seen = new Set<unknown>();
    for (const parameter of parameters) {
      if (typeof parameter.name === 'string' && seen.has(parameter.name))
        issues.unshift({
          path: 'parameters',
          message: `parameter "${parameter.name}" is listed more than once`,
        });
      seen.add(parameter.name);
    }
    return issues;
  },
  permissions: (plan, scope) => {
    const parameters = parameterArns(plan.parameters, plan.recoveryRegion, scope);
    return parameters.length === 0
      ? []
      : [{ actions: ['ssm:GetParameter', 'ssm:PutParameter'], resources: parameters }];
  },
  readinessPermissions: (plan, scope) => {
    const parameters = parameterArns(plan.parameters, plan.recoveryRegion, scope);
    return parameters.length === 0 ? [] : [{ actions: ['ssm:GetParameters'], resources: parameters }];
  },
});

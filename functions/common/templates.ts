import { ParameterTemplateError } from './errors.js';

/**
 * Parameter values in a plan may name outputs of the failover: `{{databases.main.endpoint}}`
 * (the promoted instance's endpoint address), `{{databases.main.port}}`,
 * `{{databases.main.instanceId}}`, `{{recoveryRegion}}`, `{{primaryRegion}}`, `{{planName}}`,
 * and the outputs of every other kind that declares `templateOutputs`, as
 * `{{<plan key>.<id>.<field>}}` (TemplateSource; functions/kinds/kind-definition.ts).
 */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const DATABASE_FIELDS = ['endpoint', 'port', 'instanceId'] as const;
const PLAN_FIELDS = ['recoveryRegion', 'primaryRegion', 'planName'] as const;

export type DatabaseField = (typeof DATABASE_FIELDS)[number];

/** Outputs of a kind's items, by the plan's item id, then by field. */
export type ItemOutputs = Readonly<Record<string, Readonly<Record<string, string | undefined>>>>;

export interface TemplateContext {
  readonly recoveryRegion: string;
  readonly primaryRegion: string;
  readonly planName: string;
  /** Outputs of the promoted databases, by the plan's database id. */
  readonly databases: Readonly<Record<string, Partial<Record<DatabaseField, string>>>>;
  /** Outputs of the other kinds that declare `templateOutputs`, by plan key. */
  readonly outputs?: Readonly<Record<string, ItemOutputs>>;
}

/** A kind's outputs a template may name, `{{<root>.<id>.<field>}}`, for one plan document. */
export interface TemplateSource {
  /** The kind's plan key. */
  readonly root: string;
  /** What one item is called in messages: "global database". */
  readonly noun: string;
  readonly fields: readonly string[];
  /** The plan's item ids, and those of them marked optional. */
  readonly ids: ReadonlySet<string>;
  readonly optionalIds: ReadonlySet<string>;
}

const sourceProblem = (reference: string, source: TemplateSource, id: string, field: string) =>
  !source.ids.has(id)
    ? `{{${reference}}} names ${source.noun} "${id}", which the plan does not list`
    : !source.fields.includes(field)
      ? `{{${reference}}}: a ${source.noun} has ${source.fields.join(', ')}, not "${field}"`
      : undefined;

/** Lists the references in a template and what is wrong with them, without rendering it. */
export function templateReferences(
  template: string,
  databaseIds: ReadonlySet<string>,
  sources: readonly TemplateSource[] = [],
): { references: string[]; problems: string[] } {
  const references: string[] = [];
  const problems: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const reference = match[1] ?? '';
    references.push(reference);
    if ((PLAN_FIELDS as readonly string[]).includes(reference)) continue;
    const [root, id, field, ...extra] = reference.split('.');
    const source = sources.find((candidate) => candidate.root === root);
    if (source !== undefined && id !== undefined && field !== undefined && extra.length === 0) {
      const problem = sourceProblem(reference, source, id, field);
      if (problem !== undefined) problems.push(problem);
    } else if (root !== 'databases' || id === undefined || field === undefined || extra.length > 0) {
      const kinds = [
        `{{databases.<id>.${DATABASE_FIELDS.join('|')}}}`,
        ...sources.map((other) => `{{${other.root}.<id>.${other.fields.join('|')}}}`),
      ].join(', ');
      problems.push(`unknown placeholder {{${reference}}}: use ${kinds} or {{${PLAN_FIELDS.join('|')}}}`);
    } else if (!databaseIds.has(id)) {
      problems.push(`{{${reference}}} names database "${id}", which the plan does not list`);
    } else if (!(DATABASE_FIELDS as readonly string[]).includes(field)) {
      problems.push(`{{${reference}}}: a database has ${DATABASE_FIELDS.join(', ')}, not "${field}"`);
    }
  }
  const unbalanced = template.replace(PLACEHOLDER, '');
  if (unbalanced.includes('{{') || unbalanced.includes('}}')) problems.push('has an unclosed {{ or }}');
  return { references, problems };
}

/**
 * Fills a parameter template from the failover's outputs.
 * @throws ParameterTemplateError when a referenced output is missing (e.g. the database was not promoted)
 */
export function renderTemplate(template: string, context: TemplateContext): string {
  return template.replace(PLACEHOLDER, (_whole, reference: string) => {
    if (reference === 'recoveryRegion') return context.recoveryRegion;
    if (reference === 'primaryRegion') return context.primaryRegion;
    if (reference === 'planName') return context.planName;
    // Own properties of known fields only: `{{databases.constructor.name}}` must not render
    // Object.prototype's members, and `{{foo.main.endpoint}}` is not a database reference.
    const [root = '', id = '', field = '', ...extra] = reference.split('.');
    const other =
      context.outputs !== undefined && Object.hasOwn(context.outputs, root)
        ? context.outputs[root]
        : undefined;
    if (other !== undefined && extra.length === 0) {
      const item = Object.hasOwn(other, id) ? other[id] : undefined;
      const found = item !== undefined && Object.hasOwn(item, field) ? item[field] : undefined;
      if (found === undefined)
        throw new ParameterTemplateError(
          `{{${reference}}} has no value: ${root} "${id}" produced no ${field}`,
        );
      return found;
    }
    const isDatabaseField =
      root === 'databases' && extra.length === 0 && (DATABASE_FIELDS as readonly string[]).includes(field);
    const outputs =
      isDatabaseField && Object.hasOwn(context.databases, id) ? context.databases[id] : undefined;
    const value =
      outputs !== undefined && Object.hasOwn(outputs, field) ? outputs[field as DatabaseField] : undefined;
    if (value === undefined) {
      throw new ParameterTemplateError(
        `{{${reference}}} has no value: database "${id}" produced no ${field}`,
      );
    }
    return value;
  });
}

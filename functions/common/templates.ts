import { ParameterTemplateError } from './errors.js';

/**
 * Parameter values in a plan may name outputs of the failover: `{{databases.main.endpoint}}`
 * (the promoted instance's endpoint address), `{{databases.main.port}}`,
 * `{{databases.main.instanceId}}`, `{{recoveryRegion}}`, `{{primaryRegion}}`, `{{planName}}`.
 */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const DATABASE_FIELDS = ['endpoint', 'port', 'instanceId'] as const;
const PLAN_FIELDS = ['recoveryRegion', 'primaryRegion', 'planName'] as const;

export type DatabaseField = (typeof DATABASE_FIELDS)[number];

export interface TemplateContext {
  readonly recoveryRegion: string;
  readonly primaryRegion: string;
  readonly planName: string;
  /** Outputs of the promoted databases, by the plan's database id. */
  readonly databases: Readonly<Record<string, Partial<Record<DatabaseField, string>>>>;
}

/** Lists the references in a template and what is wrong with them, without rendering it. */
export function templateReferences(
  template: string,
  databaseIds: ReadonlySet<string>,
): { references: string[]; problems: string[] } {
  const references: string[] = [];
  const problems: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const reference = match[1] ?? '';
    references.push(reference);
    if ((PLAN_FIELDS as readonly string[]).includes(reference)) continue;
    const [root, id, field, ...extra] = reference.split('.');
    if (root !== 'databases' || id === undefined || field === undefined || extra.length > 0) {
      problems.push(
        `unknown placeholder {{${reference}}}: use {{databases.<id>.${DATABASE_FIELDS.join('|')}}} or {{${PLAN_FIELDS.join('|')}}}`,
      );
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
    const [root, id = '', field = '', ...extra] = reference.split('.');
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

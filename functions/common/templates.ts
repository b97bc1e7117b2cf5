import { ParameterTemplateError } from './errors.js';

/**
 * Parameter values in a plan may name outputs of the failover: `{{<section>.<id>.<field>}}`,
 * where a section is the plan key of a kind that declares `templateOutputs` (e.g.
 * `{{databases.main.endpoint}}`, the promoted instance's endpoint address), and
 * `{{recoveryRegion}}`, `{{primaryRegion}}`, `{{planName}}`. Which sections and fields exist
 * comes from the kinds (functions/kinds/kind-definition.ts); this module names none of them.
 */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const PLAN_FIELDS = ['recoveryRegion', 'primaryRegion', 'planName'] as const;

/** One section templates may name, as the plan declares it. */
export interface TemplateSource {
  /** The plan key: `databases`. */
  readonly section: string;
  /** One item, for messages: "database". */
  readonly noun: string;
  readonly fields: readonly string[];
  /** The ids the plan's items of this section have. */
  readonly ids: ReadonlySet<string>;
}

/** The outputs of one section's items that are done, by item id. */
export interface TemplateSection {
  readonly noun: string;
  readonly items: Readonly<Record<string, Readonly<Partial<Record<string, string>>>>>;
}

export interface TemplateContext {
  readonly recoveryRegion: string;
  readonly primaryRegion: string;
  readonly planName: string;
  /** Outputs of the resources that failed over, by section (`databases`) and item id. */
  readonly outputs: Readonly<Record<string, TemplateSection>>;
}

const usage = (sources: readonly TemplateSource[]): string =>
  [
    ...sources.map((source) => `{{${source.section}.<id>.${source.fields.join('|')}}}`),
    `{{${PLAN_FIELDS.join('|')}}}`,
  ]
    .join(', ')
    .replace(/, (?=[^,]*$)/, ' or ');

/** Lists the references in a template and what is wrong with them, without rendering it. */
export function templateReferences(
  template: string,
  sources: readonly TemplateSource[],
): { references: string[]; problems: string[] } {
  const references: string[] = [];
  const problems: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const reference = match[1] ?? '';
    references.push(reference);
    if ((PLAN_FIELDS as readonly string[]).includes(reference)) continue;
    const [root, id, field, ...extra] = reference.split('.');
    const source = sources.find((candidate) => candidate.section === root);
    if (source === undefined || id === undefined || field === undefined || extra.length > 0) {
      problems.push(`unknown placeholder {{${reference}}}: use ${usage(sources)}`);
    } else if (!source.ids.has(id)) {
      problems.push(`{{${reference}}} names ${source.noun} "${id}", which the plan does not list`);
    } else if (!source.fields.includes(field)) {
      problems.push(`{{${reference}}}: a ${source.noun} has ${source.fields.join(', ')}, not "${field}"`);
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
    // Own properties only: `{{databases.constructor.name}}` must not render Object.prototype's
    // members, and `{{foo.main.endpoint}}` names no section.
    const [root = '', id = '', field = '', ...extra] = reference.split('.');
    const section = Object.hasOwn(context.outputs, root) ? context.outputs[root] : undefined;
    const outputs =
      section !== undefined && extra.length === 0 && Object.hasOwn(section.items, id)
        ? section.items[id]
        : undefined;
    const value = outputs !== undefined && Object.hasOwn(outputs, field) ? outputs[field] : undefined;
    if (value === undefined) {
      const what = section === undefined ? `no section "${root}" has outputs` : `${section.noun} "${id}"`;
      throw new ParameterTemplateError(
        `{{${reference}}} has no value: ${section === undefined ? what : `${what} produced no ${field}`}`,
      );
    }
    return value;
  });
}

/** What templateSources needs of a kind (functions/kinds/kind-definition.ts KindOutline). */
interface OutlinedKind {
  readonly planKey: string;
  readonly templateOutputs?: {
    readonly idField: string;
    readonly noun: string;
    readonly fields: readonly string[];
  };
}

/** The sections a plan document's templates may name: every kind with outputs, its items' ids read defensively. */
export function templateSources(
  document: Readonly<Record<string, unknown>>,
  kinds: readonly OutlinedKind[],
): TemplateSource[] {
  return kinds.flatMap((kind) => {
    const outputs = kind.templateOutputs;
    if (outputs === undefined) return [];
    const items = Array.isArray(document[kind.planKey]) ? (document[kind.planKey] as unknown[]) : [];
    const ids = items
      .map((item) =>
        item !== null && typeof item === 'object'
          ? (item as Record<string, unknown>)[outputs.idField]
          : undefined,
      )
      .filter((id): id is string => typeof id === 'string');
    return [{ section: kind.planKey, noun: outputs.noun, fields: outputs.fields, ids: new Set(ids) }];
  });
}

import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';

/**
 * The SSM Command documents of the self-hosted kinds. Each one's source is a `.sh` next to its
 * `.json`: the script with `{{ Name }}` placeholders and a header of `# @description`,
 * `# @timeout` and `# @param <Name> [default=<value>] pattern=<regex> <description>` lines.
 * `node --import tsx test/nodes/write-documents.ts` turns every `.sh` into the `.json` the
 * construct creates the documents from; documents.test.ts checks that the two agree.
 */

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The kinds whose actions run on the servers themselves, through SSM Run Command. */
export const SELF_HOSTED_KINDS = ['postgres-replica', 'redis-sentinel', 'proxy-switch'] as const;
export type SelfHostedKind = (typeof SELF_HOSTED_KINDS)[number];

export interface DocumentParameter {
  readonly type: 'String';
  readonly description: string;
  readonly default?: string;
  readonly allowedPattern: string;
}

/** An SSM Command document, schema 2.2, with one aws:runShellScript step. */
export interface SsmCommandDocument {
  readonly schemaVersion: '2.2';
  readonly description: string;
  readonly parameters: Record<string, DocumentParameter>;
  readonly mainSteps: readonly [
    {
      readonly precondition: { readonly StringEquals: readonly ['platformType', 'Linux'] };
      readonly action: 'aws:runShellScript';
      readonly name: string;
      readonly inputs: { readonly timeoutSeconds: string; readonly runCommand: readonly string[] };
    },
  ];
}

export interface DocumentSource {
  readonly kind: SelfHostedKind;
  readonly name: string;
  readonly scriptPath: string;
  readonly documentPath: string;
}

export function documentsDirectory(kind: SelfHostedKind): string {
  return join(REPO, 'functions', 'kinds', kind, 'documents');
}

/** Every `.sh` document source of every self-hosted kind. */
export function documentSources(): DocumentSource[] {
  return SELF_HOSTED_KINDS.flatMap((kind) => {
    const directory = documentsDirectory(kind);
    return readdirSync(directory)
      .filter((file) => file.endsWith('.sh'))
      .sort()
      .map((file) => ({
        kind,
        name: basename(file, '.sh'),
        scriptPath: join(directory, file),
        documentPath: join(directory, `${basename(file, '.sh')}.json`),
      }));
  });
}

const PARAM_LINE = /^# @param (\w+) (?:default=(\S*) )?pattern=(\S+) (.+)$/;

/** Builds the document from its script's header; throws on a header it cannot read. */
export function documentFromScript(name: string, script: string): SsmCommandDocument {
  const lines = script.replace(/\n$/, '').split('\n');
  const description = lines
    .find((line) => line.startsWith('# @description '))
    ?.slice('# @description '.length);
  const timeout = lines.find((line) => line.startsWith('# @timeout '))?.slice('# @timeout '.length);
  if (!description || !timeout || !/^\d+$/.test(timeout)) {
    throw new Error(`${name}: the header needs "# @description <text>" and "# @timeout <seconds>"`);
  }
  const parameters: Record<string, DocumentParameter> = {};
  for (const line of lines.filter((l) => l.startsWith('# @param '))) {
    const match = PARAM_LINE.exec(line);
    if (!match) throw new Error(`${name}: cannot read parameter line "${line}"`);
    const [, parameter = '', defaultValue, allowedPattern = '', text = ''] = match;
    parameters[parameter] = {
      type: 'String',
      description: text,
      ...(defaultValue === undefined ? {} : { default: defaultValue }),
      allowedPattern,
    };
  }
  const used = new Set([...script.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]));
  const declared = new Set(Object.keys(parameters));
  const mismatch = [...used]
    .filter((p) => !declared.has(p ?? ''))
    .concat([...declared].filter((p) => !used.has(p)));
  if (mismatch.length > 0)
    throw new Error(
      `${name}: parameters used but not declared, or declared but unused: ${mismatch.join(', ')}`,
    );
  return {
    schemaVersion: '2.2',
    description,
    parameters,
    mainSteps: [
      {
        precondition: { StringEquals: ['platformType', 'Linux'] },
        action: 'aws:runShellScript',
        name: name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase()),
        inputs: { timeoutSeconds: timeout, runCommand: lines },
      },
    ],
  };
}

/** The `.json` text for a source, formatted as prettier formats the repository's JSON. */
export async function documentText(source: DocumentSource): Promise<string> {
  const document = documentFromScript(source.name, readFileSync(source.scriptPath, 'utf8'));
  const options = (await prettier.resolveConfig(source.documentPath)) ?? {};
  return prettier.format(JSON.stringify(document), { ...options, filepath: source.documentPath });
}

export function readDocument(kind: SelfHostedKind, name: string): SsmCommandDocument {
  return JSON.parse(
    readFileSync(join(documentsDirectory(kind), `${name}.json`), 'utf8'),
  ) as SsmCommandDocument;
}

/**
 * The script SSM Run Command would run: every parameter checked against its allowedPattern
 * (SSM refuses the command otherwise), defaults filled in, and each `{{ Name }}` replaced by the
 * value as plain text, as SSM does.
 */
export function renderCommand(document: SsmCommandDocument, values: Record<string, string>): string {
  for (const name of Object.keys(values)) {
    if (!(name in document.parameters)) throw new Error(`the document has no parameter ${name}`);
  }
  const resolved: Record<string, string> = {};
  for (const [name, parameter] of Object.entries(document.parameters)) {
    const value = values[name] ?? parameter.default;
    if (value === undefined) throw new Error(`the document requires parameter ${name}`);
    if (!new RegExp(parameter.allowedPattern).test(value)) {
      throw new Error(`parameter ${name}="${value}" does not match ${parameter.allowedPattern}`);
    }
    resolved[name] = value;
  }
  const script = document.mainSteps[0].inputs.runCommand.join('\n');
  return script.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => resolved[name] ?? '') + '\n';
}

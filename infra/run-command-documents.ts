import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnDocument } from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import type { Plan } from '../functions/common/plan.js';
import { documentName } from '../functions/kinds/run-command-definition.js';
import { KINDS } from '../functions/kinds/registry.js';

const KINDS_DIRECTORY = join(dirname(fileURLToPath(import.meta.url)), '..', 'functions', 'kinds');

/** One SSM Command document a kind ships: `functions/kinds/<id>/documents/<name>.json`. */
export interface ShippedDocument {
  readonly kind: string;
  readonly document: string;
  readonly path: string;
}

/**
 * The documents of the kinds a plan uses, found by convention: a kind that acts through SSM Run
 * Command keeps its SSM Command documents (generated from their `.sh` sources) in its folder's
 * `documents/`. No kind is named here.
 */
export function shippedDocuments(plan: Plan): ShippedDocument[] {
  const sections = plan as unknown as Readonly<Record<string, readonly unknown[] | undefined>>;
  return KINDS.filter((kind) => (sections[kind.planKey]?.length ?? 0) > 0).flatMap((kind) => {
    const directory = join(KINDS_DIRECTORY, kind.id, 'documents');
    if (!existsSync(directory)) return [];
    return readdirSync(directory)
      .filter((file) => file.endsWith('.json'))
      .sort()
      .map((file) => ({ kind: kind.id, document: basename(file, '.json'), path: join(directory, file) }));
  });
}

/**
 * Creates the SSM Command documents (`aws:runShellScript`, schema 2.2) of the Run Command kinds
 * the plan uses, each named `Failover-<plan>-<kind>-<document>` (the name the kinds' functions
 * send and their IAM names). A changed script updates the document in place as a new version,
 * which becomes the default (`UpdateMethod: NewVersion`; a named document cannot be replaced).
 */
export class RunCommandDocuments extends Construct {
  /** The documents by their SSM name. */
  public readonly documents: Readonly<Record<string, CfnDocument>>;

  public constructor(scope: Construct, id: string, props: { readonly plan: Plan }) {
    super(scope, id);
    const documents: Record<string, CfnDocument> = {};
    for (const shipped of shippedDocuments(props.plan)) {
      const name = documentName(props.plan.name, shipped.kind, shipped.document);
      documents[name] = new CfnDocument(this, name, {
        name,
        documentType: 'Command',
        documentFormat: 'JSON',
        updateMethod: 'NewVersion',
        content: JSON.parse(readFileSync(shipped.path, 'utf8')) as unknown,
        tags: [{ key: 'failover-plan', value: props.plan.name }],
      });
    }
    this.documents = documents;
  }
}

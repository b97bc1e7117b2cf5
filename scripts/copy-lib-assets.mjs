// Copies the files the compiled library reads at synth, besides its JavaScript, into lib/: the
// SSM Command documents of the Run Command kinds (infra/run-command-documents.ts finds them in
// functions/kinds/<id>/documents/, relative to itself).
import { cpSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const kinds = 'functions/kinds';
for (const kind of readdirSync(kinds, { withFileTypes: true })) {
  const documents = join(kinds, kind.name, 'documents');
  if (!kind.isDirectory() || !existsSync(documents)) continue;
  for (const file of readdirSync(documents).filter((name) => name.endsWith('.json')))
    cpSync(join(documents, file), join('lib', documents, file));
}

import { writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { documentSources, documentText } from './ssm-document.js';

/** Writes each self-hosted kind's SSM Command document (.json) from its script (.sh). */
for (const source of documentSources()) {
  writeFileSync(source.documentPath, await documentText(source));
  console.log(relative(process.cwd(), source.documentPath));
}

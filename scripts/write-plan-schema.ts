// Writes schema/plan.schema.json from the plan's zod schema, for editors (yaml-language-server).
// `npm run plan:schema`; a test fails when the committed file is out of date.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { planJsonSchema } from '../functions/common/plan.js';

const target = fileURLToPath(new URL('../schema/plan.schema.json', import.meta.url));
writeFileSync(target, `${JSON.stringify(planJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);

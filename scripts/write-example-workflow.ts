// Writes state-machines/failover.asl.json: the workflow the builder produces for the example
// plan, for people to read. `npm run workflow:example`; a test fails when it is out of date.
import { writeFileSync } from 'node:fs';
import { EXAMPLE_DEFINITION_PATH, exampleDefinitionText } from '../state-machines/example-definition.js';

writeFileSync(EXAMPLE_DEFINITION_PATH, exampleDefinitionText());
console.log(`wrote ${EXAMPLE_DEFINITION_PATH}`);

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EXAMPLE_DEFINITION_PATH, exampleDefinitionText } from '../../state-machines/example-definition.js';

describe('state-machines/failover.asl.json', () => {
  it('is what the builder produces for the example plan (run `npm run workflow:example` after a change)', () => {
    expect(readFileSync(EXAMPLE_DEFINITION_PATH, 'utf8')).toBe(exampleDefinitionText());
  });
});

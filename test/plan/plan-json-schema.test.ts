import { describe, expect, it } from 'vitest';
import { planJsonSchema, planSchema } from '../../functions/common/plan.js';

type JsonSchemaNode = {
  readonly type?: string;
  readonly properties?: Readonly<Record<string, JsonSchemaNode>>;
  readonly items?: JsonSchemaNode;
  readonly anyOf?: readonly JsonSchemaNode[];
  readonly required?: readonly string[];
  readonly additionalProperties?: unknown;
  readonly default?: unknown;
};

/** Every object schema in the tree, with a path like `databases[].replica`. */
function objectSchemas(node: JsonSchemaNode, path = '(root)'): { path: string; node: JsonSchemaNode }[] {
  const own = node.type === 'object' ? [{ path, node }] : [];
  const fromProperties = Object.entries(node.properties ?? {}).flatMap(([key, child]) =>
    objectSchemas(child, path === '(root)' ? key : `${path}.${key}`),
  );
  const fromItems = node.items ? objectSchemas(node.items, `${path}[]`) : [];
  const fromUnion = (node.anyOf ?? []).flatMap((child, i) => objectSchemas(child, `${path}|${i}`));
  return [...own, ...fromProperties, ...fromItems, ...fromUnion];
}

describe('planJsonSchema', () => {
  it('describes the plan file as a draft 2020-12 object schema with every top-level key', () => {
    // Act
    const schema = planJsonSchema() as JsonSchemaNode & { $schema?: string };

    // Assert
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(Object.keys(schema.properties ?? {}).sort()).toEqual(Object.keys(planSchema.shape).sort());
  });

  it('rejects additional properties on every object, so that an editor flags a typo key', () => {
    // Arrange
    const schema = planJsonSchema() as JsonSchemaNode;

    // Act
    const objects = objectSchemas(schema);

    // Assert
    expect(objects.map(({ path }) => path)).toEqual(
      expect.arrayContaining([
        '(root)',
        'objectives',
        'triggers',
        'triggers.alarms[]|1',
        'databases[]',
        'scalingGroups[]',
        'parameters[]',
        'notifications',
      ]),
    );
    expect(objects.filter(({ node }) => node.additionalProperties !== false).map(({ path }) => path)).toEqual(
      [],
    );
  });

  it('describes the file as written: fields with defaults are optional and show their default', () => {
    // Arrange
    const schema = planJsonSchema() as JsonSchemaNode;

    // Act
    const database = schema.properties?.databases?.items;
    const triggers = schema.properties?.triggers;

    // Assert
    expect(schema.required).toEqual(['name', 'primaryRegion', 'recoveryRegion', 'objectives', 'triggers']);
    expect(database?.required).toEqual(['id', 'replica', 'maxLagSeconds']);
    expect(database?.properties?.lagWaitSeconds?.default).toBe(120);
    expect(database?.properties?.promotionTimeoutSeconds?.default).toBe(1_800);
    expect(triggers?.required).toEqual(['alarms']);
    expect(triggers?.properties?.confirmSeconds?.default).toBe(60);
  });

  it('is plain JSON that survives serialisation unchanged', () => {
    // Arrange
    const schema = planJsonSchema();

    // Act
    const roundTripped: unknown = JSON.parse(JSON.stringify(schema));

    // Assert
    expect(roundTripped).toEqual(schema);
  });
});

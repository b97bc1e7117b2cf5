import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParameterTemplateError } from '../../functions/common/errors.js';
import {
  renderTemplate,
  templateReferences,
  templateSources,
  type TemplateContext,
  type TemplateSource,
} from '../../functions/common/templates.js';
import { KINDS } from '../../functions/kinds/registry.js';

/** The sections a plan with databases `main` and `orders` offers its templates. */
const DATABASE_IDS: readonly TemplateSource[] = [
  {
    section: 'databases',
    noun: 'database',
    fields: ['endpoint', 'port', 'instanceId'],
    ids: new Set(['main', 'orders']),
  },
];

const context: TemplateContext = {
  recoveryRegion: 'us-west-2',
  primaryRegion: 'us-east-1',
  planName: 'shop-prod',
  outputs: {
    databases: {
      noun: 'database',
      items: {
        main: {
          endpoint: 'shop-db-replica.abcdefgh0ijk.us-west-2.rds.amazonaws.com',
          port: '1521',
          instanceId: 'shop-db-replica',
        },
      },
    },
  },
};

describe('templateReferences', () => {
  it.each([
    ['{{databases.main.endpoint}}', ['databases.main.endpoint']],
    ['{{ databases.orders.port }}', ['databases.orders.port']],
    ['{{databases.main.instanceId}}', ['databases.main.instanceId']],
    [
      'jdbc:postgresql://{{databases.main.endpoint}}:{{databases.main.port}}/shop',
      ['databases.main.endpoint', 'databases.main.port'],
    ],
    ['{{recoveryRegion}}/{{primaryRegion}}/{{planName}}', ['recoveryRegion', 'primaryRegion', 'planName']],
    ['no placeholder at all', []],
  ])('finds no problem in %s', (template, references) => {
    // Act
    const result = templateReferences(template, DATABASE_IDS);

    // Assert
    expect(result).toEqual({ references, problems: [] });
  });

  it.each([
    [
      '{{databases.billing.endpoint}}',
      '{{databases.billing.endpoint}} names database "billing", which the plan does not list',
    ],
    [
      '{{databases.main.hostname}}',
      '{{databases.main.hostname}}: a database has endpoint, port, instanceId, not "hostname"',
    ],
    ['{{databases.main}}', 'unknown placeholder {{databases.main}}'],
    ['{{databases.main.endpoint.address}}', 'unknown placeholder {{databases.main.endpoint.address}}'],
    [
      '{{region}}',
      'unknown placeholder {{region}}: use {{databases.<id>.endpoint|port|instanceId}} or {{recoveryRegion|primaryRegion|planName}}',
    ],
    ['{{}}', 'unknown placeholder {{}}'],
    ['{{databases.main.endpoint', 'has an unclosed {{ or }}'],
    ['databases.main.endpoint}}', 'has an unclosed {{ or }}'],
  ])('reports the problem of %s', (template, problem) => {
    // Act
    const { problems } = templateReferences(template, DATABASE_IDS);

    // Assert
    expect(problems).toEqual([expect.stringContaining(problem)]);
  });

  it('reports every problem of one template, in order', () => {
    // Act
    const { problems } = templateReferences(
      '{{databases.x.endpoint}}:{{databases.main.host}}:{{zone}}:{{',
      DATABASE_IDS,
    );

    // Assert
    expect(problems).toEqual([
      expect.stringContaining('names database "x"'),
      expect.stringContaining('not "host"'),
      expect.stringContaining('unknown placeholder {{zone}}'),
      'has an unclosed {{ or }}',
    ]);
  });
});

describe('templateSources', () => {
  it('offers every kind that declares template outputs, with the ids its plan items have', () => {
    // Arrange
    const document = {
      databases: [{ id: 'main' }, { id: 'orders' }, 'not an item'],
      globalDatastores: [{ id: 'sessions' }],
    };

    // Act
    const sources = templateSources(document, KINDS);

    // Assert
    expect(sources.map((source) => [source.section, [...source.ids]])).toEqual([
      ['databases', ['main', 'orders']],
      ['globalDatastores', ['sessions']],
    ]);
    expect(templateReferences('{{globalDatastores.sessions.endpoint}}', sources).problems).toEqual([]);
    expect(templateReferences('{{globalDatastores.sessions.instanceId}}', sources).problems).toEqual([
      '{{globalDatastores.sessions.instanceId}}: a global datastore has endpoint, port, replicationGroupId, not "instanceId"',
    ]);
  });
});

describe('renderTemplate', () => {
  it.each([
    ['{{databases.main.endpoint}}', 'shop-db-replica.abcdefgh0ijk.us-west-2.rds.amazonaws.com'],
    ['{{ databases.main.port }}', '1521'],
    ['{{databases.main.instanceId}}', 'shop-db-replica'],
    ['{{recoveryRegion}}', 'us-west-2'],
    ['{{primaryRegion}}->{{recoveryRegion}} ({{planName}})', 'us-east-1->us-west-2 (shop-prod)'],
    [
      'postgres://{{databases.main.endpoint}}:{{databases.main.port}}/shop?host={{databases.main.endpoint}}',
      'postgres://shop-db-replica.abcdefgh0ijk.us-west-2.rds.amazonaws.com:1521/shop?host=shop-db-replica.abcdefgh0ijk.us-west-2.rds.amazonaws.com',
    ],
  ])('renders %s', (template, expected) => {
    // Act
    const value = renderTemplate(template, context);

    // Assert
    expect(value).toBe(expected);
  });

  it.each([
    [
      'a database that produced no outputs',
      '{{databases.orders.endpoint}}',
      '{{databases.orders.endpoint}} has no value: database "orders" produced no endpoint',
    ],
    ['an output the database lacks', '{{databases.main.hostname}}', 'database "main" produced no hostname'],
    [
      'a member of Object.prototype',
      '{{databases.constructor.name}}',
      'database "constructor" produced no name',
    ],
    ['a reference outside databases', '{{cache.main.endpoint}}', '{{cache.main.endpoint}} has no value'],
    [
      'a reference with an extra part',
      '{{databases.main.endpoint.address}}',
      '{{databases.main.endpoint.address}} has no value',
    ],
  ])('throws ParameterTemplateError for %s', (_case, template, message) => {
    // Act
    const render = () => renderTemplate(template, context);

    // Assert
    expect(render).toThrow(ParameterTemplateError);
    expect(render).toThrow(message);
  });

  it('fills an endpoint into any text around it, and leaves text without placeholders unchanged', () => {
    const text = fc.string().filter((value) => !value.includes('{') && !value.includes('}'));
    fc.assert(
      fc.property(text, text, text, (before, endpoint, after) => {
        // Arrange
        const withEndpoint: TemplateContext = {
          ...context,
          outputs: { databases: { noun: 'database', items: { main: { endpoint } } } },
        };

        // Act
        const rendered = renderTemplate(`${before}{{databases.main.endpoint}}${after}`, withEndpoint);
        const plain = renderTemplate(before, withEndpoint);

        // Assert
        expect(rendered).toBe(`${before}${endpoint}${after}`);
        expect(plain).toBe(before);
        expect(templateReferences(before, DATABASE_IDS).problems).toEqual([]);
      }),
    );
  });
});

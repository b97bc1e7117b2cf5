import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PlanValidationError, type PlanIssue } from '../../functions/common/errors.js';
import { parsePlan } from '../../functions/common/plan.js';
import { EXAMPLE_PLAN_FILE, examplePlanDocument, setPath } from '../fixtures/plans.js';

/** The issues parsePlan reports for `document`; fails the test if it does not throw. */
function planIssues(document: unknown): readonly PlanIssue[] {
  try {
    parsePlan(document);
  } catch (error) {
    if (error instanceof PlanValidationError) return error.issues;
    throw error;
  }
  throw new Error('parsePlan accepted the plan');
}

/** The example plan with each `[dotted path, value]` applied; `undefined` deletes the key. */
function exampleWith(edits: readonly (readonly [string, unknown])[]): unknown {
  const document = examplePlanDocument();
  for (const [path, value] of edits) setPath(document, path, value);
  return document;
}

/** Asserts that `issues` are exactly the expected ones (any order), each matched by path and message text. */
function expectExactly(issues: readonly PlanIssue[], expected: readonly (readonly [string, string])[]): void {
  expect(issues).toHaveLength(expected.length);
  expect(issues).toEqual(
    expect.arrayContaining(
      expected.map(([path, message]) => ({ path, message: expect.stringContaining(message) })),
    ),
  );
}

describe('parsePlan', () => {
  it('accepts the example plan, applies defaults and resolves alarm regions', () => {
    // Arrange
    const document = examplePlanDocument();

    // Act
    const plan = parsePlan(document, EXAMPLE_PLAN_FILE);

    // Assert
    expect(plan.name).toBe('shop-prod');
    expect(plan.triggers).toEqual({
      alarms: [
        { name: 'shop-primary-health', region: 'us-east-1' },
        { name: 'shop-alb-5xx', region: 'us-east-1' },
        { name: 'shop-primary-composite', region: 'us-east-1' },
      ],
      confirmSeconds: 60,
      minMinutesBetweenExecutions: 60,
      accounts: [],
    });
    expect(plan.databases).toEqual([
      {
        id: 'main',
        replica: 'shop-db-replica',
        maxLagSeconds: 30,
        lagWaitSeconds: 120,
        onLagExceeded: 'abort',
        promotionTimeoutSeconds: 1_800,
        optional: false,
      },
    ]);
    expect(plan.scalingGroups).toEqual([
      {
        name: 'shop-app-usw2',
        min: 3,
        desired: 6,
        max: 12,
        capacityTimeoutSeconds: 900,
        minHealthyPercent: 100,
        optional: false,
      },
    ]);
    expect(plan.parameters.map((parameter) => parameter.name)).toEqual([
      '/shop/db/host',
      '/shop/db/port',
      '/shop/active-region',
    ]);
    expect(plan.notifications.topicArn).toBe('arn:aws:sns:us-west-2:111111111111:shop-failover');
  });

  it('fills every default of a minimal plan without writing them into the document', () => {
    // Arrange
    const document = {
      name: 'minimal',
      primaryRegion: 'eu-west-1',
      recoveryRegion: 'eu-central-1',
      objectives: { rtoSeconds: 600, rpoSeconds: 30 },
      triggers: {
        alarms: ['primary-down', { name: 'primary-5xx' }, { name: 'health', region: 'us-east-1' }],
      },
      databases: [{ id: 'main', replica: 'db-replica', maxLagSeconds: 10 }],
    };

    // Act
    const plan = parsePlan(document);

    // Assert
    expect(plan.triggers).toEqual({
      alarms: [
        { name: 'primary-down', region: 'eu-west-1' },
        { name: 'primary-5xx', region: 'eu-west-1' },
        { name: 'health', region: 'us-east-1' },
      ],
      confirmSeconds: 60,
      minMinutesBetweenExecutions: 60,
      accounts: [],
    });
    expect(plan.databases[0]).toMatchObject({
      lagWaitSeconds: 120,
      onLagExceeded: 'abort',
      promotionTimeoutSeconds: 1_800,
    });
    expect(plan.scalingGroups).toEqual([]);
    expect(plan.parameters).toEqual([]);
    expect(plan.notifications).toEqual({});
    expect(document.databases[0]).not.toHaveProperty('lagWaitSeconds');
  });

  it.each([
    ['maxLagSeconds equal to rpoSeconds', [['databases.0.maxLagSeconds', 60]]],
    ['confirmSeconds one second under rtoSeconds', [['triggers.confirmSeconds', 899]]],
    ['min, desired and max all equal', [['scalingGroups.0', { name: 'g', min: 2, desired: 2, max: 2 }]]],
    [
      'a plan with parameters only',
      [
        ['databases', []],
        ['scalingGroups', []],
        ['parameters', [{ name: '/a', value: '{{planName}}' }]],
      ],
    ],
  ] as const)('accepts the boundary case of %s', (_case, edits) => {
    // Arrange
    const document = exampleWith(edits);

    // Act
    const parse = () => parsePlan(document);

    // Assert
    expect(parse).not.toThrow();
  });

  it.each([
    {
      problem: 'a typo key maxLagSecond',
      edits: [
        ['databases.0.maxLagSecond', 30],
        ['databases.0.maxLagSeconds', undefined],
      ],
      issues: [
        ['databases[0]', 'Unrecognized key: "maxLagSecond"'],
        ['databases[0].maxLagSeconds', 'expected number'],
      ],
    },
    {
      problem: 'prewarm in a plan with no group to prewarm',
      edits: [
        ['prewarm', true],
        ['scalingGroups', []],
      ],
      issues: [['prewarm', 'nothing to prewarm: only scalingGroups, ecsServices can start early']],
    },
    {
      problem: 'prewarm that is not a boolean',
      edits: [['prewarm', 'yes']],
      issues: [['prewarm', 'expected boolean']],
    },
    {
      problem: 'a number written as a string',
      edits: [['objectives.rtoSeconds', '900']],
      issues: [['objectives.rtoSeconds', 'expected number, received string']],
    },
    {
      problem: 'a fraction of a second',
      edits: [['databases.0.maxLagSeconds', 2.5]],
      issues: [['databases[0].maxLagSeconds', 'must be a whole number of seconds']],
    },
    {
      problem: 'an unknown lag policy',
      edits: [['databases.0.onLagExceeded', 'ignore']],
      issues: [['databases[0].onLagExceeded', '"promote"']],
    },
    {
      problem: 'min above desired',
      edits: [['scalingGroups.0.min', 8]],
      issues: [['scalingGroups[0]', 'needs min <= desired <= max, got min 8, desired 6, max 12']],
    },
    {
      problem: 'desired above max',
      edits: [['scalingGroups.0.desired', 20]],
      issues: [['scalingGroups[0]', 'got min 3, desired 20, max 12']],
    },
    {
      problem: 'duplicate database ids',
      edits: [['databases.1', { id: 'main', replica: 'orders-db-replica', maxLagSeconds: 30 }]],
      issues: [['databases', 'database id "main" is used more than once']],
    },
    {
      problem: 'the same replica under two ids',
      edits: [['databases.1', { id: 'orders', replica: 'shop-db-replica', maxLagSeconds: 30 }]],
      issues: [['databases', 'replica "shop-db-replica" is listed more than once']],
    },
    {
      problem: 'duplicate scaling groups',
      edits: [['scalingGroups.1', { name: 'shop-app-usw2', min: 1, desired: 1, max: 1 }]],
      issues: [['scalingGroups', 'group "shop-app-usw2" is listed more than once']],
    },
    {
      problem: 'duplicate parameters',
      edits: [['parameters.3', { name: '/shop/db/host', value: 'db.example.com' }]],
      issues: [['parameters', 'parameter "/shop/db/host" is listed more than once']],
    },
    {
      problem: 'an alarm listed by name and again with its (same) region',
      edits: [['triggers.alarms.3', 'shop-alb-5xx']],
      issues: [['triggers.alarms', 'alarm us-east-1/shop-alb-5xx is listed more than once']],
    },
    {
      problem: 'a template naming an unknown database',
      edits: [['parameters.0.value', '{{databases.orders.endpoint}}']],
      issues: [
        [
          'parameters[0].value',
          '{{databases.orders.endpoint}} names database "orders", which the plan does not list',
        ],
      ],
    },
    {
      problem: 'a template asking a database for its hostname',
      edits: [['parameters.0.value', '{{databases.main.hostname}}']],
      issues: [['parameters[0].value', 'a database has endpoint, port, instanceId, not "hostname"']],
    },
    {
      problem: 'a template with an unknown placeholder and an unclosed brace',
      edits: [['parameters.2.value', '{{region}}-{{recoveryRegion']],
      issues: [
        ['parameters[2].value', 'unknown placeholder {{region}}'],
        ['parameters[2].value', 'has an unclosed {{ or }}'],
      ],
    },
    {
      problem: 'a topic in the primary region',
      edits: [['notifications.topicArn', 'arn:aws:sns:us-east-1:111111111111:shop-failover']],
      issues: [
        [
          'notifications.topicArn',
          'topic is in us-east-1, but notifications must not depend on the failed region',
        ],
      ],
    },
    {
      problem: 'a topic that is not an ARN',
      edits: [['notifications.topicArn', 'shop-failover']],
      issues: [['notifications.topicArn', 'must be an SNS topic ARN']],
    },
    {
      problem: 'the recovery region equal to the primary region',
      edits: [['recoveryRegion', 'us-east-1']],
      issues: [
        ['recoveryRegion', 'must differ from primaryRegion (us-east-1)'],
        ['notifications.topicArn', 'topic is in us-west-2'],
      ],
    },
    {
      problem: 'a region that is not a region code',
      edits: [['primaryRegion', 'US East']],
      issues: [['primaryRegion', 'must be an AWS region code such as us-west-2']],
    },
    {
      problem: 'maxLagSeconds above rpoSeconds',
      edits: [['databases.0.maxLagSeconds', 90]],
      issues: [['databases[0].maxLagSeconds', '90s exceeds objectives.rpoSeconds (60s)']],
    },
    {
      problem: 'confirmSeconds equal to rtoSeconds',
      edits: [['triggers.confirmSeconds', 900]],
      issues: [
        ['triggers.confirmSeconds', '900s confirm window leaves no time within objectives.rtoSeconds (900s)'],
      ],
    },
    {
      problem: 'the default confirmSeconds (60) against a 60s RTO',
      edits: [
        ['triggers.confirmSeconds', undefined],
        ['objectives.rtoSeconds', 60],
      ],
      issues: [
        ['triggers.confirmSeconds', '60s confirm window leaves no time within objectives.rtoSeconds (60s)'],
      ],
    },
    {
      problem: 'empty lists of everything to fail over',
      edits: [
        ['databases', []],
        ['scalingGroups', []],
        ['parameters', []],
      ],
      issues: [['(root)', 'the plan fails over nothing']],
    },
    {
      problem: 'no databases, groups or parameters keys at all',
      edits: [
        ['databases', undefined],
        ['scalingGroups', undefined],
        ['parameters', undefined],
      ],
      issues: [['(root)', 'the plan fails over nothing']],
    },
    {
      problem: 'unknown top-level keys',
      edits: [
        ['regions', ['us-east-1', 'us-west-2']],
        ['owner', 'sre'],
      ],
      issues: [['(root)', 'Unrecognized keys: "regions", "owner"']],
    },
    {
      problem: 'an empty alarm list',
      edits: [['triggers.alarms', []]],
      issues: [['triggers.alarms', 'name at least one alarm']],
    },
    {
      problem: 'a misspelt key inside an alarm',
      edits: [['triggers.alarms.0', { name: 'shop-primary-health', regoin: 'us-east-1' }]],
      issues: [['triggers.alarms[0]', 'Unrecognized key: "regoin"']],
    },
  ] as const)('reports every problem of a plan with $problem, each with its path', ({ edits, issues }) => {
    // Arrange
    const document = exampleWith(edits);

    // Act
    const reported = planIssues(document);

    // Assert
    expectExactly(reported, issues);
  });

  it('reports field, cross-field and template problems of one plan together', () => {
    // Arrange
    const document = exampleWith([
      ['databases.0.maxLagSecond', 30],
      ['databases.0.maxLagSeconds', undefined],
      ['databases.1', { id: 'orders', replica: 'orders-db-replica', maxLagSeconds: 600 }],
      ['objectives.rtoSeconds', 'fifteen minutes'],
      ['scalingGroups.0.min', 7],
      ['parameters.0.value', '{{databases.billing.endpoint}}'],
      ['notifications.topicArn', 'arn:aws:sns:us-east-1:111111111111:shop-failover'],
      ['owner', 'sre'],
    ]);

    // Act
    const reported = planIssues(document);

    // Assert
    expectExactly(reported, [
      ['databases[0]', 'Unrecognized key: "maxLagSecond"'],
      ['databases[0].maxLagSeconds', 'expected number'],
      ['databases[1].maxLagSeconds', '600s exceeds objectives.rpoSeconds (60s)'],
      ['objectives.rtoSeconds', 'expected number, received string'],
      ['scalingGroups[0]', 'got min 7, desired 6, max 12'],
      ['parameters[0].value', 'names database "billing"'],
      ['notifications.topicArn', 'topic is in us-east-1'],
      ['(root)', 'Unrecognized key: "owner"'],
    ]);
  });

  it('lists every problem in the error message under the plan source name', () => {
    // Arrange
    const document = exampleWith([
      ['recoveryRegion', 'us-east-1'],
      ['owner', 'sre'],
    ]);

    // Act
    const parse = () => parsePlan(document, 'plans/shop.yaml');

    // Assert
    expect(parse).toThrow(PlanValidationError);
    expect(parse).toThrow(
      [
        'plans/shop.yaml is invalid (3 problems):',
        '  - (root): Unrecognized key: "owner"',
        '  - recoveryRegion: must differ from primaryRegion (us-east-1)',
        '  - notifications.topicArn: topic is in us-west-2, but notifications must not depend on the failed region: use a topic in recoveryRegion (us-east-1)',
      ].join('\n'),
    );
  });

  it.each([
    ['null', null, 'expected object, received null'],
    ['a YAML scalar', 'shop-prod', 'expected object, received string'],
    ['a list', [], 'expected object, received array'],
  ])('rejects %s as a plan document', (_kind, document, message) => {
    // Act
    const reported = planIssues(document);

    // Assert
    expectExactly(reported, [
      ['(root)', message],
      ['(root)', 'the plan fails over nothing'],
    ]);
  });

  it('names the error PlanValidationError, as the ASL and the CLI expect', () => {
    // Act
    const error = (() => {
      try {
        return parsePlan({});
      } catch (caught) {
        return caught;
      }
    })();

    // Assert
    expect(error).toBeInstanceOf(PlanValidationError);
    expect(error).toHaveProperty('name', 'PlanValidationError');
  });

  it('accepts maxLagSeconds exactly when it is within rpoSeconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 86_400 }), fc.integer({ min: 0, max: 86_400 }), (maxLag, rpo) => {
        // Arrange
        const document = exampleWith([
          ['databases.0.maxLagSeconds', maxLag],
          ['objectives.rpoSeconds', rpo],
        ]);

        // Act
        const outcome = (() => {
          try {
            parsePlan(document);
            return [];
          } catch (error) {
            if (error instanceof PlanValidationError) return error.issues;
            throw error;
          }
        })();

        // Assert
        expect(outcome.length === 0).toBe(maxLag <= rpo);
        if (maxLag > rpo) expect(outcome.map((issue) => issue.path)).toEqual(['databases[0].maxLagSeconds']);
      }),
    );
  });
});

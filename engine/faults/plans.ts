import type { PlanInput } from '../../functions/common/plan.js';

/**
 * The plan the fault matrix runs besides the one it is given: the same plan with several
 * resources of each kind, so that a fault hitting the second database, the third parameter or
 * one of two groups (where a step has done part of its items) is judged too. Added resources
 * follow the first of their kind; the parameters name every database.
 */
export function severalOfEachKind(document: PlanInput): PlanInput {
  const databases = document.databases ?? [];
  const groups = document.scalingGroups ?? [];
  const parameters = document.parameters ?? [];
  const [firstDatabase] = databases;
  const [firstGroup] = groups;
  const extraDatabases = firstDatabase
    ? [1, 2].map((n) => ({
        ...firstDatabase,
        id: `${firstDatabase.id}${n}`,
        replica: `${firstDatabase.replica}-${n}`,
      }))
    : [];
  return {
    ...document,
    databases: [...databases, ...extraDatabases],
    scalingGroups: [
      ...groups,
      ...(firstGroup ? [1, 2].map((n) => ({ ...firstGroup, name: `${firstGroup.name}-${n}` })) : []),
    ],
    parameters: [
      ...parameters,
      ...extraDatabases.map((db) => ({
        name: `/fault-matrix/${db.id}/endpoint`,
        value: `{{databases.${db.id}.endpoint}}`,
      })),
      { name: '/fault-matrix/region', value: '{{recoveryRegion}}' },
    ],
  };
}

import type { AwsService } from '../../functions/common/aws-clients.js';
import { KINDS } from '../../functions/kinds/registry.js';
import type {
  FaultEffectFor,
  SimulatedKind,
  SimulatedOperationSpec,
  SimulatedServiceSpec,
} from './kind-model.js';
import { WORKFLOW_OPERATIONS, WORKFLOW_SERVICE_SPECS } from './services.js';

/**
 * Every kind's simulated model, found by convention (functions/kinds/<id>/sim.ts, as
 * engine/step-registry.ts finds handlers), and the service catalog merged from them and the
 * workflow's own services. Loaded with a top-level await so that the scenario schema, which
 * includes the kinds' sections, is ready when this module is: parseScenario stays synchronous.
 * The template literal keeps the import analysable: esbuild bundles every kind's sim into the CLI.
 */
async function simulatedKind(id: string): Promise<SimulatedKind> {
  const module = (await import(`../../functions/kinds/${id}/sim.ts`)) as { simulatedKind: SimulatedKind };
  if (module.simulatedKind.id !== id) {
    throw new Error(`functions/kinds/${id}/sim.ts declares kind "${module.simulatedKind.id}"`);
  }
  return module.simulatedKind;
}

/** In the registry's order (the snapshot's sections and the scenario checks follow it). */
export const SIMULATED_KINDS: readonly SimulatedKind[] = await Promise.all(
  KINDS.map((kind) => simulatedKind(kind.id)),
);

/** The catalog of simulated services: who describes each, and every operation each serves. */
function buildCatalog() {
  const specs = new Map<AwsService, SimulatedServiceSpec>(
    Object.entries(WORKFLOW_SERVICE_SPECS) as [AwsService, SimulatedServiceSpec][],
  );
  const operations = new Map<AwsService, Map<string, SimulatedOperationSpec>>();
  const owners = new Map<string, string>();
  const sides = [
    { owner: 'the workflow', services: {}, operations: WORKFLOW_OPERATIONS },
    ...SIMULATED_KINDS.map((kind) => ({
      owner: `kind ${kind.id}`,
      services: kind.services ?? {},
      operations: kind.operations,
    })),
  ];
  for (const side of sides) {
    for (const [service, spec] of Object.entries(side.services) as [AwsService, SimulatedServiceSpec][]) {
      // Two kinds sharing a service (e.g. RDS instances and RDS clusters) describe it alike, each
      // bringing the modeled errors of its own operations.
      const known = specs.get(service);
      specs.set(
        service,
        known === undefined
          ? spec
          : { ...known, modeledErrors: { ...known.modeledErrors, ...spec.modeledErrors } },
      );
    }
    for (const [service, table] of Object.entries(side.operations) as [
      AwsService,
      Readonly<Record<string, SimulatedOperationSpec>>,
    ][]) {
      const served = operations.get(service) ?? new Map<string, SimulatedOperationSpec>();
      operations.set(service, served);
      for (const [operation, spec] of Object.entries(table)) {
        const key = `${service}:${operation}`;
        const other = owners.get(key);
        if (other !== undefined) throw new Error(`${side.owner} and ${other} both serve ${key}`);
        owners.set(key, side.owner);
        served.set(operation, spec);
      }
    }
  }
  for (const service of operations.keys()) {
    if (!specs.has(service)) throw new Error(`no kind describes the simulated service ${service}`);
  }
  return { specs, operations, owners };
}

const catalog = buildCatalog();

/** Every simulated service: the workflow's, then the kinds' in registry order. */
export const SIMULATED_SERVICE_NAMES: readonly AwsService[] = [...catalog.operations.keys()];

/** How a simulated service's errors look. @throws Error for a service nothing simulates */
export function serviceSpec(service: AwsService): SimulatedServiceSpec {
  const spec = catalog.specs.get(service);
  if (!spec) throw new Error(`the simulated AWS does not model the service ${service}`);
  return spec;
}

/** The operations the simulated AWS serves of `service` (SDK command names without `Command`). */
export const operationsOf = (service: AwsService): string[] => [
  ...(catalog.operations.get(service)?.keys() ?? []),
];

/** Operations that change the stack being failed over, by name. */
export const mutatingOperationNames = (): string[] =>
  [...catalog.operations.values()].flatMap((table) =>
    [...table].filter(([, spec]) => spec.mutating === true).map(([operation]) => operation),
  );

/** The operation's own answer to an injected `notFound` or `invalidState`, if it has one. */
export const modeledFault = (
  kind: 'notFound' | 'invalidState',
  service: AwsService,
  operation: string,
): FaultEffectFor | undefined => catalog.operations.get(service)?.get(operation)?.[kind];

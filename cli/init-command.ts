import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { PlanValidationError } from '../functions/common/errors.js';
import { parsePlan, type PlanInput } from '../functions/common/plan.js';
import { EXIT, type CliIo } from './cli-io.js';
import { BadInputError, badInputLine } from './command-inputs.js';

export const INIT_USAGE =
  'failover init --name <plan> --primary-region <r> --recovery-region <r> --alarm <name[@region]>... ' +
  '[--replica <[id=]db-instance>]... [--group <name[:min:desired:max]>]... [--parameter </path=value>]... ' +
  '[--out <file>] [--force]';

export const INIT_OPTIONS = {
  name: { type: 'string' },
  'primary-region': { type: 'string' },
  'recovery-region': { type: 'string' },
  alarm: { type: 'string', multiple: true },
  replica: { type: 'string', multiple: true },
  group: { type: 'string', multiple: true },
  parameter: { type: 'string', multiple: true },
  out: { type: 'string', default: 'failover.plan.yaml' },
  force: { type: 'boolean', default: false },
} as const;

export interface InitArgs {
  readonly positionals: readonly string[];
  readonly values: {
    readonly name?: string;
    readonly 'primary-region'?: string;
    readonly 'recovery-region'?: string;
    readonly alarm?: readonly string[];
    readonly replica?: readonly string[];
    readonly group?: readonly string[];
    readonly parameter?: readonly string[];
    readonly out?: string;
    readonly force?: boolean;
  };
}

/** The plan JSON Schema shipped with the package (dist/ and cli/ are both one level below it). */
const SCHEMA_PATH = fileURLToPath(new URL('../schema/plan.schema.json', import.meta.url));

/** Starting values a team tunes: the comments in the written file say so. */
const STARTER = { rtoSeconds: 900, rpoSeconds: 60, maxLagSeconds: 30, group: [1, 2, 4] } as const;

const required = (value: string | undefined, flag: string): string => {
  if (value === undefined || value === '') throw new BadInputError(`init needs --${flag}`);
  return value;
};

/** The starter plan the flags describe, as written in a plan file. */
export function starterPlan(values: InitArgs['values']): PlanInput {
  const primaryRegion = required(values['primary-region'], 'primary-region');
  const alarms = values.alarm ?? [];
  if (alarms.length === 0) throw new BadInputError('init needs at least one --alarm <name[@region]>');
  const databases = (values.replica ?? []).map((spec, index) => {
    const [id, replica] = spec.includes('=') ? spec.split('=', 2) : [`db${index + 1}`, spec];
    return { id: id ?? '', replica: replica ?? '', maxLagSeconds: STARTER.maxLagSeconds };
  });
  const scalingGroups = (values.group ?? []).map((spec) => {
    const [name = '', ...sizes] = spec.split(':');
    const [min, desired, max] = sizes.length === 3 ? sizes.map(Number) : STARTER.group;
    return { name, min: min ?? 0, desired: desired ?? 0, max: max ?? 1 };
  });
  const parameters = (values.parameter ?? []).map((spec) => {
    const at = spec.indexOf('=');
    if (at < 0) throw new BadInputError(`--parameter ${spec}: write </path=value>`);
    return { name: spec.slice(0, at), value: spec.slice(at + 1) };
  });
  return {
    name: required(values.name, 'name'),
    primaryRegion,
    recoveryRegion: required(values['recovery-region'], 'recovery-region'),
    objectives: { rtoSeconds: STARTER.rtoSeconds, rpoSeconds: STARTER.rpoSeconds },
    triggers: {
      alarms: alarms.map((spec) => {
        const [name = '', region = primaryRegion] = spec.split('@');
        return { name, region };
      }),
    },
    ...(databases.length ? { databases } : {}),
    ...(scalingGroups.length ? { scalingGroups } : {}),
    ...(parameters.length ? { parameters } : {}),
  };
}

/**
 * `failover init`: writes a starter plan from flags naming the team's own resources, validated
 * with the same `parsePlan` as the construct and the deployed functions, with the schema comment
 * that lets an editor check the file as it is changed.
 */
export async function initCommand({ positionals, values }: InitArgs, io: CliIo): Promise<number> {
  const out = resolve(values.out ?? INIT_OPTIONS.out.default);
  try {
    if (positionals.length > 0) throw new BadInputError(`init takes no positional arguments: ${INIT_USAGE}`);
    const document = starterPlan(values);
    parsePlan(document, 'the plan from the flags');
    if (existsSync(out) && !values.force)
      throw new BadInputError(`${out} exists: pass --force to replace it`);
    const schema = relative(dirname(out), SCHEMA_PATH).split('\\').join('/');
    const header = [
      `# yaml-language-server: $schema=${schema}`,
      `# Failover plan ${document.name}: written by \`failover init\`. The objectives, lag limit and group`,
      '# sizes are starting values: set them to what your service needs. Replay it offline with',
      '# `failover events --plan <this file>` then `failover replay <event> --plan <this file>`.',
    ].join('\n');
    await writeFile(out, `${header}\n${stringify(document)}`);
  } catch (error) {
    if (error instanceof BadInputError || error instanceof PlanValidationError) {
      io.err(badInputLine(error));
      return EXIT.badInput;
    }
    throw error;
  }
  io.out(`wrote ${out}`);
  return EXIT.ok;
}

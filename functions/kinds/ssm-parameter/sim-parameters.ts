import type {
  DeleteParameterCommandInput,
  DeleteParameterCommandOutput,
  GetParameterCommandInput,
  GetParameterCommandOutput,
  GetParametersCommandInput,
  GetParametersCommandOutput,
  Parameter,
  ParameterType,
  PutParameterCommandInput,
  PutParameterCommandOutput,
} from '@aws-sdk/client-ssm';
import { fail, required } from '../../../engine/sim/sdk-errors.js';
import { longAgo, type CallContext, type SimWorld } from '../../../engine/sim/world.js';
import { renderTemplate, type TemplateContext, type TemplateSection } from '../../common/templates.js';

/**
 * SSM Parameter Store in the recovery region: every plan parameter exists before the failover
 * with its template rendered against the *primary* (`{{databases.main.endpoint}}` → the source
 * instance's endpoint, `{{recoveryRegion}}` → the primary region, the active region so far).
 */

interface ParameterRecord {
  readonly name: string;
  readonly region: string;
  value: string;
  type: ParameterType;
  version: number;
  lastModified: Date;
}

export interface ParameterSnapshot {
  readonly value: string;
  readonly version: number;
}

const MAX_VALUE_LENGTH = 4096;
const MAX_NAMES = 10;
const parameterNotFound = (name: string) => fail('ParameterNotFound', 400, `Parameter ${name} not found.`);

export class SimulatedSsm {
  private readonly parameters = new Map<string, ParameterRecord>();

  public constructor(private readonly world: SimWorld) {}

  /**
   * Creates every plan parameter (but those the scenario says are missing) with its template
   * rendered against the primaries: `values` are what the other kinds' resources looked like
   * before the failover (the rds-replica kind gives the source instances' endpoints).
   */
  public seed(values: Readonly<Record<string, unknown>>): void {
    const { plan, scenario } = this.world;
    const before: TemplateContext = {
      recoveryRegion: plan.primaryRegion,
      primaryRegion: plan.primaryRegion,
      planName: plan.name,
      outputs: Object.fromEntries(
        Object.entries(values).map(([section, items]) => [
          section,
          { noun: section, items: items as TemplateSection['items'] },
        ]),
      ),
    };
    for (const parameter of plan.parameters) {
      if (scenario.parameters?.[parameter.name]?.missing) continue;
      this.parameters.set(this.key(plan.recoveryRegion, parameter.name), {
        name: parameter.name,
        region: plan.recoveryRegion,
        value: renderTemplate(parameter.value, before),
        type: 'String',
        version: 1,
        lastModified: longAgo(this.world, 30),
      });
    }
  }

  public readonly operations = {
    GetParameter: (input: GetParameterCommandInput, call: CallContext) => this.get(input, call),
    GetParameters: (input: GetParametersCommandInput, call: CallContext) => this.getMany(input, call),
    PutParameter: (input: PutParameterCommandInput, call: CallContext) => this.put(input, call),
    DeleteParameter: (input: DeleteParameterCommandInput, call: CallContext) => this.delete(input, call),
  };

  public snapshot(): Record<string, ParameterSnapshot> {
    const entries = [...this.parameters.values()].sort((a, b) => a.name.localeCompare(b.name));
    return Object.fromEntries(
      entries.map((parameter) => [parameter.name, { value: parameter.value, version: parameter.version }]),
    );
  }

  private key(region: string, name: string): string {
    return `${region}\u0000${name}`;
  }

  private shape(parameter: ParameterRecord): Parameter {
    return {
      Name: parameter.name,
      Type: parameter.type,
      Value: parameter.value,
      Version: parameter.version,
      LastModifiedDate: parameter.lastModified,
      ARN: `arn:aws:ssm:${parameter.region}:${this.world.accountId}:parameter${parameter.name}`,
      DataType: 'text',
    };
  }

  private get(
    input: GetParameterCommandInput,
    call: CallContext,
  ): Omit<GetParameterCommandOutput, '$metadata'> {
    const name = required(input.Name, 'name', 'ValidationException');
    const parameter = this.parameters.get(this.key(call.region, name));
    if (!parameter) throw parameterNotFound(name);
    return { Parameter: this.shape(parameter) };
  }

  private getMany(
    input: GetParametersCommandInput,
    call: CallContext,
  ): Omit<GetParametersCommandOutput, '$metadata'> {
    const names = required(input.Names, 'names', 'ValidationException');
    if (names.length > MAX_NAMES) {
      throw fail(
        'ValidationException',
        400,
        `1 validation error detected: Value '[${names.join(', ')}]' at 'names' failed to satisfy constraint: Member must have length less than or equal to ${MAX_NAMES}`,
      );
    }
    const found = names.map((name) => this.parameters.get(this.key(call.region, name)));
    return {
      Parameters: found
        .filter((parameter) => parameter !== undefined)
        .map((parameter) => this.shape(parameter)),
      InvalidParameters: names.filter((_name, i) => found[i] === undefined),
    };
  }

  private put(
    input: PutParameterCommandInput,
    call: CallContext,
  ): Omit<PutParameterCommandOutput, '$metadata'> {
    const name = required(input.Name, 'name', 'ValidationException');
    const value = required(input.Value, 'value', 'ValidationException');
    if (value.length > MAX_VALUE_LENGTH) {
      throw fail(
        'ValidationException',
        400,
        `1 validation error detected: Value at 'value' failed to satisfy constraint: Member must have length between 1 and ${MAX_VALUE_LENGTH}`,
      );
    }
    const key = this.key(call.region, name);
    const existing = this.parameters.get(key);
    if (existing && input.Overwrite !== true) {
      throw fail(
        'ParameterAlreadyExists',
        400,
        'The parameter already exists. To overwrite this value, set the overwrite option in the request to true.',
      );
    }
    // Every successful put is a new version, even with an unchanged value (as in SSM).
    const record: ParameterRecord = {
      name,
      region: call.region,
      value,
      type: input.Type ?? existing?.type ?? 'String',
      version: (existing?.version ?? 0) + 1,
      lastModified: new Date(call.now),
    };
    this.parameters.set(key, record);
    return { Version: record.version, Tier: 'Standard' };
  }

  private delete(
    input: DeleteParameterCommandInput,
    call: CallContext,
  ): Omit<DeleteParameterCommandOutput, '$metadata'> {
    const name = required(input.Name, 'name', 'ValidationException');
    const key = this.key(call.region, name);
    if (!this.parameters.has(key)) throw parameterNotFound(name);
    this.parameters.delete(key);
    return {};
  }
}

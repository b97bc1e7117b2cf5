import { mulberry32 } from './ids.js';
import type { FaultKind, FaultRule, Scenario, SimulatedService } from './scenario.js';
import type { ErrorSpec } from './sdk-errors.js';

/**
 * Which attempts fail, and how each kind of fault looks from each operation. Faults are decided
 * per attempt (the SDK retries below the handler, so every attempt has its own call number).
 */

export interface Attempt {
  readonly service: SimulatedService;
  readonly operation: string;
  readonly region: string;
  /** 1-based number of this attempt among all attempts of the operation, in every region. */
  readonly callNumber: number;
}

/**
 * What an injected fault does to a call: fail with an error, or (a describe-style call whose real
 * service reports a missing resource by leaving it out) answer as if the resource did not exist.
 */
export type FaultEffect = { readonly error: ErrorSpec } | { readonly absent: true };

type Subject = (input: Readonly<Record<string, unknown>>) => string;
const field =
  (...names: string[]): Subject =>
  (input) =>
    names.map((name) => input[name]).find((value): value is string => typeof value === 'string') ?? '';

const dbNotFound = (subject: Subject) => (input: Readonly<Record<string, unknown>>) => ({
  error: { name: 'DBInstanceNotFoundFault', status: 404, message: `DBInstance ${subject(input)} not found.` },
});
const dbInvalidState = (input: Readonly<Record<string, unknown>>) => ({
  error: {
    name: 'InvalidDBInstanceStateFault',
    status: 400,
    message: `DB instance ${field('DBInstanceIdentifier')(input)} is not in a valid state for this operation.`,
  },
});
const groupNotFound = (input: Readonly<Record<string, unknown>>) => ({
  error: {
    name: 'ValidationError',
    status: 400,
    message: `AutoScalingGroup name not found - AutoScalingGroup ${field('AutoScalingGroupName')(input)} not found`,
  },
});
const scalingInProgress = () => ({
  error: {
    name: 'ScalingActivityInProgressFault',
    status: 400,
    message: "The operation can't be performed because there are scaling activities in progress.",
  },
});
const parameterNotFound = (input: Readonly<Record<string, unknown>>) => ({
  error: { name: 'ParameterNotFound', status: 400, message: `Parameter ${field('Name')(input)} not found.` },
});
const topicNotFound = () => ({
  error: { name: 'NotFoundException', status: 404, message: 'Topic does not exist' },
});
const absent = () => ({ absent: true }) as const;
const tableNotFound = () => ({
  error: { name: 'ResourceNotFoundException', status: 400, message: 'Requested resource not found' },
});
const executionNotFound = (input: Readonly<Record<string, unknown>>) => ({
  error: {
    name: 'ExecutionDoesNotExist',
    status: 400,
    message: `Execution Does Not Exist: '${field('executionArn')(input)}'`,
  },
});
// A write whose condition does not hold (another writer got there first), without the item.
const conditionFailed = () => ({
  error: { name: 'ConditionalCheckFailedException', status: 400, message: 'The conditional request failed' },
});

type EffectFor = (input: Readonly<Record<string, unknown>>) => FaultEffect;

/** `notFound` and `invalidState` as each operation's own modeled error (or real behaviour). */
const MODELED_FAULTS: Readonly<Record<'notFound' | 'invalidState', Readonly<Record<string, EffectFor>>>> = {
  notFound: {
    'rds:DescribeDBInstances': dbNotFound(field('DBInstanceIdentifier')),
    'rds:PromoteReadReplica': dbNotFound(field('DBInstanceIdentifier')),
    'rds:CreateDBInstanceReadReplica': dbNotFound(field('SourceDBInstanceIdentifier')),
    'cloudwatch:DescribeAlarms': absent,
    'cloudwatch:GetMetricData': absent,
    'cloudwatch:GetMetricStatistics': absent,
    'autoscaling:DescribeAutoScalingGroups': absent,
    'autoscaling:UpdateAutoScalingGroup': groupNotFound,
    'autoscaling:SetDesiredCapacity': groupNotFound,
    'ssm:GetParameter': parameterNotFound,
    'ssm:PutParameter': parameterNotFound,
    'ssm:DeleteParameter': parameterNotFound,
    'sns:Publish': topicNotFound,
    'sns:GetTopicAttributes': topicNotFound,
    'dynamodb:GetItem': tableNotFound,
    'dynamodb:PutItem': tableNotFound,
    'dynamodb:UpdateItem': tableNotFound,
    'dynamodb:DeleteItem': tableNotFound,
    'sfn:DescribeExecution': executionNotFound,
    'sfn:StopExecution': executionNotFound,
  },
  invalidState: {
    'rds:PromoteReadReplica': dbInvalidState,
    'rds:CreateDBInstanceReadReplica': dbInvalidState,
    'autoscaling:UpdateAutoScalingGroup': scalingInProgress,
    'autoscaling:SetDesiredCapacity': scalingInProgress,
    // ResourceContention is HTTP 500: the SDK (and so the simulated transport) retries it.
    'autoscaling:DescribeAutoScalingGroups': () => ({
      error: {
        name: 'ResourceContentionFault',
        status: 500,
        message:
          'You already have a pending update to an Amazon EC2 Auto Scaling resource (for example, an Auto Scaling group, instance, or load balancer).',
      },
    }),
    'ssm:PutParameter': () => ({
      error: {
        name: 'TooManyUpdates',
        status: 400,
        message: 'There are concurrent updates for a resource that supports one update at a time.',
      },
    }),
    'ssm:DeleteParameter': () => ({
      error: {
        name: 'TooManyUpdates',
        status: 400,
        message: 'There are concurrent updates for a resource that supports one update at a time.',
      },
    }),
    'dynamodb:PutItem': conditionFailed,
    'dynamodb:UpdateItem': conditionFailed,
    'dynamodb:DeleteItem': conditionFailed,
  },
};

/** Whether `kind` means something for this operation (`notFound` on Publish does; `invalidState` on GetParameter does not). */
export function faultApplies(kind: FaultKind, service: SimulatedService, operation: string): boolean {
  if (kind !== 'notFound' && kind !== 'invalidState') return true;
  return MODELED_FAULTS[kind][`${service}:${operation}`] !== undefined;
}

/** IAM action prefixes, for the AccessDenied message. */
const IAM_PREFIX: Readonly<Record<SimulatedService, string>> = {
  rds: 'rds',
  cloudwatch: 'cloudwatch',
  autoscaling: 'autoscaling',
  ssm: 'ssm',
  sns: 'SNS',
  dynamodb: 'dynamodb',
  sfn: 'states',
};

/** Services on the JSON protocol send modeled `ThrottlingException`/`AccessDeniedException`. */
const JSON_PROTOCOL: ReadonlySet<SimulatedService> = new Set(['ssm', 'dynamodb', 'sfn']);

/**
 * The effect of a non-timeout fault. Wire codes per protocol: the query services (RDS, Auto
 * Scaling, CloudWatch, SNS) send `Throttling` "Rate exceeded" with HTTP 400; SSM (JSON) sends the
 * modeled `ThrottlingException`. Where a service models its 5xx or access error, that shape is used.
 */
export function faultEffect(
  kind: Exclude<FaultKind, 'timeout' | 'timeoutAfterApply'>,
  attempt: Attempt,
  input: Readonly<Record<string, unknown>>,
  accountId: string,
): FaultEffect {
  const { service, operation } = attempt;
  switch (kind) {
    case 'throttling':
      return {
        error: {
          name: JSON_PROTOCOL.has(service) ? 'ThrottlingException' : 'Throttling',
          status: 400,
          message: 'Rate exceeded',
        },
      };
    case 'server': {
      const names: Readonly<Record<SimulatedService, string>> = {
        rds: 'InternalFailure',
        autoscaling: 'InternalFailure',
        cloudwatch: 'InternalServiceFault',
        ssm: 'InternalServerError',
        sns: 'InternalErrorException',
        dynamodb: 'InternalServerError',
        sfn: 'InternalFailure',
      };
      return {
        error: {
          name: names[service],
          status: 500,
          message: 'The request processing has failed because of an unknown error, exception or failure.',
        },
      };
    }
    case 'unavailable':
      return {
        error: {
          name: 'ServiceUnavailable',
          status: 503,
          message: 'Service is unavailable. Please try again later.',
        },
      };
    case 'accessDenied': {
      const action = `${IAM_PREFIX[service]}:${operation}`;
      const message = `User: arn:aws:sts::${accountId}:assumed-role/failover-orchestrator-step/simulated is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`;
      const names: Readonly<Record<SimulatedService, string>> = {
        rds: 'AccessDenied',
        autoscaling: 'AccessDenied',
        cloudwatch: 'AccessDenied',
        ssm: 'AccessDeniedException',
        sns: 'AuthorizationErrorException',
        dynamodb: 'AccessDeniedException',
        sfn: 'AccessDeniedException',
      };
      return { error: { name: names[service], status: 403, message } };
    }
    case 'notFound':
    case 'invalidState': {
      const effect = MODELED_FAULTS[kind][`${service}:${operation}`];
      if (!effect) throw new Error(`fault ${kind} has no meaning for ${service} ${operation}`);
      return effect(input);
    }
  }
}

function inCalls(rule: FaultRule, callNumber: number): boolean {
  if (rule.calls === 'all') return true;
  if (rule.calls !== undefined) return rule.calls.includes(callNumber);
  if (rule.from !== undefined)
    return callNumber >= rule.from && (rule.count === undefined || callNumber < rule.from + rule.count);
  return true;
}

/** Decides, attempt by attempt, which fail. Deterministic for a given scenario and call order. */
export class FaultInjector {
  private readonly rules: readonly FaultRule[];
  private readonly down: ReadonlySet<string>;
  private readonly random: Scenario['random'];
  private readonly draw: () => number;

  public constructor(scenario: Scenario) {
    this.rules = scenario.faults ?? [];
    this.down = new Set(scenario.regionsDown ?? []);
    this.random = scenario.random;
    this.draw = mulberry32(scenario.random?.seed ?? 0);
  }

  public regionDown(region: string): boolean {
    return this.down.has(region);
  }

  /** The fault for this attempt: the first matching rule, else a seeded random one, else none. */
  public decide(attempt: Attempt): FaultKind | undefined {
    const rule = this.rules.find(
      (candidate) =>
        candidate.service === attempt.service &&
        candidate.operation === attempt.operation &&
        (candidate.region === undefined || candidate.region === attempt.region) &&
        inCalls(candidate, attempt.callNumber),
    );
    if (rule) return rule.error;
    const random = this.random;
    if (!random) return undefined;
    if (random.services && !random.services.includes(attempt.service)) return undefined;
    if (random.operations && !random.operations.includes(attempt.operation)) return undefined;
    if (this.draw() >= random.rate) return undefined;
    const kind = random.errors[Math.floor(this.draw() * random.errors.length)];
    return kind !== undefined && faultApplies(kind, attempt.service, attempt.operation) ? kind : undefined;
  }
}

import { ListStateMachinesCommand, SFNClient } from '@aws-sdk/client-sfn';
import type { Plan } from '../functions/common/plan.js';

/**
 * Which deployed state machine a live command talks to: `--state-machine-arn`, else
 * FAILOVER_STATE_MACHINE_ARN, else the one the CDK construct names after the plan
 * (`<plan>-failover`, its default `stateMachineName`) in the region given or the plan's
 * recovery region. The stack's `StateMachineArn` output holds the same ARN.
 */
export const STATE_MACHINE_ARN_VARIABLE = 'FAILOVER_STATE_MACHINE_ARN';

const STATE_MACHINE_ARN = /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:stateMachine:[A-Za-z0-9_-]{1,80}$/;
const EXECUTION_ARN =
  /^arn:aws[a-z-]*:states:([a-z0-9-]+):\d{12}:execution:[A-Za-z0-9_-]{1,80}:[A-Za-z0-9_-]{1,80}$/;

export interface ResolvedStateMachine {
  readonly arn: string;
  readonly region: string;
  /** How it was found, for the progress output. */
  readonly from: string;
}

/** The state machine cannot be named or found: bad input (exit 2), or a failed readiness check. */
export class StateMachineNotFoundError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'StateMachineNotFoundError';
  }
}

export const defaultStateMachineName = (plan: Plan): string => `${plan.name}-failover`;

/** The region in a Step Functions state machine or execution ARN, or undefined for anything else. */
export function regionOfArn(arn: string): string | undefined {
  return STATE_MACHINE_ARN.exec(arn)?.[1] ?? EXECUTION_ARN.exec(arn)?.[1];
}

export const isExecutionArn = (text: string): boolean => EXECUTION_ARN.test(text);

/** One client per call: the CLI makes a handful of calls, and tests mock the class. */
export const stepFunctionsClient = (region: string): SFNClient => new SFNClient({ region });

async function findByName(name: string, region: string): Promise<string | undefined> {
  const client = stepFunctionsClient(region);
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListStateMachinesCommand({ nextToken, maxResults: 1000 }));
    const found = page.stateMachines?.find((machine) => machine.name === name);
    if (found?.stateMachineArn !== undefined) return found.stateMachineArn;
    nextToken = page.nextToken;
  } while (nextToken !== undefined);
  return undefined;
}

/** @throws StateMachineNotFoundError */
export async function resolveStateMachine(
  plan: Plan,
  options: { readonly arn?: string; readonly region?: string; readonly name?: string },
  variables: Readonly<Record<string, string | undefined>>,
): Promise<ResolvedStateMachine> {
  // Another machine of the plan (the failback's, `<plan>-failback`) is found by its name only.
  const given =
    options.arn ?? (options.name === undefined ? variables[STATE_MACHINE_ARN_VARIABLE] : undefined);
  if (given !== undefined && given !== '') {
    const region = regionOfArn(given);
    const from = options.arn !== undefined ? '--state-machine-arn' : STATE_MACHINE_ARN_VARIABLE;
    if (region === undefined || !STATE_MACHINE_ARN.test(given)) {
      throw new StateMachineNotFoundError(`${from} "${given}" is not a Step Functions state machine ARN`);
    }
    return { arn: given, region, from };
  }
  const region = options.region ?? plan.recoveryRegion;
  const name = options.name ?? defaultStateMachineName(plan);
  const arn = await findByName(name, region);
  if (arn === undefined) {
    throw new StateMachineNotFoundError(
      `no state machine named ${name} in ${region}: deploy the orchestrator, or pass --state-machine-arn (or set ${STATE_MACHINE_ARN_VARIABLE}) with the stack's StateMachineArn output`,
    );
  }
  return { arn, region, from: `its name ${name} in ${region}` };
}

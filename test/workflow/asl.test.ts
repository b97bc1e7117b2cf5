import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { STEP_HANDLERS } from '../../engine/step-registry.js';

// asl-validator is CommonJS without types, and it mutates the definition it is given.
const require = createRequire(import.meta.url);
const validator = require('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};

const aslFiles = readdirSync('state-machines').filter((file) => file.endsWith('.asl.json'));

interface State {
  Type: string;
  Resource?: string;
  Retry?: { ErrorEquals: string[] }[];
  Catch?: { ErrorEquals: string[]; Next: string }[];
  Next?: string;
  Default?: string;
  Choices?: { Next: string }[];
  Branches?: { States: Record<string, State> }[];
  ItemProcessor?: { States: Record<string, State> };
}

function walk(
  states: Record<string, State>,
  visit: (name: string, state: State, nested: boolean) => void,
  nested = false,
) {
  for (const [name, state] of Object.entries(states)) {
    visit(name, state, nested);
    for (const branch of state.Branches ?? []) walk(branch.States, visit, true);
    if (state.ItemProcessor) walk(state.ItemProcessor.States, visit, true);
  }
}

describe('state machine definitions', () => {
  it('has at least the failover definition', () => {
    expect(aslFiles).toContain('failover.asl.json');
  });

  it.each(aslFiles)('%s passes asl-validator', (file) => {
    const definition = JSON.parse(readFileSync(`state-machines/${file}`, 'utf8')) as unknown;
    const result = validator(structuredClone(definition));
    expect(result.errors).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it.each(aslFiles)('%s names only substitution variables that a step handler serves', (file) => {
    const text = readFileSync(`state-machines/${file}`, 'utf8');
    const variables = new Set([...text.matchAll(/\$\{(\w+)\}/g)].map((match) => match[1]));
    expect([...variables].filter((name) => !(name! in STEP_HANDLERS))).toEqual([]);
  });
});

describe('failover.asl.json', () => {
  const definition = JSON.parse(readFileSync('state-machines/failover.asl.json', 'utf8')) as {
    States: Record<string, State>;
  };

  it('retries every Task on the Lambda service errors and on AWS throttling', () => {
    const missing: string[] = [];
    walk(definition.States, (name, state) => {
      if (state.Type !== 'Task') return;
      const retried = new Set(state.Retry?.flatMap((retry) => retry.ErrorEquals));
      for (const error of [
        'Lambda.ServiceException',
        'Lambda.AWSLambdaException',
        'Lambda.SdkClientException',
        'Lambda.TooManyRequestsException',
        'Throttling',
      ]) {
        if (!retried.has(error)) missing.push(`${name}: ${error}`);
      }
    });
    expect(missing).toEqual([]);
  });

  it('catches every error of every top-level Task, Map and Parallel state', () => {
    const uncaught: string[] = [];
    walk(definition.States, (name, state, nested) => {
      if (nested || !['Task', 'Map', 'Parallel'].includes(state.Type)) return;
      if (!state.Catch?.some((handler) => handler.ErrorEquals.includes('States.ALL'))) uncaught.push(name);
    });
    expect(uncaught).toEqual([]);
  });

  it('sends every failure path through a notification before the execution ends', () => {
    // A notify state's own Catch cannot notify (SNS itself failed): it goes straight to Fail.
    // A lock release runs after the final notification, best effort: its Catch ends the execution.
    const catchTargets = new Set<string>();
    walk(definition.States, (name, state, nested) => {
      if (nested || name.startsWith('Notify') || name.startsWith('Release Lock')) return;
      for (const handler of state.Catch ?? []) catchTargets.add(handler.Next);
    });
    expect(catchTargets.size).toBeGreaterThan(4);
    const followed = [...catchTargets].map((target) => {
      let name = target;
      const seen: string[] = [];
      while (definition.States[name] && !seen.includes(name)) {
        seen.push(name);
        const state = definition.States[name]!;
        if (state.Type === 'Fail' || state.Type === 'Succeed') break;
        name = state.Next ?? '';
      }
      return seen;
    });
    for (const path of followed) {
      const notifies = path.some((name) => name.startsWith('Notify'));
      expect({ path, notifies }).toEqual({ path, notifies: true });
    }
  });

  it('waits in Wait states, never in a Lambda: every polling loop goes through a Wait', () => {
    const waits: string[] = [];
    walk(definition.States, (name, state) => {
      if (state.Type === 'Wait') waits.push(name);
    });
    expect(waits).toEqual(
      expect.arrayContaining([
        'Wait Confirm Window',
        'Wait For Lag To Fall',
        'Wait For Promotions',
        'Wait Before Promoting',
        'Wait For Instances',
      ]),
    );
  });
  it('waits 60 s, the longest a step may run (infra caps stepTimeout at 60 s), before reporting a Promote And Scale failure', () => {
    const failed = definition.States['Promote And Scale Failed']!;
    const wait = definition.States[failed.Next ?? ''] as State & { Seconds?: number };

    expect(failed.Next).toBe('Wait For In-Flight Steps');
    expect(wait).toMatchObject({ Type: 'Wait', Seconds: 60, Next: 'Notify Failed' });
  });
});

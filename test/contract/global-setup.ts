import type { TestProject } from 'vitest/node';
import { startMotoServer } from './moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the moto server this run started. */
    motoEndpoint: string;
  }
}

/**
 * moto's Step Functions leaves every execution RUNNING unless told to run them; then its ASL
 * interpreter runs each in a thread (Pass → SUCCEEDED, Fail → FAILED, TimeoutSeconds →
 * TIMED_OUT). The switch picks a different store for state machines, so it is set once, before
 * any file creates one. failover-lock.contract.ts asserts what moto then does (and one bug of it).
 */
async function runStateMachineExecutions(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/config`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ stepfunctions: { execute_state_machine: true } }),
  });
  await response.arrayBuffer();
  if (!response.ok) throw new Error(`moto refused its Step Functions config: HTTP ${response.status}`);
}

/** One moto server for the whole contract run: started before the first file, stopped after the last. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startMotoServer();
  try {
    await runStateMachineExecutions(server.endpoint);
  } catch (error) {
    await server.stop();
    throw error;
  }
  console.log(`moto ${server.version} serving the contract tests at ${server.endpoint}`);
  project.provide('motoEndpoint', server.endpoint);
  return server.stop;
}

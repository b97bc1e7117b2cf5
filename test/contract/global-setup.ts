import type { TestProject } from 'vitest/node';
import { startMotoServer } from './moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `http://127.0.0.1:<port>` of the moto server this run started. */
    motoEndpoint: string;
  }
}

/** One moto server for the whole contract run: started before the first file, stopped after the last. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startMotoServer();
  console.log(`moto ${server.version} serving the contract tests at ${server.endpoint}`);
  project.provide('motoEndpoint', server.endpoint);
  return server.stop;
}

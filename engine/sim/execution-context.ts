import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which execution a call comes from. Many executions share one simulated cloud and one set of
 * cached SDK clients, so the client cannot tell; the runner runs each step handler inside
 * `runAsExecution`, and the transport reads `callerExecution()` when it logs the call. The
 * context follows the handler through every `await`, fake timers included.
 */
const caller = new AsyncLocalStorage<string>();

export const runAsExecution = <T>(executionArn: string, work: () => T): T => caller.run(executionArn, work);

/** The execution ARN of the step handler making the current call; undefined outside one. */
export const callerExecution = (): string | undefined => caller.getStore();

import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which execution a call comes from. Many executions share one simulated cloud and one set of
 * cached SDK clients, so the client cannot tell; the runner runs each step handler inside
 * `runAsExecution`, and the transport reads `callerExecution()` when it logs the call. The
 * context follows the handler through every `await`, fake timers included.
 */
const caller = new AsyncLocalStorage<string>();

/**
 * The one execution running, when only one runs. AsyncLocalStorage enables Node's promise hooks
 * for the rest of the process, which made a whole replay about a third slower; a replay of one
 * execution needs no per-call context, so it sets this instead.
 */
let sole: string | undefined;

/** Declares the only execution running in this process until called again with undefined. */
export const setSoleExecution = (executionArn: string | undefined): void => {
  sole = executionArn;
};

export const runAsExecution = <T>(executionArn: string, work: () => T): T =>
  sole === executionArn ? work() : caller.run(executionArn, work);

/** The execution ARN of the step handler making the current call; undefined outside one. */
export const callerExecution = (): string | undefined => caller.getStore() ?? sole;

/**
 * One Lambda invocation's sandbox. When the function times out, Lambda stops it; the in-process
 * handler cannot be stopped, so its sandbox is marked frozen and the simulated transport refuses
 * every call it would still make (engine/lambda-invocation.ts).
 */
export interface InvocationSandbox {
  frozen: boolean;
}

const sandbox = new AsyncLocalStorage<InvocationSandbox>();

export const runInSandbox = <T>(box: InvocationSandbox, work: () => T): T => sandbox.run(box, work);

/** Whether the code making the current call runs in a sandbox Lambda has stopped. */
export const sandboxFrozen = (): boolean => sandbox.getStore()?.frozen === true;

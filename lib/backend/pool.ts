/**
 * The JS half of the native thread pool (native/runtime/pool.*, native/napi/async.cc): async
 * calls with abort and the caller's stack, the pool size, the per-op threading
 * thresholds. (The public setThreads, which validates n, is lib/api/index.ts's.)
 *
 * The pool is one per process, shared by the main thread and every worker
 * that loads the addon; `setThreads` from any of them resizes it for all.
 */
import type { Backend } from './backend';
import { unaryOps, unaryNames } from '../registry/ops';
import type { StorageArray } from '../types';
import { abortError } from '../validate/signal';

/** The pool's entry points on the addon (native/napi/async.cc). */
export interface PoolBinding {
  /**
   * Starts y = op(x) on pool workers and returns a ticket, or null (nothing
   * started) when the op/dtype has no native kernel. `done(0)` is called on
   * this thread when y is written; never after a successful cancelAsync.
   */
  unaryAsync(id: number, x: StorageArray, y: StorageArray, a: number, b: number, done: (status: number) => void, fmt?: number): number | null;
  /** true: the call had not started, nothing was written and done will not be called. */
  cancelAsync(ticket: number): boolean;
  /** Resizes the process-wide pool; returns the new size. */
  setThreads(n: number): number;
  threads(): number;
  /** Per unary op id: the element count from which a call is split over threads (Infinity: never). */
  setParallelMin(mins: number[]): void;
  poolStats(): PoolStats;
}

export interface PoolStats {
  /** Pool size: threads that may compute at once. */
  threads: number;
  /** Worker threads alive (0 until the first call that uses them). */
  workers: number;
  /** Threads holding a compute slot right now. */
  active: number;
  /** Calls waiting for a worker. */
  queued: number;
  /** Async calls ever submitted / finished with, process-wide. */
  submitted: number;
  retired: number;
  /** This thread's async calls not yet settled. */
  pending: number;
}

/** The largest pool size setThreads accepts (native/runtime/pool.h kMaxThreads). */
export const MAX_THREADS = 256;

/**
 * Why ACTIVATION_KERNELS_THREADS is not used, or null when it is unset or valid.
 * The native pool ignores an invalid value (it then sizes itself to the
 * available parallelism); this message says so.
 */
export function threadsEnvProblem(v: string | undefined = process.env.ACTIVATION_KERNELS_THREADS): string | null {
  if (v === undefined || v === '') return null;
  if (/^\d+$/.test(v) && Number(v) >= 1) return null;
  return `ACTIVATION_KERNELS_THREADS=${JSON.stringify(v)} is not a positive integer; using the available parallelism`;
}

let configured = false;

/**
 * Once per thread that loads the addon: hands the registry's thresholds to the
 * pool (process-wide, so every thread hands over the same values) and warns
 * about an unusable ACTIVATION_KERNELS_THREADS.
 */
export function configurePool(binding: PoolBinding): void {
  if (configured) return;
  configured = true;
  binding.setParallelMin(unaryNames.map((n) => unaryOps[n].parallelMin));
  const problem = threadsEnvProblem();
  if (problem) process.emitWarning(problem, { code: 'ACTIVATION_KERNELS_THREADS' });
}

/**
 * Runs a native async call. `start` begins it with a completion callback and
 * returns its ticket, or null when the addon does not handle it (then false is
 * returned and the caller runs the JS twin). An abort while the call waits for
 * a worker withdraws it: nothing is written and the promise rejects with an
 * AbortError carrying the stack of the code that made the call. An abort once
 * it runs changes nothing: the result is complete when the promise resolves.
 */
export function nativeAsync(
  label: string,
  start: (done: (status: number) => void) => number | null,
  cancel: (ticket: number) => boolean,
  signal: AbortSignal | undefined,
): Promise<void> | false {
  // Captured now, before going native: the completion arrives on an empty stack.
  const site: { stack?: string } = {};
  Error.captureStackTrace(site, nativeAsync);
  let settle!: (err: Error | null) => void;
  const promise = new Promise<void>((resolve, reject) => {
    settle = (err) => (err ? reject(err) : resolve());
  });
  let onAbort: (() => void) | undefined;
  const ticket = start((status) => {
    if (onAbort) signal!.removeEventListener('abort', onAbort);
    if (status === 0) {
      settle(null);
    } else {
      const e = new Error(`${label}: the native call failed with status ${status}`);
      e.stack = `Error: ${e.message}${site.stack?.slice(site.stack.indexOf('\n')) ?? ''}`;
      settle(e);
    }
  });
  if (ticket === null) return false;
  if (signal) {
    onAbort = () => {
      if (cancel(ticket)) settle(abortError(label, signal, site));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  }
  return promise;
}

/** The backend members a native binding contributes: pool size and async unary calls. */
export function poolBackend(binding: PoolBinding): Pick<Required<Backend>, 'threads' | 'setThreads' | 'unaryAsync'> {
  configurePool(binding);
  const cancel = (t: number): boolean => binding.cancelAsync(t);
  return {
    threads: () => binding.threads(),
    setThreads: (n: number) => {
      binding.setThreads(n);
    },
    unaryAsync: (id, x, y, a, b, signal, label = `${unaryNames[id]}.async`, fmt = 0) =>
      nativeAsync(label, (done) => binding.unaryAsync(id, x, y, a, b, done, fmt), cancel, signal),
  };
}

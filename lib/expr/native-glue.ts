/**
 * What the native binding contributes to a Backend for compiled expressions
 * (native/expr/napi.cc): lib/native.ts spreads `exprBackend(binding, nativeAsync)`
 * into the backend it builds, as it does for the pool's members.
 */
import type { Backend } from '../backend';
import type { FloatArray } from '../types';

/** The addon's exports used here (runProgram, runProgramAsync, stats from init_expr; cancelAsync from init_threads). */
export interface ExprBinding {
  runProgram(code: Int32Array, consts: Float64Array, inputs: readonly FloatArray[], out: FloatArray): boolean;
  runProgramAsync(code: Int32Array, consts: Float64Array, inputs: readonly FloatArray[], out: FloatArray, done: (status: number) => void): number | null;
  cancelAsync(ticket: number): boolean;
  stats(x: FloatArray, outer: number, C: number, inner: number, hasShape: boolean, deadMax: number, lo: number, hi: number, out: Float64Array): boolean;
}

/** lib/threads.ts's nativeAsync: a pool call as a promise, withdrawn on abort while it waits. */
export type NativeAsync = (
  label: string,
  start: (done: (status: number) => void) => number | null,
  cancel: (ticket: number) => boolean,
  signal: AbortSignal | undefined,
) => Promise<void> | false;

export function exprBackend(binding: ExprBinding, nativeAsync: NativeAsync): Required<Pick<Backend, 'runProgram' | 'runProgramAsync' | 'stats'>> {
  const cancel = (t: number): boolean => binding.cancelAsync(t);
  return {
    runProgram: (code, consts, inputs, out) => binding.runProgram(code, consts, inputs, out),
    runProgramAsync: (code, consts, inputs, out, signal) =>
      nativeAsync('compiled activation.async', (done) => binding.runProgramAsync(code, consts, inputs, out, done), cancel, signal),
    stats: (x, outer, C, inner, hasShape, deadMax, lo, hi, out) => binding.stats(x, outer, C, inner, hasShape, deadMax, lo, hi, out),
  };
}

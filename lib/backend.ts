/**
 * What the public API needs from an implementation. The API layer has
 * already validated everything and resolved parameters (converted to the
 * array's type, enums to their index), so a backend trusts its arguments.
 */
import type { FloatArray, ShapedCall } from './types';
import { unaryOps, unaryNames } from './ops';

export interface Backend {
  readonly name: 'native' | 'js';
  /** y[i] = op(x[i]); x and y are the same view or disjoint, same type and length. */
  unary(id: number, x: FloatArray, y: FloatArray, a: number, b: number): void;
  /**
   * The same work off the event loop; resolves when y is written. An abort of
   * `signal` before the work starts rejects with an AbortError (nothing written).
   * false (nothing started) or absent: the API runs `unary` later on the JS thread.
   */
  unaryAsync?(id: number, x: FloatArray, y: FloatArray, a: number, b: number, signal?: AbortSignal): Promise<void> | false;

  // ---- Optional entry points. Each returns false (or, for the async ones,
  // ---- false instead of a promise) when it does not handle the call, and the
  // ---- API then runs the pure-JS twin: a backend can take them over one op
  // ---- or one dtype at a time. Absent means "never handled".

  /**
   * dx[i] = dy[i] · f'(x[i]) for unary op `id` (registry order), or, when y is
   * not null, dy[i] · g(y[i]) with the derivative written in terms of
   * y = f(x) (only for ops whose `backwardUsesY` is true; x must then not be
   * read, and may be null). a, b: the op's parameters as for `unary`.
   * Validated before the call: dy, x, y, dx are Float32Array/Float64Array
   * views of one type and one length on live buffers; dx is either one of the
   * inputs itself (the same view: in place) or shares no byte with any of
   * them; parameters are in range. Semantics (lib/fallback/unary-backward.ts):
   * f' evaluated in at least the array's precision, the IEEE product with dy
   * (NaN in dy or x gives NaN; ±Inf·0 is NaN), kinks as in the registry's
   * `backward.kinks`, error within `backward.ulp`/`ulp64` (or the absolute
   * bound inside `backward.cancels`).
   */
  unaryBackward?(id: number, dy: FloatArray, x: FloatArray | null, y: FloatArray | null, dx: FloatArray, a: number, b: number): boolean;
  /**
   * unaryBackward off the event loop; resolves when dx is written (the caller
   * keeps the arrays referenced until then). `signal`, when given, may cancel
   * work that has not started: reject with an AbortError and write nothing.
   */
  unaryBackwardAsync?(id: number, dy: FloatArray, x: FloatArray | null, y: FloatArray | null, dx: FloatArray, a: number, b: number, signal?: AbortSignal): Promise<void> | false;

  /**
   * One shaped-op call (prelu, maxout, softmax, logSoftmax, forward or
   * backward; see ShapedCall for each layout and aliasing rule). Validated
   * before: shapes (the product is the length, the axis in range, the axis
   * length divisible by pieces), types and lengths of every array, alpha's
   * length equal to the channel count, no partial overlaps. Semantics and
   * bounds: lib/fallback/shaped.ts and the `shapedOps` registry (prelu and
   * maxout exact, softmax/logSoftmax ≤ 4 ULP).
   */
  shaped?(call: ShapedCall): boolean;
  /** shaped() off the event loop, as unaryBackwardAsync. */
  shapedAsync?(call: ShapedCall, signal?: AbortSignal): Promise<void> | false;
  /**
   * Runs a compiled expression program (format, opcode table and semantics:
   * lib/expr/opcodes.ts; CALL's op ids are registry order) element-wise:
   * inputs[0] is x (and inputs[1] dy for backward programs), all of out's type
   * and length; out is one of the inputs itself or shares no byte with them.
   * Returns false when it does not handle the program (an opcode or format
   * version it does not know): the JS interpreter (lib/expr/interp.ts) runs it.
   */
  runProgram?(code: Int32Array, consts: Float64Array, inputs: readonly FloatArray[], out: FloatArray): boolean;
  /**
   * runProgram off the event loop; resolves when out is written (the arrays stay
   * referenced until then). Aborting `signal` before the work starts rejects with
   * an AbortError, nothing written. false: not handled (the API runs it later on
   * the JS thread).
   */
  runProgramAsync?(code: Int32Array, consts: Float64Array, inputs: readonly FloatArray[], out: FloatArray, signal?: AbortSignal): Promise<void> | false;
  /**
   * The scan of stats() (lib/expr/stats.ts) over x seen as outer × C × inner
   * (no channel axis: hasShape false, 1 × 1 × n): writes into out (8·(C + 1)
   * numbers) per channel, then for the whole array, n (non-NaN), nanCount,
   * min, max, mean, m2 (centred sum of squares), dead (x ≤ deadMax) and
   * saturated (x ≤ lo or x ≥ hi) counts; NaN thresholds never match. false:
   * not handled (the JS scan runs).
   */
  stats?(x: FloatArray, outer: number, C: number, inner: number, hasShape: boolean, deadMax: number, lo: number, hi: number, out: Float64Array): boolean;
  /** Facts for info(). */
  readonly isa: string;
  readonly isas: string[];
  threads(): number;
  /** Resizes the thread pool (n validated: an integer from 1 to 256). Absent: one thread, always. */
  setThreads?(n: number): void;
  readonly loadError: string | null;
}

const jsUnary = unaryNames.map((n) => unaryOps[n].js);

/** The pure-JS twin: every op, both dtypes, on the calling thread. */
export function createJsBackend(loadError: string | null = null): Backend {
  return {
    name: 'js',
    unary(id, x, y, a, b) {
      jsUnary[id](x, y, a, b);
    },
    isa: 'js',
    isas: ['js'],
    threads: () => 1,
    loadError,
  };
}

/**
 * What the public API needs from an implementation. The API layer has
 * already validated everything and resolved parameters (converted to the
 * array's type, enums to their index), so a backend trusts its arguments.
 *
 * A backend may decline any call: each entry point returns false (the async
 * ones false instead of a promise) when it does not handle it, and an absent
 * entry point never handles anything. ./compose.ts turns a backend into the
 * Engine the API calls, running the pure-JS twin (./js.ts) for whatever the
 * backend declined: the one place that decision is made.
 */
import type { FloatArray, FusedBackwardCall, FusedCall, ShapedCall, StorageArray } from '../types';
import type { Program } from '../expr/codegen';

export interface Backend {
  readonly name: 'native' | 'js';
  /**
   * y[i] = op(x[i]) for unary op `id` (registry order); x and y are the same view or
   * disjoint, of one length, and of one type, except that 16-bit x (a Uint16Array of
   * format `fmt`: 0 float16, 1 bfloat16; validate/dtype.ts) may have a Float32Array y.
   * 16-bit storage is computed as float32 (the float32 op's value) and rounded once.
   */
  unary(id: number, x: StorageArray, y: StorageArray, a: number, b: number, fmt?: number): boolean;
  /**
   * The same work off the event loop; resolves when y is written. An abort of
   * `signal` before the work starts rejects with an AbortError (nothing written)
   * whose message names `label` (the public call, e.g. "gelu.async"). Every
   * async entry point below takes the same two trailing arguments.
   */
  unaryAsync?(id: number, x: StorageArray, y: StorageArray, a: number, b: number, signal?: AbortSignal, label?: string, fmt?: number): Promise<void> | false;

  /**
   * dx[i] = dy[i] · f'(x[i]) for unary op `id` (registry order), or, when y is
   * not null, dy[i] · g(y[i]) with the derivative written in terms of
   * y = f(x) (only for ops whose `backwardUsesY` is true; x must then not be
   * read, and may be null). a, b: the op's parameters as for `unary`.
   * Validated before the call: dy, x, y, dx are Float32Array/Float64Array
   * views of one type and one length on live buffers (or 16-bit storage of
   * format `fmt`, as for `unary`, dx then also a Float32Array); dx is either one of the
   * inputs itself (the same view: in place) or shares no byte with any of
   * them; parameters are in range. Semantics (lib/fallback/unary-backward.ts):
   * f' evaluated in at least the array's precision, the IEEE product with dy
   * (NaN in dy or x gives NaN; ±Inf·0 is NaN), kinks as in the registry's
   * `backward.kinks`, error within the registry's backward bound
   * (`backward.ulp`/`ulp64` ulps of dx plus `backward.eps`·ε·|dy|·S(x); see
   * BackwardDef).
   */
  unaryBackward?(id: number, dy: StorageArray, x: StorageArray | null, y: StorageArray | null, dx: StorageArray, a: number, b: number, fmt?: number): boolean;
  /**
   * unaryBackward off the event loop; resolves when dx is written (the caller
   * keeps the arrays referenced until then). `signal`, when given, may cancel
   * work that has not started: reject with an AbortError and write nothing.
   */
  unaryBackwardAsync?(id: number, dy: StorageArray, x: StorageArray | null, y: StorageArray | null, dx: StorageArray, a: number, b: number, signal?: AbortSignal, label?: string, fmt?: number): Promise<void> | false;

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
  shapedAsync?(call: ShapedCall, signal?: AbortSignal, label?: string): Promise<void> | false;
  /**
   * One fused element-wise pass (a unary op with a bias and/or a gate; see
   * FusedCall and FusedBackwardCall for the layout, rounding and aliasing
   * rules), validated as shaped() calls are. Semantics: lib/fallback/fused.ts.
   */
  fused?(call: FusedCall | FusedBackwardCall): boolean;
  fusedAsync?(call: FusedCall | FusedBackwardCall, signal?: AbortSignal, label?: string): Promise<void> | false;
  /**
   * Runs a compiled expression program (format, opcode table and semantics:
   * lib/expr/opcodes.ts; CALL's op ids are registry order) element-wise:
   * inputs[0] is x (and inputs[1] dy for backward programs), all of out's type
   * and length; out is one of the inputs itself or shares no byte with them.
   * Returns false when it does not handle the program (an opcode or format
   * version it does not know).
   */
  runProgram?(p: Program, inputs: readonly FloatArray[], out: FloatArray): boolean;
  /**
   * runProgram off the event loop; resolves when out is written (the arrays stay
   * referenced until then). Aborting `signal` before the work starts rejects with
   * an AbortError, nothing written.
   */
  runProgramAsync?(p: Program, inputs: readonly FloatArray[], out: FloatArray, signal?: AbortSignal, label?: string): Promise<void> | false;
  /**
   * The scan of stats() (lib/fallback/stats.ts) over x seen as outer × C × inner
   * (no channel axis: hasShape false, 1 × 1 × n): writes into out (8·(C + 1)
   * numbers) per channel, then for the whole array, n (non-NaN), nanCount,
   * min, max, mean, m2 (centred sum of squares), dead (x ≤ deadMax) and
   * saturated (x ≤ lo or x ≥ hi) counts; NaN thresholds never match.
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

/**
 * A backend that handles every call: what the API runs on (./compose.ts
 * builds it). The async entry points take the label their AbortError names.
 */
export interface Engine {
  readonly name: 'native' | 'js';
  unary(id: number, x: StorageArray, y: StorageArray, a: number, b: number, fmt?: number): void;
  unaryAsync(fn: string, id: number, x: StorageArray, y: StorageArray, a: number, b: number, signal: AbortSignal | undefined, fmt?: number): Promise<void>;
  unaryBackward(id: number, dy: StorageArray, x: StorageArray | null, y: StorageArray | null, dx: StorageArray, a: number, b: number, fmt?: number): void;
  unaryBackwardAsync(fn: string, id: number, dy: StorageArray, x: StorageArray | null, y: StorageArray | null, dx: StorageArray, a: number, b: number, signal: AbortSignal | undefined, fmt?: number): Promise<void>;
  shaped(call: ShapedCall): void;
  shapedAsync(fn: string, call: ShapedCall, signal: AbortSignal | undefined): Promise<void>;
  fused(call: FusedCall | FusedBackwardCall): void;
  fusedAsync(fn: string, call: FusedCall | FusedBackwardCall, signal: AbortSignal | undefined): Promise<void>;
  runProgram(p: Program, inputs: readonly FloatArray[], out: FloatArray): void;
  runProgramAsync(fn: string, p: Program, inputs: readonly FloatArray[], out: FloatArray, signal: AbortSignal | undefined): Promise<void>;
  /**
   * Backend.stats's scan; with `seluOut`, also the moments of selu(x) into it
   * (8 numbers, the same layout), which only the twin computes.
   */
  stats(x: FloatArray, outer: number, C: number, inner: number, hasShape: boolean, deadMax: number, lo: number, hi: number, out: Float64Array, seluOut?: Float64Array): void;
  readonly isa: string;
  readonly isas: string[];
  threads(): number;
  setThreads(n: number): void;
  readonly loadError: string | null;
}

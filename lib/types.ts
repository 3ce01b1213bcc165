/** The array types every operation accepts (plain or SharedArrayBuffer-backed). */
export type FloatArray = Float32Array | Float64Array;
export type Dtype = 'float32' | 'float64';

/** Options every unary forward call accepts besides the op's own parameters. */
export interface OutOptions<A extends FloatArray> {
  /** Where to write the result: x itself (in place) or a distinct array of x's type and length. */
  out?: A;
}

export interface AsyncOptions {
  /** Aborting before the work starts rejects with an AbortError and writes nothing. */
  signal?: AbortSignal;
}

export interface BackwardOptions<A extends FloatArray> extends OutOptions<A> {
  /** The forward output f(x), accepted by ops whose derivative is cheaper from it (sigmoid, tanh, elu, selu). */
  y?: A;
}

/** Where the package computes and why. */
export interface Info {
  backend: 'native' | 'js';
  isa: string;
  /** Every ISA level this CPU and build can run, best first. */
  isas: string[];
  threads: number;
  version: string;
  /** Why the native addon is not in use, or why a requested ISA was refused (null when all is well). */
  loadError: string | null;
}

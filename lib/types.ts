/** The array types every operation accepts (plain or SharedArrayBuffer-backed). */
export type FloatArray = Float32Array | Float64Array;
export type Dtype = 'float32' | 'float64';

/** The 16-bit storage formats: IEEE binary16 and bfloat16 (the top half of a float32), computed in float32. */
export type HalfDtype = 'float16' | 'bfloat16';

/**
 * A runtime's Float16Array (Node 24; typed structurally so that this package's
 * types do not need the esnext.float16 lib): float16 storage, the dtype implied.
 */
export interface Float16ArrayLike extends ArrayBufferView {
  readonly [Symbol.toStringTag]: 'Float16Array';
  readonly length: number;
  [index: number]: number;
}

/** 16-bit storage: float16 or bfloat16 bits in a Uint16Array (options.dtype says which), or a Float16Array. */
export type HalfArray = Uint16Array | Float16ArrayLike;

/** Options of a call on 16-bit storage. */
export interface DtypeOptions {
  /** What a Uint16Array holds (required for one); for a Float16Array 'float16', for a Float32Array/Float64Array its own type, if given. */
  dtype?: Dtype | HalfDtype;
}

/**
 * An element-wise call's arrays as a backend receives them: float arrays, or
 * 16-bit storage as a Uint16Array of bits (a Float16Array seen through a
 * Uint16Array view) with its format passed beside it.
 */
export type StorageArray = FloatArray | Uint16Array;

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

/**
 * One validated call of a shaped op, as a backend receives it. Arrays are
 * contiguous and row-major, seen as outer × len × inner around the op's axis:
 * element (o, k, i) is at (o·len + k)·inner + i (for maxout, the input's; the
 * output has len / pieces along the axis). All arrays of a call have one type.
 * Outputs are either disjoint from every input or (where stated) the very
 * same view as one of them.
 */
export type ShapedCall =
  /** y = softmax, logSoftmax, softmin (softmax of −x) or hardmax (one-hot of the first maximum) of x along the axis; y may be x itself. */
  | { readonly op: 'softmax' | 'logSoftmax' | 'softmin' | 'hardmax'; readonly x: FloatArray; readonly y: FloatArray; readonly outer: number; readonly len: number; readonly inner: number }
  /**
   * dx from dy and the forward output y (probabilities for softmax and
   * softmin, log probabilities for logSoftmax) when y is not null, else from x
   * (y recomputed; x is then not null). dx may be dy, x or y itself.
   */
  | {
    readonly op: 'softmaxBackward' | 'logSoftmaxBackward' | 'softminBackward'; readonly dy: FloatArray; readonly y: FloatArray | null; readonly x: FloatArray | null;
    readonly dx: FloatArray; readonly outer: number; readonly len: number; readonly inner: number;
  }
  /** y = x > 0 ? x : α_c·x, len = the channel count; alpha null: the scalar alphaScalar (then len = 1). y may be x itself, never alpha. */
  | {
    readonly op: 'prelu'; readonly x: FloatArray; readonly y: FloatArray; readonly alpha: FloatArray | null; readonly alphaScalar: number;
    readonly outer: number; readonly len: number; readonly inner: number;
  }
  /**
   * dx = dy·(x > 0 ? 1 : α_c) (NaN where x is NaN); dalpha[c] (float64,
   * zeroed by the caller, length len) += Σ over channel c of (x > 0 ? 0 : x·dy),
   * accumulated to within 1e-6 relative of an exact sum even over 16M terms
   * (float64, pairwise or compensated). dx may be dy or x itself.
   */
  | {
    readonly op: 'preluBackward'; readonly dy: FloatArray; readonly x: FloatArray; readonly alpha: FloatArray | null; readonly alphaScalar: number;
    readonly dx: FloatArray; readonly dalpha: Float64Array; readonly outer: number; readonly len: number; readonly inner: number;
  }
  /** y = the max of each group of `pieces` consecutive entries along the axis (NaN if the group holds one); len % pieces === 0. */
  | { readonly op: 'maxout'; readonly x: FloatArray; readonly y: FloatArray; readonly outer: number; readonly len: number; readonly inner: number; readonly pieces: number }
  /** hardmax's gradient: dx = +0 everywhere (dy and x only fix the shape); dx may be dy or x itself. */
  | { readonly op: 'hardmaxBackward'; readonly dy: FloatArray; readonly x: FloatArray; readonly dx: FloatArray; readonly outer: number; readonly len: number; readonly inner: number }
  /** dx (x's shape) = dy routed to each group's first maximum (a NaN counts as the maximum), 0 elsewhere; dx may be x itself. */
  | {
    readonly op: 'maxoutBackward'; readonly dy: FloatArray; readonly x: FloatArray; readonly dx: FloatArray;
    readonly outer: number; readonly len: number; readonly inner: number; readonly pieces: number;
  };

/** Options of softmax and logSoftmax. */
export interface SoftmaxOptions<A extends FloatArray> extends OutOptions<A> {
  /** Row-major shape of x (default [x.length]); its product must be x.length. */
  shape?: readonly number[];
  /** The axis the probabilities sum over, negative from the end (default -1, the last). */
  axis?: number;
}

export interface SoftmaxBackwardOptions<A extends FloatArray> extends SoftmaxOptions<A> {
  /** The forward output (probabilities for softmax, log probabilities for logSoftmax); x may then be null. */
  y?: A;
}

export interface PreluOptions<A extends FloatArray> extends OutOptions<A> {
  /** Row-major shape of x (default [x.length]). */
  shape?: readonly number[];
  /**
   * The channel axis alpha runs along (negative from the end). Default 1 for
   * rank ≥ 2 (NCHW; NHWC is -1), and none for rank < 2, where there is one
   * channel (PyTorch's nn.PReLU convention): alpha is then a number or an
   * array of length 1, unless a channelAxis is given explicitly.
   */
  channelAxis?: number;
}

export interface MaxoutOptions<A extends FloatArray> extends OutOptions<A> {
  /** Row-major shape of x (default [x.length]). */
  shape?: readonly number[];
  /** The axis whose groups are reduced (negative from the end; default 1 for rank ≥ 2, else 0). */
  axis?: number;
  /** Group size k (required): the axis length must be divisible by it, and shrinks k times. */
  pieces: number;
}

/** The moments stats() reports, for the whole array and per channel. */
export interface Moments {
  /** Elements, NaN included. */
  count: number;
  nanCount: number;
  /** Over the non-NaN elements (NaN when there are none). */
  min: number;
  max: number;
  mean: number;
  /** Population variance (divided by the number of non-NaN elements). */
  variance: number;
  /** Fraction of the non-NaN elements in the op's dead region; null without one. */
  dead: number | null;
  /** Fraction of the non-NaN elements where |f'(x)| < 1e-3; null without an op. */
  saturated: number | null;
}

/**
 * One element-wise pass of a unary op with a bias and/or a gate, as a backend
 * receives it (the gated ops, and every unary op called with `bias`). With
 * bias(c) = bias ? bias[c] : biasScalar, ch(j) = ⌊j / inner⌋, for o < outer, j < m:
 *   t = g[o·stride + gOff + j] + bias(gC0 + ch(j))      (rounded to the array's type)
 *   s = act(t)                                           (unary op `act`, parameters a, b)
 *   y[o·m + j] = u ? s · (u[o·stride + uOff + j] + bias(uC0 + ch(j))) : s
 * The bias is added only when `biased` (else t = g, as with a zero bias but
 * keeping −0). y is disjoint from g, u and bias, or (u null, stride = m,
 * gOff = 0) the same view as g.
 */
export interface FusedCall {
  readonly op: 'fused';
  readonly act: number;
  readonly a: number;
  readonly b: number;
  readonly geom: FusedGeom;
  readonly g: FloatArray;
  readonly u: FloatArray | null;
  readonly y: FloatArray;
  readonly biased: boolean;
  readonly bias: FloatArray | null;
  readonly biasScalar: number;
}

/** Where the elements of a fused call are (see FusedCall); sOuter × sC × sInner: how dbias sums the gradient array. */
export interface FusedGeom {
  readonly outer: number;
  readonly m: number;
  readonly stride: number;
  readonly gOff: number;
  readonly uOff: number;
  readonly inner: number;
  readonly gC0: number;
  readonly uC0: number;
  readonly sOuter: number;
  readonly sC: number;
  readonly sInner: number;
}

/**
 * The backward of a FusedCall (same geometry; dg and du at g's and u's
 * offsets, possibly one array): with t and s as in the forward and
 * w = u ? dy · (u + bias) : dy (rounded),
 *   dg = w·act′(t)   (act's backward kernel; from y when fromY: g then holds y = act(t), no bias added)
 *   du = dy · s
 * then, when dbias is not null (zeroed, length sC), dbias[c] += Σ over channel c
 * of dg's array seen as sOuter × sC × sInner, in float64 (compensated).
 * dg may be g itself and du u itself; nothing else aliases.
 */
export interface FusedBackwardCall {
  readonly op: 'fusedBackward';
  readonly act: number;
  readonly a: number;
  readonly b: number;
  readonly geom: FusedGeom;
  readonly fromY: boolean;
  readonly dy: FloatArray;
  readonly g: FloatArray;
  readonly u: FloatArray | null;
  readonly dg: FloatArray;
  readonly du: FloatArray | null;
  readonly biased: boolean;
  readonly bias: FloatArray | null;
  readonly biasScalar: number;
  readonly dbias: Float64Array | null;
}

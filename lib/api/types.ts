/** The public API's types: what each function accepts and returns. */
import type { GatedName, GatedOpDef, GatedParams, ShapedOpDef, UnaryName, UnaryOpDef, UnaryParams, unaryOps } from '../registry/ops';
import type {
  AsyncOptions, FloatArray, HalfArray, HalfDtype, Info, MaxoutOptions, OutOptions, PreluOptions, SoftmaxBackwardOptions, SoftmaxOptions,
} from '../types';
import type { CompileFn } from './compile';
import type { StatsFn } from './stats';

/**
 * Options of a unary backward call: `out` (dy itself for in place, x or y
 * itself, or an array sharing no byte with any of them), the op's parameters,
 * and `y` = f(x) for the ops whose derivative is cheaper from it.
 */
export type UnaryBackwardOptions<A extends FloatArray, P, UsesY extends boolean> =
  OutOptions<A> & P & (UsesY extends true ? { /** The forward output f(x); the derivative is then computed from it alone. */ y?: A } : unknown);

/**
 * Options of a call on 16-bit storage (a Uint16Array with `dtype`, or a
 * Float16Array): computed in float32, rounded once to the output: 16-bit
 * storage of the input's type (the default) or a Float32Array `out`.
 */
export interface HalfOptions<O> {
  /** Required for a Uint16Array (what its bits hold); implied by a Float16Array. */
  dtype?: HalfDtype;
  out?: O;
}

export type HalfBackwardOptions<H, O, P, UsesY extends boolean> =
  HalfOptions<O> & P & (UsesY extends true ? { /** The forward output f(x), of dy's type. */ y?: H } : unknown);

/** An options parameter, optional unless the op has required parameters (threshold's threshold and value). */
export type Opt<O> = {} extends O ? [options?: O] : [options: O];

export interface UnaryBackward<P, UsesY extends boolean> {
  /**
   * dx = dy · f'(x): a new array of dy's type, or `options.out`. dy and x (and
   * y) have one type and one length. NaN in dy or x gives NaN.
   */
  <A extends FloatArray>(dy: A, x: A, ...options: Opt<UnaryBackwardOptions<A, P, UsesY>>): A;
  /** From the forward output alone (ops that accept y): x may be null when options.y is given. */
  <A extends FloatArray>(dy: A, x: UsesY extends true ? null : never, options: UnaryBackwardOptions<A, P, UsesY> & { y: A }): A;
  /** The same work off the event loop; resolves to dx. */
  async<A extends FloatArray>(dy: A, x: A, ...options: Opt<UnaryBackwardOptions<A, P, UsesY> & AsyncOptions>): Promise<A>;
  async<A extends FloatArray>(dy: A, x: UsesY extends true ? null : never, options: UnaryBackwardOptions<A, P, UsesY> & AsyncOptions & { y: A }): Promise<A>;
  /** 16-bit storage: dx widened into a Float32Array options.out. */
  <H extends HalfArray>(dy: H, x: H | null, options: HalfBackwardOptions<H, Float32Array, P, UsesY> & { out: Float32Array }): Float32Array;
  /** 16-bit storage: dx of dy's type (options.dtype required for a Uint16Array). */
  <H extends HalfArray>(dy: H, x: H | null, ...options: Opt<HalfBackwardOptions<H, H, P, UsesY>>): H;
  async<H extends HalfArray>(dy: H, x: H | null, options: HalfBackwardOptions<H, Float32Array, P, UsesY> & AsyncOptions & { out: Float32Array }): Promise<Float32Array>;
  async<H extends HalfArray>(dy: H, x: H | null, ...options: Opt<HalfBackwardOptions<H, H, P, UsesY> & AsyncOptions>): Promise<H>;
}

export interface UnaryActivation<P, UsesY extends boolean = boolean> {
  /** y = f(x): a new array of x's type, or `options.out` (which may be x itself). */
  <A extends FloatArray>(x: A, ...options: Opt<OutOptions<A> & P>): A;
  /** 16-bit storage, widened on the way out into a Float32Array options.out. */
  <H extends HalfArray>(x: H, options: HalfOptions<Float32Array> & P & { out: Float32Array }): Float32Array;
  /** 16-bit storage in, the same out (options.dtype required for a Uint16Array). */
  <H extends HalfArray>(x: H, ...options: Opt<HalfOptions<H> & P>): H;
  /** The same work off the event loop; resolves to the output. */
  async<A extends FloatArray>(x: A, ...options: Opt<OutOptions<A> & AsyncOptions & P>): Promise<A>;
  async<H extends HalfArray>(x: H, options: HalfOptions<Float32Array> & AsyncOptions & P & { out: Float32Array }): Promise<Float32Array>;
  async<H extends HalfArray>(x: H, ...options: Opt<HalfOptions<H> & AsyncOptions & P>): Promise<H>;
  /** The backward pass dx = dy · f'(x) (see `def.backward` for f', its kinks and its bound). */
  readonly backward: UnaryBackward<P, UsesY>;
  /** The op's name in the registry. */
  readonly opName: string;
  /** The registry entry: formula, parameters, accuracy bounds, backward. */
  readonly def: UnaryOpDef;
}

export type UnaryApi = {
  readonly [N in UnaryName]: UnaryActivation<UnaryParams<N>, (typeof unaryOps)[N]['backwardUsesY']>;
};

interface ShapedMeta {
  /** The op's name in the registry. */
  readonly opName: string;
  /** The registry entry (lib/registry/ops.ts shapedOps). */
  readonly def: ShapedOpDef;
}

/** softmax / logSoftmax options over 16-bit storage. */
export type HalfSoftmaxOptions<O> = HalfOptions<O> & { shape?: readonly number[]; axis?: number };

export interface Softmax extends ShapedMeta {
  /** softmax (or logSoftmax) of x along options.axis: a new array of x's type, or options.out (x itself allowed). */
  <A extends FloatArray>(x: A, options?: SoftmaxOptions<A>): A;
  /** 16-bit storage: computed as float32, rounded once into a 16-bit (default) or Float32Array out. */
  <H extends HalfArray>(x: H, options: HalfSoftmaxOptions<Float32Array> & { out: Float32Array }): Float32Array;
  <H extends HalfArray>(x: H, options?: HalfSoftmaxOptions<H>): H;
  async<A extends FloatArray>(x: A, options?: SoftmaxOptions<A> & AsyncOptions): Promise<A>;
  async<H extends HalfArray>(x: H, options: HalfSoftmaxOptions<Float32Array> & AsyncOptions & { out: Float32Array }): Promise<Float32Array>;
  async<H extends HalfArray>(x: H, options?: HalfSoftmaxOptions<H> & AsyncOptions): Promise<H>;
  readonly backward: {
    /** dx from dy and x, or from options.y (the forward output; x may then be null). */
    <A extends FloatArray>(dy: A, x: A | null, options?: SoftmaxBackwardOptions<A>): A;
    <H extends HalfArray>(dy: H, x: H | null, options: HalfSoftmaxOptions<Float32Array> & { y?: H; out: Float32Array }): Float32Array;
    <H extends HalfArray>(dy: H, x: H | null, options?: HalfSoftmaxOptions<H> & { y?: H }): H;
    async<A extends FloatArray>(dy: A, x: A | null, options?: SoftmaxBackwardOptions<A> & AsyncOptions): Promise<A>;
    async<H extends HalfArray>(dy: H, x: H | null, options?: HalfSoftmaxOptions<H | Float32Array> & { y?: H } & AsyncOptions): Promise<H | Float32Array>;
  };
}

export interface Hardmax extends ShapedMeta {
  /** One-hot of the first maximum of x along options.axis (1 there, +0 elsewhere): a new array of x's type, or options.out (x itself allowed). */
  <A extends FloatArray>(x: A, options?: SoftmaxOptions<A>): A;
  async<A extends FloatArray>(x: A, options?: SoftmaxOptions<A> & AsyncOptions): Promise<A>;
  readonly backward: {
    /** The zero gradient: +0 of dy's shape (the output is piecewise constant). */
    <A extends FloatArray>(dy: A, x: A, options?: SoftmaxOptions<A>): A;
    async<A extends FloatArray>(dy: A, x: A, options?: SoftmaxOptions<A> & AsyncOptions): Promise<A>;
  };
}

/** prelu.backward's result: dalpha is a number when alpha was one, else an array of alpha's type and length. */
export interface PreluGrad<A extends FloatArray, D extends number | A> {
  dx: A;
  dalpha: D;
}

export interface Prelu extends ShapedMeta {
  /** x > 0 ? x : α_c·x, alpha a number or one value per channel (an array of x's type). */
  <A extends FloatArray>(x: A, alpha: number | A, options?: PreluOptions<A>): A;
  async<A extends FloatArray>(x: A, alpha: number | A, options?: PreluOptions<A> & AsyncOptions): Promise<A>;
  readonly backward: {
    <A extends FloatArray>(dy: A, x: A, alpha: number, options?: PreluOptions<A>): PreluGrad<A, number>;
    <A extends FloatArray>(dy: A, x: A, alpha: A, options?: PreluOptions<A>): PreluGrad<A, A>;
    async<A extends FloatArray>(dy: A, x: A, alpha: number, options?: PreluOptions<A> & AsyncOptions): Promise<PreluGrad<A, number>>;
    async<A extends FloatArray>(dy: A, x: A, alpha: A, options?: PreluOptions<A> & AsyncOptions): Promise<PreluGrad<A, A>>;
    /** 16-bit storage: dx of dy's type (or a Float32Array out), dalpha a number or of alpha's dtype. */
    <H extends HalfArray>(dy: H, x: H, alpha: number | H, options?: HalfPreluOptions<H | Float32Array>): { dx: H | Float32Array; dalpha: number | H };
    async<H extends HalfArray>(dy: H, x: H, alpha: number | H, options?: HalfPreluOptions<H | Float32Array> & AsyncOptions): Promise<{ dx: H | Float32Array; dalpha: number | H }>;
  };
  /** 16-bit storage: the float32 op on the widened values, rounded once (alpha of x's dtype, a number rounded to it). */
  <H extends HalfArray>(x: H, alpha: number | H, options: HalfPreluOptions<Float32Array> & { out: Float32Array }): Float32Array;
  <H extends HalfArray>(x: H, alpha: number | H, options?: HalfPreluOptions<H>): H;
  async<H extends HalfArray>(x: H, alpha: number | H, options?: HalfPreluOptions<H | Float32Array> & AsyncOptions): Promise<H | Float32Array>;
}

/** prelu's options over 16-bit storage. */
export type HalfPreluOptions<O> = HalfOptions<O> & { shape?: readonly number[]; channelAxis?: number };

/** maxout's options over 16-bit storage. */
export type HalfMaxoutOptions<O> = HalfOptions<O> & { shape?: readonly number[]; axis?: number; pieces: number };

export interface Maxout extends ShapedMeta {
  /** The max of each group of options.pieces entries along options.axis: an array of x.length / pieces. */
  <A extends FloatArray>(x: A, options: MaxoutOptions<A>): A;
  async<A extends FloatArray>(x: A, options: MaxoutOptions<A> & AsyncOptions): Promise<A>;
  readonly backward: {
    /** dx of x's shape (options.shape is x's): dy (x.length / pieces) routed to each group's first maximum. */
    <A extends FloatArray>(dy: A, x: A, options: MaxoutOptions<A>): A;
    async<A extends FloatArray>(dy: A, x: A, options: MaxoutOptions<A> & AsyncOptions): Promise<A>;
    /** 16-bit storage: dy's values routed exactly. */
    <H extends HalfArray>(dy: H, x: H, options: HalfMaxoutOptions<H | Float32Array>): H | Float32Array;
    async<H extends HalfArray>(dy: H, x: H, options: HalfMaxoutOptions<H | Float32Array> & AsyncOptions): Promise<H | Float32Array>;
  };
  /** 16-bit storage: the maxima are 16-bit values, exact in either output type. */
  <H extends HalfArray>(x: H, options: HalfMaxoutOptions<Float32Array> & { out: Float32Array }): Float32Array;
  <H extends HalfArray>(x: H, options: HalfMaxoutOptions<H>): H;
  async<H extends HalfArray>(x: H, options: HalfMaxoutOptions<H | Float32Array> & AsyncOptions): Promise<H | Float32Array>;
}

export interface ShapedApi {
  readonly prelu: Prelu;
  readonly maxout: Maxout;
  readonly softmax: Softmax;
  readonly logSoftmax: Softmax;
  /** softmax(−x) (PyTorch F.softmin). */
  readonly softmin: Softmax;
  /** ONNX Hardmax. */
  readonly hardmax: Hardmax;
}

/** Options of a gated op's one-array form: x split in two halves along options.axis. */
export interface GatedOptions<A extends FloatArray> extends OutOptions<A> {
  /** Row-major shape of x (default [x.length]). */
  shape?: readonly number[];
  /** The axis x splits along (negative from the end; default -1); its length must be even. */
  axis?: number;
  /** Added to x before the split: one number, or one value per feature along the axis (an array of x's type). */
  bias?: number | A;
}

/** A gated op's backward with a bias: dbias a number for a number bias, else an array of the bias's type. */
export interface GatedGrad<A extends FloatArray, D extends number | A> {
  dx: A;
  dbias: D;
}

/** A gated op's one-array options over 16-bit storage: the bias a number or an array of x's type. */
export type HalfGatedOptions<H, O> = HalfOptions<O> & { shape?: readonly number[]; axis?: number; bias?: number | H };

/** A gated op's backward over 16-bit storage with a bias: dx of dy's type (or a Float32Array out), dbias a number or of the bias's type. */
export interface HalfGatedGrad<H> {
  dx: H | Float32Array;
  dbias: number | H;
}

export interface Gated<P> {
  /** act(gate half) ⊙ the other half of x: an array of half x's length (the axis halves). */
  <A extends FloatArray>(x: A, options?: GatedOptions<A> & P): A;
  /** The two-array form (swiglu, geglu, reglu): act(gate) ⊙ up, gate and up of one length; out may be either. */
  <A extends FloatArray>(gate: A, up: A, options?: OutOptions<A> & P): A;
  async<A extends FloatArray>(x: A, options?: GatedOptions<A> & AsyncOptions & P): Promise<A>;
  async<A extends FloatArray>(gate: A, up: A, options?: OutOptions<A> & AsyncOptions & P): Promise<A>;
  /**
   * 16-bit storage (options.dtype for a Uint16Array): x + bias and act(gate)
   * rounded to the 16-bit type, the product rounded once to out's type (16-bit
   * by default, or a Float32Array out).
   */
  <H extends HalfArray>(x: H, options: HalfGatedOptions<H, Float32Array> & P & { out: Float32Array }): Float32Array;
  <H extends HalfArray>(x: H, options?: HalfGatedOptions<H, H> & P): H;
  <H extends HalfArray>(gate: H, up: H, options: HalfOptions<Float32Array> & P & { out: Float32Array }): Float32Array;
  <H extends HalfArray>(gate: H, up: H, options?: HalfOptions<H> & P): H;
  async<H extends HalfArray>(x: H, options?: HalfGatedOptions<H, H | Float32Array> & AsyncOptions & P): Promise<H | Float32Array>;
  async<H extends HalfArray>(gate: H, up: H, options?: HalfOptions<H | Float32Array> & AsyncOptions & P): Promise<H | Float32Array>;
  readonly backward: {
    /** dx of x's shape (dy has half x's length). */
    <A extends FloatArray>(dy: A, x: A, options?: Omit<GatedOptions<A>, 'bias'> & P): A;
    <A extends FloatArray>(dy: A, x: A, options: GatedOptions<A> & { bias: number } & P): GatedGrad<A, number>;
    <A extends FloatArray>(dy: A, x: A, options: GatedOptions<A> & { bias: A } & P): GatedGrad<A, A>;
    /** The two-array form: { dgate, dup }, new arrays or options.dgate / options.dup (gate and up themselves allowed). */
    <A extends FloatArray>(dy: A, gate: A, up: A, options?: { dgate?: A; dup?: A } & P): { dgate: A; dup: A };
    async<A extends FloatArray>(dy: A, x: A, options?: GatedOptions<A> & AsyncOptions & P): Promise<A | GatedGrad<A, number | A>>;
    async<A extends FloatArray>(dy: A, gate: A, up: A, options?: { dgate?: A; dup?: A } & AsyncOptions & P): Promise<{ dgate: A; dup: A }>;
    /** 16-bit storage: dx (and dbias with a bias); the two-array form's dgate and dup of dy's type or Float32Arrays. */
    <H extends HalfArray>(dy: H, x: H, options?: Omit<HalfGatedOptions<H, H | Float32Array>, 'bias'> & P): H | Float32Array;
    <H extends HalfArray>(dy: H, x: H, options: HalfGatedOptions<H, H | Float32Array> & { bias: number | H } & P): HalfGatedGrad<H>;
    <H extends HalfArray>(dy: H, gate: H, up: H, options?: { dtype?: HalfDtype; dgate?: H | Float32Array; dup?: H | Float32Array } & P): { dgate: H | Float32Array; dup: H | Float32Array };
    async<H extends HalfArray>(dy: H, x: H, options?: HalfGatedOptions<H, H | Float32Array> & AsyncOptions & P): Promise<H | Float32Array | HalfGatedGrad<H>>;
    async<H extends HalfArray>(dy: H, gate: H, up: H, options?: { dtype?: HalfDtype; dgate?: H | Float32Array; dup?: H | Float32Array } & AsyncOptions & P):
      Promise<{ dgate: H | Float32Array; dup: H | Float32Array }>;
  };
  /** The op's name in the registry. */
  readonly opName: string;
  /** The registry entry (lib/registry/ops.ts gatedOps). */
  readonly def: GatedOpDef;
}

export type GatedApi = {
  readonly [N in GatedName]: Gated<GatedParams<N>>;
};

export interface Api extends ShapedApi, UnaryApi, GatedApi {
  /**
   * Compiles an expression of x into an activation with the built-ins'
   * interface (`act(x, { out })`, `act.backward(dy, x)`, `.async`, float32 and
   * float64); its backward pass is the symbolic derivative.
   *
   * The language: numbers, `x`, named parameters (values in `options.params`,
   * overridable per call as options), `+ - * /`, `^` with an integer exponent,
   * unary minus; the units abs sign step sqrt exp expm1 log log1p sin cos tan
   * sinh cosh tanh asinh atan erf erfc sinc sigmoid softplus, `max(a, b)`,
   * `min(a, b)`, `select(c, a, b)` (a where c > 0, else b); and every built-in
   * op by name with its parameters positional or named:
   * `elu(x, 0.5)`, `gelu(x, approximate = 'tanh')`.
   *
   * @example compile('x * sigmoid(beta * x)', { params: { beta: 1.5 } })
   * @example compile('max(x, sigmoid(x))').backward(dy, x)
   * @throws SyntaxError with `column` (1-based) and `expected` for a bad expression.
   */
  compile: CompileFn;
  /**
   * One pass over x: count, NaN count, min, max, mean, variance; with
   * `op`, the fractions in its dead region (relu: x ≤ 0; leakyRelu/PReLU: the
   * negative side) and saturated tails (|f'| < 1e-3, derived from the op's
   * derivative); with `shape` and `channelAxis`, the same per channel and the
   * channels dead in every sample; for `op: 'selu'`, the mean and variance of
   * the outputs (self-normalization: 0 and 1).
   */
  stats: StatsFn;
  info(): Info;
  /** Resizes the process-wide thread pool (1 to 256; native backend; the JS twin computes on the calling thread). */
  setThreads(n: number): void;
}

/**
 * Builds the public functions from the registry for one backend. Everything
 * a call can get wrong is checked here, once, before the backend is touched.
 */
import type { Backend } from './backend';
import { makeSetThreads } from './threads';
import { createExprApi, type ExprApi } from './expr';
import { unaryOps, unaryNames, shapedOps, type ParamDef, type ShapedOpDef, type UnaryName, type UnaryOpDef, type UnaryParams } from './ops';
import type {
  AsyncOptions, FloatArray, Info, MaxoutOptions, OutOptions, PreluOptions, ShapedCall, SoftmaxBackwardOptions, SoftmaxOptions,
} from './types';
import { runShaped } from './fallback/shaped';
import { checkAxis, checkPositiveInt, checkShape, splitAt, type Split } from './shape';
import { checkFloatArray, checkLike, checkNoPartialOverlap, checkOptionsObject, describe, dtypeOf, unknownOption } from './validate';

/**
 * Options of a unary backward call: `out` (dy itself for in place, x or y
 * itself, or an array sharing no byte with any of them), the op's parameters,
 * and `y` = f(x) for the ops whose derivative is cheaper from it.
 */
export type UnaryBackwardOptions<A extends FloatArray, P, UsesY extends boolean> =
  OutOptions<A> & P & (UsesY extends true ? { /** The forward output f(x); the derivative is then computed from it alone. */ y?: A } : unknown);

export interface UnaryBackward<P, UsesY extends boolean> {
  /**
   * dx = dy · f'(x): a new array of dy's type, or `options.out`. dy and x (and
   * y) have one type and one length. NaN in dy or x gives NaN.
   */
  <A extends FloatArray>(dy: A, x: A, options?: UnaryBackwardOptions<A, P, UsesY>): A;
  /** From the forward output alone (ops that accept y): x may be null when options.y is given. */
  <A extends FloatArray>(dy: A, x: UsesY extends true ? null : never, options: UnaryBackwardOptions<A, P, UsesY> & { y: A }): A;
  /** The same work off the event loop; resolves to dx. */
  async<A extends FloatArray>(dy: A, x: A, options?: UnaryBackwardOptions<A, P, UsesY> & AsyncOptions): Promise<A>;
  async<A extends FloatArray>(dy: A, x: UsesY extends true ? null : never, options: UnaryBackwardOptions<A, P, UsesY> & AsyncOptions & { y: A }): Promise<A>;
}

export interface UnaryActivation<P, UsesY extends boolean = boolean> {
  /** y = f(x): a new array of x's type, or `options.out` (which may be x itself). */
  <A extends FloatArray>(x: A, options?: OutOptions<A> & P): A;
  /** The same work off the event loop; resolves to the output. */
  async<A extends FloatArray>(x: A, options?: OutOptions<A> & AsyncOptions & P): Promise<A>;
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
  /** The registry entry (lib/ops.ts shapedOps). */
  readonly def: ShapedOpDef;
}

export interface Softmax extends ShapedMeta {
  /** softmax (or logSoftmax) of x along options.axis: a new array of x's type, or options.out (x itself allowed). */
  <A extends FloatArray>(x: A, options?: SoftmaxOptions<A>): A;
  async<A extends FloatArray>(x: A, options?: SoftmaxOptions<A> & AsyncOptions): Promise<A>;
  readonly backward: {
    /** dx from dy and x, or from options.y (the forward output; x may then be null). */
    <A extends FloatArray>(dy: A, x: A | null, options?: SoftmaxBackwardOptions<A>): A;
    async<A extends FloatArray>(dy: A, x: A | null, options?: SoftmaxBackwardOptions<A> & AsyncOptions): Promise<A>;
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
  };
}

export interface Maxout extends ShapedMeta {
  /** The max of each group of options.pieces entries along options.axis: an array of x.length / pieces. */
  <A extends FloatArray>(x: A, options: MaxoutOptions<A>): A;
  async<A extends FloatArray>(x: A, options: MaxoutOptions<A> & AsyncOptions): Promise<A>;
  readonly backward: {
    /** dx of x's shape (options.shape is x's): dy (x.length / pieces) routed to each group's first maximum. */
    <A extends FloatArray>(dy: A, x: A, options: MaxoutOptions<A>): A;
    async<A extends FloatArray>(dy: A, x: A, options: MaxoutOptions<A> & AsyncOptions): Promise<A>;
  };
}

export interface ShapedApi {
  readonly prelu: Prelu;
  readonly maxout: Maxout;
  readonly softmax: Softmax;
  readonly logSoftmax: Softmax;
}

export interface Api extends ShapedApi, UnaryApi, ExprApi {
  info(): Info;
  /** Resizes the process-wide thread pool (1 to 256; native backend; the JS twin computes on the calling thread). */
  setThreads(n: number): void;
}

export const VERSION: string = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

/** Resolved parameters of the current call (the API is synchronous up to the backend call). */
const P = [0, 0];

function paramError(fn: string, p: ParamDef, v: unknown, what: string, Ctor: typeof TypeError | typeof RangeError): Error {
  return new Ctor(`${fn}: Expected ${what} for options.${p.name} but received ${describe(v)}`);
}

function rangeText(p: ParamDef & { kind: 'number' }): string {
  const parts: string[] = [];
  if (p.min !== undefined) parts.push(`${p.minExclusive ? '>' : '≥'} ${p.min}`);
  if (p.max !== undefined) parts.push(`≤ ${p.max}`);
  return parts.length ? `a finite number ${parts.join(' and ')}` : 'a finite number';
}

/**
 * Reads the op's parameters from `opts` into P (defaults where absent),
 * converted to the array's type; enums become the index of their value.
 */
function resolveParams(fn: string, def: UnaryOpDef, opts: Record<string, unknown> | undefined, f32: boolean): void {
  const params = def.params;
  P[0] = 0;
  P[1] = 0;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const v = opts === undefined ? undefined : opts[p.name];
    if (p.kind === 'enum') {
      const s = v === undefined ? p.default : v;
      const k = typeof s === 'string' ? p.values.indexOf(s) : -1;
      if (k < 0) {
        const what = `one of ${p.values.map((x) => JSON.stringify(x)).join(', ')}`;
        throw paramError(fn, p, v, what, typeof s === 'string' ? RangeError : TypeError);
      }
      P[i] = k;
      continue;
    }
    let x: number;
    if (v === undefined) {
      x = p.default;
    } else {
      if (typeof v !== 'number') throw paramError(fn, p, v, rangeText(p), TypeError);
      x = v;
    }
    const r = f32 ? Math.fround(x) : x;
    const ok = Number.isFinite(r)
      && (p.min === undefined || (p.minExclusive ? r > p.min : r >= p.min))
      && (p.max === undefined || r <= p.max);
    if (!ok) {
      const note = !Object.is(r, x) ? ` (${x} is ${r} in float32)` : '';
      throw paramError(fn, p, v, rangeText(p) + note, RangeError);
    }
    P[i] = r;
  }
  if (def.check) {
    const bad = def.check(P);
    if (bad) throw new RangeError(`${fn}: Expected valid options.${bad[0]}: ${bad[1]}`);
  }
}

function checkKeys(fn: string, opts: Record<string, unknown>, allowed: ReadonlySet<string>, list: readonly string[]): void {
  for (const k in opts) {
    if (!allowed.has(k)) throw unknownOption(fn, k, 'options', list);
  }
}

function abortError(fn: string, signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const e = new Error(`${fn}: the operation was aborted before it started`, { cause: reason });
  e.name = 'AbortError';
  return e;
}

/** Reads and checks options.signal; throws if it has already fired. */
function takeSignal(fn: string, options: unknown): AbortSignal | undefined {
  const signal = (options as AsyncOptions | undefined)?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${fn}: Expected an AbortSignal for options.signal but received ${describe(signal)}`);
  }
  if (signal?.aborted) throw abortError(fn, signal);
  return signal;
}

/**
 * Runs validated work for an `.async` call: on the backend's worker when it
 * offers one (`native` returns its promise, or false when it does not handle
 * this call), else on the JS thread after one turn of the event loop, so an
 * abort issued right after the call still wins.
 */
async function runAsync(fn: string, signal: AbortSignal | undefined, native: (() => Promise<void> | false) | undefined, sync: () => void): Promise<void> {
  const p = native ? native() : false;
  if (p !== false) {
    await p;
    return;
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw abortError(fn, signal);
  sync();
}

/**
 * Option getters (and shape entries) are user code that runs after the arrays
 * were accepted: one can detach or shrink a buffer already checked. Checked
 * again once every option has been read, right before the backend runs, so
 * such a call throws instead of computing on an emptied view.
 */
function checkStillLive(fn: string, arrays: readonly (readonly [FloatArray | null, string, number])[]): void {
  for (const [a, name] of arrays) if (a !== null) checkFloatArray(fn, a, name);
  for (const [a, name, n] of arrays) {
    if (a !== null && a.length !== n) {
      throw new RangeError(`${fn}: Expected length ${n} for ${name} but received ${describe(a)} (its buffer was resized while the options were read)`);
    }
  }
}

function newLike(a: FloatArray): FloatArray {
  return dtypeOf(a) === 'float64' ? new Float64Array(a.length) : new Float32Array(a.length);
}

/** `out` given by the caller (checked against `ref` and every input), or a new array like ref. */
function takeOut(fn: string, v: unknown, ref: FloatArray, refName: string, inputs: readonly (readonly [FloatArray, string])[]): FloatArray {
  if (v === undefined) return newLike(ref);
  const out = checkLike(fn, v, 'options.out', ref, refName);
  for (const [a, name] of inputs) checkNoPartialOverlap(fn, out, 'options.out', a, name);
  return out;
}

function makeUnary(name: UnaryName, id: number, backend: Backend): UnaryActivation<object> {
  const def: UnaryOpDef = unaryOps[name];
  const paramNames = def.params.map((p) => p.name);
  const syncKeys = ['out', ...paramNames];
  const asyncKeys = [...syncKeys, 'signal'];
  const syncSet = new Set(syncKeys);
  const asyncSet = new Set(asyncKeys);

  /** Validates a forward call; returns [x, out] with P holding the parameters. */
  function prepare(fn: string, x: unknown, options: unknown, keys: ReadonlySet<string>, list: readonly string[]): [FloatArray, FloatArray] {
    const xa = checkFloatArray(fn, x, 'x');
    const n = xa.length;
    const opts = checkOptionsObject(fn, options, 'options');
    if (opts !== undefined) checkKeys(fn, opts, keys, list);
    const out = takeOut(fn, opts?.out, xa, 'x', [[xa, 'x']]);
    resolveParams(fn, def, opts, dtypeOf(xa) === 'float32');
    checkStillLive(fn, [[xa, 'x', n], [out, 'options.out', n]]);
    return [xa, out];
  }

  const f = function <A extends FloatArray>(x: A, options?: OutOptions<A>): A {
    const [xa, out] = prepare(name, x, options, syncSet, syncKeys);
    backend.unary(id, xa, out, P[0], P[1]);
    return out as A;
  } as UnaryActivation<object>;

  const fnAsync = `${name}.async`;
  const asyncFn = async function <A extends FloatArray>(x: A, options?: OutOptions<A> & AsyncOptions): Promise<A> {
    const [xa, out] = prepare(fnAsync, x, options, asyncSet, asyncKeys);
    const a = P[0], b = P[1];
    const signal = takeSignal(fnAsync, options);
    checkStillLive(fnAsync, [[xa, 'x', out.length], [out, 'options.out', xa.length]]); // options.signal's getter ran last
    await runAsync(fnAsync, signal, backend.unaryAsync && (() => backend.unaryAsync!(id, xa, out, a, b, signal)), () => backend.unary(id, xa, out, a, b));
    return out as A;
  };

  Object.defineProperties(f, {
    async: { value: asyncFn, enumerable: true },
    backward: { value: makeUnaryBackward(name, id, def, backend), enumerable: true },
    opName: { value: name, enumerable: true },
    def: { value: def, enumerable: true },
    name: { value: name },
  });
  return f;
}

function makeUnaryBackward(name: UnaryName, id: number, def: UnaryOpDef, backend: Backend): UnaryBackward<object, boolean> {
  const bw = def.backward;
  const syncKeys = ['out', ...(def.backwardUsesY ? ['y'] : []), ...def.params.map((p) => p.name)];
  const asyncKeys = [...syncKeys, 'signal'];
  const syncSet = new Set(syncKeys);
  const asyncSet = new Set(asyncKeys);

  /** Validates a backward call; returns [dy, x, y | null, dx] with P holding the parameters. */
  function prepare(fn: string, dy: unknown, x: unknown, options: unknown, keys: ReadonlySet<string>, list: readonly string[]): [FloatArray, FloatArray | null, FloatArray | null, FloatArray] {
    const dya = checkFloatArray(fn, dy, 'dy');
    const n = dya.length;
    const opts = checkOptionsObject(fn, options, 'options');
    if (opts !== undefined) checkKeys(fn, opts, keys, list);
    const ya = opts?.y === undefined ? null : checkLike(fn, opts.y, 'options.y', dya, 'dy');
    // With y the derivative is computed from y alone, so x may be left out (null).
    const xa = x === null && ya !== null ? null : checkLike(fn, x, ya === null ? 'x' : 'x (or null with options.y)', dya, 'dy');
    const inputs: [FloatArray, string][] = [[dya, 'dy']];
    if (xa) inputs.push([xa, 'x']);
    if (ya) inputs.push([ya, 'options.y']);
    const out = takeOut(fn, opts?.out, dya, 'dy', inputs);
    resolveParams(fn, def, opts, dtypeOf(dya) === 'float32');
    checkStillLive(fn, [[dya, 'dy', n], [xa, 'x', n], [ya, 'options.y', n], [out, 'options.out', n]]);
    return [dya, xa, ya, out];
  }

  function run(dy: FloatArray, x: FloatArray | null, y: FloatArray | null, dx: FloatArray, a: number, b: number): void {
    if (backend.unaryBackward?.(id, dy, x, y, dx, a, b)) return;
    if (y) bw.jsFromY!(dy, y, dx, a, b);
    else bw.js(dy, x!, dx, a, b);
  }

  const fn = `${name}.backward`;
  const f = function (dy: FloatArray, x: FloatArray | null, options?: object): FloatArray {
    const [dya, xa, ya, out] = prepare(fn, dy, x, options, syncSet, syncKeys);
    run(dya, xa, ya, out, P[0], P[1]);
    return out;
  } as unknown as UnaryBackward<object, boolean>;

  const fnAsync = `${name}.backward.async`;
  const asyncFn = async function (dy: FloatArray, x: FloatArray | null, options?: object): Promise<FloatArray> {
    const [dya, xa, ya, out] = prepare(fnAsync, dy, x, options, asyncSet, asyncKeys);
    const a = P[0], b = P[1];
    const signal = takeSignal(fnAsync, options);
    checkStillLive(fnAsync, [[dya, 'dy', out.length], [xa, 'x', out.length], [ya, 'options.y', out.length], [out, 'options.out', dya.length]]);
    const native = backend.unaryBackwardAsync && (() => backend.unaryBackwardAsync!(id, dya, xa, ya, out, a, b, signal));
    await runAsync(fnAsync, signal, native, () => run(dya, xa, ya, out, a, b));
    return out;
  };

  Object.defineProperties(f, {
    async: { value: asyncFn, enumerable: true },
    name: { value: 'backward' },
  });
  return f;
}


// ---------------------------------------------------------------- shaped ops

/** Output and input share no byte at all (alpha is read throughout, so even the same view is refused). */
function checkDisjoint(fn: string, out: FloatArray, outName: string, a: FloatArray, aName: string): void {
  if (out.buffer !== a.buffer) return;
  const o0 = out.byteOffset, o1 = o0 + out.byteLength, a0 = a.byteOffset, a1 = a0 + a.byteLength;
  if (o0 < a1 && a0 < o1) {
    throw new RangeError(`${fn}: Expected ${outName} not to overlap ${aName}, but it does (bytes ${o0}..${o1} against ${a0}..${a1} of one buffer)`);
  }
}

function shapedRunner(backend: Backend) {
  const sync = (c: ShapedCall): void => {
    if (!backend.shaped?.(c)) runShaped(c);
  };
  const later = (fn: string, c: ShapedCall, signal: AbortSignal | undefined): Promise<void> =>
    runAsync(fn, signal, backend.shapedAsync && (() => backend.shapedAsync!(c, signal)), () => sync(c));
  return { sync, later };
}

type Run = ReturnType<typeof shapedRunner>;

/** checkStillLive for a shaped call: every array against the lengths its split implies. */
function checkShapedLive(fn: string, c: ShapedCall): ShapedCall {
  const total = c.outer * c.len * c.inner;
  const grouped = c.op === 'maxout' || c.op === 'maxoutBackward' ? total / c.pieces : total;
  const backward = c.op.endsWith('Backward');
  const fields: [FloatArray | null, string, number][] = [];
  const a = c as unknown as Record<string, FloatArray | null | undefined>;
  if (a.x) fields.push([a.x, 'x', total]);
  if (a.dy) fields.push([a.dy, 'dy', c.op === 'maxoutBackward' ? grouped : total]);
  if (a.alpha) fields.push([a.alpha, 'alpha', c.len]);
  if (a.y) fields.push([a.y, backward ? 'options.y' : 'options.out', c.op === 'maxout' ? grouped : total]);
  if (a.dx) fields.push([a.dx, 'options.out', total]);
  checkStillLive(fn, fields);
  return c;
}

/**
 * Wires a shaped op: `prepare` validates one call (throwing before any
 * write) and returns the ShapedCall plus the value to return.
 */
function wireShaped<R>(
  name: keyof typeof shapedOps, run: Run,
  forward: (fn: string, args: unknown[], keys: ReadonlySet<string>, list: readonly string[]) => [ShapedCall, () => unknown],
  backward: (fn: string, args: unknown[], keys: ReadonlySet<string>, list: readonly string[]) => [ShapedCall, () => unknown],
  arity: number,
): R {
  const def: ShapedOpDef = shapedOps[name];
  const keys = ['out', ...def.options];
  const bkeys = [...keys, ...def.backwardOptions];
  const sets = {
    f: new Set(keys), fa: new Set([...keys, 'signal']), b: new Set(bkeys), ba: new Set([...bkeys, 'signal']),
  };
  const f = function (...args: unknown[]): unknown {
    const [c, result] = forward(name, args, sets.f, keys);
    run.sync(checkShapedLive(name, c));
    return result();
  };
  const fa = async function (...args: unknown[]): Promise<unknown> {
    const fn = `${name}.async`;
    const [c, result] = forward(fn, args, sets.fa, [...keys, 'signal']);
    const signal = takeSignal(fn, args[arity - 1]);
    await run.later(fn, checkShapedLive(fn, c), signal);
    return result();
  };
  const b = function (...args: unknown[]): unknown {
    const fn = `${name}.backward`;
    const [c, result] = backward(fn, args, sets.b, bkeys);
    run.sync(checkShapedLive(fn, c));
    return result();
  };
  const ba = async function (...args: unknown[]): Promise<unknown> {
    const fn = `${name}.backward.async`;
    const [c, result] = backward(fn, args, sets.ba, [...bkeys, 'signal']);
    const signal = takeSignal(fn, args[arity]);
    await run.later(fn, checkShapedLive(fn, c), signal);
    return result();
  };
  Object.defineProperties(b, { async: { value: ba, enumerable: true }, name: { value: 'backward' } });
  Object.defineProperties(f, {
    async: { value: fa, enumerable: true },
    backward: { value: b, enumerable: true },
    opName: { value: name, enumerable: true },
    def: { value: def, enumerable: true },
    name: { value: name },
  });
  return f as unknown as R;
}

function takeOpts(fn: string, v: unknown, keys: ReadonlySet<string>, list: readonly string[]): Record<string, unknown> {
  const opts = checkOptionsObject(fn, v, 'options') ?? {};
  checkKeys(fn, opts, keys, list);
  return opts;
}

function makeSoftmax(name: 'softmax' | 'logSoftmax', run: Run): Softmax {
  const log = name === 'logSoftmax';
  return wireShaped<Softmax>(name, run, (fn, [x, options], keys, list) => {
    const xa = checkFloatArray(fn, x, 'x');
    const opts = takeOpts(fn, options, keys, list);
    const sp = softmaxSplit(fn, opts, xa.length, 'x');
    const y = takeOut(fn, opts.out, xa, 'x', [[xa, 'x']]);
    return [{ op: name, x: xa, y, ...sp }, () => y];
  }, (fn, [dy, x, options], keys, list) => {
    const dya = checkFloatArray(fn, dy, 'dy');
    const opts = takeOpts(fn, options, keys, list);
    const ya = opts.y === undefined ? null : checkLike(fn, opts.y, 'options.y', dya, 'dy');
    const xa = x === null && ya !== null ? null : checkLike(fn, x, ya === null ? 'x' : 'x (or null with options.y)', dya, 'dy');
    const sp = softmaxSplit(fn, opts, dya.length, 'dy');
    const inputs: [FloatArray, string][] = [[dya, 'dy']];
    if (xa) inputs.push([xa, 'x']);
    if (ya) inputs.push([ya, 'options.y']);
    const dx = takeOut(fn, opts.out, dya, 'dy', inputs);
    return [{ op: log ? 'logSoftmaxBackward' : 'softmaxBackward', dy: dya, y: ya, x: xa, dx, ...sp }, () => dx];
  }, 2);
}

function softmaxSplit(fn: string, opts: Record<string, unknown>, length: number, of: string): Split {
  const shape = checkShape(fn, opts.shape, length, 'options.shape', of);
  const axis = checkAxis(fn, opts.axis, shape.length, 'options.axis', -1);
  return splitAt(shape, axis);
}

/** prelu's split around the channel axis and its alpha, checked against x's type and the channel count. */
function preluSetup(fn: string, x: FloatArray, alpha: unknown, opts: Record<string, unknown>, of: string): { sp: Split; alpha: FloatArray | null; scalar: number } {
  const shape = checkShape(fn, opts.shape, x.length, 'options.shape', of);
  const f32 = dtypeOf(x) === 'float32';
  let sp: Split;
  if (opts.channelAxis === undefined && shape.length < 2) {
    sp = { outer: x.length, len: 1, inner: 1 }; // no channel axis: one channel (PyTorch)
  } else {
    sp = splitAt(shape, checkAxis(fn, opts.channelAxis, shape.length, 'options.channelAxis', 1));
  }
  if (typeof alpha === 'number') {
    const a = f32 ? Math.fround(alpha) : alpha;
    if (!Number.isFinite(a)) {
      const note = !Object.is(a, alpha) ? ` (${alpha} is ${a} in float32)` : '';
      throw new RangeError(`${fn}: Expected a finite number or an array of one value per channel for alpha but received ${describe(alpha)}${note}`);
    }
    // One α for every element: the kernels see a single channel.
    return { sp: { outer: x.length, len: 1, inner: 1 }, alpha: null, scalar: a };
  }
  if (dtypeOf(alpha) === undefined) {
    throw new TypeError(`${fn}: ` + `Expected a finite number or a ${f32 ? 'Float32Array' : 'Float64Array'} (the type of ${of}) for alpha but received ${describe(alpha)}`);
  }
  const aa = checkFloatArray(fn, alpha, 'alpha');
  if (dtypeOf(aa) !== dtypeOf(x)) {
    throw new TypeError(`${fn}: Expected a number or a ${f32 ? 'Float32Array' : 'Float64Array'} (the type of ${of}) for alpha but received ${describe(alpha)}`);
  }
  if (aa.length !== sp.len) {
    const axisNote = opts.channelAxis === undefined && shape.length < 2 ? 'one channel: the shape has rank < 2 and no options.channelAxis' : `the length of the channel axis of [${shape.join(', ')}]`;
    throw new RangeError(`${fn}: Expected length ${sp.len} (${axisNote}) for alpha but received ${describe(alpha)}`);
  }
  return { sp, alpha: aa, scalar: 0 };
}

function makePrelu(run: Run): Prelu {
  return wireShaped<Prelu>('prelu', run, (fn, [x, alpha, options], keys, list) => {
    const xa = checkFloatArray(fn, x, 'x');
    const opts = takeOpts(fn, options, keys, list);
    const { sp, alpha: aa, scalar } = preluSetup(fn, xa, alpha, opts, 'x');
    const y = takeOut(fn, opts.out, xa, 'x', [[xa, 'x']]);
    if (aa) checkDisjoint(fn, y, 'options.out', aa, 'alpha');
    return [{ op: 'prelu', x: xa, y, alpha: aa, alphaScalar: scalar, ...sp }, () => y];
  }, (fn, [dy, x, alpha, options], keys, list) => {
    const dya = checkFloatArray(fn, dy, 'dy');
    const xa = checkLike(fn, x, 'x', dya, 'dy');
    const opts = takeOpts(fn, options, keys, list);
    const { sp, alpha: aa, scalar } = preluSetup(fn, xa, alpha, opts, 'x');
    const dx = takeOut(fn, opts.out, dya, 'dy', [[dya, 'dy'], [xa, 'x']]);
    if (aa) checkDisjoint(fn, dx, 'options.out', aa, 'alpha');
    const dalpha = new Float64Array(sp.len);
    const result = (): PreluGrad<FloatArray, number | FloatArray> => {
      if (aa === null) return { dx, dalpha: dalpha[0] };
      const d = newLike(aa);
      d.set(dalpha);
      return { dx, dalpha: d };
    };
    return [{ op: 'preluBackward', dy: dya, x: xa, alpha: aa, alphaScalar: scalar, dx, dalpha, ...sp }, result];
  }, 3);
}

/** maxout's split of x and its pieces, checked. */
function maxoutSplit(fn: string, opts: Record<string, unknown>, length: number): Split & { pieces: number } {
  const shape = checkShape(fn, opts.shape, length, 'options.shape', 'x');
  const axis = checkAxis(fn, opts.axis, shape.length, 'options.axis', shape.length >= 2 ? 1 : 0);
  const pieces = checkPositiveInt(fn, opts.pieces, 'options.pieces');
  const sp = splitAt(shape, axis);
  if (sp.len % pieces !== 0) {
    throw new RangeError(`${fn}: Expected options.pieces to divide the length ${sp.len} of axis ${axis} of [${shape.join(', ')}] but received ${describe(pieces)}`);
  }
  return { ...sp, pieces };
}

function makeMaxout(run: Run): Maxout {
  return wireShaped<Maxout>('maxout', run, (fn, [x, options], keys, list) => {
    const xa = checkFloatArray(fn, x, 'x');
    if (options === undefined) throw new TypeError(`${fn}: Expected an options object with pieces for options but received undefined`);
    const opts = takeOpts(fn, options, keys, list);
    const sp = maxoutSplit(fn, opts, xa.length);
    let y: FloatArray;
    const n = xa.length / sp.pieces;
    if (opts.out === undefined) {
      y = dtypeOf(xa) === 'float64' ? new Float64Array(n) : new Float32Array(n);
    } else {
      y = checkFloatArray(fn, opts.out, 'options.out');
      if (dtypeOf(y) !== dtypeOf(xa)) throw new TypeError(`${fn}: ` + `Expected a ${dtypeOf(xa) === 'float64' ? 'Float64Array' : 'Float32Array'} (the type of x) for options.out but received ${describe(y)}`);
      if (y.length !== n) throw new RangeError(`${fn}: Expected length ${n} (the length of x over options.pieces) for options.out but received ${describe(y)}`);
      checkNoPartialOverlap(fn, y, 'options.out', xa, 'x');
    }
    return [{ op: 'maxout', x: xa, y, ...sp }, () => y];
  }, (fn, [dy, x, options], keys, list) => {
    const dya = checkFloatArray(fn, dy, 'dy');
    const xa = checkFloatArray(fn, x, 'x');
    if (dtypeOf(xa) !== dtypeOf(dya)) throw new TypeError(`${fn}: ` + `Expected a ${dtypeOf(dya) === 'float64' ? 'Float64Array' : 'Float32Array'} (the type of dy) for x but received ${describe(x)}`);
    if (options === undefined) throw new TypeError(`${fn}: Expected an options object with pieces for options but received undefined`);
    const opts = takeOpts(fn, options, keys, list);
    const sp = maxoutSplit(fn, opts, xa.length);
    if (dya.length * sp.pieces !== xa.length) {
      throw new RangeError(`${fn}: Expected length ${xa.length / sp.pieces} (the length of x over options.pieces) for dy but received ${describe(dy)}`);
    }
    const dx = takeOut(fn, opts.out, xa, 'x', [[xa, 'x'], [dya, 'dy']]);
    return [{ op: 'maxoutBackward', dy: dya, x: xa, dx, ...sp }, () => dx];
  }, 2);
}

export function createApi(backend: Backend): Api {
  const api: Record<string, unknown> = {};
  unaryNames.forEach((name, id) => {
    api[name] = makeUnary(name, id, backend);
  });
  const run = shapedRunner(backend);
  const shaped: ShapedApi = { prelu: makePrelu(run), maxout: makeMaxout(run), softmax: makeSoftmax('softmax', run), logSoftmax: makeSoftmax('logSoftmax', run) };
  Object.assign(api, shaped);
  api.info = (): Info => ({
    backend: backend.name,
    isa: backend.isa,
    isas: backend.isas.slice(),
    threads: backend.threads(),
    version: VERSION,
    loadError: backend.loadError,
  });
  api.setThreads = makeSetThreads(backend);
  Object.assign(api, createExprApi(backend));
  return api as unknown as Api;
}

/**
 * The shaped ops (softmax, logSoftmax, softmin, hardmax, prelu, maxout): each reads its array
 * through options.shape and an axis; validated here into a ShapedCall
 * (lib/types.ts) that any backend runs as given.
 */
import type { Engine } from '../backend/backend';
import { shapedOps, type ShapedName, type ShapedOpDef } from '../registry/ops';
import type { FloatArray, ShapedCall } from '../types';
import { f32Note } from '../validate/params';
import { checkAxis, checkPositiveInt, checkShape, checkSplit, splitAt, type Split } from '../validate/shape';
import { checkDisjoint, ctorName, rangeError, typeError, typedArrayKind, type LiveArray } from '../validate/values';
import { checkLikeStored, checkSameStored, checkStorageArray, isHalf, newStored, resolveDtype, returned, takeOutStored, type Stored } from '../validate/dtype';
import { toBfloat16Bits, toFloat16Bits } from '../fallback/half';
import { checkPerChannel } from '../validate/channels';
import { entryPair, takeOpts, withProps, type Call } from './entry';
import { outputFor, storedFromSums, widened } from './half-io';
import type { Hardmax, Maxout, Prelu, PreluGrad, ShapedApi, Softmax } from './types';

interface Shaped extends Call {
  readonly call: ShapedCall;
  readonly result: () => unknown;
}

/**
 * Validates one call: `opts()` reads and checks the options object (at the point in
 * the checks where it belongs). Returns the call, its result, and the caller's arrays
 * when the call runs on others (16-bit storage widened: ./half-io.ts).
 */
type Prepare = (fn: string, args: unknown[], opts: () => Record<string, unknown>) => [ShapedCall, () => unknown, LiveList?];
type LiveList = [LiveArray | null, string, number][];

/** Every array of a shaped call against the length its split implies. */
function liveArrays(c: ShapedCall): [FloatArray | null, string, number][] {
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
  return fields;
}

/**
 * A shaped op's public function, its .async and its backward pair. `arity`:
 * the forward's positional arguments before options (the backward has one more).
 */
function wireShaped<R>(name: ShapedName, engine: Engine, arity: number, forward: Prepare, backward: Prepare, extraKeys: readonly string[] = []): R {
  const def: ShapedOpDef = shapedOps[name];
  const keys = ['out', ...extraKeys, ...def.options];
  const entry = (prepare: Prepare, n: number) => ({
    prepare(fn: string, k: readonly string[], ...args: unknown[]): Shaped {
      let opts: Record<string, unknown> | undefined;
      const [call, result, given] = prepare(fn, args, () => (opts = takeOpts(fn, args[n], k) ?? {}));
      return { opts, call, result, arrays: given ? [...given, ...liveArrays(call)] : liveArrays(call) };
    },
    run: (c: Shaped) => engine.shaped(c.call),
    runAsync: (fn: string, c: Shaped, signal: AbortSignal | undefined) => engine.shapedAsync(fn, c.call, signal),
    result: (c: Shaped) => c.result(),
  });
  const [f, fAsync] = entryPair(name, keys, entry(forward, arity - 1));
  const [b, bAsync] = entryPair(`${name}.backward`, [...keys, ...def.backwardOptions], entry(backward, arity));
  return withProps<R>(f, name, {
    async: fAsync,
    backward: withProps(b, 'backward', { async: bAsync }),
    opName: name,
    def,
  });
}

/** The forward of an op along one axis whose output has x's shape (softmax, logSoftmax, softmin, hardmax). */
function rowForward(op: 'softmax' | 'logSoftmax' | 'softmin' | 'hardmax'): Prepare {
  return (fn, [x], options) => {
    const xv = checkStorageArray(fn, x, 'x');
    const opts = options();
    const xs = resolveDtype(fn, xv, 'x', opts.dtype);
    const sp = softmaxSplit(fn, opts, xv.length, 'x');
    const out = takeOutStored(fn, opts.out, xs, 'x', [[xs, 'x']]);
    const [y, finish] = outputFor(out, xs);
    const n = xv.length;
    return [{ op, x: widened(xs), y, ...sp }, () => (finish(), returned(out)), [[xv, 'x', n], [out.a, 'options.out', n]]];
  };
}

function makeSoftmax(name: 'softmax' | 'logSoftmax' | 'softmin', engine: Engine): Softmax {
  const backwardOp = shapedOps[name].backwardCall;
  return wireShaped<Softmax>(name, engine, 2, rowForward(name), (fn, [dy, x], options) => {
    const dyv = checkStorageArray(fn, dy, 'dy');
    const opts = options();
    const dys = resolveDtype(fn, dyv, 'dy', opts.dtype);
    const ys = opts.y === undefined ? null : checkLikeStored(fn, opts.y, 'options.y', dys, 'dy');
    const xs = x === null && ys !== null ? null : checkLikeStored(fn, x, ys === null ? 'x' : 'x (or null with options.y)', dys, 'dy');
    const sp = softmaxSplit(fn, opts, dyv.length, 'dy');
    const inputs: [Stored, string][] = [[dys, 'dy']];
    if (xs) inputs.push([xs, 'x']);
    if (ys) inputs.push([ys, 'options.y']);
    const out = takeOutStored(fn, opts.out, dys, 'dy', inputs);
    const [dx, finish] = outputFor(out, dys);
    const n = dyv.length;
    const call: ShapedCall = { op: backwardOp, dy: widened(dys), y: ys && widened(ys), x: xs && widened(xs), dx, ...sp };
    return [call, () => (finish(), returned(out)), [[dyv, 'dy', n], [xs && xs.a, 'x', n], [ys && ys.a, 'options.y', n], [out.a, 'options.out', n]]];
  }, ['dtype']);
}

function makeHardmax(engine: Engine): Hardmax {
  return wireShaped<Hardmax>('hardmax', engine, 2, rowForward('hardmax'), (fn, [dy, x], options) => {
    const dyv = checkStorageArray(fn, dy, 'dy');
    const opts = options();
    const dys = resolveDtype(fn, dyv, 'dy', opts.dtype);
    const xs = checkLikeStored(fn, x, 'x', dys, 'dy');
    const sp = softmaxSplit(fn, opts, dyv.length, 'dy');
    const out = takeOutStored(fn, opts.out, dys, 'dy', [[dys, 'dy'], [xs, 'x']]);
    const [dx, finish] = outputFor(out, dys);
    const n = dyv.length;
    const call: ShapedCall = { op: 'hardmaxBackward', dy: widened(dys), x: widened(xs), dx, ...sp };
    return [call, () => (finish(), returned(out)), [[dyv, 'dy', n], [xs.a, 'x', n], [out.a, 'options.out', n]]];
  }, ['dtype']);
}

function softmaxSplit(fn: string, opts: Record<string, unknown>, length: number, of: string): Split {
  const { outer, len, inner } = checkSplit(fn, opts.shape, opts.axis, length, 'options.axis', () => -1, of);
  return { outer, len, inner };
}

/** prelu's split around the channel axis and its alpha (the per-channel rules every bias shares). */
function preluSetup(fn: string, x: Stored, alpha: unknown, opts: Record<string, unknown>): { sp: Split; alpha: Stored | null; scalar: number } {
  const pc = checkPerChannel(fn, x, alpha, 'alpha', opts);
  return { sp: pc.sp, alpha: pc.values, scalar: pc.scalar };
}

function makePrelu(engine: Engine): Prelu {
  return wireShaped<Prelu>('prelu', engine, 3, (fn, [x, alpha], options) => {
    const xv = checkStorageArray(fn, x, 'x');
    const opts = options();
    const xs = resolveDtype(fn, xv, 'x', opts.dtype);
    const { sp, alpha: aa, scalar } = preluSetup(fn, xs, alpha, opts);
    const out = takeOutStored(fn, opts.out, xs, 'x', [[xs, 'x']]);
    if (aa) checkDisjoint(fn, out.a, 'options.out', aa.a, 'alpha');
    const [y, finish] = outputFor(out, xs);
    const n = xv.length;
    const call: ShapedCall = { op: 'prelu', x: widened(xs), y, alpha: aa && widened(aa), alphaScalar: scalar, ...sp };
    return [call, () => (finish(), returned(out)), [[xv, 'x', n], [aa && aa.a, 'alpha', sp.len], [out.a, 'options.out', n]]];
  }, (fn, [dy, x, alpha], options) => {
    const dyv = checkStorageArray(fn, dy, 'dy');
    const xv = checkStorageArray(fn, x, 'x');
    const opts = options();
    const dys = resolveDtype(fn, dyv, 'dy', opts.dtype);
    const xs = checkLikeStored(fn, xv, 'x', dys, 'dy');
    const { sp, alpha: aa, scalar } = preluSetup(fn, xs, alpha, opts);
    const out = takeOutStored(fn, opts.out, dys, 'dy', [[dys, 'dy'], [xs, 'x']]);
    if (aa) checkDisjoint(fn, out.a, 'options.out', aa.a, 'alpha');
    const [dx, finish] = outputFor(out, dys);
    const dalpha = new Float64Array(sp.len);
    const result = (): { dx: LiveArray; dalpha: number | LiveArray } => {
      finish();
      if (aa === null) return { dx: returned(out), dalpha: dalpha[0] };
      // dalpha in alpha's type, rounded once from the float64 sums.
      return { dx: returned(out), dalpha: storedFromSums(aa, dalpha) };
    };
    const n = dyv.length;
    const call: ShapedCall = { op: 'preluBackward', dy: widened(dys), x: widened(xs), alpha: aa && widened(aa), alphaScalar: scalar, dx, dalpha, ...sp };
    return [call, result, [[dyv, 'dy', n], [xv, 'x', n], [aa && aa.a, 'alpha', sp.len], [out.a, 'options.out', n]]];
  }, ['dtype']);
}

/** maxout's split of x and its pieces, checked. */
function maxoutSplit(fn: string, opts: Record<string, unknown>, length: number): Split & { pieces: number } {
  const s = checkSplit(fn, opts.shape, opts.axis, length, 'options.axis', (rank) => (rank >= 2 ? 1 : 0));
  const pieces = checkPositiveInt(fn, opts.pieces, 'options.pieces');
  if (s.len % pieces !== 0) throw rangeError(fn, `a divisor of the length ${s.len} of axis ${s.axis} of [${s.shape.join(', ')}]`, 'options.pieces', pieces);
  return { outer: s.outer, len: s.len, inner: s.inner, pieces };
}

function makeMaxout(engine: Engine): Maxout {
  const needOptions = (fn: string, v: unknown): void => {
    if (v === undefined) throw typeError(fn, 'an options object with pieces', 'options', v);
  };
  return wireShaped<Maxout>('maxout', engine, 2, (fn, [x, o], options) => {
    const xv = checkStorageArray(fn, x, 'x');
    needOptions(fn, o);
    const opts = options();
    const xs = resolveDtype(fn, xv, 'x', opts.dtype);
    const sp = maxoutSplit(fn, opts, xv.length);
    const n = xv.length / sp.pieces;
    const out = takeOutStored(fn, opts.out, xs, 'x', [[xs, 'x']], n, 'the length of x over options.pieces');
    const [y, finish] = outputFor(out, xs);
    return [{ op: 'maxout', x: widened(xs), y, ...sp }, () => (finish(), returned(out)), [[xv, 'x', xv.length], [out.a, 'options.out', n]]];
  }, (fn, [dy, x, o], options) => {
    const dyv = checkStorageArray(fn, dy, 'dy');
    const xv = checkStorageArray(fn, x, 'x');
    needOptions(fn, o);
    const opts = options();
    const dys = resolveDtype(fn, dyv, 'dy', opts.dtype);
    const xs = checkSameStored(fn, xv, 'x', dys, 'dy');
    const sp = maxoutSplit(fn, opts, xv.length);
    if (dyv.length * sp.pieces !== xv.length) throw rangeError(fn, `length ${xv.length / sp.pieces} (the length of x over options.pieces)`, 'dy', dy);
    const out = takeOutStored(fn, opts.out, xs, 'x', [[xs, 'x'], [dys, 'dy']]);
    const [dx, finish] = outputFor(out, xs);
    const call: ShapedCall = { op: 'maxoutBackward', dy: widened(dys), x: widened(xs), dx, ...sp };
    return [call, () => (finish(), returned(out)), [[dyv, 'dy', dyv.length], [xv, 'x', xv.length], [out.a, 'options.out', xv.length]]];
  }, ['dtype']);
}

export function makeShaped(engine: Engine): ShapedApi {
  return {
    prelu: makePrelu(engine), maxout: makeMaxout(engine), softmax: makeSoftmax('softmax', engine), logSoftmax: makeSoftmax('logSoftmax', engine),
    softmin: makeSoftmax('softmin', engine), hardmax: makeHardmax(engine),
  };
}

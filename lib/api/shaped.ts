/**
 * The shaped ops (softmax, logSoftmax, prelu, maxout): each reads its array
 * through options.shape and an axis; validated here into a ShapedCall
 * (lib/types.ts) that any backend runs as given.
 */
import type { Engine } from '../backend/backend';
import { shapedOps, type ShapedName, type ShapedOpDef } from '../registry/ops';
import type { FloatArray, ShapedCall } from '../types';
import { f32Note } from '../validate/params';
import { checkAxis, checkPositiveInt, checkShape, checkSplit, splitAt, type Split } from '../validate/shape';
import { checkDisjoint, checkFloatArray, checkLike, checkNoPartialOverlap, checkSameType, ctorName, dtypeOf, newLike, rangeError, typeError } from '../validate/values';
import { checkLikeStored, checkStorageArray, resolveDtype, takeOutStored, type Stored } from '../validate/dtype';
import type { LiveArray } from '../validate/values';
import { entryPair, takeOpts, takeOut, withProps, type Call } from './entry';
import { outputFor, widened } from './half-io';
import type { Maxout, Prelu, PreluGrad, ShapedApi, Softmax } from './types';

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
    prepare(fn: string, args: unknown[], k: readonly string[]): Shaped {
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

function makeSoftmax(name: 'softmax' | 'logSoftmax', engine: Engine): Softmax {
  const log = name === 'logSoftmax';
  return wireShaped<Softmax>(name, engine, 2, (fn, [x], options) => {
    const xv = checkStorageArray(fn, x, 'x');
    const opts = options();
    const xs = resolveDtype(fn, xv, 'x', opts.dtype);
    const sp = softmaxSplit(fn, opts, xv.length, 'x');
    const out = takeOutStored(fn, opts.out, xs, 'x', [[xs, 'x']]);
    const [y, finish] = outputFor(out, xs);
    const n = xv.length;
    return [{ op: name, x: widened(xs), y, ...sp }, () => (finish(), out.a), [[xv, 'x', n], [out.a, 'options.out', n]]];
  }, (fn, [dy, x], options) => {
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
    const call: ShapedCall = { op: log ? 'logSoftmaxBackward' : 'softmaxBackward', dy: widened(dys), y: ys && widened(ys), x: xs && widened(xs), dx, ...sp };
    return [call, () => (finish(), out.a), [[dyv, 'dy', n], [xs && xs.a, 'x', n], [ys && ys.a, 'options.y', n], [out.a, 'options.out', n]]];
  }, ['dtype']);
}

function softmaxSplit(fn: string, opts: Record<string, unknown>, length: number, of: string): Split {
  const { outer, len, inner } = checkSplit(fn, opts.shape, opts.axis, length, 'options.axis', () => -1, of);
  return { outer, len, inner };
}

/** prelu's split around the channel axis and its alpha, checked against x's type and the channel count. */
function preluSetup(fn: string, x: FloatArray, alpha: unknown, opts: Record<string, unknown>): { sp: Split; alpha: FloatArray | null; scalar: number } {
  const f32 = dtypeOf(x) === 'float32';
  const oneChannel = { outer: x.length, len: 1, inner: 1 };
  const shape = checkShape(fn, opts.shape, x.length);
  // No channel axis below rank 2 unless one is given: one channel (PyTorch).
  const implicit = opts.channelAxis === undefined && shape.length < 2;
  const sp: Split = implicit ? oneChannel : splitAt(shape, checkAxis(fn, opts.channelAxis, shape.length, 'options.channelAxis', 1));
  if (typeof alpha === 'number') {
    const a = f32 ? Math.fround(alpha) : alpha;
    if (!Number.isFinite(a)) throw rangeError(fn, 'a finite number or an array of one value per channel' + f32Note(alpha, a), 'alpha', alpha);
    // One α for every element: the kernels see a single channel.
    return { sp: oneChannel, alpha: null, scalar: a };
  }
  if (dtypeOf(alpha) === undefined) throw typeError(fn, `a finite number or a ${ctorName(x)} (the type of x)`, 'alpha', alpha);
  const aa = checkSameType(fn, alpha, 'alpha', x, 'x');
  if (aa.length !== sp.len) {
    const axisNote = implicit ? 'one channel: the shape has rank < 2 and no options.channelAxis' : `the length of the channel axis of [${shape.join(', ')}]`;
    throw rangeError(fn, `length ${sp.len} (${axisNote})`, 'alpha', alpha);
  }
  return { sp, alpha: aa, scalar: 0 };
}

function makePrelu(engine: Engine): Prelu {
  return wireShaped<Prelu>('prelu', engine, 3, (fn, [x, alpha], options) => {
    const xa = checkFloatArray(fn, x, 'x');
    const opts = options();
    const { sp, alpha: aa, scalar } = preluSetup(fn, xa, alpha, opts);
    const y = takeOut(fn, opts.out, xa, 'x', [[xa, 'x']]);
    if (aa) checkDisjoint(fn, y, 'options.out', aa, 'alpha');
    return [{ op: 'prelu', x: xa, y, alpha: aa, alphaScalar: scalar, ...sp }, () => y];
  }, (fn, [dy, x, alpha], options) => {
    const dya = checkFloatArray(fn, dy, 'dy');
    const xa = checkLike(fn, x, 'x', dya, 'dy');
    const opts = options();
    const { sp, alpha: aa, scalar } = preluSetup(fn, xa, alpha, opts);
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
  });
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
    const xa = checkFloatArray(fn, x, 'x');
    needOptions(fn, o);
    const opts = options();
    const sp = maxoutSplit(fn, opts, xa.length);
    const n = xa.length / sp.pieces;
    let y: FloatArray;
    if (opts.out === undefined) {
      y = newLike(xa, n);
    } else {
      y = checkSameType(fn, opts.out, 'options.out', xa, 'x');
      if (y.length !== n) throw rangeError(fn, `length ${n} (the length of x over options.pieces)`, 'options.out', y);
      checkNoPartialOverlap(fn, y, 'options.out', xa, 'x');
    }
    return [{ op: 'maxout', x: xa, y, ...sp }, () => y];
  }, (fn, [dy, x, o], options) => {
    const dya = checkFloatArray(fn, dy, 'dy');
    const xa = checkSameType(fn, x, 'x', dya, 'dy');
    needOptions(fn, o);
    const opts = options();
    const sp = maxoutSplit(fn, opts, xa.length);
    if (dya.length * sp.pieces !== xa.length) throw rangeError(fn, `length ${xa.length / sp.pieces} (the length of x over options.pieces)`, 'dy', dy);
    const dx = takeOut(fn, opts.out, xa, 'x', [[xa, 'x'], [dya, 'dy']]);
    return [{ op: 'maxoutBackward', dy: dya, x: xa, dx, ...sp }, () => dx];
  });
}

export function makeShaped(engine: Engine): ShapedApi {
  return { prelu: makePrelu(engine), maxout: makeMaxout(engine), softmax: makeSoftmax('softmax', engine), logSoftmax: makeSoftmax('logSoftmax', engine) };
}

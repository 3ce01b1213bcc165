/**
 * The shaped ops (softmax, logSoftmax, prelu, maxout): each reads its array
 * through options.shape and an axis; validated here into a ShapedCall
 * (lib/types.ts) that any backend runs as given.
 */
import type { Engine } from '../backend/backend';
import { shapedOps, type ShapedName, type ShapedOpDef } from '../registry/ops';
import type { FloatArray, ShapedCall } from '../types';
import { checkPerChannel } from '../validate/channels';
import { checkPositiveInt, checkSplit, type Split } from '../validate/shape';
import { checkDisjoint, checkFloatArray, checkLike, checkNoPartialOverlap, checkSameType, newLike, rangeError, typeError } from '../validate/values';
import { entryPair, takeOpts, takeOut, withProps, type Call } from './entry';
import type { Hardmax, Maxout, Prelu, PreluGrad, ShapedApi, Softmax } from './types';

interface Shaped extends Call {
  readonly call: ShapedCall;
  readonly result: () => unknown;
}

/** Validates one call: `opts()` reads and checks the options object (at the point in the checks where it belongs). */
type Prepare = (fn: string, args: unknown[], opts: () => Record<string, unknown>) => [ShapedCall, () => unknown];

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
function wireShaped<R>(name: ShapedName, engine: Engine, arity: number, forward: Prepare, backward: Prepare): R {
  const def: ShapedOpDef = shapedOps[name];
  const keys = ['out', ...def.options];
  const entry = (prepare: Prepare, n: number) => ({
    prepare(fn: string, args: unknown[], k: readonly string[]): Shaped {
      let opts: Record<string, unknown> | undefined;
      const [call, result] = prepare(fn, args, () => (opts = takeOpts(fn, args[n], k) ?? {}));
      return { opts, call, result, arrays: liveArrays(call) };
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

function makeSoftmax(name: 'softmax' | 'logSoftmax' | 'softmin', engine: Engine): Softmax {
  const backwardOp = shapedOps[name].backwardCall;
  return wireShaped<Softmax>(name, engine, 2, (fn, [x], options) => {
    const xa = checkFloatArray(fn, x, 'x');
    const opts = options();
    const sp = softmaxSplit(fn, opts, xa.length, 'x');
    const y = takeOut(fn, opts.out, xa, 'x', [[xa, 'x']]);
    return [{ op: name, x: xa, y, ...sp }, () => y];
  }, (fn, [dy, x], options) => {
    const dya = checkFloatArray(fn, dy, 'dy');
    const opts = options();
    const ya = opts.y === undefined ? null : checkLike(fn, opts.y, 'options.y', dya, 'dy');
    const xa = x === null && ya !== null ? null : checkLike(fn, x, ya === null ? 'x' : 'x (or null with options.y)', dya, 'dy');
    const sp = softmaxSplit(fn, opts, dya.length, 'dy');
    const inputs: [FloatArray, string][] = [[dya, 'dy']];
    if (xa) inputs.push([xa, 'x']);
    if (ya) inputs.push([ya, 'options.y']);
    const dx = takeOut(fn, opts.out, dya, 'dy', inputs);
    return [{ op: backwardOp, dy: dya, y: ya, x: xa, dx, ...sp }, () => dx];
  });
}

function makeHardmax(engine: Engine): Hardmax {
  return wireShaped<Hardmax>('hardmax', engine, 2, (fn, [x], options) => {
    const xa = checkFloatArray(fn, x, 'x');
    const opts = options();
    const sp = softmaxSplit(fn, opts, xa.length, 'x');
    const y = takeOut(fn, opts.out, xa, 'x', [[xa, 'x']]);
    return [{ op: 'hardmax', x: xa, y, ...sp }, () => y];
  }, (fn, [dy, x], options) => {
    const dya = checkFloatArray(fn, dy, 'dy');
    const xa = checkLike(fn, x, 'x', dya, 'dy');
    const opts = options();
    const sp = softmaxSplit(fn, opts, dya.length, 'dy');
    const dx = takeOut(fn, opts.out, dya, 'dy', [[dya, 'dy'], [xa, 'x']]);
    return [{ op: 'hardmaxBackward', dy: dya, x: xa, dx, ...sp }, () => dx];
  });
}

function softmaxSplit(fn: string, opts: Record<string, unknown>, length: number, of: string): Split {
  const { outer, len, inner } = checkSplit(fn, opts.shape, opts.axis, length, 'options.axis', () => -1, of);
  return { outer, len, inner };
}

/** prelu's split around the channel axis and its alpha (the per-channel rules every bias shares). */
function preluSetup(fn: string, x: FloatArray, alpha: unknown, opts: Record<string, unknown>): { sp: Split; alpha: FloatArray | null; scalar: number } {
  const pc = checkPerChannel(fn, x, alpha, 'alpha', opts);
  return { sp: pc.sp, alpha: pc.values, scalar: pc.scalar };
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
  return {
    prelu: makePrelu(engine), maxout: makeMaxout(engine), softmax: makeSoftmax('softmax', engine), logSoftmax: makeSoftmax('logSoftmax', engine),
    softmin: makeSoftmax('softmin', engine), hardmax: makeHardmax(engine),
  };
}

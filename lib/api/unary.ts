/**
 * The unary ops (relu, sigmoid, gelu, ...), forward and backward, sync and
 * async, built from their registry entries.
 */
import type { Engine } from '../backend/backend';
import { unaryOps, type UnaryName, type UnaryOpDef } from '../registry/ops';
import type { FloatArray, StorageArray } from '../types';
import type { FusedBackwardCall, FusedCall, FusedGeom } from '../types';
import { checkPerChannel, flatGeom, unaryBiasGeom } from '../validate/channels';
import { checkLikeStored, checkStorageView, floatOf, formatOf, isHalf, resolveDtype, returned, takeOutStored, type Stored } from '../validate/dtype';
import { resolveParams } from '../validate/params';
import { checkDisjoint, type LiveArray } from '../validate/values';
import { entryPair, takeOpts, withDbias, withProps, type Call } from './entry';
import { floatPlan, halfFused, halfFusedBackward, type FusedPlan, type HalfFusedSpec } from './half-fused';
import type { UnaryActivation, UnaryBackward } from './types';

interface Forward extends Call {
  readonly x: Stored;
  readonly out: Stored;
  /** The op's parameters, resolved for this call alone. */
  readonly p: readonly [number, number];
  /** The 16-bit format (validate/dtype.ts formatOf). */
  readonly fmt: number;
  /** With options.bias: the fused pass y = f(x + b) instead, and what completes it. */
  readonly fused: { readonly plan: FusedPlan; readonly finish: () => void } | null;
}

/** The options every element-wise op takes for a bias (validate/channels.ts: prelu's layout rules). */
const BIAS_KEYS = ['bias', 'shape', 'channelAxis'] as const;

interface BiasOf {
  readonly geom: FusedGeom;
  readonly bias: Stored | null;
  readonly scalar: number;
}

/** options.bias over x, or null without one; the output `out` must not overlap it. */
function takeBias(fn: string, x: Stored, opts: Record<string, unknown> | undefined, out: Stored): BiasOf | null {
  if (opts?.bias === undefined) return null;
  const pc = checkPerChannel(fn, x, opts.bias, 'options.bias', opts);
  if (pc.values) checkDisjoint(fn, out.a, 'options.out', pc.values.a, 'options.bias');
  // One number: one block of every element (not one block per element).
  const geom = pc.values ? unaryBiasGeom(pc) : flatGeom(x.a.length);
  return { geom, bias: pc.values, scalar: pc.scalar };
}

/** The fused call of a unary op with a bias over 16-bit storage (./half-fused.ts), g: x, or y from y. */
function halfSpec(id: number, p: readonly [number, number], bias: BiasOf, g: Stored): HalfFusedSpec {
  return { act: id, a: p[0], b: p[1], geom: bias.geom, g, u: null, biased: true, bias: bias.bias, biasScalar: bias.scalar };
}

const floatsOrNull = (s: Stored | null): FloatArray | null => (s === null ? null : floatOf(s));

export function makeUnary(name: UnaryName, id: number, engine: Engine): UnaryActivation<object> {
  const def: UnaryOpDef = unaryOps[name];
  const [f, fAsync] = entryPair<Forward>(name, ['out', 'dtype', ...def.params.map((p) => p.name), ...BIAS_KEYS], {
    prepare(fn, keys, x, options) {
      const { a: xv, buf: xb } = checkStorageView(fn, x, 'x');
      const n = xv.length;
      const opts = takeOpts(fn, options, keys);
      const xa = resolveDtype(fn, xv, 'x', opts?.dtype, xb);
      const out = takeOutStored(fn, opts?.out, xa, 'x', [[xa, 'x']]);
      const p = resolveParams(fn, def, opts, xa.dtype !== 'float64');
      const bias = takeBias(fn, xa, opts, out);
      const bv = bias?.bias;
      const arrays: Call['arrays'] = bv ? [[xv, 'x', n], [out.a, 'options.out', n], [bv.a, 'options.bias', bv.a.length]] : [[xv, 'x', n], [out.a, 'options.out', n]];
      let fused: Forward['fused'] = null;
      if (bias && isHalf(xa.dtype)) {
        fused = halfFused(engine, halfSpec(id, p, bias, xa), out);
      } else if (bias) {
        const call: FusedCall = {
          op: 'fused', act: id, a: p[0], b: p[1], geom: bias.geom, g: floatOf(xa)!, u: null, y: floatOf(out)!, biased: true, bias: floatsOrNull(bias.bias), biasScalar: bias.scalar,
        };
        fused = { plan: floatPlan(engine, call), finish: () => {} };
      }
      return { opts, x: xa, out, p, fmt: formatOf(xa.dtype), fused, arrays };
    },
    run: (c) => (c.fused ? c.fused.plan.run() : engine.unary(id, c.x.bits, c.out.bits, c.p[0], c.p[1], c.fmt)),
    runAsync: (fn, c, signal) => (c.fused ? c.fused.plan.runAsync(fn, signal) : engine.unaryAsync(fn, id, c.x.bits, c.out.bits, c.p[0], c.p[1], signal, c.fmt)),
    result: (c) => (c.fused?.finish(), returned(c.out)),
  });
  return withProps(f, name, {
    async: fAsync,
    backward: makeUnaryBackward(name, id, def, engine),
    opName: name,
    def,
  });
}

interface Backward extends Call {
  readonly dy: Stored;
  readonly x: Stored | null;
  readonly y: Stored | null;
  readonly dx: Stored;
  readonly p: readonly [number, number];
  readonly fmt: number;
  /** With options.bias: dx = dy·f'(x + b) and dbias, one fused pass, and what completes it (dbias). */
  readonly fused: { readonly plan: FusedPlan; readonly finish: () => number | LiveArray | null } | null;
}

const bitsOrNull = (s: Stored | null): StorageArray | null => (s === null ? null : s.bits);

function makeUnaryBackward(name: UnaryName, id: number, def: UnaryOpDef, engine: Engine): UnaryBackward<object, boolean> {
  const keys = ['out', 'dtype', ...(def.backwardUsesY ? ['y'] : []), ...def.params.map((p) => p.name), ...BIAS_KEYS];
  const xNameNoY = def.backwardUsesY ? `x (or null, with the forward output ${name}(x) as options.y)` : 'x';
  const [f, fAsync] = entryPair<Backward>(`${name}.backward`, keys, {
    prepare(fn, keys, dy, x, options) {
      const { a: dyv, buf: dyb } = checkStorageView(fn, dy, 'dy');
      const n = dyv.length;
      const opts = takeOpts(fn, options, keys);
      const dya = resolveDtype(fn, dyv, 'dy', opts?.dtype, dyb);
      const ya = opts?.y === undefined ? null : checkLikeStored(fn, opts.y, 'options.y', dya, 'dy');
      // With y the derivative is computed from y alone, so x may be left out (null).
      const xName = ya !== null ? 'x (or null with options.y)' : xNameNoY;
      const xa = x === null && ya !== null ? null : checkLikeStored(fn, x, xName, dya, 'dy');
      // One literal per case: a push would grow the list's store on every call.
      const inputs: [Stored, string][] = ya === null ? [[dya, 'dy'], [xa!, 'x']] : xa === null ? [[dya, 'dy'], [ya, 'options.y']] : [[dya, 'dy'], [xa, 'x'], [ya, 'options.y']];
      const dx = takeOutStored(fn, opts?.out, dya, 'dy', inputs);
      const p = resolveParams(fn, def, opts, dya.dtype !== 'float64');
      const bias = takeBias(fn, (xa ?? ya)!, opts, dx);
      const bv = bias?.bias;
      const arrays: Call['arrays'] = [[dyv, 'dy', n], [xa && xa.a, 'x', n], [ya && ya.a, 'options.y', n], [dx.a, 'options.out', n]];
      if (bv) (arrays as unknown[]).push([bv.a, 'options.bias', bv.a.length]);
      // From y, f'(x + b) is read off y itself: the bias only adds its gradient.
      const g = (ya ?? xa)!;
      let fused: Backward['fused'] = null;
      if (bias && isHalf(dya.dtype)) {
        fused = halfFusedBackward(engine, halfSpec(id, p, bias, g), dya, ya !== null, dx, null, true);
      } else if (bias) {
        const call: FusedBackwardCall = {
          op: 'fusedBackward', act: id, a: p[0], b: p[1], geom: bias.geom, fromY: ya !== null, dy: floatOf(dya)!, g: floatOf(g)!, u: null, dg: floatOf(dx)!, du: null,
          biased: true, bias: floatsOrNull(bias.bias), biasScalar: bias.scalar, dbias: new Float64Array(bias.geom.sC),
        };
        fused = { plan: floatPlan(engine, call), finish: () => withDbias(call.dg, call.bias, call.dbias!).dbias };
      }
      return { opts, dy: dya, x: xa, y: ya, dx, p, fmt: formatOf(dya.dtype), fused, arrays };
    },
    run: (c) => (c.fused ? c.fused.plan.run() : engine.unaryBackward(id, c.dy.bits, bitsOrNull(c.x), bitsOrNull(c.y), c.dx.bits, c.p[0], c.p[1], c.fmt)),
    runAsync: (fn, c, signal) => (c.fused
      ? c.fused.plan.runAsync(fn, signal)
      : engine.unaryBackwardAsync(fn, id, c.dy.bits, bitsOrNull(c.x), bitsOrNull(c.y), c.dx.bits, c.p[0], c.p[1], signal, c.fmt)),
    result: (c) => (c.fused ? { dx: returned(c.dx), dbias: c.fused.finish() } : returned(c.dx)),
  });
  return withProps(f, 'backward', { async: fAsync });
}

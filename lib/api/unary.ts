/**
 * The unary ops (relu, sigmoid, gelu, ...), forward and backward, sync and
 * async, built from their registry entries.
 */
import type { Engine } from '../backend/backend';
import { unaryOps, type UnaryName, type UnaryOpDef } from '../registry/ops';
import type { FloatArray, StorageArray } from '../types';
import type { FusedBackwardCall, FusedCall, FusedGeom } from '../types';
import { checkPerChannel, flatGeom, unaryBiasGeom } from '../validate/channels';
import { checkLikeStored, checkStorageArray, floatOf, formatOf, isHalf, resolveDtype, takeOutStored, type Stored } from '../validate/dtype';
import { resolveParams } from '../validate/params';
import { checkDisjoint, typeError } from '../validate/values';
import { entryPair, takeOpts, withDbias, withProps, type Call } from './entry';
import type { UnaryActivation, UnaryBackward } from './types';

interface Forward extends Call {
  readonly x: Stored;
  readonly out: Stored;
  /** The op's parameters, resolved for this call alone. */
  readonly p: readonly [number, number];
  /** The 16-bit format (validate/dtype.ts formatOf). */
  readonly fmt: number;
  /** With options.bias: the fused pass y = f(x + b) instead. */
  readonly fused: FusedCall | null;
}

/** The options every element-wise op takes for a bias (validate/channels.ts: prelu's layout rules). */
const BIAS_KEYS = ['bias', 'shape', 'channelAxis'] as const;

interface BiasOf {
  readonly geom: FusedGeom;
  readonly bias: FloatArray | null;
  readonly scalar: number;
}

/** options.bias over x, or null without one; the output `out` must not overlap it. */
function takeBias(fn: string, x: Stored, opts: Record<string, unknown> | undefined, out: Stored): BiasOf | null {
  if (opts?.bias === undefined) return null;
  if (isHalf(x.dtype)) throw typeError(fn, 'no options.bias with 16-bit storage (not supported yet)', 'options.bias', opts.bias);
  const pc = checkPerChannel(fn, x, opts.bias, 'options.bias', opts);
  if (pc.values) checkDisjoint(fn, out.a, 'options.out', pc.values.a, 'options.bias');
  // One number: one block of every element (not one block per element).
  const geom = pc.values ? unaryBiasGeom(pc) : flatGeom(x.a.length);
  return { geom, bias: pc.values && floatOf(pc.values), scalar: pc.scalar };
}

export function makeUnary(name: UnaryName, id: number, engine: Engine): UnaryActivation<object> {
  const def: UnaryOpDef = unaryOps[name];
  const [f, fAsync] = entryPair<Forward>(name, ['out', 'dtype', ...def.params.map((p) => p.name), ...BIAS_KEYS], {
    prepare(fn, [x, options], keys) {
      const xv = checkStorageArray(fn, x, 'x');
      const n = xv.length;
      const opts = takeOpts(fn, options, keys);
      const xa = resolveDtype(fn, xv, 'x', opts?.dtype);
      const out = takeOutStored(fn, opts?.out, xa, 'x', [[xa, 'x']]);
      const p = resolveParams(fn, def, opts, xa.dtype !== 'float64');
      const bias = takeBias(fn, xa, opts, out);
      const fused: FusedCall | null = bias && {
        op: 'fused', act: id, a: p[0], b: p[1], geom: bias.geom, g: floatOf(xa)!, u: null, y: floatOf(out)!, biased: true, bias: bias.bias, biasScalar: bias.scalar,
      };
      return {
        opts, x: xa, out, p, fmt: formatOf(xa.dtype), fused,
        arrays: [[xv, 'x', n], [out.a, 'options.out', n], [bias?.bias ?? null, 'options.bias', bias?.bias?.length ?? 0]],
      };
    },
    run: (c) => (c.fused ? engine.fused(c.fused) : engine.unary(id, c.x.bits, c.out.bits, c.p[0], c.p[1], c.fmt)),
    runAsync: (fn, c, signal) => (c.fused ? engine.fusedAsync(fn, c.fused, signal) : engine.unaryAsync(fn, id, c.x.bits, c.out.bits, c.p[0], c.p[1], signal, c.fmt)),
    result: (c) => c.out.a,
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
  /** With options.bias: dx = dy·f'(x + b) and dbias, one fused pass. */
  readonly fused: FusedBackwardCall | null;
  readonly biasArray: FloatArray | null;
}

const bitsOrNull = (s: Stored | null): StorageArray | null => (s === null ? null : s.bits);

function makeUnaryBackward(name: UnaryName, id: number, def: UnaryOpDef, engine: Engine): UnaryBackward<object, boolean> {
  const keys = ['out', 'dtype', ...(def.backwardUsesY ? ['y'] : []), ...def.params.map((p) => p.name), ...BIAS_KEYS];
  const [f, fAsync] = entryPair<Backward>(`${name}.backward`, keys, {
    prepare(fn, [dy, x, options], keys) {
      const dyv = checkStorageArray(fn, dy, 'dy');
      const n = dyv.length;
      const opts = takeOpts(fn, options, keys);
      const dya = resolveDtype(fn, dyv, 'dy', opts?.dtype);
      const ya = opts?.y === undefined ? null : checkLikeStored(fn, opts.y, 'options.y', dya, 'dy');
      // With y the derivative is computed from y alone, so x may be left out (null).
      const xName = ya !== null ? 'x (or null with options.y)' : def.backwardUsesY ? `x (or null, with the forward output ${name}(x) as options.y)` : 'x';
      const xa = x === null && ya !== null ? null : checkLikeStored(fn, x, xName, dya, 'dy');
      const inputs: [Stored, string][] = [[dya, 'dy']];
      if (xa) inputs.push([xa, 'x']);
      if (ya) inputs.push([ya, 'options.y']);
      const dx = takeOutStored(fn, opts?.out, dya, 'dy', inputs);
      const p = resolveParams(fn, def, opts, dya.dtype !== 'float64');
      const bias = takeBias(fn, (xa ?? ya)!, opts, dx);
      // From y, f'(x + b) is read off y itself: the bias only adds its gradient.
      const fused: FusedBackwardCall | null = bias && {
        op: 'fusedBackward', act: id, a: p[0], b: p[1], geom: bias.geom, fromY: ya !== null, dy: floatOf(dya)!, g: floatOf((ya ?? xa)!)!, u: null, dg: floatOf(dx)!, du: null,
        biased: true, bias: bias.bias, biasScalar: bias.scalar, dbias: new Float64Array(bias.geom.sC),
      };
      return {
        opts, dy: dya, x: xa, y: ya, dx, p, fmt: formatOf(dya.dtype), fused, biasArray: bias?.bias ?? null,
        arrays: [[dyv, 'dy', n], [xa && xa.a, 'x', n], [ya && ya.a, 'options.y', n], [dx.a, 'options.out', n], [bias?.bias ?? null, 'options.bias', bias?.bias?.length ?? 0]],
      };
    },
    run: (c) => (c.fused ? engine.fused(c.fused) : engine.unaryBackward(id, c.dy.bits, bitsOrNull(c.x), bitsOrNull(c.y), c.dx.bits, c.p[0], c.p[1], c.fmt)),
    runAsync: (fn, c, signal) => (c.fused
      ? engine.fusedAsync(fn, c.fused, signal)
      : engine.unaryBackwardAsync(fn, id, c.dy.bits, bitsOrNull(c.x), bitsOrNull(c.y), c.dx.bits, c.p[0], c.p[1], signal, c.fmt)),
    result: (c) => (c.fused ? withDbias(c.fused.dg, c.biasArray, c.fused.dbias!) : c.dx.a),
  });
  return withProps(f, 'backward', { async: fAsync });
}

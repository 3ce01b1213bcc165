/**
 * The unary ops (relu, sigmoid, gelu, ...), forward and backward, sync and
 * async, built from their registry entries.
 */
import type { Engine } from '../backend/backend';
import { unaryOps, type UnaryName, type UnaryOpDef } from '../registry/ops';
import type { FloatArray } from '../types';
import type { FusedBackwardCall, FusedCall, FusedGeom } from '../types';
import { checkPerChannel, flatGeom, unaryBiasGeom } from '../validate/channels';
import { resolveParams } from '../validate/params';
import { checkDisjoint, checkFloatArray, checkLike, dtypeOf } from '../validate/values';
import { entryPair, takeOpts, takeOut, withDbias, withProps, type Call } from './entry';
import type { UnaryActivation, UnaryBackward } from './types';

interface Forward extends Call {
  readonly x: FloatArray;
  readonly out: FloatArray;
  /** The op's parameters, resolved for this call alone. */
  readonly p: readonly [number, number];
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
function takeBias(fn: string, x: FloatArray, opts: Record<string, unknown> | undefined, out: FloatArray): BiasOf | null {
  if (opts?.bias === undefined) return null;
  const pc = checkPerChannel(fn, x, opts.bias, 'options.bias', opts);
  if (pc.values) checkDisjoint(fn, out, 'options.out', pc.values, 'options.bias');
  // One number: one block of every element (not one block per element).
  const geom = pc.values ? unaryBiasGeom(pc) : flatGeom(x.length);
  return { geom, bias: pc.values, scalar: pc.scalar };
}

export function makeUnary(name: UnaryName, id: number, engine: Engine): UnaryActivation<object> {
  const def: UnaryOpDef = unaryOps[name];
  const [f, fAsync] = entryPair<Forward>(name, ['out', ...def.params.map((p) => p.name), ...BIAS_KEYS], {
    prepare(fn, [x, options], keys) {
      const xa = checkFloatArray(fn, x, 'x');
      const n = xa.length;
      const opts = takeOpts(fn, options, keys);
      const out = takeOut(fn, opts?.out, xa, 'x', [[xa, 'x']]);
      const p = resolveParams(fn, def, opts, dtypeOf(xa) === 'float32');
      const bias = takeBias(fn, xa, opts, out);
      const fused: FusedCall | null = bias && {
        op: 'fused', act: id, a: p[0], b: p[1], geom: bias.geom, g: xa, u: null, y: out, biased: true, bias: bias.bias, biasScalar: bias.scalar,
      };
      return { opts, x: xa, out, p, fused, arrays: [[xa, 'x', n], [out, 'options.out', n], [bias?.bias ?? null, 'options.bias', bias?.bias?.length ?? 0]] };
    },
    run: (c) => (c.fused ? engine.fused(c.fused) : engine.unary(id, c.x, c.out, c.p[0], c.p[1])),
    runAsync: (fn, c, signal) => (c.fused ? engine.fusedAsync(fn, c.fused, signal) : engine.unaryAsync(fn, id, c.x, c.out, c.p[0], c.p[1], signal)),
    result: (c) => c.out,
  });
  return withProps(f, name, {
    async: fAsync,
    backward: makeUnaryBackward(name, id, def, engine),
    opName: name,
    def,
  });
}

interface Backward extends Call {
  readonly dy: FloatArray;
  readonly x: FloatArray | null;
  readonly y: FloatArray | null;
  readonly dx: FloatArray;
  readonly p: readonly [number, number];
  /** With options.bias: dx = dy·f'(x + b) and dbias, one fused pass. */
  readonly fused: FusedBackwardCall | null;
  readonly biasArray: FloatArray | null;
}

function makeUnaryBackward(name: UnaryName, id: number, def: UnaryOpDef, engine: Engine): UnaryBackward<object, boolean> {
  const keys = ['out', ...(def.backwardUsesY ? ['y'] : []), ...def.params.map((p) => p.name), ...BIAS_KEYS];
  const [f, fAsync] = entryPair<Backward>(`${name}.backward`, keys, {
    prepare(fn, [dy, x, options], keys) {
      const dya = checkFloatArray(fn, dy, 'dy');
      const n = dya.length;
      const opts = takeOpts(fn, options, keys);
      const ya = opts?.y === undefined ? null : checkLike(fn, opts.y, 'options.y', dya, 'dy');
      // With y the derivative is computed from y alone, so x may be left out (null).
      const xName = ya !== null ? 'x (or null with options.y)' : def.backwardUsesY ? `x (or null, with the forward output ${name}(x) as options.y)` : 'x';
      const xa = x === null && ya !== null ? null : checkLike(fn, x, xName, dya, 'dy');
      const inputs: [FloatArray, string][] = [[dya, 'dy']];
      if (xa) inputs.push([xa, 'x']);
      if (ya) inputs.push([ya, 'options.y']);
      const dx = takeOut(fn, opts?.out, dya, 'dy', inputs);
      const p = resolveParams(fn, def, opts, dtypeOf(dya) === 'float32');
      const bias = takeBias(fn, (xa ?? ya)!, opts, dx);
      // From y, f'(x + b) is read off y itself: the bias only adds its gradient.
      const fused: FusedBackwardCall | null = bias && {
        op: 'fusedBackward', act: id, a: p[0], b: p[1], geom: bias.geom, fromY: ya !== null, dy: dya, g: (ya ?? xa)!, u: null, dg: dx, du: null,
        biased: true, bias: bias.bias, biasScalar: bias.scalar, dbias: new Float64Array(bias.geom.sC),
      };
      return {
        opts, dy: dya, x: xa, y: ya, dx, p, fused, biasArray: bias?.bias ?? null,
        arrays: [[dya, 'dy', n], [xa, 'x', n], [ya, 'options.y', n], [dx, 'options.out', n], [bias?.bias ?? null, 'options.bias', bias?.bias?.length ?? 0]],
      };
    },
    run: (c) => (c.fused ? engine.fused(c.fused) : engine.unaryBackward(id, c.dy, c.x, c.y, c.dx, c.p[0], c.p[1])),
    runAsync: (fn, c, signal) => (c.fused ? engine.fusedAsync(fn, c.fused, signal) : engine.unaryBackwardAsync(fn, id, c.dy, c.x, c.y, c.dx, c.p[0], c.p[1], signal)),
    result: (c) => (c.fused ? withDbias(c.dx, c.biasArray, c.fused.dbias!) : c.dx),
  });
  return withProps(f, 'backward', { async: fAsync });
}

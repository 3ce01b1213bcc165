/**
 * The unary ops (relu, sigmoid, gelu, ...), forward and backward, sync and
 * async, built from their registry entries.
 */
import type { Engine } from '../backend/backend';
import { unaryOps, type UnaryName, type UnaryOpDef } from '../registry/ops';
import type { StorageArray } from '../types';
import { checkLikeStored, checkStorageArray, formatOf, resolveDtype, takeOutStored, type Stored } from '../validate/dtype';
import { resolveParams } from '../validate/params';
import { entryPair, takeOpts, withProps, type Call } from './entry';
import type { UnaryActivation, UnaryBackward } from './types';

interface Forward extends Call {
  readonly x: Stored;
  readonly out: Stored;
  /** The op's parameters, resolved for this call alone. */
  readonly p: readonly [number, number];
  /** The 16-bit format (validate/dtype.ts formatOf). */
  readonly fmt: number;
}

export function makeUnary(name: UnaryName, id: number, engine: Engine): UnaryActivation<object> {
  const def: UnaryOpDef = unaryOps[name];
  const [f, fAsync] = entryPair<Forward>(name, ['out', 'dtype', ...def.params.map((p) => p.name)], {
    prepare(fn, [x, options], keys) {
      const xv = checkStorageArray(fn, x, 'x');
      const n = xv.length;
      const opts = takeOpts(fn, options, keys);
      const xa = resolveDtype(fn, xv, 'x', opts?.dtype);
      const out = takeOutStored(fn, opts?.out, xa, 'x', [[xa, 'x']]);
      const p = resolveParams(fn, def, opts, xa.dtype !== 'float64');
      return { opts, x: xa, out, p, fmt: formatOf(xa.dtype), arrays: [[xv, 'x', n], [out.a, 'options.out', n]] };
    },
    run: (c) => engine.unary(id, c.x.bits, c.out.bits, c.p[0], c.p[1], c.fmt),
    runAsync: (fn, c, signal) => engine.unaryAsync(fn, id, c.x.bits, c.out.bits, c.p[0], c.p[1], signal, c.fmt),
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
}

const bitsOrNull = (s: Stored | null): StorageArray | null => (s === null ? null : s.bits);

function makeUnaryBackward(name: UnaryName, id: number, def: UnaryOpDef, engine: Engine): UnaryBackward<object, boolean> {
  const keys = ['out', 'dtype', ...(def.backwardUsesY ? ['y'] : []), ...def.params.map((p) => p.name)];
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
      return {
        opts, dy: dya, x: xa, y: ya, dx, p, fmt: formatOf(dya.dtype),
        arrays: [[dyv, 'dy', n], [xa && xa.a, 'x', n], [ya && ya.a, 'options.y', n], [dx.a, 'options.out', n]],
      };
    },
    run: (c) => engine.unaryBackward(id, c.dy.bits, bitsOrNull(c.x), bitsOrNull(c.y), c.dx.bits, c.p[0], c.p[1], c.fmt),
    runAsync: (fn, c, signal) => engine.unaryBackwardAsync(fn, id, c.dy.bits, bitsOrNull(c.x), bitsOrNull(c.y), c.dx.bits, c.p[0], c.p[1], signal, c.fmt),
    result: (c) => c.dx.a,
  });
  return withProps(f, 'backward', { async: fAsync });
}

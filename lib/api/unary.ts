/**
 * The unary ops (relu, sigmoid, gelu, ...), forward and backward, sync and
 * async, built from their registry entries.
 */
import type { Engine } from '../backend/backend';
import { unaryOps, type UnaryName, type UnaryOpDef } from '../registry/ops';
import type { FloatArray } from '../types';
import { resolveParams } from '../validate/params';
import { checkFloatArray, checkLike, dtypeOf } from '../validate/values';
import { entryPair, takeOpts, takeOut, withProps, type Call } from './entry';
import type { UnaryActivation, UnaryBackward } from './types';

interface Forward extends Call {
  readonly x: FloatArray;
  readonly out: FloatArray;
  /** The op's parameters, resolved for this call alone. */
  readonly p: readonly [number, number];
}

export function makeUnary(name: UnaryName, id: number, engine: Engine): UnaryActivation<object> {
  const def: UnaryOpDef = unaryOps[name];
  const [f, fAsync] = entryPair<Forward>(name, ['out', ...def.params.map((p) => p.name)], {
    prepare(fn, [x, options], keys) {
      const xa = checkFloatArray(fn, x, 'x');
      const n = xa.length;
      const opts = takeOpts(fn, options, keys);
      const out = takeOut(fn, opts?.out, xa, 'x', [[xa, 'x']]);
      const p = resolveParams(fn, def, opts, dtypeOf(xa) === 'float32');
      return { opts, x: xa, out, p, arrays: [[xa, 'x', n], [out, 'options.out', n]] };
    },
    run: (c) => engine.unary(id, c.x, c.out, c.p[0], c.p[1]),
    runAsync: (fn, c, signal) => engine.unaryAsync(fn, id, c.x, c.out, c.p[0], c.p[1], signal),
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
}

function makeUnaryBackward(name: UnaryName, id: number, def: UnaryOpDef, engine: Engine): UnaryBackward<object, boolean> {
  const keys = ['out', ...(def.backwardUsesY ? ['y'] : []), ...def.params.map((p) => p.name)];
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
      return { opts, dy: dya, x: xa, y: ya, dx, p, arrays: [[dya, 'dy', n], [xa, 'x', n], [ya, 'options.y', n], [dx, 'options.out', n]] };
    },
    run: (c) => engine.unaryBackward(id, c.dy, c.x, c.y, c.dx, c.p[0], c.p[1]),
    runAsync: (fn, c, signal) => engine.unaryBackwardAsync(fn, id, c.dy, c.x, c.y, c.dx, c.p[0], c.p[1], signal),
    result: (c) => c.dx,
  });
  return withProps(f, 'backward', { async: fAsync });
}

/**
 * The gated units (glu, swiglu, geglu, reglu): forward and backward, one-array
 * form f(x, { shape, axis, bias }) and two-array form f(gate, up), each a
 * FusedCall (lib/types.ts) of the registry's `act` on the gate half.
 */
import type { Engine } from '../backend/backend';
import { gatedOps, unaryNames, unaryOps, type GatedName, type GatedOpDef } from '../registry/ops';
import type { FloatArray, FusedBackwardCall, FusedCall, FusedGeom } from '../types';
import { checkFeatureBias, flatGeom } from '../validate/channels';
import { resolveParams } from '../validate/params';
import { checkSplit } from '../validate/shape';
import {
  checkDisjoint, checkFloatArray, checkLike, checkNoPartialOverlap, checkSameType, dtypeOf, newLike, rangeError,
} from '../validate/values';
import { entryPair, takeOpts, withDbias, withProps, type Call } from './entry';
import type { Gated } from './types';

interface GatedRun extends Call {
  readonly call: FusedCall | FusedBackwardCall;
  readonly result: () => unknown;
}

/** x split in halves along the axis: the geometry of the one-array form, and its bias. */
function halves(fn: string, def: GatedOpDef, x: FloatArray, opts: Record<string, unknown>, of: string):
  { geom: FusedGeom; half: number; bias: FloatArray | null; biasScalar: number; biased: boolean } {
  const s = checkSplit(fn, opts.shape, opts.axis, x.length, 'options.axis', () => -1, of);
  if (s.len % 2 !== 0) throw rangeError(fn, `an axis of even length (x splits in two halves along it)`, 'options.axis', opts.axis ?? -1);
  const H = s.len / 2;
  const m = H * s.inner;
  const first = def.gate === 'first';
  const geom: FusedGeom = {
    outer: s.outer, m, stride: s.len * s.inner, gOff: first ? 0 : m, uOff: first ? m : 0,
    inner: Math.max(s.inner, 1), gC0: first ? 0 : H, uC0: first ? H : 0, sOuter: s.outer, sC: s.len, sInner: s.inner,
  };
  if (opts.bias === undefined) return { geom, half: x.length / 2, bias: null, biasScalar: 0, biased: false };
  const b = checkFeatureBias(fn, x, opts.bias, s.len, `the length of axis ${s.axis} of [${s.shape.join(', ')}], before the split`);
  // A number is one bias for every feature: its gradient sums all of dx.
  const flat = flatGeom(x.length);
  const sums = b.values ? {} : { sOuter: flat.sOuter, sC: flat.sC, sInner: flat.sInner };
  return { geom: { ...geom, ...sums }, half: x.length / 2, bias: b.values, biasScalar: b.scalar, biased: true };
}

/** An output array of the given length and x's type: new, or options.<name> checked. */
function takeSized(fn: string, v: unknown, name: string, ref: FloatArray, n: number, note: string): FloatArray {
  if (v === undefined) return newLike(ref, n);
  const a = checkSameType(fn, v, name, ref, 'x');
  if (a.length !== n) throw rangeError(fn, `length ${n} (${note})`, name, v);
  return a;
}

function makeGated(name: GatedName, engine: Engine): Gated<object> {
  const def: GatedOpDef = gatedOps[name];
  const act = unaryNames.indexOf(def.act);
  const actDef = unaryOps[def.act];
  const params = actDef.params.map((p) => p.name);
  const oneKeys = ['out', 'shape', 'axis', 'bias', ...params];
  const pairKeys = ['out', ...params];
  const pairBwdKeys = ['dgate', 'dup', ...params];
  const isPair = (v: unknown): boolean => def.pair && dtypeOf(v) !== undefined;
  const run = {
    run: (c: GatedRun) => engine.fused(c.call),
    runAsync: (fn: string, c: GatedRun, signal: AbortSignal | undefined) => engine.fusedAsync(fn, c.call, signal),
    result: (c: GatedRun) => c.result(),
  };
  const forward = {
    ...run,
    prepare(fn: string, args: unknown[], keys: readonly string[]): GatedRun {
      const xa = checkFloatArray(fn, args[0], isPair(args[1]) ? 'gate' : 'x');
      if (isPair(args[1])) {
        const up = checkLike(fn, args[1], 'up', xa, 'gate');
        const opts = takeOpts(fn, args[2], keys.filter((k) => pairKeys.includes(k) || k === 'signal')) ?? {};
        const y = takeSized(fn, opts.out, 'options.out', xa, xa.length, 'the length of gate');
        checkNoPartialOverlap(fn, y, 'options.out', xa, 'gate');
        checkNoPartialOverlap(fn, y, 'options.out', up, 'up');
        const [a, b] = resolveParams(fn, actDef, opts, dtypeOf(xa) === 'float32');
        const call: FusedCall = { op: 'fused', act, a, b, geom: flatGeom(xa.length), g: xa, u: up, y, biased: false, bias: null, biasScalar: 0 };
        return { opts, call, result: () => y, arrays: [[xa, 'gate', xa.length], [up, 'up', xa.length], [y, 'options.out', xa.length]] };
      }
      const opts = takeOpts(fn, args[1], keys) ?? {};
      const h = halves(fn, def, xa, opts, 'x');
      const y = takeSized(fn, opts.out, 'options.out', xa, h.half, 'half the length of x');
      checkDisjoint(fn, y, 'options.out', xa, 'x');
      if (h.bias) checkDisjoint(fn, y, 'options.out', h.bias, 'options.bias');
      const [a, b] = resolveParams(fn, actDef, opts, dtypeOf(xa) === 'float32');
      const call: FusedCall = { op: 'fused', act, a, b, geom: h.geom, g: xa, u: xa, y, biased: h.biased, bias: h.bias, biasScalar: h.biasScalar };
      return { opts, call, result: () => y, arrays: [[xa, 'x', xa.length], [y, 'options.out', h.half], [h.bias, 'options.bias', h.bias?.length ?? 0]] };
    },
  };
  const backward = {
    ...run,
    prepare(fn: string, args: unknown[], keys: readonly string[]): GatedRun {
      const dya = checkFloatArray(fn, args[0], 'dy');
      if (isPair(args[2])) {
        const ga = checkLike(fn, args[1], 'gate', dya, 'dy');
        const up = checkLike(fn, args[2], 'up', dya, 'dy');
        const opts = takeOpts(fn, args[3], keys.filter((k) => pairBwdKeys.includes(k) || k === 'signal')) ?? {};
        const n = dya.length;
        const dg = takeSized(fn, opts.dgate, 'options.dgate', dya, n, 'the length of dy');
        const du = takeSized(fn, opts.dup, 'options.dup', dya, n, 'the length of dy');
        for (const [o, oname] of [[dg, 'options.dgate'], [du, 'options.dup']] as const) {
          checkDisjoint(fn, o, oname, dya, 'dy');
          checkNoPartialOverlap(fn, o, oname, ga, 'gate');
          checkNoPartialOverlap(fn, o, oname, up, 'up');
        }
        checkDisjoint(fn, dg, 'options.dgate', du, 'options.dup');
        const [a, b] = resolveParams(fn, actDef, opts, dtypeOf(dya) === 'float32');
        const call: FusedBackwardCall = {
          op: 'fusedBackward', act, a, b, geom: flatGeom(n), fromY: false, dy: dya, g: ga, u: up, dg, du, biased: false, bias: null, biasScalar: 0, dbias: null,
        };
        return { opts, call, result: () => ({ dgate: dg, dup: du }), arrays: [[dya, 'dy', n], [ga, 'gate', n], [up, 'up', n], [dg, 'options.dgate', n], [du, 'options.dup', n]] };
      }
      const xa = checkSameType(fn, args[1], 'x', dya, 'dy');
      const opts = takeOpts(fn, args[2], keys) ?? {};
      const h = halves(fn, def, xa, opts, 'x');
      if (dya.length !== h.half) throw rangeError(fn, `length ${h.half} (half the length of x)`, 'dy', dya);
      const dx = takeSized(fn, opts.out, 'options.out', xa, xa.length, 'the length of x');
      checkNoPartialOverlap(fn, dx, 'options.out', xa, 'x');
      checkDisjoint(fn, dx, 'options.out', dya, 'dy');
      if (h.bias) checkDisjoint(fn, dx, 'options.out', h.bias, 'options.bias');
      const [a, b] = resolveParams(fn, actDef, opts, dtypeOf(xa) === 'float32');
      const dbias = h.biased ? new Float64Array(h.geom.sC) : null;
      const call: FusedBackwardCall = {
        op: 'fusedBackward', act, a, b, geom: h.geom, fromY: false, dy: dya, g: xa, u: xa, dg: dx, du: dx,
        biased: h.biased, bias: h.bias, biasScalar: h.biasScalar, dbias,
      };
      const result = (): unknown => (dbias ? withDbias(dx, h.bias, dbias) : dx);
      return { opts, call, result, arrays: [[dya, 'dy', h.half], [xa, 'x', xa.length], [dx, 'options.out', xa.length], [h.bias, 'options.bias', h.bias?.length ?? 0]] };
    },
  };
  const [f, fAsync] = entryPair(name, [...new Set([...oneKeys, ...pairKeys])], forward);
  const [bw, bAsync] = entryPair(`${name}.backward`, [...new Set([...oneKeys, ...pairBwdKeys])], backward);
  return withProps(f, name, {
    async: fAsync,
    backward: withProps(bw, 'backward', { async: bAsync }),
    opName: name,
    def,
  });
}

export function makeGatedOps(engine: Engine): Record<GatedName, Gated<object>> {
  const out = {} as Record<GatedName, Gated<object>>;
  for (const n of Object.keys(gatedOps) as GatedName[]) out[n] = makeGated(n, engine);
  return out;
}

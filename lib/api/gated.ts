/**
 * The gated units (glu, swiglu, geglu, reglu): forward and backward, one-array
 * form f(x, { shape, axis, bias }) and two-array form f(gate, up), each a
 * FusedCall (lib/types.ts) of the registry's `act` on the gate half.
 */
import type { Engine } from '../backend/backend';
import { gatedOps, unaryNames, unaryOps, type GatedName, type GatedOpDef } from '../registry/ops';
import type { FloatArray, FusedBackwardCall, FusedCall, FusedGeom } from '../types';
import { checkFeatureBias, flatGeom } from '../validate/channels';
import {
  checkLikeStored, checkSameStored, checkStorageArray, floatOf, isHalf, resolveDtype, returned, STORAGE_KINDS, takeOutStored, type Stored,
} from '../validate/dtype';
import { resolveParams } from '../validate/params';
import { checkSplit } from '../validate/shape';
import { checkDisjoint, checkNoPartialOverlap, rangeError, typedArrayKind } from '../validate/values';
import { entryPair, takeOpts, withDbias, withProps, type Call } from './entry';
import { floatPlan, halfFused, halfFusedBackward, type FusedPlan, type HalfFusedSpec } from './half-fused';
import type { Gated } from './types';

interface GatedRun extends Call {
  readonly plan: FusedPlan;
  readonly result: () => unknown;
}

interface Halves {
  readonly geom: FusedGeom;
  readonly half: number;
  readonly bias: Stored | null;
  readonly biasScalar: number;
  readonly biased: boolean;
}

/** x split in halves along the axis: the geometry of the one-array form, and its bias. */
function halves(fn: string, def: GatedOpDef, x: Stored, length: number, opts: Record<string, unknown>, of: string): Halves {
  // length: x's as accepted, before any option getter ran (one may shrink its buffer; the entry's re-check refuses that).
  const s = checkSplit(fn, opts.shape, opts.axis, length, 'options.axis', () => -1, of);
  if (s.len % 2 !== 0) throw rangeError(fn, `an axis of even length (x splits in two halves along it)`, 'options.axis', opts.axis ?? -1);
  const H = s.len / 2;
  const m = H * s.inner;
  const first = def.gate === 'first';
  const geom: FusedGeom = {
    outer: s.outer, m, stride: s.len * s.inner, gOff: first ? 0 : m, uOff: first ? m : 0,
    inner: Math.max(s.inner, 1), gC0: first ? 0 : H, uC0: first ? H : 0, sOuter: s.outer, sC: s.len, sInner: s.inner,
  };
  if (opts.bias === undefined) return { geom, half: length / 2, bias: null, biasScalar: 0, biased: false };
  const b = checkFeatureBias(fn, x, opts.bias, s.len, `the length of axis ${s.axis} of [${s.shape.join(', ')}], before the split`);
  // A number is one bias for every feature: its gradient sums all of dx.
  const flat = flatGeom(length);
  const sums = b.values ? {} : { sOuter: flat.sOuter, sC: flat.sC, sInner: flat.sInner };
  return { geom: { ...geom, ...sums }, half: length / 2, bias: b.values, biasScalar: b.scalar, biased: true };
}

/** An output array of the given length and x's type (or float32 for 16-bit x): new, or options.<name> checked. */
function takeSized(fn: string, v: unknown, name: string, ref: Stored, n: number, note: string): Stored {
  return takeOutStored(fn, v, ref, 'x', [], n, note, name);
}

const floats = (s: Stored): FloatArray => floatOf(s)!;
const floatsOrNull = (s: Stored | null): FloatArray | null => (s === null ? null : floatOf(s));

function makeGated(name: GatedName, engine: Engine): Gated<object> {
  const def: GatedOpDef = gatedOps[name];
  const act = unaryNames.indexOf(def.act);
  const actDef = unaryOps[def.act];
  const params = actDef.params.map((p) => p.name);
  const oneKeys = ['out', 'dtype', 'shape', 'axis', 'bias', ...params];
  const pairKeys = ['out', 'dtype', ...params];
  const pairBwdKeys = ['dgate', 'dup', 'dtype', ...params];
  const isPair = (v: unknown): boolean => def.pair && STORAGE_KINDS.includes(typedArrayKind(v) ?? '');
  const run = {
    run: (c: GatedRun) => c.plan.run(),
    runAsync: (fn: string, c: GatedRun, signal: AbortSignal | undefined) => c.plan.runAsync(fn, signal),
    result: (c: GatedRun) => c.result(),
  };
  const spec = (a: number, b: number, geom: FusedGeom, g: Stored, u: Stored, h: Halves | null): HalfFusedSpec => ({
    act, a, b, geom, g, u, biased: h?.biased ?? false, bias: h?.bias ?? null, biasScalar: h?.biasScalar ?? 0,
  });
  const forward = {
    ...run,
    prepare(fn: string, keys: readonly string[], ...args: unknown[]): GatedRun {
      const pair = isPair(args[1]);
      const xv = checkStorageArray(fn, args[0], pair ? 'gate' : 'x');
      // Lengths as accepted, before any option getter runs.
      const nx = xv.length;
      if (pair) {
        const upv = checkStorageArray(fn, args[1], 'up');
        const opts = takeOpts(fn, args[2], keys.filter((k) => pairKeys.includes(k) || k === 'signal')) ?? {};
        const xa = resolveDtype(fn, xv, 'gate', opts.dtype);
        const up = checkLikeStored(fn, upv, 'up', xa, 'gate');
        const y = takeSized(fn, opts.out, 'options.out', xa, nx, 'the length of gate');
        checkNoPartialOverlap(fn, y.a, 'options.out', xv, 'gate');
        checkNoPartialOverlap(fn, y.a, 'options.out', upv, 'up');
        const [a, b] = resolveParams(fn, actDef, opts, xa.dtype !== 'float64');
        const n = nx;
        const arrays: Call['arrays'] = [[xv, 'gate', n], [upv, 'up', n], [y.a, 'options.out', n]];
        if (isHalf(xa.dtype)) {
          const h = halfFused(engine, spec(a, b, flatGeom(n), xa, up, null), y);
          return { opts, plan: h.plan, result: () => (h.finish(), returned(y)), arrays };
        }
        const call: FusedCall = { op: 'fused', act, a, b, geom: flatGeom(n), g: floats(xa), u: floats(up), y: floats(y), biased: false, bias: null, biasScalar: 0 };
        return { opts, plan: floatPlan(engine, call), result: () => returned(y), arrays };
      }
      const opts = takeOpts(fn, args[1], keys) ?? {};
      const xa = resolveDtype(fn, xv, 'x', opts.dtype);
      const h = halves(fn, def, xa, nx, opts, 'x');
      const y = takeSized(fn, opts.out, 'options.out', xa, h.half, 'half the length of x');
      checkDisjoint(fn, y.a, 'options.out', xv, 'x');
      if (h.bias) checkDisjoint(fn, y.a, 'options.out', h.bias.a, 'options.bias');
      const [a, b] = resolveParams(fn, actDef, opts, xa.dtype !== 'float64');
      const arrays: Call['arrays'] = [[xv, 'x', nx], [y.a, 'options.out', h.half], [h.bias?.a ?? null, 'options.bias', h.bias ? h.geom.sC : 0]];
      if (isHalf(xa.dtype)) {
        const hf = halfFused(engine, spec(a, b, h.geom, xa, xa, h), y);
        return { opts, plan: hf.plan, result: () => (hf.finish(), returned(y)), arrays };
      }
      const call: FusedCall = {
        op: 'fused', act, a, b, geom: h.geom, g: floats(xa), u: floats(xa), y: floats(y), biased: h.biased, bias: floatsOrNull(h.bias), biasScalar: h.biasScalar,
      };
      return { opts, plan: floatPlan(engine, call), result: () => returned(y), arrays };
    },
  };
  const backward = {
    ...run,
    prepare(fn: string, keys: readonly string[], ...args: unknown[]): GatedRun {
      const dyv = checkStorageArray(fn, args[0], 'dy');
      // Lengths as accepted, before any option getter runs.
      const nd = dyv.length;
      if (isPair(args[2])) {
        const gv = checkStorageArray(fn, args[1], 'gate');
        const upv = checkStorageArray(fn, args[2], 'up');
        const opts = takeOpts(fn, args[3], keys.filter((k) => pairBwdKeys.includes(k) || k === 'signal')) ?? {};
        const dya = resolveDtype(fn, dyv, 'dy', opts.dtype);
        const ga = checkLikeStored(fn, gv, 'gate', dya, 'dy');
        const up = checkLikeStored(fn, upv, 'up', dya, 'dy');
        const n = nd;
        const dg = takeSized(fn, opts.dgate, 'options.dgate', dya, n, 'the length of dy');
        const du = takeSized(fn, opts.dup, 'options.dup', dya, n, 'the length of dy');
        for (const [o, oname] of [[dg, 'options.dgate'], [du, 'options.dup']] as const) {
          checkDisjoint(fn, o.a, oname, dyv, 'dy');
          checkNoPartialOverlap(fn, o.a, oname, gv, 'gate');
          checkNoPartialOverlap(fn, o.a, oname, upv, 'up');
        }
        checkDisjoint(fn, dg.a, 'options.dgate', du.a, 'options.dup');
        const [a, b] = resolveParams(fn, actDef, opts, dya.dtype !== 'float64');
        const arrays: Call['arrays'] = [[dyv, 'dy', n], [gv, 'gate', n], [upv, 'up', n], [dg.a, 'options.dgate', n], [du.a, 'options.dup', n]];
        const result = (): unknown => ({ dgate: returned(dg), dup: returned(du) });
        if (isHalf(dya.dtype)) {
          const h = halfFusedBackward(engine, spec(a, b, flatGeom(n), ga, up, null), dya, false, dg, du, false);
          return { opts, plan: h.plan, result: () => (h.finish(), result()), arrays };
        }
        const call: FusedBackwardCall = {
          op: 'fusedBackward', act, a, b, geom: flatGeom(n), fromY: false, dy: floats(dya), g: floats(ga), u: floats(up), dg: floats(dg), du: floats(du),
          biased: false, bias: null, biasScalar: 0, dbias: null,
        };
        return { opts, plan: floatPlan(engine, call), result, arrays };
      }
      const xv = checkStorageArray(fn, args[1], 'x');
      const nx = xv.length;
      const opts = takeOpts(fn, args[2], keys) ?? {};
      const dya = resolveDtype(fn, dyv, 'dy', opts.dtype);
      const xa = checkSameStored(fn, xv, 'x', dya, 'dy');
      const h = halves(fn, def, xa, nx, opts, 'x');
      if (nd !== h.half) throw rangeError(fn, `length ${h.half} (half the length of x)`, 'dy', dyv);
      const dx = takeSized(fn, opts.out, 'options.out', xa, nx, 'the length of x');
      checkNoPartialOverlap(fn, dx.a, 'options.out', xv, 'x');
      checkDisjoint(fn, dx.a, 'options.out', dyv, 'dy');
      if (h.bias) checkDisjoint(fn, dx.a, 'options.out', h.bias.a, 'options.bias');
      const [a, b] = resolveParams(fn, actDef, opts, xa.dtype !== 'float64');
      const arrays: Call['arrays'] = [[dyv, 'dy', h.half], [xv, 'x', nx], [dx.a, 'options.out', nx], [h.bias?.a ?? null, 'options.bias', h.bias ? h.geom.sC : 0]];
      if (isHalf(xa.dtype)) {
        const hf = halfFusedBackward(engine, spec(a, b, h.geom, xa, xa, h), dya, false, dx, dx, h.biased);
        return { opts, plan: hf.plan, result: () => { const d = hf.finish(); return h.biased ? { dx: returned(dx), dbias: d } : returned(dx); }, arrays };
      }
      const dbias = h.biased ? new Float64Array(h.geom.sC) : null;
      const call: FusedBackwardCall = {
        op: 'fusedBackward', act, a, b, geom: h.geom, fromY: false, dy: floats(dya), g: floats(xa), u: floats(xa), dg: floats(dx), du: floats(dx),
        biased: h.biased, bias: floatsOrNull(h.bias), biasScalar: h.biasScalar, dbias,
      };
      const result = (): unknown => (dbias ? withDbias(returned(dx) as FloatArray, call.bias, dbias) : returned(dx));
      return { opts, plan: floatPlan(engine, call), result, arrays };
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

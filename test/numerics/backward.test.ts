/**
 * Backward passes of the unary ops, on the backend this project runs
 * (ACTIVATION_KERNELS_BACKEND): dx = dy·f'(x) against the double-double
 * reference derivative of test/reference-backward.cjs, which is itself
 * checked against central differences of the forward reference.
 * Everything loops over the registry; nothing here names an op.
 */
import { describe, expect, it } from 'vitest';
import * as ak from '../../lib/index';
import { requiredOptions, unaryOps, unaryNames, type UnaryOpDef } from '../../lib/registry/ops';
import { ops as refOps, lastLo } from '../reference.cjs';
import { backwardError, EXACT_SLACK, ulpError } from '../ulp.cjs';
import { movedParamSets, rng, typedParams, type Params } from './helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const R = require('../reference-backward.cjs') as {
  derivatives: Record<string, (x: number, p: Record<string, number | string>) => [number, number]>;
  fromY: Record<string, (y: number, p: Record<string, number | string>, dtype: Dtype) => [number, number]>;
  dxRef: (dy: number, d: [number, number]) => number;
  scaleOf: (bw: UnaryOpDef['backward'], fromY: boolean, v: number, a: number, b: number, d: [number, number]) => number;
};

type Dtype = 'float32' | 'float64';
const DTYPES = [
  { dtype: 'float32' as Dtype, Ctor: Float32Array, eps: 2 ** -23, round: Math.fround },
  { dtype: 'float64' as Dtype, Ctor: Float64Array, eps: 2 ** -52, round: (v: number) => v },
];
const api = ak as unknown as Record<string, {
  (x: Float32Array | Float64Array, o?: object): Float32Array | Float64Array;
  backward: {
    (dy: Float32Array | Float64Array, x: Float32Array | Float64Array, o?: object): Float32Array | Float64Array;
    async(dy: Float32Array | Float64Array, x: Float32Array | Float64Array, o?: object): Promise<Float32Array | Float64Array>;
  };
}>;

/** Parameters as the kernels see them: numbers in the registry's order, enums as indices. */
function abOf(def: UnaryOpDef, p: Params): [number, number] {
  const v = def.params.map((q) => (q.kind === 'enum' ? q.values.indexOf(p[q.name] as string) : (p[q.name] as number)));
  return [v[0] ?? 0, v[1] ?? 0];
}

const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 1e-30, -1e-30, 2 ** -149, -(2 ** -149), 1e30, -1e30, 3.4e38, -3.4e38, 1, -1, 3, -3, 6, 20, -20, 0.5, -0.5, 88.7, -88.7, -103.9];
const F64_SPECIALS = [5e-324, -5e-324, 1e300, -1e300, 1.7976931348623157e308, -1.7976931348623157e308, 709.7, -745.1, 1e-300];

/** Inputs: uniform in [-12, 12] and [-60, 60], log-uniform magnitudes, and the special values. */
function inputs(dtype: Dtype, n: number, r: () => number): { x: number[]; dy: number[] } {
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const x: number[] = [...SPECIALS, ...(dtype === 'float64' ? F64_SPECIALS : [])].map(round);
  while (x.length < n) {
    const k = x.length % 3;
    const s = r() < 0.5 ? -1 : 1;
    x.push(round(k === 0 ? -12 + 24 * r() : k === 1 ? -60 + 120 * r() : s * 2 ** (-30 + 40 * r())));
  }
  const dy = x.map((_, i) => round(i % 7 === 0 ? 1 : (r() < 0.5 ? -1 : 1) * 2 ** (-4 + 8 * r())));
  return { x, dy };
}

interface Check { worst: number; at: number; fails: string[] }

/** The registry's bound factors for a dtype: [ulp factor, ε factor]. */
function boundOf(def: UnaryOpDef, dtype: Dtype): [number, number] {
  const bw = def.backward;
  return bw.exact ? [0.5 + EXACT_SLACK, 0] : [dtype === 'float32' ? bw.ulp : bw.ulp64, bw.eps];
}

/**
 * Compares dx with dy·f'(x) (d(i): f' as a double-double) under the registry's bound,
 * |dx − dy·f'| ≤ ulp·ulp(dx) + eps·ε·|dy|·S(x), in units of that bound (≤ 1 passes).
 */
function check(name: string, def: UnaryOpDef, dtype: Dtype, p: Params, xs: ArrayLike<number>, dys: ArrayLike<number>, dx: ArrayLike<number>, d: (i: number) => [number, number], fromY = false): Check {
  const bw = def.backward;
  const [uc, ec] = boundOf(def, dtype);
  const [a, b] = abOf(def, p);
  const out: Check = { worst: 0, at: NaN, fails: [] };
  for (let i = 0; i < xs.length; i++) {
    const di = d(i);
    const r = R.dxRef(dys[i], di);
    const e = backwardError(dx[i], r, dtype, dys[i], R.scaleOf(bw, fromY, xs[i], a, b, di), uc, ec);
    if (e <= 1) {
      if (e > out.worst) {
        out.worst = e;
        out.at = xs[i];
      }
      continue;
    }
    // Within 2^60 of float64's underflow an intermediate (e^-z, φ(x), erfc) can be subnormal while
    // dy·f' is not: the promise there is an absolute error below the smallest normal (as SPEC grants below it).
    if (dtype === 'float64' && Math.abs(r) < 2 ** -962 && Math.abs(dx[i] - r) <= 2 ** -1022) continue;
    if (out.fails.length < 5) out.fails.push(`${name}${JSON.stringify(p)} ${dtype}${fromY ? ' from y' : ''}: ${fromY ? 'y' : 'x'} = ${xs[i]}, dy = ${dys[i]}: got ${dx[i]}, reference ${r} (${e} × the bound)`);
  }
  return out;
}

describe('unary backward against the float64 reference derivative', () => {
  for (const name of unaryNames) {
    const def: UnaryOpDef = unaryOps[name];
    for (const { dtype, Ctor } of DTYPES) {
      it(`${name} ${dtype}`, () => {
        expect(R.derivatives[name], `test/reference-backward.cjs has no derivative of ${name}`).toBeTypeOf('function');
        const r = rng(0xbac0 + name.length);
        for (const set of movedParamSets(def)) {
          const p = typedParams(set, dtype);
          const { x, dy } = inputs(dtype, 4000, r);
          const xa = Ctor.from(x), dya = Ctor.from(dy);
          const dx = api[name].backward(dya, xa, set);
          const c = check(name, def, dtype, p, xa, dya, dx, (i) => R.derivatives[name](xa[i], p));
          expect(c.fails, c.fails.join('\n')).toEqual([]);
          // Inputs untouched.
          expect(Array.from(xa)).toEqual(Array.from(Ctor.from(x)));
        }
      });
    }
  }
});

describe('unary backward at far inputs with dy from the subnormals to the largest', () => {
  // dy·f'(x) is one product: no intermediate of a float-lane kernel may overflow or underflow
  // where that product does not.
  for (const name of unaryNames) {
    const def: UnaryOpDef = unaryOps[name];
    for (const { dtype, Ctor } of DTYPES) {
      it(`${name} ${dtype}`, () => {
        const f32 = dtype === 'float32';
        const xs = [...SPECIALS, ...(f32 ? [] : F64_SPECIALS), 2 ** 64, -(2 ** 64), 1e19, -1e19, 2 ** 32, -(2 ** 32), -80, -40, 40, -9.6, -12.6, 0.75, -0.75, -1e-40, 3e-45, 1e-37, -13.5, -14.95, -16, -18.4, -18.6, -19.5].map(f32 ? Math.fround : (v: number) => v);
        // float64: dy up to 2^20 (float64 kernels and the twin compute f' first, and it may be
        // subnormal where dy·f' is not: the check's tiny-result rule covers only small products).
        const dys = f32 ? [2 ** -149, -1e-40, 1e-38, -1e-30, 1e-20, 1e20, -1e30, 3.4e38] : [5e-324, -1e-310, 1e-300, -1e-200, 1e-20, -(2 ** 20)];
        // Each number parameter also moved alone (rbf's γ off a power of two with c = 0 makes
        // −2γ(x − c) subnormal for a subnormal x).
        const base = movedParamSets(def)[0];
        const alone = def.params.filter((q) => q.kind === 'number').map((q) => ({ ...base, [q.name]: q.default === 0 ? 0.75 : q.default * 1.75 }));
        for (const set of [...movedParamSets(def), ...alone]) {
          const p = typedParams(set, dtype);
          const x = Ctor.from(xs.flatMap((v) => dys.map(() => v)));
          const dy = Ctor.from(xs.flatMap(() => dys));
          const dx = api[name].backward(dy, x, set);
          const c = check(name, def, dtype, p, x, dy, dx, (i) => R.derivatives[name](x[i], p));
          expect(c.fails, c.fails.join('\n')).toEqual([]);
        }
      });
    }
  }
});

describe('unary backward from y = f(x)', () => {
  for (const name of unaryNames) {
    const def: UnaryOpDef = unaryOps[name];
    if (!def.backwardUsesY) continue;
    for (const { dtype, Ctor } of DTYPES) {
      it(`${name} ${dtype}: dy·g(y) for the y given, and f'(x) where g is well conditioned`, () => {
        expect(def.backward.jsFromY).toBeTypeOf('function');
        const r = rng(0x7e5 + name.length);
        for (const set of movedParamSets(def)) {
          const p = typedParams(set, dtype);
          const { x, dy } = inputs(dtype, 3000, r);
          const xa = Ctor.from(x), dya = Ctor.from(dy);
          const y = api[name](xa, set);
          const dx = api[name].backward(dya, xa, { ...set, y });
          // From y alone (x left out) it is the same computation.
          expect(Array.from(api[name].backward(dya, null as unknown as typeof xa, { ...set, y }))).toEqual(Array.from(dx));
          const c = check(name, def, dtype, p, y, dya, dx, (i) => R.fromY[name](y[i], p, dtype), true);
          expect(c.fails, c.fails.join('\n')).toEqual([]);
          // Where y keeps f'(x) well conditioned (|x| ≤ 2), it agrees with the derivative from x.
          const fromX = api[name].backward(dya, xa, set);
          for (let i = 0; i < x.length; i++) {
            if (Math.abs(xa[i]) <= 2) expect(Math.abs(dx[i] - fromX[i])).toBeLessThanOrEqual(16 * (dtype === 'float32' ? 2 ** -23 : 2 ** -52) * Math.abs(dya[i]) * 4);
          }
        }
      });
      // Regression (soak: tanh.backward from y = -3e38, dy = -1e-40 gave Inf in float lanes, the
      // twin 9e36): the API takes any y, so g(y) may be beyond the type's range while dy·g(y) is not.
      it(`${name} ${dtype}: any y, far outside f's range, with dy from the subnormals to the largest`, () => {
        // float64: |y| and dy kept where the double-double reference of dy·g(y) stays finite.
        const big = dtype === 'float32' ? 3.4e38 : 1e100;
        const ys = [big, -big, 1e30, -1e30, 2 ** 64, -(2 ** 64), 2 ** 40, -(2 ** 40), 1e19, -1e19, 2 ** 32, -(2 ** 32), 3, -3, 0.5, 0, -0, -0.75, 1, -1];
        const dys = dtype === 'float32'
          ? [2 ** -149, -1e-40, 1e-38, 1e-30, -1e-20, 1, 1e20, -1e30, 3.4e38]
          : [5e-324, -1e-310, 1e-300, -1e-200, 1, 1e50, -1e100];
        for (const set of movedParamSets(def)) {
          const p = typedParams(set, dtype);
          const y = Ctor.from(ys.flatMap((v) => dys.map(() => v)));
          const dya = Ctor.from(ys.flatMap(() => dys));
          const dx = api[name].backward(dya, null as unknown as typeof y, { ...set, y });
          const c = check(name, def, dtype, p, y, dya, dx, (i) => R.fromY[name](y[i], p), true);
          expect(c.fails, c.fails.join('\n')).toEqual([]);
        }
      });
    }
  }
});

describe('the reference derivative', () => {
  /** Forward reference as a double-double value. */
  function f(name: string, x: number, p: Params): number[] {
    const h = refOps[name](x, p);
    return [h, lastLo()];
  }
  /** (f(x + h) − f(x − h)) / 2h on double-double values, with x ± h exact. */
  function central(name: string, x: number, p: Params, h: number): number {
    const a = f(name, x + h, p), b = f(name, x - h, p);
    return ((a[0] - b[0]) + (a[1] - b[1])) / (2 * h);
  }

  for (const name of unaryNames) {
    const def: UnaryOpDef = unaryOps[name];
    it(`${name}: agrees with Richardson-extrapolated central differences of the forward reference`, () => {
      const r = rng(0xcd + name.length);
      for (const set of movedParamSets(def)) {
        const [a, b] = abOf(def, set);
        const kinks = def.backward.kinks(a, b).map((k) => k[0]);
        let checked = 0;
        for (let k = 0; k < 300; k++) {
          const x = k % 2 === 0 ? -8 + 16 * r() : -40 + 80 * r();
          // A difference quotient straddling a kink measures neither side.
          if (kinks.some((c) => Math.abs(x - c) < 1e-3)) continue;
          const h = 2 ** -14 * Math.max(1, 2 ** Math.floor(Math.log2(Math.abs(x) + 1)));
          const d1 = central(name, x, set, h), d2 = central(name, x, set, h / 2);
          const rich = (4 * d2 - d1) / 3; // cancels the h² term
          const [dh, dl] = R.derivatives[name](x, set);
          const ref = dh + dl;
          // Truncation O(h⁴f⁽⁵⁾) and the forward's 2^-100 rounding over h, relative to the scale of f'.
          const tol = 1e-9 * Math.max(Math.abs(ref), 1e-3 * Math.abs(dh) + 1e-300) + 1e-12 * Math.max(1, Math.abs(refOps[name](x, set)));
          if (!(Math.abs(rich - ref) <= tol)) expect.fail(`${name}${JSON.stringify(set)}: f'(${x}) = ${ref} but central differences give ${rich}`);
          checked++;
        }
        expect(checked).toBeGreaterThan(250);
      }
    });
  }
});

describe('kinks follow PyTorch', () => {
  for (const name of unaryNames) {
    const def: UnaryOpDef = unaryOps[name];
    for (const { dtype, Ctor, round } of DTYPES) {
      for (const set of movedParamSets(def)) {
        const p = typedParams(set, dtype);
        const [a, b] = abOf(def, p);
        const kinks = def.backward.kinks(a, b).filter(([x]) => Number.isFinite(x) && round(x) === x);
        if (kinks.length === 0) continue;
        it(`${name}${JSON.stringify(set)} ${dtype}: ${def.backward.kink}`, () => {
          const xs = Ctor.from(kinks.map((k) => k[0]));
          const dx = api[name].backward(new Ctor(xs.length).fill(1), xs, set);
          // Exact ops give the value itself; smooth ones (a jump or a one-sided formula) within their bound.
          const [uc, ec] = def.backward.exact ? [0, 0] : boundOf(def, dtype);
          kinks.forEach(([x, d], i) => {
            const S = R.scaleOf(def.backward, false, x, a, b, [d, 0]);
            const err = (v: number): number => (uc === 0 ? ulpError(v, d, dtype) : backwardError(v, d, dtype, 1, S, uc, ec));
            expect(err(dx[i]), `${name}'(${x}) = ${dx[i]}, documented ${d}`).toBeLessThanOrEqual(uc === 0 ? 0 : 1);
            const [rh, rl] = R.derivatives[name](x, p);
            expect(err(round(rh + rl)), `reference ${name}'(${x})`).toBeLessThanOrEqual(uc === 0 ? 0 : 1);
          });
        });
      }
    }
  }
});

describe('unary backward semantics', () => {
  const name = unaryNames[0];
  it('declares every backward in the registry: kernels, bounds, and a y kernel exactly where backwardUsesY', () => {
    for (const n of unaryNames) {
      const def: UnaryOpDef = unaryOps[n];
      const bw = def.backward;
      expect(bw.js, n).toBeTypeOf('function');
      expect(bw.jsFromY !== undefined, n).toBe(def.backwardUsesY);
      expect(bw.derivative.length, n).toBeGreaterThan(0);
      expect(bw.kink.length, n).toBeGreaterThan(0);
      if (bw.exact) expect([bw.ulp, bw.ulp64, bw.eps], n).toEqual([0.5, 0.5, 0]);
      else expect([bw.ulp, bw.ulp64, bw.eps], n).toEqual([4, 4, 4]);
      expect(bw.terms.length, n).toBeGreaterThan(0);
      expect(bw.scaleY === undefined || def.backwardUsesY, n).toBe(true);
    }
  });

  it('NaN in x or dy gives NaN for every op', () => {
    for (const n of unaryNames) {
      for (const { Ctor } of DTYPES) {
        const x = Ctor.from([NaN, 0.5, NaN, -2]);
        const dy = Ctor.from([1, NaN, 0, NaN]);
        const dx = api[n].backward(dy, x, requiredOptions(unaryOps[n]));
        for (let i = 0; i < 4; i++) expect(dx[i], `${n}[${i}]`).toBeNaN();
      }
    }
  });

  it('an infinite dy gives the IEEE product ±Inf·f\'(x): ±Inf where f\' is nonzero, NaN where it is 0', () => {
    // x where f' is far from float32's underflow, so its sign (or zero) is not in doubt; every
    // lane position of a vector (the kernels' remainder terms must not turn Inf into NaN).
    const xs = [0, -0, 1e-30, -1e-30, 0.5, -0.5, 1, -1, 2.5, -2.5, 3, -3, 5, -5, Infinity, -Infinity, NaN];
    for (const n of unaryNames) {
      const def: UnaryOpDef = unaryOps[n];
      for (const { dtype, Ctor } of DTYPES) {
        for (const set of movedParamSets(def)) {
          const p = typedParams(set, dtype);
          const x = Ctor.from(xs.flatMap((v) => [v, v]));
          const dy = Ctor.from(xs.flatMap(() => [Infinity, -Infinity]));
          const dx = api[n].backward(dy, x, set);
          for (let i = 0; i < x.length; i++) {
            const [dh] = R.derivatives[n](x[i], p);
            const want = dy[i] * dh;
            const got = dx[i];
            expect(Number.isNaN(want) ? Number.isNaN(got) : got === want, `${n}${JSON.stringify(set)} ${dtype}: x = ${x[i]}, dy = ${dy[i]}: got ${got}, want ${want}`).toBe(true);
          }
        }
      }
    }
  });

  it('writes into out, in place into dy or x, and gives the same bits as a fresh array at every length', () => {
    for (const n of unaryNames) {
      for (const { Ctor } of DTYPES) {
        for (const len of [0, 1, 3, 8, 17, 33, 100]) {
          const r = rng(len + 1);
          const x = Ctor.from({ length: len }, () => -6 + 12 * r());
          const dy = Ctor.from({ length: len }, () => -2 + 4 * r());
          const req = requiredOptions(unaryOps[n]);
          const want = api[n].backward(dy, x, req);
          const out = new Ctor(len);
          expect(api[n].backward(dy, x, { ...req, out })).toBe(out);
          expect(Array.from(out)).toEqual(Array.from(want));
          const dy2 = dy.slice();
          expect(api[n].backward(dy2, x, { ...req, out: dy2 })).toBe(dy2);
          expect(Array.from(dy2)).toEqual(Array.from(want));
          const x2 = x.slice();
          expect(api[n].backward(dy, x2, { ...req, out: x2 })).toBe(x2);
          expect(Array.from(x2)).toEqual(Array.from(want));
        }
      }
    }
  });

  it('.async gives the same result, and an aborted signal rejects without writing', async () => {
    for (const n of unaryNames) {
      const x = Float32Array.from([-3, -0.5, 0, 0.25, 2, 7]);
      const dy = Float32Array.from([1, -2, 3, 0.5, -1, 2]);
      const sync = api[n].backward(dy, x, requiredOptions(unaryOps[n]));
      const got = await api[n].backward.async(dy, x, requiredOptions(unaryOps[n]));
      expect(Array.from(got)).toEqual(Array.from(sync));
    }
    const out = new Float64Array(2).fill(7);
    const ac = new AbortController();
    ac.abort();
    await expect(api[name].backward.async(new Float64Array(2), new Float64Array(2), { out, signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Array.from(out)).toEqual([7, 7]);
  });

  it('validates dy, x, y, out and the parameters before writing anything', () => {
    const dy = new Float32Array(4), x = new Float32Array(4);
    const out = new Float32Array(4).fill(5);
    const bad: [() => unknown, ErrorConstructor, RegExp][] = [
      [() => api[name].backward([1, 2] as unknown as Float32Array, x, { out }), TypeError, /relu\.backward: Expected a Float32Array, Float64Array, Float16Array or Uint16Array \(with options\.dtype\) for dy/],
      [() => api[name].backward(dy, new Float64Array(4), { out }), TypeError, /for x but received a Float64Array/],
      [() => api[name].backward(dy, new Float32Array(3), { out }), RangeError, /Expected length 4 \(the length of dy\) for x/],
      [() => api[name].backward(dy, x, { out: new Float32Array(5) }), RangeError, /options\.out/],
      [() => api[name].backward(dy, x, { out, bogus: 1 }), TypeError, /Unknown option "bogus"/],
      [() => api.relu.backward(dy, x, { out, y: x }), TypeError, /Unknown option "y"/],
      [() => api.sigmoid.backward(dy, x, { out, y: new Float32Array(2) }), RangeError, /options\.y/],
      [() => api.leakyRelu.backward(dy, x, { out, alpha: NaN }), RangeError, /options\.alpha/],
      [() => api.sigmoid.backward(dy, null as unknown as Float32Array, { out }), TypeError, /for x \(or null, with the forward output sigmoid\(x\) as options.y\) but received null/],
      [() => api.relu.backward(dy, null as unknown as Float32Array, { out }), TypeError, /for x but received null/],
    ];
    const buf = new Float32Array(8);
    bad.push([() => api[name].backward(buf.subarray(0, 4), x, { out: buf.subarray(2, 6) }), RangeError, /overlaps it partially/]);
    bad.push([() => api.sigmoid.backward(dy, x, { out: buf.subarray(2, 6), y: buf.subarray(0, 4) }), RangeError, /options\.y/]);
    for (const [f, E, msg] of bad) {
      expect(f).toThrow(E);
      expect(f).toThrow(msg);
    }
    expect(Array.from(out)).toEqual([5, 5, 5, 5]);
  });
});

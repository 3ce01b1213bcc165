/**
 * Numerics of every unary op, table-driven over the registry, through the
 * DEFAULT API instance: each vitest project (numerics-js, numerics-native-*)
 * sets the backend by environment variable, so this one file tests them all.
 *
 * Accuracy: every op × dtype × parameter set (defaults, bounds, random,
 * 0/negative where allowed, each enum value) × inputs (specials, the op's own
 * saturation points, a dense grid over [-20, 20], random bit patterns, random
 * values) against test/reference.cjs, held to the registry's bound.
 * Layout: lengths around every vector width, in place, subarray views, SAB,
 * canaries around the output, the input left alone, the returned array.
 */
import { describe, expect, it } from 'vitest';
import ak from '../../lib/index';
import { unaryOps, unaryNames, type UnaryName } from '../../lib/registry/ops';
import type { FloatArray } from '../../lib/types';
import {
  DTYPES, SEED, boundOf, describeWorst, grid, paramSets, randomBits, randomValues, referenceOf, rng,
  saturationPoints, specials, typedParams, viewOn, worstError, type Ctor, type Dtype, type Params,
} from './helpers';
import { ulpError as ulpErr } from '../ulp.cjs';
import { JS_TWIN_DEVIATIONS, type Deviation } from './known-deviations';

type Call = (x: FloatArray, options?: Record<string, unknown>) => FloatArray;
const api = ak as unknown as Record<string, Call>;

/** Known deviations of the backend under test (only the JS twin has any), by op and dtype. */
const deviations: readonly Deviation[] = ak.info().backend === 'js' ? JS_TWIN_DEVIATIONS : [];
function keepFor(name: string, dtype: Dtype, p: Params): (x: number) => boolean {
  const ds = deviations.filter((d) => d.op === name && d.dtype === dtype);
  return ds.length === 0 ? () => true : (x) => !ds.some((d) => d.applies(x, p));
}

const LENGTHS = [0, 1, 2, 3, 7, 8, 9, 15, 16, 17, 31, 33, 1000, 100003];

/** Input values shared by every op (per dtype), so the random draws are made once. */
const common = new Map<Dtype, number[]>();
for (const { dtype } of DTYPES) {
  const r = rng(SEED ^ (dtype === 'float32' ? 0x32 : 0x64));
  common.set(dtype, [
    ...specials(dtype),
    ...grid(dtype, 10000),
    ...randomBits(dtype, 5000, r),
    ...randomValues(dtype, 5000, r),
  ]);
}

function bytesOf(a: FloatArray): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

/** Byte equality without the deep-equal machinery (arrays of 800 KB are compared often). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe.each(unaryNames.map((name, id) => ({ name, id })))('$name', ({ name, id }) => {
  const def = unaryOps[name];
  const f = api[name];

  describe.each(DTYPES)('$dtype', ({ dtype, Ctor }) => {
    const bound = boundOf(def, dtype);

    it(`meets its bound (${def.exact ? 'exact' : `${dtype === 'float32' ? def.ulp : def.ulp64} ULP`}) for every parameter set`, () => {
      const failures: string[] = [];
      for (const set of paramSets(def, SEED + id)) {
        const p = typedParams(set, dtype);
        const keep = keepFor(name, dtype, p);
        const values = [...common.get(dtype)!, ...saturationPoints(name, p, dtype)].filter(keep);
        const x = Ctor.from(values);
        const x0 = bytesOf(x);
        const y = f(x, set);
        expect(y).toBeInstanceOf(Ctor);
        expect(y.length).toBe(x.length);
        expect(sameBytes(bytesOf(x), x0), 'x must not change').toBe(true);
        const { hi, lo } = referenceOf(name, x, p);
        const w = worstError(y, x, hi, lo, dtype, bound);
        if (!(w.err <= bound)) failures.push(describeWorst(`${name} ${dtype} ${JSON.stringify(set)}`, w, dtype, bound));
      }
      expect(failures).toEqual([]);
    });

    it('handles every length, in place, subarray views, SAB, and writes only its output', () => {
      layoutChecks(name, f, Ctor, dtype, bound);
    });
  });
});

/**
 * Fills arrays of each length from a pool of inputs (special, saturation,
 * grid and random values) at a shifting stride, so that every position of a
 * vector body and tail sees many kinds of value, and checks each element
 * against the pool's reference.
 */
function layoutChecks(name: UnaryName, f: Call, Ctor: Ctor, dtype: Dtype, bound: number): void {
  const def = unaryOps[name];
  const set: Params = {};
  for (const p of def.params) set[p.name] = p.default;
  const p = typedParams(set, dtype);
  const r = rng(SEED ^ 0x1a70);
  const keep = keepFor(name, dtype, p);
  const poolValues = [...specials(dtype), ...saturationPoints(name, p, dtype), ...grid(dtype, 400), ...randomBits(dtype, 200, r), ...randomValues(dtype, 200, r)]
    .filter(keep);
  const pool = Ctor.from(poolValues);
  const P = pool.length;
  const { hi, lo } = referenceOf(name, pool, p);
  const BPE = Ctor.BYTES_PER_ELEMENT;
  const failures: string[] = [];

  /** Pool index of element i of an array filled with shift s. */
  const idx = (i: number, s: number) => (i * 7 + s) % P;
  function fill(a: FloatArray, s: number): void {
    for (let i = 0; i < a.length; i++) a[i] = pool[idx(i, s)];
  }
  function check(what: string, y: FloatArray, s: number): void {
    let worst = -1, at = -1;
    for (let i = 0; i < y.length; i++) {
      const k = idx(i, s);
      const e = ulpOf(y[i], k);
      if (e > worst || (Number.isNaN(e) && at < 0)) {
        worst = e;
        at = i;
      }
    }
    if (!(worst <= bound) && y.length > 0) {
      const k = idx(at, s);
      failures.push(`${name} ${dtype} ${what}: error ${worst} ULP > ${bound} at index ${at} of ${y.length}: x = ${pool[k]}, got ${y[at]}, reference ${hi[k]}`);
    }
  }
  function ulpOf(v: number, k: number): number {
    return ulpErr(v, hi[k], dtype, lo[k]);
  }

  for (const n of LENGTHS) {
    const s = n % P;
    // New output array.
    const x = new Ctor(n);
    fill(x, s);
    const x0 = bytesOf(x);
    const y = f(x, set);
    expect(y).toBeInstanceOf(Ctor);
    expect(y).not.toBe(x);
    expect(y.length).toBe(n);
    check(`length ${n}, new output`, y, s);
    expect(sameBytes(bytesOf(x), x0), `x changed (length ${n}, new output)`).toBe(true);

    // Into a distinct out: returns it, x untouched.
    const out = new Ctor(n).fill(-12345.5);
    expect(f(x, { ...set, out })).toBe(out);
    check(`length ${n}, options.out`, out, s);
    expect(sameBytes(bytesOf(x), x0), `x changed (length ${n}, options.out)`).toBe(true);

    // In place.
    const xi = new Ctor(n);
    fill(xi, s);
    expect(f(xi, { ...set, out: xi })).toBe(xi);
    check(`length ${n}, in place`, xi, s);

    if (n > 1000) continue; // the views below cover the same code at each offset; the big length is done once above
    for (const off of [1, 2, 3]) {
      for (const shared of [false, true]) {
        const Buf = shared ? SharedArrayBuffer : ArrayBuffer;
        const tag = `length ${n}, offset ${off}${shared ? ', SharedArrayBuffer' : ''}`;
        // Input and output on views at element offsets off and off+1 of their buffers, canaries around the output.
        const xb = new Buf((n + 8) * BPE);
        const xv = viewOn(Ctor, xb, off * BPE, n);
        fill(xv, s + off);
        const xAll = new Uint8Array(xb).slice();
        const ob = new Buf((n + 8) * BPE);
        new Uint8Array(ob).fill(0xa5);
        const ov = viewOn(Ctor, ob, (off + 1) * BPE, n);
        expect(f(xv, { ...set, out: ov })).toBe(ov);
        check(tag, ov, s + off);
        expect(sameBytes(new Uint8Array(xb), xAll), `${tag}: x's buffer changed`).toBe(true);
        const ob8 = new Uint8Array(ob);
        const before = ob8.subarray(0, (off + 1) * BPE), after = ob8.subarray((off + 1 + n) * BPE);
        expect(before.every((b) => b === 0xa5) && after.every((b) => b === 0xa5), `${tag}: wrote outside out`).toBe(true);
        // In place on a view, its neighbours untouched.
        const ib = new Buf((n + 8) * BPE);
        new Uint8Array(ib).fill(0x5a);
        const iv = viewOn(Ctor, ib, off * BPE, n);
        fill(iv, s + off);
        expect(f(iv, { ...set, out: iv })).toBe(iv);
        check(`${tag}, in place`, iv, s + off);
        const ib8 = new Uint8Array(ib);
        const ok = ib8.subarray(0, off * BPE).every((b) => b === 0x5a) && ib8.subarray((off + n) * BPE).every((b) => b === 0x5a);
        expect(ok, `${tag}, in place: wrote outside x`).toBe(true);
        // A subarray() of a larger array (the common way to get a view).
        const big = viewOn(Ctor, new Buf((n + 8) * BPE), 0, n + 8);
        const sv = big.subarray(off, off + n);
        fill(sv, s);
        const y2 = f(sv, set);
        check(`${tag}, subarray() input`, y2, s);
      }
    }
  }
  expect(failures).toEqual([]);
}

// From 16 MiB of output the native driver streams its stores (non-temporal): the same bits
// as calls small enough not to, on views at odd offsets, in place too.
describe('large calls (streamed output)', () => {
  it.each(['relu', 'sigmoid', 'gelu', 'leakyRelu'])('%s: a 17 MiB call equals the same elements in small calls', (name) => {
    for (const Ctor of [Float32Array, Float64Array]) {
      const n = Math.ceil((17 << 20) / Ctor.BYTES_PER_ELEMENT);
      const buf = new Ctor(n + 3);
      for (let i = 0; i < buf.length; i++) buf[i] = Math.sin(i * 0.618) * 12;
      const x = buf.subarray(1, 1 + n);
      const outBuf = new Ctor(n + 5);
      const y = outBuf.subarray(3, 3 + n);
      api[name](x, { out: y });
      const chunk = 1 << 16;
      for (let o = 0; o < n; o += chunk) {
        const small = api[name](x.subarray(o, Math.min(n, o + chunk)));
        for (let i = 0; i < small.length; i++) {
          if (!Object.is(small[i], y[o + i])) expect.fail(`${name} ${Ctor.name} element ${o + i}: ${y[o + i]} vs ${small[i]}`);
        }
      }
      expect(outBuf[0]).toBe(0);
      expect(outBuf[outBuf.length - 1]).toBe(0);
      const copy = Ctor.from(x);
      api[name](copy, { out: copy });  // in place
      for (let i = 0; i < n; i += 7919) expect(Object.is(copy[i], y[i]), `in place at ${i}`).toBe(true);
    }
  });
});

describe('known deviations of the JS twin', () => {
  it('name only registry ops and the two dtypes', () => {
    for (const d of JS_TWIN_DEVIATIONS) {
      expect(unaryNames as readonly string[]).toContain(d.op);
      expect(['float32', 'float64']).toContain(d.dtype);
      expect(d.seen.length).toBeGreaterThan(10);
    }
  });
});

describe('softplus threshold', () => {
  // float32 with β = 1 decides βx > threshold in float lanes (native/kernels/unary.h).
  // Parameters reach a float32 call rounded to float32 (as the twin computes), and the
  // branch must then be exactly x > that threshold; small thresholds make a wrong branch
  // visible (softplus(0.3) = 0.854, not 0.3).
  it('takes the x branch exactly where x > threshold (in the array type), float32 and float64', () => {
    for (const threshold of [0.3, -0.7, 1.1, 20, 20.1, 1e-8]) {
      for (const { dtype, Ctor, round } of DTYPES) {
        const t = round(threshold);  // the effective threshold
        const xs: number[] = [threshold, t];
        // float neighbours on both sides of the threshold
        const f = new Float32Array([t]);
        const u = new Uint32Array(f.buffer);
        for (let k = -3; k <= 3; k++) {
          const g = new Uint32Array([u[0] + k]);
          xs.push(new Float32Array(g.buffer)[0]);
        }
        const x = Ctor.from(xs);
        const params = { beta: 1, threshold: t };
        const y = ak.softplus(x, params);
        const { hi, lo } = referenceOf('softplus', x, params);
        const bound = boundOf(unaryOps.softplus, dtype);
        for (let i = 0; i < x.length; i++) {
          if (x[i] > t) expect(y[i], `x = ${x[i]} > ${t}`).toBe(x[i]);
          else expect(ulpErr(y[i], hi[i], dtype, lo[i]), `x = ${x[i]} <= ${t}`).toBeLessThanOrEqual(bound);
        }
      }
    }
  });
});

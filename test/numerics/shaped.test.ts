/**
 * Shaped ops (softmax, logSoftmax, softmin, hardmax, prelu, maxout), forward
 * and backward, on the backend this project runs: softmax/logSoftmax/softmin
 * against a double-double reference within the registry's ULP bound along
 * every axis; hardmax, prelu and maxout exact; prelu's dalpha against a
 * float64 sum on 16M elements.
 */
import { describe, expect, it } from 'vitest';
import * as ak from '../../lib/index';
import { shapedOps, shapedNames } from '../../lib/registry/ops';
import { ulpError } from '../ulp.cjs';
import { rng } from './helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { dd } = require('../reference-backward.cjs') as {
  dd: {
    add(a: number[], b: number[]): number[]; sub(a: number[], b: number[]): number[]; mul(a: number[], b: number[]): number[];
    div(a: number[], b: number[]): number[]; exp(a: number[]): number[]; log1p(a: number[]): number[]; twoSum(a: number, b: number): number[];
  };
};

type Arr = Float32Array | Float64Array;
const DTYPES = [
  { dtype: 'float32' as const, Ctor: Float32Array, eps: 2 ** -23, round: Math.fround },
  { dtype: 'float64' as const, Ctor: Float64Array, eps: 2 ** -52, round: (v: number) => v },
];

function splitOf(shape: number[], axis: number): { outer: number; len: number; inner: number } {
  const a = axis < 0 ? axis + shape.length : axis;
  let outer = 1, inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i];
  for (let i = a + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, len: shape[a], inner };
}

/** Double-double softmax and log-softmax of x along the split: [probability, log probability] per element. */
function softmaxRef(x: ArrayLike<number>, shape: number[], axis: number): { p: number[][]; lp: number[][] } {
  const { outer, len, inner } = splitOf(shape, axis);
  const p: number[][] = new Array(x.length), lp: number[][] = new Array(x.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const at = (k: number) => (o * len + k) * inner + i;
      let m = -Infinity;
      for (let k = 0; k < len; k++) m = Math.max(m, x[at(k)]);
      let s = [0, 0];
      const e: number[][] = [];
      for (let k = 0; k < len; k++) {
        e.push(dd.exp(dd.twoSum(x[at(k)], -m)));
        s = dd.add(s, e[k]);
      }
      const logS = dd.log1p(dd.sub(s, [1, 0]));
      for (let k = 0; k < len; k++) {
        p[at(k)] = dd.div(e[k], s);
        lp[at(k)] = dd.sub(dd.twoSum(x[at(k)], -m), logS);
      }
    }
  }
  return { p, lp };
}

const api = ak as unknown as {
  softmax: ak.Softmax; logSoftmax: ak.Softmax; softmin: ak.Softmax; hardmax: ak.Hardmax; prelu: ak.Prelu; maxout: ak.Maxout;
};

describe('shaped registry', () => {
  it('exposes every shapedOps entry with async and backward from both entry points', async () => {
    const akjs = await import('../../lib/js');
    for (const mod of [ak, akjs] as unknown as Record<string, { opName: string; async: unknown; backward: { async: unknown } }>[]) {
      for (const name of shapedNames) {
        expect(mod[name]?.opName, name).toBe(name);
        expect(typeof mod[name].async).toBe('function');
        expect(typeof mod[name].backward.async).toBe('function');
      }
    }
    for (const name of shapedNames) {
      const d = shapedOps[name];
      if (d.exact) expect([d.ulp, d.ulp64]).toEqual([0.5, 0.5]);
      else expect(Math.max(d.ulp, d.ulp64)).toBeLessThanOrEqual(4);
    }
  });
});

describe('softmax and logSoftmax', () => {
  const cases: [number[], number][] = [];
  for (const shape of [[3, 4, 5], [2, 3, 4, 5]]) for (let a = -shape.length; a < shape.length; a++) cases.push([shape, a]);
  for (const len of [1, 3, 17, 1000]) cases.push([[5, len], -1], [[len, 3], 0]);

  for (const { dtype, Ctor } of DTYPES) {
    it(`${dtype}: within the registry bound of the double-double reference, along every axis and row length`, () => {
      const r = rng(0x50f7);
      let worst = 0;
      for (const [shape, axis] of cases) {
        const n = shape.reduce((a, b) => a * b, 1);
        // Moderate spreads, and (float64) spreads wide enough that e^(x − max) underflows in the row.
        const spread = dtype === 'float64' && n % 2 === 0 ? 700 : 30;
        const x = Ctor.from({ length: n }, () => (r() - 0.5) * spread);
        const { p, lp } = softmaxRef(x, shape, axis);
        for (const name of ['softmax', 'logSoftmax'] as const) {
          const y = api[name](x, { shape, axis });
          const ref = name === 'softmax' ? p : lp;
          const bound = dtype === 'float32' ? shapedOps[name].ulp : shapedOps[name].ulp64;
          for (let i = 0; i < n; i++) {
            const e = ulpError(y[i], ref[i][0], dtype, ref[i][1]);
            worst = Math.max(worst, e);
            if (!(e <= bound)) expect.fail(`${name} ${dtype} shape [${shape}] axis ${axis}, element ${i} (x = ${x[i]}): got ${y[i]}, reference ${ref[i][0]} (${e} ULP)`);
          }
          // Every row sums to 1 (softmax) within its rounding.
          if (name === 'softmax') {
            const { outer, len, inner } = splitOf(shape, axis);
            for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
              let s = 0;
              for (let k = 0; k < len; k++) s += y[(o * len + k) * inner + i];
              expect(Math.abs(s - 1)).toBeLessThan(len * 4 * (dtype === 'float32' ? 2 ** -23 : 2 ** -52) + 1e-15);
            }
          }
        }
      }
      console.log(`softmax/logSoftmax ${dtype}: max ${worst.toFixed(3)} ULP`);
    });

    // From 16 MiB of output the native softmax streams its stores (non-temporal, past the
    // caches): the same bits as calls small enough not to, on a view at an odd offset.
    it(`${dtype}: a large softmax (streamed output) equals the same rows computed in small calls`, () => {
      const len = 1000, rows = Math.ceil((17 << 20) / (len * Ctor.BYTES_PER_ELEMENT));
      const r = rng(0x5eed);
      const buf = new Ctor(rows * len + 3);
      for (let i = 0; i < buf.length; i++) buf[i] = (r() - 0.5) * 20;
      const x = buf.subarray(1, 1 + rows * len);
      const outBuf = new Ctor(rows * len + 5);
      const y = outBuf.subarray(3, 3 + rows * len);
      api.softmax(x, { shape: [rows, len], axis: 1, out: y });
      const chunk = 64;  // 64 rows: 256 KiB of float32, far below the threshold
      for (let o = 0; o < rows; o += chunk) {
        const k = Math.min(chunk, rows - o);
        const small = api.softmax(x.subarray(o * len, (o + k) * len), { shape: [k, len], axis: 1 });
        for (let i = 0; i < small.length; i++) {
          if (!Object.is(small[i], y[o * len + i])) expect.fail(`row ${o + Math.floor(i / len)}, element ${i % len}: ${y[o * len + i]} vs ${small[i]}`);
        }
      }
      expect(outBuf[0]).toBe(0);
      expect(outBuf[outBuf.length - 1]).toBe(0);
    });

    // Rows centred far from 0 and a few vectors long: the row sum's lanes must be added with
    // compensation (a plain sum of avx512's 8 float64 lanes put softmax 3.97 ULP off here).
    it(`${dtype}: rows centred far from 0 with wide spreads stay well inside the bound`, () => {
      const r = rng(0xc3d7);
      let worst = 0;
      for (let t = 0; t < 300; t++) {
        const len = 1 + Math.floor(r() * 40);
        const spread = [30, 700, 2000, 5][t % 4] * (dtype === 'float32' ? 0.05 : 1);
        const centre = (r() - 0.5) * (dtype === 'float32' ? 60 : 1000);
        const x = Ctor.from({ length: len }, () => centre + (r() - 0.5) * spread);
        const { p } = softmaxRef(x, [1, len], 1);
        const y = api.softmax(x, { shape: [1, len], axis: 1 });
        for (let i = 0; i < len; i++) worst = Math.max(worst, ulpError(y[i], p[i][0], dtype, p[i][1]));
      }
      expect(worst).toBeLessThanOrEqual(2.5);
    });

    // logSoftmax where one entry dominates: y at the maximum is −log1p(t) with t far below
    // 1, so t must keep its relative precision (float32 rows with |max| <= 40 compute it as a
    // ratio of scaled terms, the others from e^(x − max)); repeated maxima count exactly.
    it(`${dtype}: logSoftmax of rows dominated by their maximum, with repeated maxima`, () => {
      const r = rng(0xd0a1);
      let worst = 0;
      for (let t = 0; t < 400; t++) {
        const len = t % 7 === 0 ? 1000 : 1 + Math.floor(r() * 40);
        const centre = t % 5 === 0 ? [40, -40, 40.5, -40.5][t % 4] : (r() - 0.5) * (t % 2 ? 80 : 400);
        const ties = t % 3 === 0 ? 1 + Math.floor(r() * 3) : 1;
        const x = Ctor.from({ length: len }, (_, i) => (i % 11 < ties ? centre : centre - 5 - r() * 80));
        const { lp } = softmaxRef(x, [1, len], 1);
        const y = api.logSoftmax(x, { shape: [1, len], axis: 1 });
        for (let i = 0; i < len; i++) {
          const e = ulpError(y[i], lp[i][0], dtype, lp[i][1]);
          if (!(e <= 2.5)) expect.fail(`row ${t} (len ${len}), element ${i} (x = ${x[i]}): got ${y[i]}, reference ${lp[i][0]} (${e} ULP)`);
          worst = Math.max(worst, e);
        }
      }
      console.log(`logSoftmax dominated rows ${dtype}: max ${worst.toFixed(3)} ULP`);
    });

    it(`${dtype}: NaN, ±Inf and length-1 rows as PyTorch`, () => {
      const rows = [[NaN, 1, 2], [Infinity, 1, 2], [-Infinity, -Infinity, -Infinity], [-Infinity, 0, 0], [5, 5, 5]];
      const x = Ctor.from(rows.flat());
      const sm = api.softmax(x, { shape: [5, 3] }), lsm = api.logSoftmax(x, { shape: [5, 3] });
      for (let k = 0; k < 9; k++) {
        expect(sm[k]).toBeNaN();
        expect(lsm[k]).toBeNaN();
      }
      expect(Array.from(sm.subarray(9, 12))).toEqual([0, 0.5, 0.5]);
      expect(Array.from(lsm.subarray(9, 12))).toEqual([-Infinity, -Math.LN2, -Math.LN2].map((v) => (dtype === 'float32' ? Math.fround(v) : v)));
      const third = dtype === 'float32' ? Math.fround(1 / 3) : 1 / 3;
      expect(Array.from(sm.subarray(12))).toEqual([third, third, third]);
      const one = api.softmax(Ctor.from([3, -1e30, NaN, 0]), { shape: [4, 1] });
      expect(Array.from(one)).toEqual([1, 1, NaN, 1]);
      expect(Array.from(api.logSoftmax(Ctor.from([3, -7]), { shape: [2, 1] }))).toEqual([0, 0]);
    });

    it(`${dtype}: backward from y and from x against the reference, in place allowed`, () => {
      const r = rng(0xbacc);
      for (const [shape, axis] of cases.slice(0, 14)) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = Ctor.from({ length: n }, () => (r() - 0.5) * 20);
        const dy = Ctor.from({ length: n }, () => (r() - 0.5) * 4);
        const { p } = softmaxRef(x, shape, axis);
        const { outer, len, inner } = splitOf(shape, axis);
        const eps = dtype === 'float32' ? 2 ** -23 : 2 ** -52;
        for (const name of ['softmax', 'logSoftmax'] as const) {
          const y = api[name](x, { shape, axis });
          const fromY = api[name].backward(dy, null, { y, shape, axis });
          const fromX = api[name].backward(dy, x, { shape, axis });
          for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
            const at = (k: number) => (o * len + k) * inner + i;
            let s = [0, 0];
            for (let k = 0; k < len; k++) s = dd.add(s, name === 'softmax' ? dd.mul([dy[at(k)], 0], p[at(k)]) : [dy[at(k)], 0]);
            for (let k = 0; k < len; k++) {
              const j = at(k);
              const ref = name === 'softmax' ? dd.mul(p[j], dd.sub([dy[j], 0], s)) : dd.sub([dy[j], 0], dd.mul(p[j], s));
              // The subtraction dy − Σ is the problem's own conditioning: the bound scales with its terms.
              const scale = name === 'softmax' ? p[j][0] * (Math.abs(dy[j]) + Math.abs(s[0])) : Math.abs(dy[j]) + p[j][0] * Math.abs(s[0]);
              const tol = 4 * eps * scale + 8 * eps * Math.abs(ref[0]);
              for (const [what, got] of [['from x', fromX[j]], ['from y', fromY[j]]] as const) {
                // From y, y's own rounding (≤ 4 ULP) enters once more.
                const t = what === 'from y' ? tol + 8 * eps * scale : tol;
                if (!(Math.abs(got - (ref[0] + ref[1])) <= t)) expect.fail(`${name}.backward ${what} ${dtype} [${shape}] axis ${axis} at ${j}: got ${got}, reference ${ref[0]}`);
              }
            }
          }
          const inPlace = dy.slice();
          api[name].backward(inPlace, x, { shape, axis, out: inPlace });
          expect(Array.from(inPlace)).toEqual(Array.from(fromX));
        }
      }
    });
  }
});

describe('softmin and hardmax', () => {
  const cases: [number[], number][] = [];
  for (const shape of [[3, 4, 5], [2, 3, 4, 5]]) for (let a = -shape.length; a < shape.length; a++) cases.push([shape, a]);
  for (const len of [1, 3, 17, 1000]) cases.push([[5, len], -1], [[len, 3], 0]);
  const same = (got: ArrayLike<number>, want: ArrayLike<number>, what: string): void => {
    for (let i = 0; i < want.length; i++) if (!Object.is(got[i], want[i])) expect.fail(`${what} [${i}]: got ${got[i]}, want ${want[i]}`);
  };

  for (const { dtype, Ctor } of DTYPES) {
    const eps = dtype === 'float32' ? 2 ** -23 : 2 ** -52;
    it(`${dtype}: softmin is softmax(−x) bit for bit, within its bound of the double-double reference, along every axis`, () => {
      const r = rng(0x5071);
      let worst = 0;
      for (const [shape, axis] of cases) {
        const n = shape.reduce((a, b) => a * b, 1);
        const spread = dtype === 'float64' && n % 2 === 0 ? 700 : 30;
        const x = Ctor.from({ length: n }, () => (r() - 0.5) * spread);
        const neg = x.map((v) => -v);
        const y = api.softmin(x, { shape, axis });
        same(y, api.softmax(neg, { shape, axis }), `softmin ${dtype} [${shape}] axis ${axis}`);
        const { p } = softmaxRef(neg, shape, axis);
        const bound = dtype === 'float32' ? shapedOps.softmin.ulp : shapedOps.softmin.ulp64;
        for (let i = 0; i < n; i++) {
          const e = ulpError(y[i], p[i][0], dtype, p[i][1]);
          worst = Math.max(worst, e);
          if (!(e <= bound)) expect.fail(`softmin ${dtype} [${shape}] axis ${axis}, element ${i} (x = ${x[i]}): got ${y[i]}, reference ${p[i][0]} (${e} ULP)`);
        }
      }
      console.log(`softmin ${dtype}: max ${worst.toFixed(3)} ULP`);
    });

    it(`${dtype}: softmin's NaN and ±Inf rows (softmax's rule at −x), out and in place`, () => {
      const rows = [[NaN, 1, 2], [-Infinity, 1, 2], [Infinity, Infinity, Infinity], [Infinity, 0, 0], [5, 5, 5]];
      const x = Ctor.from(rows.flat());
      const y = api.softmin(x, { shape: [5, 3] });
      for (let k = 0; k < 9; k++) expect(y[k]).toBeNaN();
      expect(Array.from(y.subarray(9, 12))).toEqual([0, 0.5, 0.5]);
      const third = dtype === 'float32' ? Math.fround(1 / 3) : 1 / 3;
      expect(Array.from(y.subarray(12))).toEqual([third, third, third]);
      const out = new Ctor(15);
      expect(api.softmin(x, { shape: [5, 3], out })).toBe(out);
      same(out, y, 'out');
      const xi = x.slice();
      api.softmin(xi, { shape: [5, 3], out: xi });
      same(xi, y, 'in place');
    });

    it(`${dtype}: softmin backward from y and from x against the reference (−y ⊙ (dy − Σ dy⊙y)), in place allowed`, () => {
      const r = rng(0xbacd);
      for (const [shape, axis] of cases.slice(0, 14)) {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = Ctor.from({ length: n }, () => (r() - 0.5) * 20);
        const dy = Ctor.from({ length: n }, () => (r() - 0.5) * 4);
        const { p } = softmaxRef(x.map((v) => -v), shape, axis);
        const { outer, len, inner } = splitOf(shape, axis);
        const y = api.softmin(x, { shape, axis });
        const fromY = api.softmin.backward(dy, null, { y, shape, axis });
        const fromX = api.softmin.backward(dy, x, { shape, axis });
        // From x it is softmax's gradient at −x, negated, bit for bit.
        same(fromX, api.softmax.backward(dy, x.map((v) => -v), { shape, axis }).map((v) => -v), `softmin' ${dtype} [${shape}] axis ${axis}`);
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
          const at = (k: number) => (o * len + k) * inner + i;
          let s = [0, 0];
          for (let k = 0; k < len; k++) s = dd.add(s, dd.mul([dy[at(k)], 0], p[at(k)]));
          for (let k = 0; k < len; k++) {
            const j = at(k);
            const ref = dd.mul(p[j], dd.sub(s, [dy[j], 0]));
            const scale = p[j][0] * (Math.abs(dy[j]) + Math.abs(s[0]));
            const tol = 4 * eps * scale + 8 * eps * Math.abs(ref[0]);
            for (const [what, got] of [['from x', fromX[j]], ['from y', fromY[j]]] as const) {
              const t = what === 'from y' ? tol + 8 * eps * scale : tol;
              if (!(Math.abs(got - (ref[0] + ref[1])) <= t)) expect.fail(`softmin.backward ${what} ${dtype} [${shape}] axis ${axis} at ${j}: got ${got}, reference ${ref[0]}`);
            }
          }
        }
        const inPlace = dy.slice();
        api.softmin.backward(inPlace, x, { shape, axis, out: inPlace });
        same(inPlace, fromX, 'in place over dy');
        const overX = x.slice();
        api.softmin.backward(dy, overX, { shape, axis, out: overX });
        same(overX, fromX, 'in place over x');
        const overY = y.slice();
        api.softmin.backward(dy, null, { y: overY, shape, axis, out: overY });
        same(overY, fromY, 'in place over y');
      }
    });

    it(`${dtype}: hardmax is the one-hot of the first maximum along every axis, in place allowed`, () => {
      const r = rng(0x4a7d);
      for (const [shape, axis] of cases) {
        const n = shape.reduce((a, b) => a * b, 1);
        // Few distinct values, so rows hold ties.
        const x = Ctor.from({ length: n }, () => Math.floor((r() - 0.5) * 6));
        const { outer, len, inner } = splitOf(shape, axis);
        const want = new Ctor(n);
        for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
          const at = (k: number) => (o * len + k) * inner + i;
          let arg = 0;
          for (let k = 1; k < len; k++) if (x[at(k)] > x[at(arg)]) arg = k;
          want[at(arg)] = 1;
        }
        same(api.hardmax(x, { shape, axis }), want, `hardmax ${dtype} [${shape}] axis ${axis}`);
        const xi = x.slice();
        api.hardmax(xi, { shape, axis, out: xi });
        same(xi, want, `hardmax in place ${dtype} [${shape}] axis ${axis}`);
      }
    });

    it(`${dtype}: hardmax's NaN rule (the first NaN is the maximum: numpy argmax, ONNX's reference), ties, ±Inf, signed zeros`, () => {
      const rows = [
        [1, NaN, 3, NaN], [NaN, NaN, 0, 9], [2, 5, 5, 1], [-Infinity, -Infinity, -Infinity, -Infinity],
        [-Infinity, Infinity, Infinity, 0], [-0, 0, -0, -1], [0, -0, -1, -2], [-3, -1e30, -2, -2.5],
      ];
      const want = [
        [0, 1, 0, 0], [1, 0, 0, 0], [0, 1, 0, 0], [1, 0, 0, 0],
        [0, 1, 0, 0], [1, 0, 0, 0], [1, 0, 0, 0], [0, 0, 1, 0],
      ];
      // Along the last axis, and the same rows as columns (strided).
      same(api.hardmax(Ctor.from(rows.flat()), { shape: [8, 4] }), want.flat(), `hardmax ${dtype} rows`);
      const t = (m: number[][]) => m[0].map((_, k) => m.map((row) => row[k])).flat();
      same(api.hardmax(Ctor.from(t(rows)), { shape: [4, 8], axis: 0 }), t(want), `hardmax ${dtype} columns`);
    });

    it(`${dtype}: hardmax backward is the zero gradient, +0 everywhere (NaN and infinite dy too)`, async () => {
      const x = Ctor.from([1, NaN, 3, 2, 0, -1]);
      const dy = Ctor.from([NaN, Infinity, -Infinity, -2, 1e30, -0]);
      const zeros = new Ctor(6);
      same(api.hardmax.backward(dy, x, { shape: [2, 3] }), zeros, 'hardmax\'');
      same(await api.hardmax.backward.async(dy, x, { shape: [2, 3] }), zeros, 'hardmax\'.async');
      const d = dy.slice();
      api.hardmax.backward(d, x, { shape: [2, 3], out: d });
      same(d, zeros, 'in place over dy');
    });
  }
});

describe('prelu', () => {
  for (const { dtype, Ctor, round } of DTYPES) {
    it(`${dtype}: exact along NCHW, NHWC, any axis, a scalar alpha and rank 1; dx exact, dalpha per channel`, () => {
      const r = rng(0x9e1);
      const shape = [2, 3, 4, 5];
      const n = 120;
      const x = Ctor.from({ length: n }, (_, i) => (i % 17 === 0 ? [0, -0, NaN, Infinity, -Infinity][i % 5] : (r() - 0.5) * 10));
      const dy = Ctor.from({ length: n }, () => (r() - 0.5) * 4);
      for (const channelAxis of [undefined, 0, 1, 2, 3, -1, -3]) {
        const { outer, len, inner } = splitOf(shape, channelAxis ?? 1);
        const alpha = Ctor.from({ length: len }, () => (r() - 0.3) * 0.5);
        const y = api.prelu(x, alpha, { shape, channelAxis });
        const { dx, dalpha } = api.prelu.backward(dy, x, alpha, { shape, channelAxis });
        const want = new Float64Array(len);
        for (let o = 0; o < outer; o++) for (let c = 0; c < len; c++) for (let i = 0; i < inner; i++) {
          const j = (o * len + c) * inner + i;
          const v = x[j];
          expect(Object.is(y[j], v > 0 ? v : round(v * alpha[c])), `prelu(${v}) with α ${alpha[c]}`).toBe(true);
          expect(Object.is(dx[j], v > 0 ? dy[j] : v !== v ? NaN : round(dy[j] * alpha[c])), `dx at ${v}`).toBe(true);
          if (!(v > 0)) want[c] += v * dy[j];
        }
        expect(dalpha).toBeInstanceOf(Ctor);
        for (let c = 0; c < len; c++) {
          if (!Number.isFinite(want[c])) expect(dalpha[c]).toBe(want[c]);
          else expect(Math.abs(dalpha[c] - want[c])).toBeLessThanOrEqual(Math.abs(want[c]) * (dtype === 'float32' ? 2 ** -23 : 1e-14) + 1e-300);
        }
      }
      // One α, and rank 1 (no channel axis: one channel, as PyTorch).
      const xs = Ctor.from([-2, 3, -0.5]);
      expect(Array.from(api.prelu(xs, 0.25))).toEqual([-0.5, 3, -0.125]);
      expect(Array.from(api.prelu(xs, Ctor.from([0.25])))).toEqual([-0.5, 3, -0.125]);
      expect(Array.from(api.prelu(xs, Ctor.from([0.25, 0.5, 1]), { channelAxis: 0 }))).toEqual([-0.5, 3, -0.5]);
      const g = api.prelu.backward(Ctor.from([1, 1, 2]), xs, 0.25);
      expect(g.dalpha).toBe(-3);
      expect(Array.from(g.dx)).toEqual([0.25, 1, 0.5]);
      // In place, and the kink: dx at x = 0 is α·dy.
      const z = Ctor.from([0, -0, 1]);
      const dz = Ctor.from([2, 2, 2]);
      expect(api.prelu.backward(dz, z, 0.5, { out: dz }).dx).toBe(dz);
      expect(Array.from(dz)).toEqual([1, 1, 2]);
    });
  }

  for (const { dtype, Ctor, round } of DTYPES) {
    it(`${dtype}: channels last with channel counts of whole vectors (whole rows as one run), offsets and in place`, () => {
      const r = rng(0x9e2);
      for (const len of [8, 16, 24, 32, 48, 64, 96]) {
        for (const rows of [1, 3, 7, 40]) {
          const n = rows * len;
          const x = Ctor.from({ length: n }, (_, i) => (i % 13 === 0 ? [0, -0, NaN, Infinity, -Infinity][i % 5] : (r() - 0.5) * 10));
          const alpha = Ctor.from({ length: len }, (_, c) => (c % 7 === 3 ? 0 : (r() - 0.3) * 0.5));
          const check = (y: ArrayLike<number>, src: ArrayLike<number>, what: string) => {
            for (let j = 0; j < n; j++) {
              const v = src[j], c = j % len;
              expect(Object.is(y[j], v > 0 ? v : round(v * alpha[c])), `${what} len ${len} rows ${rows}: prelu(${v}) with α ${alpha[c]}`).toBe(true);
            }
          };
          check(api.prelu(x, alpha, { shape: [rows, len], channelAxis: -1 }), x, 'fresh');
          // A view at an odd offset (no vector alignment), and in place.
          const buf = new Ctor(n + 1);
          buf.set(x, 1);
          const view = buf.subarray(1);
          check(api.prelu(view, alpha, { shape: [rows, len], channelAxis: -1 }), x, 'offset view');
          api.prelu(view, alpha, { shape: [rows, len], channelAxis: -1, out: view });
          check(view, x, 'in place');
        }
      }
    });
  }

  it('dalpha of a 16M-element NCHW tensor (64 channels) stays within 1e-6 of a float64 sum', () => {
    const shape = [4, 64, 256, 256];
    const n = 4 * 64 * 256 * 256;
    const x = new Float32Array(n), dy = new Float32Array(n);
    // All-positive terms x·dy: the case where a float32 accumulator drifts furthest. (An inline
    // xorshift: 32M calls of a closure would dominate the test's time.)
    let z = 0x9e3779b9;
    for (let i = 0; i < n; i++) {
      z ^= z << 13; z ^= z >>> 17; z ^= z << 5;
      x[i] = -(0.5 + (z >>> 8) * 2 ** -24);
      z ^= z << 13; z ^= z >>> 17; z ^= z << 5;
      dy[i] = -(0.25 + (z >>> 8) * 2 ** -24);
    }
    const alpha = Float32Array.from({ length: 64 }, (_, c) => 0.01 * (c + 1));
    const dx = new Float32Array(n);
    const { dalpha } = api.prelu.backward(dy, x, alpha, { shape, out: dx });
    const want = new Float64Array(64);
    const plane = 256 * 256;
    for (let o = 0; o < 4; o++) for (let c = 0; c < 64; c++) {
      let s = 0;
      const base = (o * 64 + c) * plane;
      for (let i = 0; i < plane; i++) s += x[base + i] * dy[base + i];
      want[c] += s;
    }
    for (let c = 0; c < 64; c++) expect(Math.abs(dalpha[c] - want[c]) / Math.abs(want[c])).toBeLessThan(1e-6);
  });
});

describe('maxout', () => {
  for (const { dtype, Ctor } of DTYPES) {
    it(`${dtype}: exact group maxima along every axis; backward routes dy to the first maximum`, () => {
      const r = rng(0x3a);
      const shape = [2, 6, 4];
      const n = 48;
      // Few distinct values, so ties are common.
      const x = Ctor.from({ length: n }, () => Math.floor(r() * 5) - 2);
      for (let axis = -3; axis < 3; axis++) {
        const { outer, len, inner } = splitOf(shape, axis);
        for (const pieces of [1, 2, 3, 6].filter((k) => len % k === 0)) {
          const y = api.maxout(x, { shape, axis, pieces });
          expect(y.length).toBe(n / pieces);
          const groups = len / pieces;
          const dy = Ctor.from({ length: n / pieces }, (_, i) => i + 1);
          const dx = api.maxout.backward(dy, x, { shape, axis, pieces });
          for (let o = 0; o < outer; o++) for (let g = 0; g < groups; g++) for (let i = 0; i < inner; i++) {
            let m = -Infinity, arg = -1;
            for (let j = 0; j < pieces; j++) {
              const v = x[(o * len + g * pieces + j) * inner + i];
              if (v > m) { m = v; arg = j; }
            }
            const out = (o * groups + g) * inner + i;
            expect(y[out]).toBe(m);
            for (let j = 0; j < pieces; j++) expect(dx[(o * len + g * pieces + j) * inner + i]).toBe(j === arg ? dy[out] : 0);
          }
        }
      }
      // A NaN makes its group NaN and takes the gradient; -0 and +0 tie (the first wins).
      const z = Ctor.from([1, NaN, 3, 2, -0, 0]);
      expect(Array.from(api.maxout(z, { pieces: 2 }))).toEqual([NaN, 3, -0]);
      expect(Object.is(api.maxout(z, { pieces: 2 })[2], -0)).toBe(true);
      expect(Array.from(api.maxout.backward(Ctor.from([5, 6, 7]), z, { pieces: 2 }))).toEqual([0, 5, 6, 0, 7, 0]);
      // In place into x for the backward.
      const z2 = Ctor.from([1, 4, 3, 2]);
      expect(api.maxout.backward(Ctor.from([9, 8]), z2, { pieces: 2, out: z2 })).toBe(z2);
      expect(Array.from(z2)).toEqual([0, 9, 8, 0]);
    });
  }
});

describe('shaped .async', () => {
  it('gives the sync results, and an aborted signal rejects before writing', async () => {
    const x = Float32Array.from([1, -2, 3, -4, 5, -6]);
    const opts = { shape: [2, 3] };
    expect(Array.from(await api.softmax.async(x, opts))).toEqual(Array.from(api.softmax(x, opts)));
    expect(Array.from(await api.logSoftmax.backward.async(x, x, opts))).toEqual(Array.from(api.logSoftmax.backward(x, x, opts)));
    expect(Array.from(await api.prelu.async(x, 0.5))).toEqual(Array.from(api.prelu(x, 0.5)));
    const g = await api.prelu.backward.async(x, x, Float32Array.from([0.5, 0.25]), { shape: [3, 2], channelAxis: -1 });
    expect(Array.from(g.dalpha as Arr)).toEqual(Array.from(api.prelu.backward(x, x, Float32Array.from([0.5, 0.25]), { shape: [3, 2], channelAxis: -1 }).dalpha as Arr));
    expect(Array.from(await api.maxout.async(x, { pieces: 3 }))).toEqual([3, 5]);
    expect(Array.from(await api.softmin.async(x, opts))).toEqual(Array.from(api.softmin(x, opts)));
    expect(Array.from(await api.softmin.backward.async(x, x, opts))).toEqual(Array.from(api.softmin.backward(x, x, opts)));
    expect(Array.from(await api.hardmax.async(x, opts))).toEqual([0, 0, 1, 0, 1, 0]);
    expect(Array.from(await api.maxout.backward.async(Float32Array.from([1, 2]), x, { pieces: 3 }))).toEqual([0, 0, 1, 0, 2, 0]);
    const out = new Float32Array(6).fill(7);
    const ac = new AbortController();
    ac.abort();
    await expect(api.softmax.async(x, { out, signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    await expect(api.maxout.backward.async(Float32Array.from([1, 2]), x, { pieces: 3, out, signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(Array.from(out)).toEqual([7, 7, 7, 7, 7, 7]);
  });
});

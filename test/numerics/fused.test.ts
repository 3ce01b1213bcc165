/**
 * The fused element-wise pass on the backend under test (each numerics project
 * sets it: the JS twin, native at every ISA level): the gated ops (glu,
 * swiglu, geglu, reglu), both forms, forward and backward, against a
 * double-double reference within their registry bounds; and `bias` on the
 * unary ops, which must give exactly the op on x + b rounded to the array's
 * type (the same kernel on the same values), with dbias the float64 sum of dx.
 */
import { describe, expect, it } from 'vitest';
import ak from '../../lib/index';
import { gatedNames, gatedOps, requiredOptions, unaryOps, type GatedName } from '../../lib/registry/ops';
import type { FloatArray } from '../../lib/types';
import { ops as refOps, lastLo } from '../reference.cjs';
import { backwardError, ulpError } from '../ulp.cjs';
import { DTYPES, rng, type Dtype } from './helpers';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { derivative, dd, scaleOf } = require('../reference-backward.cjs') as {
  derivative(name: string, x: number, p: Record<string, number | string>): number[];
  dd: { mul(a: number[], b: number[]): number[] };
  scaleOf(bw: unknown, fromY: boolean, v: number, a: number, b: number, d: number[]): number;
};

type Fn = ((...args: unknown[]) => unknown) & { backward: (...args: unknown[]) => unknown; async: (...args: unknown[]) => Promise<unknown> };
const api = ak as unknown as Record<string, Fn>;

const SPECIALS = [0, -0, 1, -1, 0.5, -3, 3, 30, -30, 1e-30, -1e-30, Infinity, -Infinity, NaN];

function inputs(Ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number, seed: number): FloatArray {
  const r = rng(seed);
  return Ctor.from({ length: n }, (_, i) => (i < SPECIALS.length ? SPECIALS[i] : (r() - 0.5) * (i % 3 === 0 ? 40 : 10)));
}

/** [hi, lo] of a·b for a = [hi, lo], with IEEE results where the double-double product is not finite. */
function mulRef(a: number[], b: number): number[] {
  const p = a[0] * b;
  if (!Number.isFinite(p) || p === 0 || !Number.isFinite(a[0])) return [p, 0];
  return dd.mul(a, [b, 0]);
}

/** The halves of x along the split: for output element e, the indices of its gate and up inputs. */
function pairIndex(shape: number[], axis: number, gate: 'first' | 'second'): (e: number) => [number, number, number] {
  const ax = axis < 0 ? axis + shape.length : axis;
  let inner = 1;
  for (let i = ax + 1; i < shape.length; i++) inner *= shape[i];
  const len = shape[ax], H = len / 2, m = H * inner;
  return (e) => {
    const o = Math.floor(e / m), j = e % m;
    const a = o * len * inner + j, b = a + m;
    const k = Math.floor(j / inner);
    return gate === 'first' ? [a, b, k] : [b, a, k + H];
  };
}

const PARAMS: Record<GatedName, Record<string, string>[]> = { glu: [{}], swiglu: [{}], geglu: [{}, { approximate: 'tanh' }], reglu: [{}] };

describe.each(gatedNames.map((name) => ({ name })))('$name', ({ name }) => {
  const def = gatedOps[name];
  const act = unaryOps[def.act];
  const f = api[name];
  for (const { dtype, Ctor, round } of DTYPES) {
    const eps = dtype === 'float32' ? 2 ** -23 : 2 ** -52;
    for (const p of PARAMS[name]) {
      const tag = `${dtype} ${JSON.stringify(p)}`;
      const refP = { ...Object.fromEntries(act.params.map((q) => [q.name, q.default])), ...p };
      for (const [shape, axis] of [[[9, 2 * 37], -1], [[3, 6, 5], 1], [[2, 3, 4, 4], 2]] as [number[], number][]) {
        for (const biasKind of ['none', 'number', 'array'] as const) {
          it(`${tag}: shape [${shape}] axis ${axis}, bias ${biasKind}: forward and backward within the bound`, () => {
            const n = shape.reduce((s, d) => s * d, 1);
            const x = inputs(Ctor, n, 0x61 + n);
            const ax = axis < 0 ? axis + shape.length : axis;
            const bias = biasKind === 'none' ? undefined : biasKind === 'number' ? 0.25 : inputs(Ctor, shape[ax], 7).map((v) => (Number.isFinite(v) ? v / 4 : 0.5));
            const bOf = (k: number): number => (bias === undefined ? 0 : typeof bias === 'number' ? round(bias) : bias[k]);
            const opts = { shape, axis, ...p, ...(bias === undefined ? {} : { bias }) };
            const y = f(x, opts) as FloatArray;
            expect(y.length).toBe(n / 2);
            const at = pairIndex(shape, axis, def.gate);
            const dy = inputs(Ctor, n / 2, 0x99).map((v) => (Number.isFinite(v) ? v : 1.5));
            const back = f.backward(dy, x, opts) as FloatArray | { dx: FloatArray; dbias: number | FloatArray };
            const dx = bias === undefined ? (back as FloatArray) : (back as { dx: FloatArray }).dx;
            // act's parameters as its kernels take them (an enum as its index).
            const [pa, pb] = [0, 1].map((i) => {
              const q = act.params[i];
              if (q === undefined) return 0;
              const v = refP[q.name];
              return q.kind === 'enum' ? q.values.indexOf(v as string) : (v as number);
            });
            let worstY = 0, worstD = 0;
            for (let e = 0; e < n / 2; e++) {
              const [gi, ui, k] = at(e);
              const H = shape[ax] / 2;
              const tg = round(x[gi] + (bias === undefined ? 0 : bOf(k)));
              const tu = round(x[ui] + (bias === undefined ? 0 : bOf(def.gate === 'first' ? k + H : k - H)));
              const sHi = refOps[def.act](tg, refP);
              const s = [sHi, lastLo()];
              const r = mulRef(s, tu);
              const ey = ulpError(y[e], r[0], dtype, r[1]);
              worstY = Math.max(worstY, ey);
              if (!(ey <= (dtype === 'float32' ? def.ulp : def.ulp64))) expect.fail(`${name} ${tag} y[${e}] (gate ${tg}, up ${tu}) = ${y[e]}, reference ${r[0]} (${ey} ULP)`);
              // du = dy·act(t_g); dg = (dy·t_u)·act'(t_g).
              const rdu = mulRef(s, dy[e]);
              const edu = ulpError(dx[ui], rdu[0], dtype, rdu[1]);
              worstD = Math.max(worstD, edu);
              if (!(edu <= (dtype === 'float32' ? def.backwardUlp : def.backwardUlp64))) expect.fail(`${name} ${tag} d(up)[${e}] (gate ${tg}, dy ${dy[e]}) = ${dx[ui]}, reference ${rdu[0]} (${edu} ULP)`);
              // dg = (dy·t_u)·act'(t_g), held to act's backward bound with dy·t_u for dy
              // (ε's coefficient one more: the product dy·t_u is rounded first).
              const w = mulRef([dy[e], 0], tu);
              const d = derivative(def.act, tg, refP);
              const rdg = Number.isFinite(w[0]) && Number.isFinite(d[0]) && w[0] * d[0] !== 0 ? dd.mul(d, w) : [w[0] * d[0], 0];
              const S = scaleOf(act.backward, false, tg, pa, pb, d);
              const bwdBound = dtype === 'float32' ? def.backwardUlp : def.backwardUlp64;
              const edg = backwardError(dx[gi], rdg[0], dtype, w[0], S, bwdBound, act.backward.eps + 1, rdg[1]);
              // Near float64's underflow: an absolute error below the smallest normal (as the unary backward's test).
              const nearUnderflow = dtype === 'float64' && Math.abs(rdg[0]) < 2 ** -962 && Math.abs(dx[gi] - rdg[0]) <= 2 ** -1022;
              if (!(edg <= 1) && !nearUnderflow) {
                expect.fail(`${name} ${tag} d(gate)[${e}] (gate ${tg}, up ${tu}, dy ${dy[e]}) = ${dx[gi]}, reference ${rdg[0]} (${edg} of the bound)`);
              }
              worstD = Math.max(worstD, ulpError(dx[gi], rdg[0], dtype, rdg[1]) <= bwdBound ? ulpError(dx[gi], rdg[0], dtype, rdg[1]) : 0);
            }
            if (bias !== undefined) {
              // dbias: one value per feature before the split, the float64 sum of dx over it.
              const { dbias } = back as { dbias: number | FloatArray };
              const len = shape[ax];
              let inner = 1;
              for (let i = ax + 1; i < shape.length; i++) inner *= shape[i];
              const sums = new Float64Array(len), mags = new Float64Array(len);
              for (let i = 0; i < n; i++) {
                const k = Math.floor(i / inner) % len;
                sums[k] += dx[i];
                mags[k] += Math.abs(dx[i]);
              }
              if (typeof dbias === 'number') {
                const total = sums.reduce((a, b) => a + b, 0), mag = mags.reduce((a, b) => a + b, 0);
                expect(close(dbias, total, 0, 1e-13 * mag)).toBe(true);
              } else {
                expect(dbias).toBeInstanceOf(Ctor);
                for (let k = 0; k < len; k++) {
                  if (!close(dbias[k], sums[k], eps, 1e-13 * mags[k])) expect.fail(`${name} ${tag} dbias[${k}] = ${dbias[k]}, sum ${sums[k]}`);
                }
              }
            }
            console.log(`${name} ${tag} [${shape}] axis ${axis} bias ${biasKind}: forward ${worstY.toFixed(3)} ULP, gradients ${worstD.toFixed(3)} ULP`);
          });
        }
      }
    }

    if (def.pair) {
      it(`${dtype}: the two-array form gives the one-array form's bits; out and the gradients in place`, async () => {
        const n = 1000;
        const x = inputs(Ctor, 2 * n, 0x77);
        const gate = x.slice(0, n), up = x.slice(n);
        const y1 = f(x) as FloatArray;
        const y2 = f(gate, up) as FloatArray;
        expect(Array.from(y2)).toEqual(Array.from(y1));
        expect(Array.from((await f.async(gate, up)) as FloatArray)).toEqual(Array.from(y1));
        const dy = inputs(Ctor, n, 0x78).map((v) => (Number.isFinite(v) ? v : 2));
        const dx = f.backward(dy, x) as FloatArray;
        const { dgate, dup } = f.backward(dy, gate, up) as { dgate: FloatArray; dup: FloatArray };
        expect(Array.from(dgate)).toEqual(Array.from(dx.subarray(0, n)));
        expect(Array.from(dup)).toEqual(Array.from(dx.subarray(n)));
        // In place: out = gate, out = up; dgate = gate and dup = up.
        for (const which of ['gate', 'up'] as const) {
          const g = gate.slice(), u = up.slice();
          f(g, u, { out: which === 'gate' ? g : u });
          expect(Array.from(which === 'gate' ? g : u)).toEqual(Array.from(y1));
        }
        const g = gate.slice(), u = up.slice();
        f.backward(dy, g, u, { dgate: g, dup: u });
        expect(Array.from(g)).toEqual(Array.from(dgate));
        expect(Array.from(u)).toEqual(Array.from(dup));
        const back = (await f.backward.async(dy, gate, up)) as { dgate: FloatArray; dup: FloatArray };
        expect(Array.from(back.dgate)).toEqual(Array.from(dgate));
        // One-array backward in place over x.
        const xi = x.slice();
        f.backward(dy, xi, { out: xi });
        expect(Array.from(xi)).toEqual(Array.from(dx));
      });
    }
  }

  it('refuses an odd axis, a bias of the wrong length, an out overlapping x, and dgate on dy', () => {
    const x = new Float32Array(12);
    expect(() => f(x, { shape: [3, 4], axis: 0 })).toThrow(RangeError);
    expect(() => f(x, { shape: [3, 4], bias: new Float32Array(2) })).toThrow(/options\.bias/);
    expect(() => f(x, { out: x.subarray(0, 6) })).toThrow(RangeError);
    expect(() => f(x, { bias: new Float64Array(12) })).toThrow(TypeError);
    if (def.pair) {
      const g = new Float32Array(6), u = new Float32Array(6), dy = new Float32Array(6);
      expect(() => f.backward(dy, g, u, { dgate: dy })).toThrow(RangeError);
      expect(() => f.backward(dy, g, u, { dgate: g, dup: g })).toThrow(RangeError);
      expect(() => f(g, u, { bias: 1 })).toThrow(/Unknown option "bias"/);
    }
  });
});

describe('bias on the element-wise ops', () => {
  // Issue 17's ops too (threshold with its required parameters, selu with other α, γ).
  const ops = [
    'relu', 'leakyRelu', 'gelu', 'sigmoid', 'softplus', 'hardSwish',
    'logSigmoid', 'hardShrink', 'softShrink', 'tanhShrink', 'threshold', 'thresholdedRelu', 'selu',
  ] as const;
  for (const { dtype, Ctor, round } of DTYPES) {
    for (const name of ops) {
      it(`${dtype} ${name}: f(x, { bias }) is f(x + b) bit for bit, backward's dx too, dbias the float64 sum of dx`, async () => {
        const req: Record<string, number> = { ...requiredOptions(unaryOps[name]), ...(name === 'selu' ? { alpha: 1.5, gamma: 1.25 } : {}) };
        const f = api[name];
        const shape = [13, 4, 5];
        const n = 13 * 4 * 5;
        const x = inputs(Ctor, n, 0x42);
        const dy = inputs(Ctor, n, 0x43).map((v) => (Number.isFinite(v) ? v : -2));
        const layouts: [Record<string, unknown>, (i: number) => number][] = [];
        const perC = inputs(Ctor, 4, 9).map((v) => (Number.isFinite(v) ? v : 0.75));
        const last = inputs(Ctor, 5, 10).map((v) => (Number.isFinite(v) ? v : 0.75));
        layouts.push([{ ...req, bias: 0.1 }, () => round(0.1)]);
        layouts.push([{ ...req, bias: perC, shape }, (i) => perC[Math.floor(i / 5) % 4]]);
        layouts.push([{ ...req, bias: last, shape, channelAxis: -1 }, (i) => last[i % 5]]);
        for (const [opts, bOf] of layouts) {
          const t = Ctor.from(x, (v, i) => v + bOf(i));
          const y = f(x, opts) as FloatArray;
          expect(Array.from(y), dtype + JSON.stringify(Object.keys(opts))).toEqual(Array.from(f(t, req) as FloatArray));
          expect(Array.from((await f.async(x, opts)) as FloatArray)).toEqual(Array.from(y));
          const xi = x.slice();
          f(xi, { ...opts, out: xi });
          expect(Array.from(xi)).toEqual(Array.from(y));
          const { dx, dbias } = f.backward(dy, x, opts) as { dx: FloatArray; dbias: number | FloatArray };
          expect(Array.from(dx)).toEqual(Array.from(f.backward(dy, t, req) as FloatArray));
          const C = typeof opts.bias === 'number' ? 1 : (opts.bias as FloatArray).length;
          const sums = new Float64Array(C), mags = new Float64Array(C);
          for (let i = 0; i < n; i++) {
            const c = typeof opts.bias === 'number' ? 0 : opts.channelAxis === -1 ? i % 5 : Math.floor(i / 5) % 4;
            sums[c] += dx[i];
            mags[c] += Math.abs(dx[i]);
          }
          // Against a plain float64 sum: within its own error (n·2^-53·Σ|dx|), then dbias's rounding to its type.
          const rel = typeof dbias === 'number' ? 0 : eps(dtype);
          const d = typeof dbias === 'number' ? [dbias] : Array.from(dbias);
          for (let c = 0; c < C; c++) expect(close(d[c], sums[c], rel, n * 2 ** -53 * mags[c]), `dbias[${c}] ${d[c]} against ${sums[c]}`).toBe(true);
          const back = (await f.backward.async(dy, x, opts)) as { dx: FloatArray };
          expect(Array.from(back.dx)).toEqual(Array.from(dx));
        }
      });
    }
    it(`${dtype}: from y, dbias is the sum of dx = dy·g(y) (the bias does not change g)`, () => {
      const x = inputs(Ctor, 200, 5).map((v) => (Number.isNaN(v) ? 2 : v)), dy = inputs(Ctor, 200, 6).map((v) => (Number.isFinite(v) ? v : 1));
      const y = ak.sigmoid(Ctor.from(x, (v) => v + round(0.5)));
      const { dx, dbias } = api.sigmoid.backward(dy, null, { y, bias: 0.5 }) as { dx: FloatArray; dbias: number };
      expect(Array.from(dx)).toEqual(Array.from(ak.sigmoid.backward(dy, null, { y })));
      let s = 0, mag = 0;
      for (const v of dx) {
        s += v;
        mag += Math.abs(v);
      }
      expect(close(dbias, s, 0, 200 * 2 ** -53 * mag)).toBe(true);
    });
  }
  it('refuses a bias of the wrong length or type, and an out overlapping it', () => {
    const x = new Float32Array(12);
    expect(() => ak.relu(x, { bias: new Float32Array(3), shape: [3, 4], channelAxis: -1 } as never)).toThrow(/length 4/);
    expect(() => ak.relu(x, { bias: new Float64Array(4), shape: [3, 4], channelAxis: -1 } as never)).toThrow(TypeError);
    expect(() => ak.relu(x, { bias: NaN } as never)).toThrow(RangeError);
    const buf = new Float32Array(16);
    expect(() => ak.relu(buf.subarray(0, 12), { bias: buf.subarray(12, 16), shape: [3, 4], channelAxis: -1, out: buf.subarray(0, 12) } as never)).not.toThrow();
    expect(() => ak.relu(buf.subarray(4, 16), { bias: buf.subarray(0, 4), shape: [3, 4], channelAxis: -1, out: buf.subarray(0, 12) } as never)).toThrow(RangeError);
  });
});

/** got is want within rel·|want| + abs; a NaN or infinite want must be met exactly. */
function close(got: number, want: number, rel: number, abs: number): boolean {
  if (!Number.isFinite(want)) return Object.is(got, want) || (Number.isNaN(want) && Number.isNaN(got));
  return Math.abs(got - want) <= rel * Math.abs(want) + abs + 1e-300;
}

function eps(dtype: Dtype): number {
  return dtype === 'float32' ? 2 ** -23 : 2 ** -52;
}

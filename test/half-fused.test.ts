/**
 * The fused pass over 16-bit storage (lib/api/half-fused.ts): a unary op with
 * options.bias and the gated ops (one-array and two-array forms), forward and
 * backward, on the default (native) instance and the twin. Each is checked
 * against a reference built here from the float32 ops and float64
 * arithmetic: every intermediate (x + b, act(gate) before its product,
 * dy·up) rounded to the 16-bit type, the result rounded once to out's type,
 * dbias the float64 channel sums of dx as stored, rounded once to the bias's
 * type (a number for a number bias).
 */
import { describe, expect, it } from 'vitest';
import ak from '../lib/index';
import akjs from '../lib/js';
import { channelSums } from '../lib/fallback/fused';
import { FORMATS, halves } from './half-helpers';

type Arr = Float32Array | Float64Array | Uint16Array;
type Grad = { dx: Arr; dbias: number | Arr };
type AnyFn = ((...a: unknown[]) => unknown) & { async: (...a: unknown[]) => Promise<unknown>; backward: AnyFn };
const instances = [
  { label: 'default', api: ak as unknown as Record<string, AnyFn> },
  { label: 'js', api: akjs as unknown as Record<string, AnyFn> },
];

const bitsOf = (a: ArrayLike<number>): number[] => Array.from(a);

/** x seen as outer × len × inner around `axis` of `shape`. */
function split(shape: number[], axis: number): { outer: number; len: number; inner: number } {
  const ax = axis < 0 ? shape.length + axis : axis;
  const prod = (a: number[]) => a.reduce((p, v) => p * v, 1);
  return { outer: prod(shape.slice(0, ax)), len: shape[ax], inner: prod(shape.slice(ax + 1)) };
}

describe.each(instances)('16-bit fused pass ($label)', ({ api }) => {
  for (const { dtype, widen, narrow } of FORMATS) {
    const r16 = (v: number): number => widen(narrow(v));

    describe(`${dtype}: unary ops with options.bias`, () => {
      const shape = [3, 5, 41];
      const n = 3 * 5 * 41;
      const x = halves(n, narrow, 11);
      const dy = halves(n, narrow, 12);
      const b = halves(5, narrow, 13, 4);
      const xw = Float64Array.from(x, widen);
      const dyw = Float32Array.from(dy, widen);
      const bw = Float64Array.from(b, widen);
      const cases = [
        { label: 'bias array, channelAxis 1', o: { shape, bias: b }, bOf: (i: number) => bw[Math.floor(i / 41) % 5], channels: 5 },
        { label: 'bias number', o: { bias: 0.3 }, bOf: () => r16(0.3), channels: 1 },
      ];
      for (const op of ['sigmoid', 'gelu', 'relu', 'tanh', 'elu']) {
        for (const c of cases) {
          it(`${op}, ${c.label}: f(round(x + b)) rounded once; Float32Array out; in place; backward with dbias; async`, async () => {
            const f = api[op];
            const t = Float32Array.from(xw, (v, i) => r16(v + c.bOf(i)));
            const y32 = f(t) as Float32Array;
            const y = f(x, { ...c.o, dtype }) as Uint16Array;
            expect(y).toBeInstanceOf(Uint16Array);
            expect(bitsOf(y)).toEqual(Array.from(y32, narrow));
            expect(f(x, { ...c.o, dtype, out: new Float32Array(n) })).toEqual(y32);
            const inPlace = x.slice();
            f(inPlace, { ...c.o, dtype, out: inPlace });
            expect(inPlace).toEqual(y);
            expect(await f.async(x, { ...c.o, dtype })).toEqual(y);

            const dx32 = f.backward(dyw, t) as Float32Array;
            const g = f.backward(dy, x, { ...c.o, dtype }) as Grad;
            expect(bitsOf(g.dx as Uint16Array)).toEqual(Array.from(dx32, narrow));
            const sums = new Float64Array(c.channels);
            channelSums(Float32Array.from(g.dx as Uint16Array, widen), c.channels === 1 ? 1 : 3, c.channels, c.channels === 1 ? n : 41, sums);
            if (c.channels === 1) expect(g.dbias).toBe(sums[0]);
            else expect(bitsOf(g.dbias as Uint16Array)).toEqual(Array.from(sums, narrow));
            const wide = f.backward(dy, x, { ...c.o, dtype, out: new Float32Array(n) }) as Grad;
            expect(wide.dx).toEqual(dx32);
            expect(await f.backward.async(dy, x, { ...c.o, dtype })).toEqual(g);
          });
        }
      }

      it('sigmoid backward from y with a bias: dy·f′ read off y, dbias its sums', () => {
        const y = api.sigmoid(x, { shape, bias: b, dtype }) as Uint16Array;
        const g = api.sigmoid.backward(dy, null, { shape, bias: b, dtype, y }) as Grad;
        const dx32 = api.sigmoid.backward(dyw, null, { y: Float32Array.from(y, widen) }) as Float32Array;
        expect(bitsOf(g.dx as Uint16Array)).toEqual(Array.from(dx32, narrow));
      });

      it('checks the bias against x\'s dtype, before writing anything', () => {
        const out = new Uint16Array(n).fill(7);
        expect(() => api.relu(x, { shape, dtype, bias: new Float32Array(5), out })).toThrow(TypeError);
        expect(() => api.relu(x, { shape, dtype, bias: new Uint16Array(4), out })).toThrow(RangeError);
        expect(() => api.relu(x, { shape, dtype, bias: 'a', out })).toThrow(`a finite number or an array of x's type (${dtype})`);
        const big = dtype === 'float16' ? 70000 : 3.4e38 * 1.001;
        expect(() => api.relu(x, { dtype, bias: big, out })).toThrow(new RegExp(`is Infinity in ${dtype}`));
        expect(out.every((v) => v === 7)).toBe(true);
        expect(() => api.relu(new Float32Array(n), { shape, bias: b })).toThrow(TypeError);
      });
    });

    describe(`${dtype}: gated ops`, () => {
      const geoms = [
        { shape: [7, 64], axis: -1 },
        { shape: [2, 6, 5], axis: 1 },
      ];
      const gated = [
        { name: 'glu', act: 'sigmoid', first: false, o: {} },
        { name: 'swiglu', act: 'silu', first: true, o: {} },
        { name: 'geglu', act: 'gelu', first: true, o: { approximate: 'tanh' } },
        { name: 'reglu', act: 'relu', first: true, o: {} },
      ];
      for (const gd of gated) {
        for (const { shape, axis } of geoms) {
          for (const biasKind of ['none', 'number', 'array'] as const) {
            it(`${gd.name} [${shape}] axis ${axis}, bias ${biasKind}: forward, backward (dx, dbias), Float32Array out, async`, async () => {
              const { outer, len, inner } = split(shape, axis);
              const N = outer * len * inner;
              const H = len / 2;
              const m = H * inner;
              const x = halves(N, narrow, 21);
              const dy = halves(N / 2, narrow, 22);
              const bb = halves(len, narrow, 23, 2);
              const xw = Float64Array.from(x, widen);
              const dyw = Float64Array.from(dy, widen);
              const bias = biasKind === 'none' ? undefined : biasKind === 'number' ? -0.7 : bb;
              const bOf = (ch: number): number => (biasKind === 'none' ? 0 : biasKind === 'number' ? r16(-0.7) : widen(bb[ch]));
              const gOff = gd.first ? 0 : m, uOff = gd.first ? m : 0, gC0 = gd.first ? 0 : H, uC0 = gd.first ? H : 0;
              const at = (o: number, off: number, j: number) => o * len * inner + off + j;
              const t = new Float32Array(outer * m), up = new Float64Array(outer * m);
              for (let o = 0; o < outer; o++) {
                for (let j = 0; j < m; j++) {
                  const ch = Math.floor(j / inner);
                  const tg = xw[at(o, gOff, j)], tu = xw[at(o, uOff, j)];
                  t[o * m + j] = biasKind === 'none' ? tg : r16(tg + bOf(gC0 + ch));
                  up[o * m + j] = biasKind === 'none' ? tu : r16(tu + bOf(uC0 + ch));
                }
              }
              const act = api[gd.act];
              const s = Array.from(act(t, gd.o) as Float32Array, r16);
              const f = api[gd.name];
              const o = { shape, axis, dtype, ...gd.o, ...(bias === undefined ? {} : { bias }) };
              const y = f(x, o) as Uint16Array;
              expect(bitsOf(y)).toEqual(s.map((v, k) => narrow(v * up[k])));
              expect(f(x, { ...o, out: new Float32Array(N / 2) })).toEqual(Float32Array.from(s, (v, k) => v * up[k]));
              expect(await f.async(x, o)).toEqual(y);

              const w = Float32Array.from(up, (u, k) => r16(dyw[k] * u));
              const dg = Array.from(act.backward(w, t, gd.o) as Float32Array, narrow);
              const dx = new Uint16Array(N);
              for (let oo = 0; oo < outer; oo++) {
                for (let j = 0; j < m; j++) {
                  dx[at(oo, gOff, j)] = dg[oo * m + j];
                  dx[at(oo, uOff, j)] = narrow(dyw[oo * m + j] * s[oo * m + j]);
                }
              }
              const got = f.backward(dy, x, o) as Grad | Uint16Array;
              if (bias === undefined) {
                expect(bitsOf(got as Uint16Array)).toEqual(bitsOf(dx));
                return;
              }
              const gg = got as Grad;
              expect(bitsOf(gg.dx as Uint16Array)).toEqual(bitsOf(dx));
              const C = biasKind === 'number' ? 1 : len;
              const sums = new Float64Array(C);
              channelSums(Float32Array.from(dx, widen), C === 1 ? 1 : outer, C, C === 1 ? N : inner, sums);
              if (C === 1) expect(gg.dbias).toBe(sums[0]);
              else expect(bitsOf(gg.dbias as Uint16Array)).toEqual(Array.from(sums, narrow));
              expect(await f.backward.async(dy, x, o)).toEqual(gg);
            });
          }
        }
        if (gd.name === 'glu') continue;
        it(`${gd.name}(gate, up): forward and backward { dgate, dup }, 16-bit or Float32Array outputs, in place`, () => {
          const n = 1500;
          const g = halves(n, narrow, 31), u = halves(n, narrow, 32), dy = halves(n, narrow, 33);
          const gw = Float32Array.from(g, widen), uw = Float64Array.from(u, widen), dyw = Float64Array.from(dy, widen);
          const act = api[gd.act];
          const s = Array.from(act(gw, gd.o) as Float32Array, r16);
          const f = api[gd.name];
          const y = f(g, u, { dtype, ...gd.o }) as Uint16Array;
          expect(bitsOf(y)).toEqual(s.map((v, k) => narrow(v * uw[k])));
          const gi = g.slice();
          f(gi, u, { dtype, ...gd.o, out: gi });
          expect(gi).toEqual(y);
          const w = Float32Array.from(uw, (v, k) => r16(dyw[k] * v));
          const dg32 = act.backward(w, gw, gd.o) as Float32Array;
          const r = f.backward(dy, g, u, { dtype, ...gd.o }) as { dgate: Uint16Array; dup: Uint16Array };
          expect(bitsOf(r.dgate)).toEqual(Array.from(dg32, narrow));
          expect(bitsOf(r.dup)).toEqual(s.map((v, k) => narrow(v * dyw[k])));
          const rw = f.backward(dy, g, u, { dtype, ...gd.o, dgate: new Float32Array(n), dup: new Float32Array(n) }) as { dgate: Float32Array; dup: Float32Array };
          expect(rw.dgate).toEqual(dg32);
          expect(rw.dup).toEqual(Float32Array.from(s, (v, k) => v * dyw[k]));
          const gIn = g.slice(), uIn = u.slice();
          f.backward(dy, gIn, uIn, { dtype, ...gd.o, dgate: gIn, dup: uIn });
          expect(gIn).toEqual(r.dgate);
          expect(uIn).toEqual(r.dup);
          expect(() => f(g, new Float32Array(n), { dtype })).toThrow(TypeError);
          expect(() => f(g, u)).toThrow(/options\.dtype but received undefined/);
          expect(() => f.backward(dy, g, u, { dtype, dgate: new Float64Array(n) })).toThrow('for options.dgate');
        });
      }
    });
  }
});

describe('16-bit fused pass, native and twin', () => {
  it('give the same bits for exact acts (relu bias, reglu) on every 16-bit input pattern', () => {
    for (const { dtype, narrow } of FORMATS) {
      const x = new Uint16Array(65536).map((_, i) => i);
      const bias = new Uint16Array([narrow(0.25), narrow(-3)]);
      const o = { shape: [2, 32768], channelAxis: 0, bias, dtype };
      const a = ak as unknown as Record<string, AnyFn>, j = akjs as unknown as Record<string, AnyFn>;
      expect(a.relu(x, o)).toEqual(j.relu(x, o));
      expect(a.reglu(x, { shape: [256, 256], dtype })).toEqual(j.reglu(x, { shape: [256, 256], dtype }));
    }
  });
});

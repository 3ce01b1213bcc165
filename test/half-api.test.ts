/**
 * 16-bit storage through the public API, native (the default instance) and the
 * twin alike: the dtype option and its errors, mixed dtypes, the output's type
 * (16-bit by default, a Float32Array out, in place), layout (lengths across the
 * tile sizes and the thread split, subarray views, SharedArrayBuffer, nothing
 * written outside the output), async calls, and native and twin agreeing bit
 * for bit where the float32 op is exact. Accuracy over every input:
 * test/numerics/half.test.ts.
 */
import { describe, expect, it } from 'vitest';
import ak from '../lib/index';
import akjs from '../lib/js';
import { fromBfloat16Bits, fromFloat16Bits, toFloat16Bits } from '../lib/fallback/half';
import { FORMATS, halves } from './half-helpers';
import { shapedOps } from '../lib/registry/ops';
import { loadBinding, type Binding } from '../lib/backend/native';
import type { CallsBinding } from '../lib/backend/native-calls';

type Arr = Float32Array | Float64Array | Uint16Array;
type Fn = ((x: unknown, o?: unknown) => Arr) & {
  async: (x: unknown, o?: unknown) => Promise<Arr>;
  backward: ((dy: unknown, x: unknown, o?: unknown) => Arr) & { async: (dy: unknown, x: unknown, o?: unknown) => Promise<Arr> };
};
const instances = [
  { label: 'default', api: ak as unknown as Record<string, Fn> },
  { label: 'js', api: akjs as unknown as Record<string, Fn> },
];

describe.each(instances)('16-bit storage ($label)', ({ api }) => {
  it('needs options.dtype for a Uint16Array and lists the dtypes; refuses a dtype that is not the array\'s', () => {
    const x = new Uint16Array(4);
    expect(() => api.relu(x)).toThrow(TypeError);
    expect(() => api.relu(x)).toThrow('relu: Expected "float16" or "bfloat16" (what the Uint16Array x holds; it is required) for options.dtype but received undefined');
    expect(() => api.relu(x, { dtype: 'float32' })).toThrow(TypeError);
    expect(() => api.relu(x, { dtype: 'half' })).toThrow(RangeError);
    expect(() => api.relu(x, { dtype: 'half' })).toThrow('Expected one of "float32", "float64", "float16", "bfloat16" for options.dtype');
    expect(() => api.relu(x, { dtype: 16 })).toThrow(TypeError);
    expect(() => api.relu(new Float32Array(4), { dtype: 'float16' })).toThrow('Expected "float32" (x is a Float32Array) or no dtype for options.dtype');
    expect(api.relu(new Float64Array([-1, 2]), { dtype: 'float64' })).toEqual(new Float64Array([0, 2]));
    expect(() => api.relu(new Int16Array(4), { dtype: 'float16' })).toThrow('Expected a Float32Array, Float64Array, Float16Array or Uint16Array (with options.dtype) for x but received an Int16Array of length 4');
    expect(() => api.relu.backward(new Uint16Array(4), new Uint16Array(4))).toThrow('for options.dtype but received undefined');
  });

  it('names mixed dtypes and lengths in errors, before writing anything', () => {
    const x = new Uint16Array(4);
    const out = new Uint16Array(4).fill(7);
    expect(() => api.relu(x, { dtype: 'float16', out: new Float64Array(4) })).toThrow(
      'relu: Expected a Uint16Array or Float16Array of float16 or a Float32Array (the type of x, or float32 to widen) for options.out but received a Float64Array of length 4');
    expect(() => api.relu(x, { dtype: 'bfloat16', out: new Uint16Array(5) })).toThrow(RangeError);
    expect(() => api.relu.backward(x, new Float32Array(4), { dtype: 'float16' })).toThrow(
      'relu.backward: Expected a Uint16Array or Float16Array of float16 (the type of dy) for x but received a Float32Array of length 4');
    expect(() => api.relu.backward(new Float32Array(4), x)).toThrow('Expected a Float32Array (the type of dy) for x but received a Uint16Array of length 4');
    expect(() => api.sigmoid.backward(x, null, { dtype: 'bfloat16', y: new Uint16Array(3) })).toThrow(RangeError);
    // A Float32Array out over the bytes of a 16-bit input overlaps it partially: refused.
    const buf = new ArrayBuffer(32);
    expect(() => api.relu(new Uint16Array(buf, 0, 4), { dtype: 'float16', out: new Float32Array(buf, 0, 4) })).toThrow(/overlaps it partially/);
    expect(() => api.relu(x, { dtype: 'float16', out, alpha: 1 })).toThrow(/Unknown option "alpha"/);
    expect(out).toEqual(new Uint16Array(4).fill(7));
  });

  for (const { dtype, widen, narrow } of FORMATS) {
    it(`${dtype}: half in, half out by default, in place, or widened into a Float32Array out`, () => {
      const x = halves(1000, narrow);
      const x0 = x.slice();
      const y = api.gelu(x, { dtype });
      expect(y).toBeInstanceOf(Uint16Array);
      expect(x).toEqual(x0);
      const wide = api.gelu(x, { dtype, out: new Float32Array(x.length) }) as Float32Array;
      expect(wide).toEqual(api.gelu(Float32Array.from(x, widen)));
      expect(Array.from(y)).toEqual(Array.from(wide, narrow));
      const inPlace = x.slice();
      expect(api.gelu(inPlace, { dtype, out: inPlace })).toBe(inPlace);
      expect(inPlace).toEqual(y);
    });

    it(`${dtype}: every length across the tiles and the thread split, subarray views, SharedArrayBuffer, nothing written outside`, () => {
      for (const n of [0, 1, 7, 17, 1023, 1024, 1025, 4097, 65537, 300001]) {
        const pad = 3;
        const buf = new SharedArrayBuffer(2 * (n + 2 * pad));
        const xs = new Uint16Array(buf, 2 * pad, n);
        xs.set(halves(n, narrow, n + 1));
        const outBuf = new Uint16Array(n + 2 * pad).fill(0xabcd);
        const out = outBuf.subarray(pad, pad + n);
        api.tanh(xs, { dtype, out });
        const want = Array.from(api.tanh(Float32Array.from(xs, widen)), narrow);
        expect(Array.from(out), `n = ${n}`).toEqual(want);
        expect(Array.from(outBuf.subarray(0, pad))).toEqual([0xabcd, 0xabcd, 0xabcd]);
        expect(Array.from(outBuf.subarray(pad + n))).toEqual([0xabcd, 0xabcd, 0xabcd]);
        const dx = api.tanh.backward(xs, xs, { dtype });
        expect(Array.from(dx), `backward n = ${n}`).toEqual(Array.from(api.tanh.backward(Float32Array.from(xs, widen), Float32Array.from(xs, widen)), narrow));
      }
    });

    it(`${dtype}: rounds once to nearest even, keeps NaN, ±Inf, -0 and (float16) subnormals`, () => {
      const vals = [NaN, Infinity, -Infinity, -0, 0, 2 ** -24, -(2 ** -20), 65504, 1e5, -3.5];
      const x = Uint16Array.from(vals, narrow);
      const y = Array.from(api.relu(x, { dtype }), widen);
      expect(y).toEqual(vals.map((v) => widen(narrow(Math.max(v, 0)))).map((v, i) => (Number.isNaN(vals[i]) ? NaN : Object.is(vals[i], -0) ? 0 : v)));
      // softsign(x) = x / (1 + |x|) of the smallest float16 subnormal is that subnormal: not flushed.
      if (dtype === 'float16') expect(api.softsign(Uint16Array.of(1), { dtype })[0]).toBe(1);
    });

    it(`${dtype}: async forward and backward resolve to the same bits`, async () => {
      const x = halves(5000, narrow, 9);
      const dy = halves(5000, narrow, 10);
      expect(await api.silu.async(x, { dtype })).toEqual(api.silu(x, { dtype }));
      expect(await api.silu.backward.async(dy, x, { dtype })).toEqual(api.silu.backward(dy, x, { dtype }));
      const wide = await api.silu.backward.async(dy, x, { dtype, out: new Float32Array(5000) });
      expect(wide).toEqual(api.silu.backward(dy, x, { dtype, out: new Float32Array(5000) }));
      expect(await api.sigmoid.backward.async(dy, null, { dtype, y: x })).toEqual(api.sigmoid.backward(dy, null, { dtype, y: x }));
    });
  }
});

describe('16-bit storage, native and twin', () => {
  it('agree bit for bit on the exact ops over every float16 and bfloat16 input', () => {
    const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
    for (const { dtype } of FORMATS) {
      for (const name of ['relu', 'leakyRelu', 'relu6', 'hardTanh', 'hardSigmoid', 'hardSwish']) {
        const a = (ak as unknown as Record<string, Fn>)[name](all, { dtype });
        const b = (akjs as unknown as Record<string, Fn>)[name](all, { dtype });
        // NaN payloads are not part of the contract: compare NaNs as NaN. hardSwish(-0)
        // is -0 natively and +0 in the twin already in float32 (left to the twin's owner):
        // zeros are compared without their sign for it.
        const zero = name === 'hardSwish' ? 0x7fff : 0xffff;
        const canon = (h: Arr, w: (b: number) => number) => Array.from(h, (v) => (Number.isNaN(w(v)) ? -1 : w(v) === 0 ? v & zero : v));
        const w = dtype === 'float16' ? fromFloat16Bits : fromBfloat16Bits;
        expect(canon(a, w), `${name} ${dtype}`).toEqual(canon(b, w));
      }
    }
  });
});

describe('16-bit storage at the addon (native/napi: a misuse throws, never reads garbage)', () => {
  const b = loadBinding();
  it.runIf(!('error' in b))('takes a Uint16Array with its format, refuses one without', () => {
    const { binding } = b as { binding: Binding & CallsBinding };
    const h = new Uint16Array(4).fill(toFloat16Bits(-2));
    const y = new Uint16Array(4);
    const call = binding.unary as (...a: unknown[]) => boolean;
    for (const args of [[0, h, y, 0, 0], [0, h, y, 0, 0, 2], [0, h, y, 0, 0, -1], [0, h, new Float64Array(4), 0, 0, 0], [0, new Float32Array(4), y, 0, 0, 0], [0, h, new Uint16Array(3), 0, 0, 0]]) {
      expect(() => call(...args), JSON.stringify(args.map(String))).toThrow(TypeError);
    }
    expect(call(0, h, y, 0, 0, 0)).toBe(true);
    expect(Array.from(y)).toEqual([0, 0, 0, 0]);
    const f = new Float32Array(4);
    expect(call(0, h, f, 0, 0, 1)).toBe(true);
    const back = binding.unaryBackward as (...a: unknown[]) => boolean;
    expect(() => back(0, h, h, null, y, 0, 0)).toThrow(TypeError);
    expect(() => back(0, h, new Float32Array(4), null, y, 0, 0, 0)).toThrow(TypeError);
    expect(back(0, h, h, null, f, 0, 0, 0)).toBe(true);
  });
});

describe.each(instances)('16-bit storage, softmax, logSoftmax, softmin and hardmax ($label)', ({ api }) => {
  for (const { dtype, widen, narrow } of FORMATS) {
    it(`${dtype}: the float32 op on the widened rows, rounded once; Float32Array out; in place; backward from x and y; async`, async () => {
      const shape = [37, 129];
      const n = shape[0] * shape[1];
      const x = halves(n, narrow, 3);
      const dy = halves(n, narrow, 4);
      const xw = Float32Array.from(x, widen);
      const dyw = Float32Array.from(dy, widen);
      for (const name of ['softmax', 'logSoftmax', 'softmin', 'hardmax']) {
        for (const axis of [-1, 0]) {
          const o = { shape, axis };
          const y = api[name](x, { ...o, dtype }) as Uint16Array;
          const y32 = api[name](xw, o) as Float32Array;
          expect(api[name](x, { ...o, dtype, out: new Float32Array(n) })).toEqual(y32);
          expect(Array.from(y), `${name} axis ${axis}`).toEqual(Array.from(y32, narrow));
          const inPlace = x.slice();
          api[name](inPlace, { ...o, dtype, out: inPlace });
          expect(inPlace).toEqual(y);
          expect(await api[name].async(x, { ...o, dtype })).toEqual(y);
          const b = api[name].backward as unknown as (dy: unknown, x: unknown, o?: unknown) => Arr;
          const dx = b(dy, x, { ...o, dtype }) as Uint16Array;
          expect(Array.from(dx)).toEqual(Array.from(b(dyw, xw, o), narrow));
          if (!shapedOps[name as keyof typeof shapedOps].backwardOptions.includes('y')) continue;
          const fromY = b(dy, null, { ...o, dtype, y }) as Uint16Array;
          expect(Array.from(fromY)).toEqual(Array.from(b(dyw, null, { ...o, y: Float32Array.from(y, widen) }), narrow));
        }
      }
      expect(() => api.softmax(x, { shape })).toThrow(/options\.dtype but received undefined/);
      expect(() => api.softmax(x, { shape, dtype, out: new Float64Array(n) })).toThrow(TypeError);
      expect(() => api.softmax(new Float32Array(n), { shape, dtype })).toThrow(TypeError);
    });
  }
});

describe.each(instances)('16-bit storage, prelu and maxout ($label)', ({ api }) => {
  type Grad = { dx: Arr; dalpha: number | Arr };
  const a = api as unknown as {
    prelu: ((x: unknown, alpha: unknown, o?: unknown) => Arr) & {
      async: (x: unknown, alpha: unknown, o?: unknown) => Promise<Arr>;
      backward: ((dy: unknown, x: unknown, alpha: unknown, o?: unknown) => Grad) & { async: (dy: unknown, x: unknown, alpha: unknown, o?: unknown) => Promise<Grad> };
    };
    maxout: Fn;
  };
  for (const { dtype, widen, narrow } of FORMATS) {
    it(`${dtype}: prelu is the float32 op on the widened values (alpha of x's dtype, a number rounded to it), rounded once; dalpha rounded once from its float64 sums`, async () => {
      const shape = [4, 3, 50];
      const n = 600;
      const x = halves(n, narrow, 8);
      const dy = halves(n, narrow, 9);
      const alpha = halves(3, narrow, 10);
      const xw = Float32Array.from(x, widen), dyw = Float32Array.from(dy, widen), aw = Float32Array.from(alpha, widen);
      const o = { shape, channelAxis: 1, dtype };
      const y = a.prelu(x, alpha, o) as Uint16Array;
      expect(Array.from(y)).toEqual(Array.from(a.prelu(xw, aw, { shape, channelAxis: 1 }), narrow));
      expect(a.prelu(x, alpha, { ...o, out: new Float32Array(n) })).toEqual(a.prelu(xw, aw, { shape, channelAxis: 1 }));
      expect(await a.prelu.async(x, alpha, o)).toEqual(y);
      const r = widen(narrow(0.3));
      expect(Array.from(a.prelu(x, 0.3, { dtype }))).toEqual(Array.from(a.prelu(xw, r), narrow));
      const g = a.prelu.backward(dy, x, alpha, o);
      const g32 = a.prelu.backward(dyw, xw, aw, { shape, channelAxis: 1 });
      expect(Array.from(g.dx)).toEqual(Array.from(g32.dx, narrow));
      const sums = [0, 0, 0];
      for (let i = 0; i < n; i++) if (xw[i] < 0) sums[Math.floor(i / 50) % 3] += dyw[i] * xw[i];
      expect(g.dalpha).toBeInstanceOf(Uint16Array);
      expect(Array.from(g.dalpha as Uint16Array)).toEqual(sums.map(narrow));
      const gn = a.prelu.backward(dy, x, 0.3, { dtype });
      expect(gn.dalpha).toBe(a.prelu.backward(dyw, xw, r).dalpha);
      expect(await a.prelu.backward.async(dy, x, alpha, o)).toEqual(g);
      expect(() => a.prelu(x, new Float32Array(3), o)).toThrow(`(the type of x) for alpha`);
      expect(() => a.prelu(x, aw, o)).toThrow(TypeError);
      expect(() => a.prelu(x, dtype === 'float16' ? 1e5 : 1e39, { dtype })).toThrow(RangeError);
      expect(() => a.prelu(x, alpha, { shape, channelAxis: 1 })).toThrow(/options\.dtype but received undefined/);
    });

    it(`${dtype}: maxout and its backward route the 16-bit values exactly; Float32Array out`, async () => {
      const shape = [6, 8, 5];
      const x = halves(240, narrow, 11);
      const dy = halves(120, narrow, 12);
      const xw = Float32Array.from(x, widen), dyw = Float32Array.from(dy, widen);
      const o = { shape, axis: 1, pieces: 2 };
      const y = a.maxout(x, { ...o, dtype }) as Uint16Array;
      expect(y.length).toBe(120);
      expect(Array.from(y)).toEqual(Array.from(a.maxout(xw, o), narrow));
      expect(a.maxout(x, { ...o, dtype, out: new Float32Array(120) })).toEqual(a.maxout(xw, o));
      expect(await a.maxout.async(x, { ...o, dtype })).toEqual(y);
      const dx = a.maxout.backward(dy, x, { ...o, dtype }) as Uint16Array;
      expect(Array.from(dx)).toEqual(Array.from(a.maxout.backward(dyw, xw, o), narrow));
      expect(() => a.maxout(x, { ...o, dtype, out: new Uint16Array(240) })).toThrow(RangeError);
      expect(() => a.maxout.backward(dyw, x, { ...o, dtype })).toThrow(TypeError);
    });
  }
});

// Float16Array exists from Node 24 on (unflagged): this block runs there (the suite also
// runs under Node 24: `node node_modules/.bin/vitest run test/half-api.test.ts`).
const F16 = (globalThis as { Float16Array?: new (n: number | ArrayLike<number>) => Arr }).Float16Array;
describe.runIf(F16 !== undefined).each(instances)('Float16Array ($label; Node 24 and later)', ({ api }) => {
  it('is float16 with the dtype implied: the same bits as its Uint16Array view, a Float16Array out by default', async () => {
    const f = new F16!(Array.from({ length: 5000 }, (_, i) => Math.sin(i) * 8));
    const u = new Uint16Array(f.buffer);
    const bits = (a: Arr) => Array.from(new Uint16Array(a.buffer, a.byteOffset, a.length));
    for (const op of ['sigmoid', 'gelu', 'relu']) {
      const y = api[op](f);
      expect(Object.prototype.toString.call(y)).toBe('[object Float16Array]');
      expect(bits(y)).toEqual(bits(api[op](u, { dtype: 'float16' })));
      expect(api[op](f, { out: new Float32Array(5000) })).toEqual(api[op](u, { dtype: 'float16', out: new Float32Array(5000) }));
      expect(bits(api[op].backward(f, f))).toEqual(bits(api[op].backward(u, u, { dtype: 'float16' })));
    }
    expect(bits(api.softmax(f, { shape: [50, 100] }))).toEqual(bits(api.softmax(u, { shape: [50, 100], dtype: 'float16' })));
    expect(bits(await api.tanh.async(f))).toEqual(bits(api.tanh(u, { dtype: 'float16' })));
    expect(() => api.relu(f, { dtype: 'bfloat16' })).toThrow('Expected "float16" (x is a Float16Array) or no dtype for options.dtype');
    expect(() => api.relu(u, { dtype: 'bfloat16', out: new F16!(5000) })).toThrow(TypeError);
  });
});

describe.each(instances)('16-bit storage, compile() and stats() ($label)', ({ api }) => {
  const a = api as unknown as {
    compile: (e: string, o?: unknown) => Fn;
    stats: (x: unknown, o?: unknown) => { count: number; mean: number; variance: number; dead: number | null; channels?: { mean: number }[] };
  };
  for (const { dtype, widen, narrow } of FORMATS) {
    it(`${dtype}: a compiled activation is the float32 program rounded once, forward and backward, async too`, async () => {
      const act = a.compile('x * sigmoid(beta * x)', { params: { beta: 1.5 } });
      const x = halves(3000, narrow, 5);
      const dy = halves(3000, narrow, 6);
      const xw = Float32Array.from(x, widen);
      const dyw = Float32Array.from(dy, widen);
      expect(Array.from(act(x, { dtype }))).toEqual(Array.from(act(xw), narrow));
      expect(act(x, { dtype, out: new Float32Array(3000), beta: 2 })).toEqual(act(xw, { beta: 2 }));
      expect(Array.from(act.backward(dy, x, { dtype }))).toEqual(Array.from(act.backward(dyw, xw), narrow));
      expect(await act.async(x, { dtype })).toEqual(act(x, { dtype }));
      expect(() => act(x)).toThrow(/options\.dtype but received undefined/);
      expect(() => act.backward(new Float32Array(3000), x, { dtype })).toThrow(TypeError);
      expect(() => a.compile('x * dtype')).toThrow(/a parameter name other than out, signal and dtype/);
    });

    it(`${dtype}: stats() scans the values exactly`, () => {
      const x = halves(4 * 3 * 25, narrow, 7);
      const xw = Float32Array.from(x, widen);
      const o = { op: 'relu', shape: [4, 3, 25], channelAxis: 1 };
      expect(a.stats(x, { ...o, dtype })).toEqual(a.stats(xw, o));
      expect(() => a.stats(x)).toThrow(/options\.dtype but received undefined/);
    });
  }
});

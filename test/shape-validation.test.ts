/**
 * Argument checks of the shaped ops: every bad shape, axis, alpha, pieces,
 * length or overlap throws the right class, names the argument, and writes
 * nothing (the output is filled with a sentinel first and must keep it).
 */
import { describe, expect, it } from 'vitest';
import * as ak from '../lib/js';

type Arr = Float32Array | Float64Array;
const api = ak as unknown as {
  softmax: ak.Softmax; logSoftmax: ak.Softmax; prelu: ak.Prelu; maxout: ak.Maxout;
};

interface Case {
  what: string;
  call: (out: Arr) => unknown;
  error: typeof TypeError | typeof RangeError;
  names: RegExp;
  outLength?: number;
}

const x = new Float32Array(24); // [2, 3, 4]
const dy = new Float32Array(24);

const cases: Case[] = [
  // shape
  { what: 'product ≠ length', call: (out) => api.softmax(x, { shape: [2, 3, 5], out: out as Float32Array }), error: RangeError, names: /softmax: Expected a shape that multiplies to 24 \(the length of x\) for options\.shape.*product is 30/ },
  { what: 'non-integer dimension', call: (out) => api.softmax(x, { shape: [2, 1.5, 8], out: out as Float32Array }), error: RangeError, names: /options\.shape\[1\].*1\.5/ },
  { what: 'negative dimension', call: (out) => api.logSoftmax(x, { shape: [-2, -12], out: out as Float32Array }), error: RangeError, names: /logSoftmax: .*options\.shape\[0\]/ },
  { what: 'non-number dimension', call: (out) => api.softmax(x, { shape: [2, '12' as unknown as number], out: out as Float32Array }), error: TypeError, names: /options\.shape\[1\].*of type string/ },
  { what: 'shape not an array', call: (out) => api.softmax(x, { shape: 24 as unknown as number[], out: out as Float32Array }), error: TypeError, names: /Expected an array of non-negative integers for options\.shape/ },
  { what: 'product past 2^53', call: (out) => api.softmax(x, { shape: [2 ** 30, 2 ** 30, 2 ** 30, 0], out: out as Float32Array }), error: RangeError, names: /a shape whose product is at most 2\^53 - 1.* for options\.shape/ },
  { what: 'shape of dy in a backward', call: (out) => api.softmax.backward(dy, x, { shape: [5, 5], out: out as Float32Array }), error: RangeError, names: /softmax\.backward: .*the length of dy\) for options\.shape/ },
  // axis
  { what: 'axis too large', call: (out) => api.softmax(x, { shape: [2, 3, 4], axis: 3, out: out as Float32Array }), error: RangeError, names: /integer from -3 to 2 \(the shape has rank 3\) for options\.axis/ },
  { what: 'axis too small', call: (out) => api.softmax(x, { shape: [2, 3, 4], axis: -4, out: out as Float32Array }), error: RangeError, names: /options\.axis/ },
  { what: 'non-integer axis', call: (out) => api.logSoftmax(x, { shape: [2, 3, 4], axis: 0.5, out: out as Float32Array }), error: RangeError, names: /options\.axis/ },
  { what: 'string axis', call: (out) => api.softmax(x, { axis: '0' as unknown as number, out: out as Float32Array }), error: TypeError, names: /options\.axis/ },
  { what: 'channel axis out of range', call: (out) => api.prelu(x, 0.1, { shape: [2, 3, 4], channelAxis: 5, out: out as Float32Array }), error: RangeError, names: /options\.channelAxis/ },
  { what: 'maxout axis out of range', call: (out) => api.maxout(x, { shape: [2, 3, 4], axis: -5, pieces: 2, out: out as Float32Array }), error: RangeError, names: /options\.axis/, outLength: 12 },
  // alpha
  { what: 'alpha length ≠ channel count', call: (out) => api.prelu(x, new Float32Array(4), { shape: [2, 3, 4], out: out as Float32Array }), error: RangeError, names: /Expected length 3 .* for alpha/ },
  { what: 'alpha of another type', call: (out) => api.prelu(x, new Float64Array(3), { shape: [2, 3, 4], out: out as Float32Array }), error: TypeError, names: /for alpha but received a Float64Array/ },
  { what: 'alpha a plain array', call: (out) => api.prelu(x, [1, 2, 3] as unknown as Float32Array, { shape: [2, 3, 4], out: out as Float32Array }), error: TypeError, names: /for alpha but received an Array/ },
  { what: 'alpha NaN', call: (out) => api.prelu(x, NaN, { out: out as Float32Array }), error: RangeError, names: /finite number .* for alpha/ },
  { what: 'alpha overflowing float32', call: (out) => api.prelu(x, 1e39, { out: out as Float32Array }), error: RangeError, names: /Infinity in float32\) for alpha/ },
  { what: 'rank 1 has one channel', call: (out) => api.prelu(x, new Float32Array(24), { out: out as Float32Array }), error: RangeError, names: /Expected length 1 \(one channel: the shape has rank < 2/ },
  { what: 'alpha in a backward', call: (out) => api.prelu.backward(dy, x, new Float32Array(2), { shape: [2, 3, 4], channelAxis: -1, out: out as Float32Array }), error: RangeError, names: /prelu\.backward: Expected length 4 .* for alpha/ },
  // pieces
  { what: 'pieces not dividing the axis', call: (out) => api.maxout(x, { shape: [2, 3, 4], axis: 1, pieces: 2, out: out as Float32Array }), error: RangeError, names: /a divisor of the length 3 of axis 1 .*for options\.pieces/, outLength: 12 },
  { what: 'pieces 0', call: (out) => api.maxout(x, { pieces: 0, out: out as Float32Array }), error: RangeError, names: /positive integer for options\.pieces/, outLength: 12 },
  { what: 'pieces fractional', call: (out) => api.maxout(x, { pieces: 1.5, out: out as Float32Array }), error: RangeError, names: /options\.pieces/, outLength: 12 },
  { what: 'pieces missing', call: (out) => api.maxout(x, { out: out as Float32Array } as unknown as ak.MaxoutOptions<Float32Array>), error: TypeError, names: /options\.pieces but received undefined/, outLength: 12 },
  // lengths, types, overlaps
  { what: 'maxout out of the wrong length', call: (out) => api.maxout(x, { pieces: 2, out: out as Float32Array }), error: RangeError, names: /Expected length 12 .* for options\.out/, outLength: 24 },
  { what: 'maxout dy of the wrong length', call: (out) => api.maxout.backward(new Float32Array(8), x, { pieces: 2, out: out as Float32Array }), error: RangeError, names: /Expected length 12 .* for dy/ },
  { what: 'maxout x of another type', call: (out) => api.maxout.backward(new Float32Array(12), new Float64Array(24), { pieces: 2, out: out as Float32Array }), error: TypeError, names: /for x but received a Float64Array/ },
  { what: 'softmax backward without x or y', call: (out) => api.softmax.backward(dy, null, { out: out as Float32Array }), error: TypeError, names: /for x but received null/ },
  { what: 'softmax y of another length', call: (out) => api.softmax.backward(dy, x, { y: new Float32Array(3), out: out as Float32Array }), error: RangeError, names: /options\.y/ },
  { what: 'unknown option', call: (out) => api.softmax(x, { shape: [24], dim: 0, out: out as Float32Array } as object), error: TypeError, names: /Unknown option "dim"/ },
  { what: 'y on prelu', call: (out) => api.prelu(x, 0.1, { y: x, out: out as Float32Array } as object), error: TypeError, names: /Unknown option "y"/ },
];

describe('shaped-op validation', () => {
  for (const c of cases) {
    it(`${c.what}: ${c.error.name} naming the argument, nothing written`, () => {
      const out = new Float32Array(c.outLength ?? 24).fill(42);
      expect(() => c.call(out)).toThrow(c.error);
      expect(() => c.call(out)).toThrow(c.names);
      expect(out.every((v) => v === 42)).toBe(true);
    });
  }

  it('refuses partial overlaps of out with an input, and any overlap with alpha', () => {
    const buf = new Float32Array(64).fill(42);
    const xs = buf.subarray(0, 24);
    expect(() => api.softmax(xs, { out: buf.subarray(8, 32) })).toThrow(/overlaps it partially/);
    expect(() => api.prelu(buf.subarray(0, 3), buf.subarray(1, 2), { channelAxis: 0, shape: [3], out: buf.subarray(0, 3) })).toThrow(RangeError);
    expect(() => api.prelu(buf.subarray(0, 3), buf.subarray(2, 5), { channelAxis: 0, out: buf.subarray(4, 7) })).toThrow(/an array not overlapping alpha for options\.out/);
    expect(() => api.maxout(xs, { pieces: 2, out: buf.subarray(20, 32) })).toThrow(/overlaps it partially/);
    expect(() => api.maxout.backward(buf.subarray(30, 42), xs, { pieces: 2, out: buf.subarray(36, 60) })).toThrow(/dy itself or an array not overlapping it for options\.out/);
    expect(buf.subarray(24).every((v) => v === 42)).toBe(true);
    // The same view is fine: in place.
    const y = Float32Array.from([1, 2, 3, 4]);
    expect(api.softmax(y, { out: y })).toBe(y);
    expect(api.prelu(y, 0.5, { out: y })).toBe(y);
  });

  it('async calls validate before anything is queued', async () => {
    const out = new Float32Array(24).fill(42);
    await expect(api.softmax.async(x, { shape: [5], out })).rejects.toThrow(RangeError);
    await expect(api.maxout.backward.async(dy, x, { pieces: 2, out })).rejects.toThrow(/for dy/);
    await expect(api.prelu.backward.async(dy, x, new Float32Array(5), { shape: [2, 3, 4], out })).rejects.toThrow(/alpha/);
    expect(out.every((v) => v === 42)).toBe(true);
  });
});

/**
 * Regression tests of the defects the API fuzzer (scripts/fuzz.cjs) found,
 * through both instances (default and activation-kernels/js).
 */
import { describe, expect, it } from 'vitest';
import ak from '../lib/index';
import akjs from '../lib/js';

const instances = [
  ['default', ak],
  ['js', akjs],
] as const;

function detach(buf: ArrayBufferLike): void {
  structuredClone(buf, { transfer: [buf as ArrayBuffer] });
}

describe.each(instances)('%s: an option getter that detaches an accepted buffer', (_label, api) => {
  // The arrays are checked before the options are read; a getter then ran user code that
  // emptied a view: the call computed on it (the JS twin returned out untouched, an in-place
  // call returned an empty array) instead of refusing it.
  for (const n of [5, 70000]) {
    it(`unary forward, in place and out of place (n=${n})`, async () => {
      const x = new Float32Array(n).fill(-1);
      const out = new Float32Array(n).fill(7);
      expect(() => api.elu(x, { out, get alpha() { detach(x.buffer); return 1; } })).toThrow(/elu: .*live buffer for x/);
      expect(out.every((v) => v === 7)).toBe(true);
      const y = new Float64Array(n).fill(-1);
      expect(() => api.elu(y, { out: y, get alpha() { detach(y.buffer); return 1; } })).toThrow(TypeError);
      const z = new Float32Array(n).fill(-1);
      const o2 = new Float32Array(n).fill(7);
      await expect(api.elu.async(z, { out: o2, get signal() { detach(o2.buffer); return undefined; } })).rejects.toThrow(/elu\.async: .*options\.out/);
    });
    it(`unary backward (n=${n})`, async () => {
      const dy = new Float32Array(n).fill(1);
      const x = new Float32Array(n).fill(0.5);
      const getter = { get out() { detach(x.buffer); return undefined; } };
      expect(() => api.sigmoid.backward(dy, x, getter)).toThrow(/sigmoid\.backward: .*live buffer for x/);
      const x2 = new Float32Array(n).fill(0.5);
      await expect(api.sigmoid.backward.async(dy, x2, { get signal() { detach(x2.buffer); return undefined; } })).rejects.toThrow(TypeError);
      expect(dy.every((v) => v === 1)).toBe(true);
    });
    it(`shaped ops (n=${n})`, async () => {
      const x = new Float32Array(n).fill(-1);
      expect(() => api.softmax(x, { get axis() { detach(x.buffer); return -1; } })).toThrow(/softmax: .*live buffer for x/);
      const x2 = new Float64Array(n).fill(-1);
      expect(() => api.prelu(x2, 0.5, { get shape() { detach(x2.buffer); return undefined; } })).toThrow(/prelu: .*live buffer for x/);
      const x3 = new Float32Array(n).fill(-1);
      const out = new Float32Array(n).fill(3);
      const shape = [n];
      Object.defineProperty(shape, 0, { enumerable: true, get() { detach(out.buffer); return n; } });
      expect(() => api.logSoftmax(x3, { shape, out })).toThrow(/logSoftmax: .*options\.out/);
      expect(x3.every((v) => v === -1)).toBe(true);
      const x4 = new Float32Array(n).fill(-1);
      await expect(api.maxout.async(x4, { pieces: 1, get axis() { detach(x4.buffer); return 0; } })).rejects.toThrow(TypeError);
      const x5 = new Float32Array(n).fill(-1);
      const dy5 = new Float32Array(n).fill(1);
      await expect(api.softmax.backward.async(dy5, x5, { get signal() { detach(dy5.buffer); return undefined; } })).rejects.toThrow(/softmax\.backward\.async: .*dy/);
    });
  }
});

/**
 * Regression tests of the defects the API fuzzer (scripts/fuzz.cjs) found,
 * through both instances (default and activation-kernels/js).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import ak from '../lib/index';
import akjs from '../lib/js';
import { unaryOps } from '../lib/registry/ops';
import { ulpError } from './ulp.cjs';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const R = require('./reference-backward.cjs') as { dxRef: (dy: number, d: [number, number]) => number };

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

describe.each(instances)('%s: float64 mish/silu/swish backward where e^x is subnormal but dy·f\'(x) is not', (_label, api) => {
  // The fuzzer's counterexample (2026-12-04, seed chunk 20691204, run 9815: mish.backward
  // float64, n = 29572, case seed 12), element 22955: the native kernel and the twin were
  // each ~8 ULP off the exact value, on opposite sides (an intermediate e^x with 50 bits;
  // up to ~540 ULP elsewhere in the band). Exact values: test/fixtures/backward-tail-mpmath.json.
  const rows = (JSON.parse(readFileSync(join(__dirname, 'fixtures', 'backward-tail-mpmath.json'), 'utf8')) as {
    rows: [string, Record<string, number>, string, string, string][];
  }).rows;
  const X = -710.7353382110596, DY = -23254.25128173828;
  for (const op of ['mish', 'silu', 'swish'] as const) {
    it(`${op}'(${X}) times dy = ${DY}, sync and async, within the registry bound`, async () => {
      const row = rows.find((r) => r[0] === op && Number(r[2]) === X && (op !== 'swish' || r[1].beta === 1));
      expect(row, `fixture row for ${op}`).toBeDefined();
      const want = R.dxRef(DY, [Number(row![3]), Number(row![4])]);
      const x = Float64Array.of(X, X, X), dy = Float64Array.of(DY, DY, DY);
      const opts = op === 'swish' ? { beta: 1 } : {};
      const got = [...api[op].backward(dy, x, opts), ...(await api[op].backward.async(dy, x, opts))];
      for (const g of got) expect(ulpError(g, want, 'float64')).toBeLessThanOrEqual(unaryOps[op].backward.ulp64);
    });
  }
});

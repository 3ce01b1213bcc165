/**
 * Issue 16 item 7: an option getter that calls the API again must not change
 * the parameters this call has already checked (they were once kept in one
 * module-level scratch array that every call overwrote). Each case reads one
 * parameter from a getter that runs another op with different parameters
 * first; the result must equal the call with the same values given plainly,
 * forward and backward, sync and async, native and JS.
 */
import { describe, expect, it } from 'vitest';
import ak from '../lib/index';
import akjs from '../lib/js';
import type { FloatArray } from '../lib/types';

type Op = {
  (x: FloatArray, o?: object): FloatArray;
  async(x: FloatArray, o?: object): Promise<FloatArray>;
  backward: { (dy: FloatArray, x: FloatArray, o?: object): FloatArray; async(dy: FloatArray, x: FloatArray, o?: object): Promise<FloatArray> };
};

/** [op, the plain options, the key read through a getter, the meddling call the getter makes]. */
const cases = (api: typeof ak): [string, Record<string, number>, string, () => void][] => [
  ['softplus', { beta: 1, threshold: 20 }, 'threshold', () => api.leakyRelu(new Float64Array(1), { alpha: -3 })],
  ['hardTanh', { min: -1, max: 1 }, 'max', () => api.leakyRelu(new Float64Array(1), { alpha: -0.25 })],
  ['rbf', { gamma: 2, center: 0.5 }, 'center', () => api.elu(new Float32Array(1), { alpha: 7 })],
];

function meddling(plain: Record<string, number>, key: string, meddle: () => void): Record<string, number> {
  const o: Record<string, number> = {};
  for (const k of Object.keys(plain)) {
    if (k === key) Object.defineProperty(o, k, { enumerable: true, get: () => (meddle(), plain[k]) });
    else o[k] = plain[k];
  }
  return o;
}

const bits = (a: FloatArray): number[] => Array.from(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));

describe('re-entrant option getters', () => {
  for (const [label, api] of [['native', ak], ['js', akjs]] as const) {
    for (const [name, plain, key, meddle] of cases(api)) {
      it(`${label} ${name}: a getter calling the API leaves this call's parameters alone, sync, .async and .backward`, async () => {
        const op = (api as unknown as Record<string, Op>)[name];
        for (const Ctor of [Float32Array, Float64Array]) {
          const x = Ctor.from({ length: 67 }, (_, i) => (i - 33) / 4);
          const dy = Ctor.from({ length: 67 }, (_, i) => 1 + i / 67);
          const want = bits(op(x, plain));
          const wantDx = bits(op.backward(dy, x, plain));
          expect(bits(op(x, meddling(plain, key, meddle))), `${name} forward`).toEqual(want);
          expect(bits(await op.async(x, meddling(plain, key, meddle))), `${name}.async`).toEqual(want);
          expect(bits(op.backward(dy, x, meddling(plain, key, meddle))), `${name}.backward`).toEqual(wantDx);
          expect(bits(await op.backward.async(dy, x, meddling(plain, key, meddle))), `${name}.backward.async`).toEqual(wantDx);
        }
      });
    }
  }
});

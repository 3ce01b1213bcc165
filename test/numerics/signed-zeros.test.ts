/**
 * Signed zeros (issue 17, items 3 and 4), compared bitwise on the backend this
 * project runs: a zero result has the sign of the formula's IEEE value (gelu
 * underflowing from below is −0, selu(−0) = λα·expm1(−0) = −0, hardSwish(−0) =
 * −0·3/6 = −0), the native levels give the twin's zeros, and the exact ops are
 * exact at the subnormals too.
 */
import { describe, expect, it } from 'vitest';
import * as ak from '../../lib/index';
import { unaryOps, unaryNames, type UnaryOpDef } from '../../lib/registry/ops';
import { movedParamSets, type Params } from './helpers';

const api = ak as unknown as Record<string, (x: Float32Array | Float64Array, o?: object) => Float32Array | Float64Array>;
const DTYPES = [
  { dtype: 'float32', Ctor: Float32Array, round: Math.fround },
  { dtype: 'float64', Ctor: Float64Array, round: (v: number) => v },
] as const;
const U = 2 ** -149;
const show = (v: number): string => (Object.is(v, -0) ? '-0' : String(v));
const neg = (v: number): boolean => v < 0 || Object.is(v, -0);

/** Where a zero result's sign shows: zeros, subnormals, tiny and huge values, a log-spaced sweep, ±Inf. */
function probes(dtype: string, Ctor: Float32ArrayConstructor | Float64ArrayConstructor, round: (v: number) => number): Float32Array | Float64Array {
  const xs: number[] = [0, -0, U, -U, 3 * U, -3 * U, 1e-40, -1e-40, 1e-30, -1e-30, Infinity, -Infinity];
  for (let v = 1; v < 1e6; v *= 1.013) xs.push(v, -v);
  if (dtype === 'float64') xs.push(5e-324, -5e-324, 1e-310, -1e-310, 1e-300, -1e-300, 1e300, -1e300);
  return Ctor.from(xs.map(round));
}

describe('signed zeros', () => {
  it('pinned: selu(-0), celu(-0), gelu below its underflow, hardSwish(±0)', () => {
    const cases: [string, Params, number[], number, string[]][] = [
      ['selu', {}, [-0], -0, ['float32', 'float64']],
      ['celu', {}, [-0], -0, ['float32', 'float64']],
      ['celu', { alpha: 2.5 }, [-0], -0, ['float32', 'float64']],
      ['elu', {}, [-0], -0, ['float32', 'float64']],
      ['gelu', {}, [-U, -14.9, -20, -1e4, -3.4e38, -Infinity], -0, ['float32']],
      ['gelu', {}, [-38.8, -40, -1e10, -1e300, -Infinity], -0, ['float64']],
      ['hardSwish', {}, [-0], -0, ['float32', 'float64']],
      ['hardSwish', {}, [0], 0, ['float32', 'float64']],
    ];
    for (const [name, set, xs, want, dtypes] of cases) {
      for (const { dtype, Ctor } of DTYPES) {
        if (!dtypes.includes(dtype)) continue;
        const y = api[name](Ctor.from(xs), set);
        xs.forEach((x, i) => expect(show(y[i]), `${name}${JSON.stringify(set)}(${x}) ${dtype}`).toBe(show(want)));
      }
    }
  });

  it('hardSwish is exact at the float32 subnormals: x = ±3·2^-149 and ±2^-149', () => {
    // x(x + 3)/6 = ±1.5·2^-149 ∓ ... : (3|x| − x²)/6 below the midpoint for x < 0, (3x + x²)/6 above it for x > 0.
    const y = api.hardSwish(Float32Array.from([-3 * U, 3 * U, -U, U]));
    expect(Array.from(y).map(show)).toEqual([-U, 2 * U, -0, U].map(show));
  });

  it("pinned: gelu'(x) below its underflow is -0 (f' = Φ(x) + x·φ(x) < 0 there), so dx = dy·(-0)", () => {
    const bw = (api.gelu as unknown as { backward: (dy: Float32Array | Float64Array, x: Float32Array | Float64Array) => Float32Array | Float64Array }).backward;
    for (const { dtype, Ctor } of DTYPES) {
      const xs = dtype === 'float32' ? [-20, -1e4, -3.4e38, -Infinity] : [-40, -1e10, -1e300, -Infinity];
      for (const d of [1, -1]) {
        const dx = bw(Ctor.from(xs.map(() => d)), Ctor.from(xs));
        xs.forEach((x, i) => expect(show(dx[i]), `gelu.backward(${d}, ${x}) ${dtype}`).toBe(show(d > 0 ? -0 : 0)));
      }
    }
  });

  // Native backends: every zero with the twin's sign (the twin's own zeros are pinned above).
  const native = ak.info().backend === 'native';
  for (const name of native ? unaryNames : []) {
    const def: UnaryOpDef = unaryOps[name];
    for (const { dtype, Ctor, round } of DTYPES) {
      it(`${name} ${dtype}: where either side gives a zero, the twin's sign`, async () => {
        const twin = (await import('../../lib/js')) as unknown as typeof api;
        const x = probes(dtype, Ctor, round);
        for (const set of movedParamSets(def)) {
          const y = api[name](x, set), w = twin[name](x, set);
          const fails: string[] = [];
          for (let i = 0; i < x.length; i++) {
            // A zero against a nonzero (a subnormal flushed, SPEC allows it) must still have its sign.
            if ((y[i] === 0 || w[i] === 0) && neg(y[i]) !== neg(w[i])) fails.push(`${name}${JSON.stringify(set)}(${show(x[i])}) = ${show(y[i])}, twin ${show(w[i])}`);
          }
          expect(fails.slice(0, 6), fails.join('\n')).toEqual([]);
        }
      });
      it(`${name}.backward ${dtype}: where either side gives a zero, the twin's sign`, async () => {
        const twin = (await import('../../lib/js')) as unknown as typeof api;
        type Bw = (dy: Float32Array | Float64Array, x: Float32Array | Float64Array, o?: object) => Float32Array | Float64Array;
        const x = probes(dtype, Ctor, round);
        for (const d of [1, -1, 0, -0]) {
          const dy = new Ctor(x.length).fill(d);
          for (const set of movedParamSets(def)) {
            const g = (api[name] as unknown as { backward: Bw }).backward, h = (twin[name] as unknown as { backward: Bw }).backward;
            const y = g(dy, x, set), w = h(dy, x, set);
            const fails: string[] = [];
            for (let i = 0; i < x.length; i++) {
              if ((y[i] === 0 || w[i] === 0) && neg(y[i]) !== neg(w[i])) fails.push(`${name}.backward(${show(d)}, ${show(x[i])}) ${JSON.stringify(set)} = ${show(y[i])}, twin ${show(w[i])}`);
            }
            expect(fails.slice(0, 6), fails.join('\n')).toEqual([]);
          }
        }
      });
    }
  }
});

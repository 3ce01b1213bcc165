/**
 * 16-bit storage, exhaustively: all 65,536 float16 and all 65,536 bfloat16 inputs
 * of every unary op (default parameters), one call per op and format, through the
 * default API instance (each numerics project sets the backend and ISA level).
 *
 * Forward: against the float64 reference within the registry's halfAccuracy
 * (0.5 + 2^-10 ULP of the 16-bit type; float16 subnormals counted, not flushed);
 * the 16-bit output is the Float32Array output rounded once, and that output is
 * the float32 op on the widened inputs, bit for bit.
 * Backward (dy a fixed spread of 16-bit values against every x, and from y where
 * the op takes y): the same two identities, so dx is the float32 backward's value
 * rounded once (its own accuracy is backward.test.ts's).
 */
import { describe, expect, it } from 'vitest';
import ak from '../../lib/index';
import { halfAccuracy, unaryOps, unaryNames } from '../../lib/registry/ops';
import { fromBfloat16Bits, fromFloat16Bits, toBfloat16Bits, toFloat16Bits } from '../../lib/fallback/half';
import { ulpError } from '../ulp.cjs';
import { typedParams, type Params } from './helpers';

const R = require('../reference.cjs') as { ops: Record<string, (x: number, p: Params) => number>; lastLo(): number };

type Arr = Float32Array | Uint16Array;
type Fwd = (x: Arr, o?: Record<string, unknown>) => Arr;
type Bwd = (dy: Arr, x: Arr | null, o?: Record<string, unknown>) => Arr;
const api = ak as unknown as Record<string, Fwd & { backward: Bwd }>;

const FORMATS = [
  { dtype: 'float16', widen: fromFloat16Bits, narrow: toFloat16Bits },
  { dtype: 'bfloat16', widen: fromBfloat16Bits, narrow: toBfloat16Bits },
] as const;

const N = 65536;
const all = Uint16Array.from({ length: N }, (_, i) => i);

/** dy for the backward sweeps: magnitudes 2^-3 .. 2^4 with varied mantissas and both signs, rounded to the format. */
function spread(narrow: (v: number) => number): Uint16Array {
  const dy = new Uint16Array(N);
  let h = 0x2545f491;
  for (let i = 0; i < N; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    dy[i] = narrow((h & 1 ? -1 : 1) * (1 + (h >>> 8) / 2 ** 24) * 2 ** (((h >>> 1) % 8) - 3));
  }
  return dy;
}

function widenAll(h: Uint16Array, widen: (b: number) => number): Float32Array {
  return Float32Array.from(h, widen);
}

/** The first few i where got[i] is not want[i] (Object.is: NaN matches NaN, -0 does not match 0). */
function mismatches(got: ArrayLike<number>, want: ArrayLike<number>, what: (i: number) => string): string[] {
  const bad: string[] = [];
  for (let i = 0; i < want.length && bad.length < 5; i++) if (!Object.is(got[i], want[i])) bad.push(`${what(i)}: got ${got[i]}, want ${want[i]}`);
  return bad;
}

/** The 16-bit bits of a float32 array rounded once, NaN as one canonical pattern (payloads are not compared). */
function rounded(a: Float32Array, narrow: (v: number) => number): Float64Array {
  return Float64Array.from(a, (v) => (Number.isNaN(v) ? NaN : narrow(v)));
}
function bitsOrNaN(h: Uint16Array, widen: (b: number) => number): Float64Array {
  return Float64Array.from(h, (b) => (Number.isNaN(widen(b)) ? NaN : b));
}

const defaults = (name: string): Params => {
  const set: Params = {};
  for (const p of unaryOps[name as keyof typeof unaryOps].params) set[p.name] = p.default;
  return typedParams(set, 'float32');
};

describe(`16-bit storage, every input (${ak.info().backend} ${ak.info().isa})`, () => {
  for (const { dtype, widen, narrow } of FORMATS) {
    const xw = widenAll(all, widen);
    const dy = spread(narrow);
    const dyw = widenAll(dy, widen);
    const hex = (i: number) => `x = 0x${i.toString(16)} (${xw[i]})`;

    describe(dtype, () => {
      for (const name of unaryNames) {
        const set = defaults(name);
        const f = api[name];

        it(`${name} forward: within ${halfAccuracy.text} of the reference; the float32 op rounded once`, () => {
          const y = f(all, { ...set, dtype }) as Uint16Array;
          const wide = f(all, { ...set, dtype, out: new Float32Array(N) }) as Float32Array;
          expect(mismatches(wide, f(xw, set), hex)).toEqual([]);
          expect(mismatches(bitsOrNaN(y, widen), rounded(wide, narrow), hex)).toEqual([]);
          let worst = 0;
          let at = 0;
          const ref = R.ops[name];
          for (let i = 0; i < N; i++) {
            const r = ref(xw[i], set);
            const e = ulpError(widen(y[i]), r, dtype, R.lastLo());
            if (!(e <= worst)) {
              worst = e;
              at = i;
            }
          }
          expect(worst, `${name}(${xw[at]}) = ${widen(y[at])}, reference ${ref(xw[at], set)}`).toBeLessThanOrEqual(halfAccuracy.ulp);
        });

        it(`${name} backward: the float32 backward rounded once${unaryOps[name].backwardUsesY ? ', from x and from y' : ''}`, () => {
          const g = f.backward;
          const dx = g(dy, all, { ...set, dtype }) as Uint16Array;
          const wide = g(dy, all, { ...set, dtype, out: new Float32Array(N) }) as Float32Array;
          expect(mismatches(wide, g(dyw, xw, set), hex)).toEqual([]);
          expect(mismatches(bitsOrNaN(dx, widen), rounded(wide, narrow), hex)).toEqual([]);
          if (unaryOps[name].backwardUsesY) {
            const y = f(all, { ...set, dtype }) as Uint16Array;
            const fromY = g(dy, null, { ...set, dtype, y }) as Uint16Array;
            const want = g(dyw, null, { ...set, y: widenAll(y, widen) }) as Float32Array;
            expect(mismatches(bitsOrNaN(fromY, widen), rounded(want, narrow), hex)).toEqual([]);
          }
        });
      }
    });
  }
});

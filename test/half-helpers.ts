/** Shared by the 16-bit storage tests: the two formats and seeded 16-bit data. */
import { fromBfloat16Bits, fromFloat16Bits, toBfloat16Bits, toFloat16Bits } from '../lib/fallback/half';

export const FORMATS = [
  { dtype: 'float16', widen: fromFloat16Bits, narrow: toFloat16Bits },
  { dtype: 'bfloat16', widen: fromBfloat16Bits, narrow: toBfloat16Bits },
] as const;

/** n 16-bit values of `narrow`'s format, uniform in (-scale/2, scale/2) before rounding. */
export function halves(n: number, narrow: (v: number) => number, seed = 1, scale = 16): Uint16Array {
  const h = new Uint16Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = Math.imul(s ^ (s >>> 13), 0x5bd1e995) >>> 0;
    h[i] = narrow(((s / 2 ** 32) - 0.5) * scale);
  }
  return h;
}

/**
 * Error-free transformations in float64 (Dekker/Knuth), for the few places
 * where the pure-JS twin must be better than one float64 rounding: exact ops
 * whose formula has two roundings (hardSigmoid, hardSwish), and arguments of
 * exp/erfc whose rounding error is amplified by the function's slope.
 * JS has no fma, so products are split with Veltkamp's constant 2^27 + 1.
 */
const SPLIT = 134217729; // 2^27 + 1

/** Low part of a*b: a*b = fl(a*b) + twoProdErr(a, b, fl(a*b)) exactly (|a|,|b| < 2^996). */
export function twoProdErr(a: number, b: number, p: number): number {
  let c = SPLIT * a;
  const ah = c - (c - a);
  const al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b);
  const bl = b - bh;
  return ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** Low part of a+b: a+b = fl(a+b) + twoSumErr(a, b, fl(a+b)) exactly. */
export function twoSumErr(a: number, b: number, s: number): number {
  const bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

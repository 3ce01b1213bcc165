import { describe, expect, it } from 'vitest';
import { ulpError, ulpOf, EXACT_SLACK } from './ulp.cjs';

const FLT_MAX = 3.4028234663852886e38;
const FLT_MIN = 2 ** -126;
const DBL_MIN = 2 ** -1022;
/** The float32 right above v (v a positive float32). */
function next32(v: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer);
  u[0]++;
  return f[0];
}
function next64(v: number): number {
  const f = new Float64Array([v]);
  const u = new BigUint64Array(f.buffer);
  u[0]++;
  return f[0];
}

describe('ulpError (SPEC error measure)', () => {
  it('is 0 for equal values and counts neighbours as 1 ULP, in each type', () => {
    for (const v of [1, 1.5, 3.14159, 1e-30, 1e30, FLT_MIN, FLT_MAX / 2]) {
      const f = Math.fround(v);
      expect(ulpError(f, f, 'float32')).toBe(0);
      expect(ulpError(next32(f), f, 'float32')).toBe(1);
      expect(ulpError(-next32(f), -f, 'float32')).toBe(1);
      expect(ulpError(next64(v), v, 'float64')).toBe(1);
      expect(ulpError(v, next64(v), 'float64')).toBeLessThanOrEqual(1);
    }
  });

  it('measures in ULPs of the reference, not of y, across a binade edge', () => {
    // ref = 1: ulp32 is 2^-23 there; the float32 below 1 is 2^-24 away.
    expect(ulpError(1 - 2 ** -24, 1, 'float32')).toBe(0.5);
    // ref just below 1 (ulp 2^-24 there): y = 1 is 2^-40 away, 2^-16 of that ULP.
    expect(ulpError(1, 1 - 2 ** -40, 'float32')).toBe(2 ** -16);
    expect(ulpError(1 + 2 ** -52, 1, 'float64')).toBe(1);
    expect(ulpError(1.25, 1, 'float32')).toBe(2 ** 21);
  });

  it('weights a fraction of an ULP exactly (reference between two floats)', () => {
    const ref = 1 + 2 ** -25; // a quarter of ulp32(1) above 1
    expect(ulpError(1, ref, 'float32')).toBe(0.25);
    expect(ulpError(next32(1), ref, 'float32')).toBe(0.75);
  });

  it('adds the low part of a double-double reference', () => {
    expect(ulpError(1, 1, 'float64', 2 ** -54)).toBe(0.25);
    expect(ulpError(1 + 2 ** -52, 1, 'float64', 2 ** -54)).toBe(0.75);
    expect(ulpError(1 + 2 ** -52, 1, 'float64', -(2 ** -54))).toBe(1.25);
    // In float32 the low part is far below an ULP but still counted.
    expect(ulpError(1, 1, 'float32', 2 ** -40)).toBe(2 ** -17);
  });

  it('requires NaN for a NaN reference and nothing else', () => {
    expect(ulpError(NaN, NaN, 'float32')).toBe(0);
    expect(ulpError(0, NaN, 'float32')).toBe(Infinity);
    expect(ulpError(Infinity, NaN, 'float64')).toBe(Infinity);
    expect(ulpError(NaN, 0, 'float64')).toBe(Infinity);
    expect(ulpError(NaN, 1, 'float32')).toBe(Infinity);
  });

  it('requires the same infinity for an infinite reference', () => {
    expect(ulpError(Infinity, Infinity, 'float32')).toBe(0);
    expect(ulpError(-Infinity, -Infinity, 'float64')).toBe(0);
    expect(ulpError(-Infinity, Infinity, 'float32')).toBe(Infinity);
    expect(ulpError(FLT_MAX, Infinity, 'float32')).toBe(Infinity);
    expect(ulpError(Number.MAX_VALUE, Infinity, 'float64')).toBe(Infinity);
  });

  it('treats a float64 reference beyond the float32 range as Infinity in float32', () => {
    // selu(FLT_MAX) = 1.0507·FLT_MAX: the correctly rounded float32 is +Infinity.
    expect(ulpError(Infinity, 1.0507 * FLT_MAX, 'float32')).toBe(0);
    expect(ulpError(FLT_MAX, 1.0507 * FLT_MAX, 'float32')).toBeGreaterThan(1000);
    // Infinity counts as 2^128: one ULP beyond FLT_MAX, half an ULP beyond the rounding threshold.
    expect(ulpError(Infinity, FLT_MAX, 'float32')).toBe(1);
    expect(ulpError(Infinity, 2 ** 128 - 2 ** 103, 'float32')).toBe(0.5);
    expect(ulpError(Infinity, Number.MAX_VALUE, 'float64')).toBe(1);
    expect(ulpError(-Infinity, FLT_MAX, 'float32')).toBe(Infinity);
    expect(ulpError(Infinity, 1, 'float32')).toBeGreaterThan(1e30);
  });

  it('passes anything within the smallest normal when the reference is below it', () => {
    expect(ulpError(0, 1e-40, 'float32')).toBe(0);
    expect(ulpError(0, -1e-40, 'float32')).toBe(0);
    expect(ulpError(-0, 0, 'float32')).toBe(0);
    expect(ulpError(FLT_MIN, 1e-45, 'float32')).toBe(0);
    expect(ulpError(-FLT_MIN + 2 ** -149, 1e-45, 'float32')).toBe(0);
    expect(ulpError(0, 1e-310, 'float64')).toBe(0);
    expect(ulpError(DBL_MIN, 5e-324, 'float64')).toBe(0);
    // Farther than the smallest normal: reported in subnormal ULPs, so certainly failing.
    expect(ulpError(2 * FLT_MIN, 1e-40, 'float32')).toBeGreaterThan(2 ** 23);
    expect(ulpError(2 * DBL_MIN, 1e-310, 'float64')).toBeGreaterThan(2 ** 52);
    expect(ulpError(Infinity, 1e-40, 'float32')).toBe(Infinity);
    // A float64 value below FLT_MIN still lands here in float32, not in float64's normal range.
    expect(ulpError(0, 1e-39, 'float32')).toBe(0);
    expect(ulpError(0, 1e-39, 'float64')).toBeGreaterThan(2 ** 52);
  });

  it('is exact at the smallest normal itself (the normal rule applies)', () => {
    expect(ulpError(next32(FLT_MIN), FLT_MIN, 'float32')).toBe(1);
    expect(ulpError(FLT_MIN - 2 ** -149, FLT_MIN, 'float32')).toBe(1);
  });

  it('rejects an unknown dtype', () => {
    expect(() => ulpError(1, 1, 'float8' as 'float32')).toThrow(TypeError);
  });

  it('measures float16 and bfloat16: their spacing, float16 subnormals kept, overflow against 2^(emax+1)', () => {
    expect(ulpError(1 + 2 ** -10, 1, 'float16')).toBe(1);
    expect(ulpError(1 + 2 ** -7, 1, 'bfloat16')).toBe(1);
    expect(ulpOf(1, 'float16')).toBe(2 ** -10);
    // A flushed float16 subnormal is an error (the smallest subnormal is 2^-24) ...
    expect(ulpError(0, 2 ** -20, 'float16')).toBe(16);
    // ... a bfloat16 one, as float32's, is not.
    expect(ulpError(0, 2 ** -130, 'bfloat16')).toBe(0);
    // 65520 is the midpoint between 65504 and 2^16: a correctly rounded Inf scores 0.5.
    expect(ulpError(Infinity, 65520, 'float16')).toBe(0.5);
    expect(ulpError(Infinity, 2 ** 16, 'float16')).toBe(0);
    expect(ulpError(65504, 65520, 'float16')).toBe(0.5);
  });

  it('gives ulpOf per type', () => {
    expect(ulpOf(1, 'float32')).toBe(2 ** -23);
    expect(ulpOf(-1, 'float64')).toBe(2 ** -52);
    expect(ulpOf(1e-40, 'float32')).toBe(2 ** -149);
    expect(ulpOf(0, 'float64')).toBe(2 ** -1074);
    expect(ulpOf(Infinity, 'float32')).toBe(2 ** 104);
    expect(EXACT_SLACK).toBeGreaterThan(0);
    expect(EXACT_SLACK).toBeLessThan(1e-6);
  });
});

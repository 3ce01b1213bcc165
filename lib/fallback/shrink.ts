/**
 * Pure-JS forward kernels of issue 17's element-wise ops: logSigmoid, the shrink
 * family (hardShrink, softShrink, tanhShrink), threshold and thresholdedRelu. Same
 * contract as ./unary.ts: float64 arithmetic, one store per element, parameters
 * already in the array's type; NaN gives NaN (PyTorch's band tests `|x| <= λ` and
 * `x <= threshold` are false for NaN, so x itself passes).
 */
import type { FloatArray } from '../types';
import { TANH_SHRINK_P, TANH_SHRINK_Q } from './tanhshrink-coeffs';

/**
 * log σ(x) = −softplus(−x): x − log1p(e^x) for x < 0 (two negative terms), −log1p(e^−x)
 * for x ≥ 0 (log1p keeps e^−x's relative accuracy). Negative for every finite x, so
 * where it underflows (x > 745) the result is −0, and logSigmoid(+Inf) = −0.
 */
export function logSigmoid(x: FloatArray, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    y[i] = v < 0 ? v - Math.log1p(Math.exp(v)) : -Math.log1p(Math.exp(-v));
  }
}

/** |x| > λ ? x : 0 (the band gives +0, −0 included). */
export function hardShrink(x: FloatArray, y: FloatArray, lambda: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    y[i] = Math.abs(v) <= lambda ? 0 : v;
  }
}

/**
 * x > λ ? x − λ : x < −λ ? x + λ : 0. For float32 data x ∓ λ is exact in float64 or
 * so far from a float32 midpoint that rounding twice cannot matter: exact.
 */
export function softShrink(x: FloatArray, y: FloatArray, lambda: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    y[i] = v > lambda ? v - lambda : v < -lambda ? v + lambda : v !== v ? v : 0;
  }
}

/**
 * x > t ? x : value. Also thresholdedRelu (x > α ? x : 0): its one parameter is t, and
 * the missing second one arrives as 0.
 */
export function threshold(x: FloatArray, y: FloatArray, t: number, value: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    y[i] = v <= t ? value : v;
  }
}

/** x − tanh(x) for one value, without the cancellation near 0 (see tanhShrink). */
export function tanhShrinkOf(v: number): number {
  const a = Math.abs(v);
  if (a < 1) {
    const s = v * v;
    const q = TANH_SHRINK_Q;
    let p = q[q.length - 1];
    for (let k = q.length - 2; k >= 0; k--) p = p * s + q[k];
    return v * s * p;
  }
  if (a < 2) {
    const w = a - 1.5;
    const q = TANH_SHRINK_P;
    let p = q[q.length - 1];
    for (let k = q.length - 2; k >= 0; k--) p = p * w + q[k];
    return v < 0 ? -p : p;
  }
  return v - Math.tanh(v);
}

/**
 * x − tanh(x). Near 0 the difference cancels (x³/3 out of x): below |x| = 1 it is
 * x³·Q(x²) and on [1, 2) P(|x| − 1.5), minimax polynomials of the relative error
 * (native/math/gen/tanhshrink_coeffs.py, shared with the native kernel); from 2 on the
 * subtraction cancels less than a factor 2.
 */
export function tanhShrink(x: FloatArray, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) y[i] = tanhShrinkOf(x[i]);
}

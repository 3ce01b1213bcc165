/**
 * Pure-JS backward kernels of ./shrink.ts's ops, with the contract of
 * ./unary-backward.ts: dx = dy·f'(x) as one IEEE product (NaN in gives NaN, an
 * infinite dy at a zero slope gives NaN), rounded once to the array's type.
 */
import type { FloatArray } from '../types';
import { tanhShrinkOf } from './shrink';

/** logSigmoid' = σ(−x): e^−x/(1 + e^−x) for x > 0 (no overflow), 1/(1 + e^x) otherwise. */
export function logSigmoid(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    let d: number;
    if (v > 0) {
      const u = Math.exp(-v);
      d = u / (1 + u);
    } else {
      d = 1 / (1 + Math.exp(v));
    }
    dx[i] = dy[i] * d;
  }
}

/** hardShrink' = softShrink' = |x| > λ ? 1 : 0 (0 at ±λ, PyTorch's shrink backward kernels). */
export function shrink(dy: FloatArray, x: FloatArray, dx: FloatArray, lambda: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    dx[i] = dy[i] * (Math.abs(v) > lambda ? 1 : v === v ? 0 : NaN);
  }
}

/** threshold' = thresholdedRelu' = x > t ? 1 : 0 (0 at t, PyTorch's threshold_backward). */
export function threshold(dy: FloatArray, x: FloatArray, dx: FloatArray, t: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    dx[i] = dy[i] * (v > t ? 1 : v === v ? 0 : NaN);
  }
}

/**
 * tanhShrink' = tanh²(x). Below |x| = 1, tanh(x) = x − tanhShrink(x), which is
 * accurate where x − tanh(x) is much smaller than x; above, Math.tanh.
 */
export function tanhShrink(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    const t = Math.abs(v) < 1 ? v - tanhShrinkOf(v) : Math.tanh(v);
    dx[i] = dy[i] * (t * t);
  }
}

/**
 * Pure-JS backward kernels of the unary ops: dx[i] = dy[i] · f'(x[i]).
 *
 * Contract shared with the native kernels (see Backend.unaryBackward):
 *  - f' is evaluated in float64 and multiplied by dy once, and dx is stored
 *    once, so a Float32Array result is rounded a single time.
 *  - dx is the IEEE product dy·f'(x): NaN in x or dy gives NaN, and an
 *    infinite dy times a zero derivative is NaN (PyTorch's select-based
 *    kernels give 0 there; we keep the product so a blown-up gradient stays
 *    visible). f'(NaN) is NaN for every op, relu included.
 *  - At kinks the derivative is PyTorch's (documented per op in lib/registry/ops.ts).
 *  - Arrays may be the very same view (dx === dy in place, or dx === x); each
 *    element is read before it is written, so that is safe element by element.
 *
 * Where f' is a difference that cancels, the formula is rearranged so that it
 * does not (sigmoid' as e^-|x| / (1 + e^-|x|)², tanh' as 4σ'(2x), swish' as
 * s·(1 + t·σ(-t)) with σ(-t) computed directly, gelu' with erfc for x < 0,
 * mish' as one rational function of e^x). Arguments of exp whose rounding
 * error the exponential would amplify (x²/2 in gelu, βx in softplus/swish,
 * x/α in celu, the cubic of gelu's tanh form, γ(x − c)² in rbf) are carried as
 * double-doubles, so the float64 results keep a few-ULP error in the tails.
 * What remains is the cancellation at a zero of f' itself (gelu' near −0.75,
 * swish' near −1.28/β, mish' near −1.19), where only an absolute error of a
 * few float64 epsilons is possible.
 */
import type { FloatArray } from '../types';
import { erf, erfc, erfcx } from './erf';
import { twoProdErr, twoSumErr } from './dd';
import { SELU_LAMBDA, SELU_LAMBDA_ALPHA, isHardSigmoidDefault, isSeluDefault } from './unary';

/** dx = dy·f'(x), from x (parameters a, b as the forward kernels take them). */
export type UnaryBackwardKernel = (dy: FloatArray, x: FloatArray, dx: FloatArray, a: number, b: number) => void;
/** dx = dy·g(y), the same derivative written in terms of the forward output y = f(x). */
export type UnaryBackwardFromYKernel = (dy: FloatArray, y: FloatArray, dx: FloatArray, a: number, b: number) => void;

const SQRT1_2_HI = 0.7071067811865476;
const SQRT1_2_LO = -4.833646656726457e-17;
/** 1/√(2π), for φ(x), and its low part. */
const INV_SQRT_2PI = 0.3989422804014327;
const INV_SQRT_2PI_LO = -2.49232720227773e-17;
/** gelu 'none' backward below this x (x²/2 > 684.5, e^(−x²/2) < 2^-987) goes through tailSlope. */
const GELU_TAIL_X = -37;
/** 2√(2/π) and 0.044715 as double-doubles (the tanh form of gelu is x·σ(z), z = 2√(2/π)(x + 0.044715x³)). */
const K2_HI = 1.5957691216057308;
const K2_LO = -9.96930880911092e-17;
const GC_HI = 0.044715;
const GC_LO = 2.1960211427085595e-18;
/** Operands of twoProdErr must stay below 2^996; past this the low part is irrelevant anyway. */
const BIG = 1e290;

function prodErr(a: number, b: number, p: number): number {
  return Math.abs(a) < BIG && Math.abs(b) < BIG && Math.abs(p) < BIG ? twoProdErr(a, b, p) : 0;
}

/** 128·ln 2 as a double-double, and the t below which tailSlope takes over. */
const SHIFT_HI = 88.722839111673;
const SHIFT_LO = 2.9683799217232634e-15;
const TWO_M128 = 2 ** -128;
const TAIL_T = -600;

/**
 * e^t·m for t = th + tl < TAIL_T, as e^(t + 128 ln 2)·m·2^-128: the
 * exponential keeps its 53 bits where e^t itself would be subnormal
 * (t < −708.4) while the derivative, |m| times larger, is still normal. What
 * the derivatives are there, to a relative 2^-860: swish' (u(1 + u + t)/(1 + u)²,
 * u = e^t) and mish' (e·N/D², N = 4(1 + x) + O(e), D = 2 + O(e)) are
 * e^t(1 + t); gelu 'tanh' (s(1 + w·σ(−z))) is e^z(1 + w); elu' is α·e^x;
 * rbf' is −2γ(x − c)·e^(−γ(x − c)²). The direct forms lose up to ~1000 ULP
 * there. The scaling is exact wherever the result is normal; tl is applied to
 * first order; th below −1000 gives 0 (times m) without a NaN from −∞.
 */
function tailSlope(th: number, tl: number, m: number): number {
  if (!(th > -1000)) return 0 * m;
  const r = th + SHIFT_HI;
  const rl = twoSumErr(th, SHIFT_HI, r) + (SHIFT_LO + tl);
  const e = Math.exp(r);
  return (e + e * rl) * m * TWO_M128;
}

// ---------------------------------------------------------------- piecewise-linear ops

/** relu'(x) = x > 0 ? 1 : 0, so relu'(0) = 0 (PyTorch's threshold_backward). */
export function relu(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    dx[i] = dy[i] * (v > 0 ? 1 : v <= 0 ? 0 : NaN);
  }
}

/** leakyRelu'(x) = x > 0 ? 1 : α, so leakyRelu'(0) = α (PyTorch's leaky_relu_backward). */
export function leakyRelu(dy: FloatArray, x: FloatArray, dx: FloatArray, alpha: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    dx[i] = dy[i] * (v > 0 ? 1 : v <= 0 ? alpha : NaN);
  }
}

/** relu6 is hardtanh(0, 6) in PyTorch: f' = 1 on the open interval (0, 6), 0 at and beyond both kinks. */
export function relu6(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    dx[i] = dy[i] * (v > 0 && v < 6 ? 1 : v === v ? 0 : NaN);
  }
}

export function hardTanh(dy: FloatArray, x: FloatArray, dx: FloatArray, lo: number, hi: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    dx[i] = dy[i] * (v > lo && v < hi ? 1 : v === v ? 0 : NaN);
  }
}

/**
 * f' = α on the open interval where 0 < αx + β < 1, else 0 (PyTorch: 1/6 on
 * (−3, 3), 0 at ±3). αx + β is carried exactly (double-double), as in the
 * forward, so the interval ends are decided on the exact value.
 */
export function hardSigmoid(dy: FloatArray, x: FloatArray, dx: FloatArray, alpha: number, beta: number): void {
  if (isHardSigmoidDefault(alpha, beta, dx instanceof Float32Array)) {
    // The exact x/6 + 1/2: f' = 1/6 on (−3, 3), dx = dy/6 rounded once (for float32 data
    // the float64 quotient cannot sit on a float32 midpoint: its bits repeat with period 2).
    for (let i = 0, n = x.length; i < n; i++) {
      const v = x[i];
      dx[i] = v > -3 && v < 3 ? dy[i] / 6 : v === v ? dy[i] * 0 : NaN;
    }
    return;
  }
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    let d: number;
    if (v !== v) {
      d = NaN;
    } else {
      const p = alpha * v;
      if (Math.abs(p) < 1e300) {
        const s = p + beta;
        const e = twoSumErr(p, beta, s) + twoProdErr(alpha, v, p);
        const above0 = s > 0 || (s === 0 && e > 0);
        const below1 = s < 1 || (s === 1 && e < 0);
        d = above0 && below1 ? alpha : 0;
      } else {
        d = 0; // x = ±Inf (α·x may be NaN when α = 0): the clamp is flat there
      }
    }
    dx[i] = dy[i] * d;
  }
}

/**
 * f' = 0 for x < −3, (2x + 3)/6 for −3 ≤ x ≤ 3, 1 for x > 3 (PyTorch's scalar
 * hardswish_backward: f'(−3) = −0.5, f'(3) = 1.5). dy·(2x + 3)/6 is an "exact"
 * op: 2x + 3 and its product with dy are double-doubles, and the division by 6
 * is corrected by its exact remainder, so the result is rounded once.
 */
export function hardSwish(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    const g = dy[i];
    if (v > 3) {
      dx[i] = g;
    } else if (v >= -3) {
      const s = 2 * v + 3;
      const sl = twoSumErr(2 * v, 3, s);
      const p = g * s;
      if (!(Math.abs(p) < 1e300)) {
        dx[i] = p / 6; // NaN/Inf dy, or a product past the split's range: no low part to keep
        continue;
      }
      const pl = twoProdErr(g, s, p) + g * sl;
      const q = p / 6;
      const q6 = 6 * q;
      const rem = (p - q6) - twoProdErr(6, q, q6) + pl;
      dx[i] = q + rem / 6;
    } else if (v < -3) {
      dx[i] = g * 0;
    } else {
      dx[i] = NaN;
    }
  }
}

// ---------------------------------------------------------------- the ELU family

/** elu'(x) = x > 0 ? 1 : α·e^x (tailSlope below −600); PyTorch takes the exponential branch at 0, so elu'(0) = α. */
export function elu(dy: FloatArray, x: FloatArray, dx: FloatArray, alpha: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    dx[i] = dy[i] * (v > 0 ? 1 : v < TAIL_T ? tailSlope(v, 0, alpha) : alpha * Math.exp(v));
  }
}

/** From y: y > 0 ? 1 : y + α (PyTorch's is_result form; y ≤ 0 exactly when x ≤ 0). */
export function eluFromY(dy: FloatArray, y: FloatArray, dx: FloatArray, alpha: number): void {
  for (let i = 0, n = y.length; i < n; i++) {
    const w = y[i];
    dx[i] = dy[i] * (w > 0 ? 1 : w + alpha);
  }
}

/** selu'(x) = x > 0 ? γ : γα·e^x, selu'(0) = γα as for elu; the defaults are the real λ and λα. */
export function selu(dy: FloatArray, x: FloatArray, dx: FloatArray, alpha: number, gamma: number): void {
  const std = isSeluDefault(alpha, gamma, dx instanceof Float32Array);
  const g = std ? SELU_LAMBDA : gamma;
  const la = std ? SELU_LAMBDA_ALPHA : gamma * alpha;
  const lal = std ? 0 : twoProdErr(gamma, alpha, la);
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    let d: number;
    if (v > 0) {
      d = g;
    } else {
      const e = Math.exp(v);
      d = la * e + lal * e;
    }
    dx[i] = dy[i] * d;
  }
}

/**
 * From y: y > 0 ? γ : y + S, with S = −selu(−∞), the forward's saturation value in the
 * array's type (λα or γα rounded once): y + S is then exactly 0 where the forward
 * saturated (with the real λα it would be the constant's rounding, 2.3e-8 in float32),
 * and exact by Sterbenz wherever it cancels.
 */
export function seluFromY(dy: FloatArray, y: FloatArray, dx: FloatArray, alpha: number, gamma: number): void {
  const f32 = y instanceof Float32Array;
  const std = isSeluDefault(alpha, gamma, f32);
  const g = std ? SELU_LAMBDA : gamma;
  const la = std ? SELU_LAMBDA_ALPHA : gamma * alpha;
  const sat = f32 ? Math.fround(la) : la;
  for (let i = 0, n = y.length; i < n; i++) {
    const w = y[i];
    dx[i] = dy[i] * (w > 0 ? g : w + sat);
  }
}

/**
 * celu'(x) = x > 0 ? 1 : e^(x/α) (1 at 0 from both sides). x/α is carried as
 * q + r/α with its exact remainder r, because e^(x/α) turns the rounding of a
 * large quotient into as many ULPs.
 */
export function celu(dy: FloatArray, x: FloatArray, dx: FloatArray, alpha: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    let d: number;
    if (v > 0) {
      d = 1;
    } else {
      const q = v / alpha;
      const e = Math.exp(q);
      if (e > 0 && Math.abs(q) > 2 ** -20) {
        const p = q * alpha;
        d = e + e * (((v - p) - prodErr(q, alpha, p)) / alpha);
      } else {
        d = e;
      }
    }
    dx[i] = dy[i] * d;
  }
}

// ---------------------------------------------------------------- sigmoid, tanh

/** σ'(x) = e^-|x| / (1 + e^-|x|)², symmetric and free of cancellation; 1 + u is kept exact. */
export function sigmoid(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const u = Math.exp(-Math.abs(x[i]));
    const s = 1 + u;
    const sl = twoSumErr(1, u, s);
    dx[i] = dy[i] * ((u / (s * s)) * (1 - (2 * sl) / s));
  }
}

/** From y: y(1 − y) (PyTorch's sigmoid_backward). */
export function sigmoidFromY(dy: FloatArray, y: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = y.length; i < n; i++) {
    const w = y[i];
    dx[i] = dy[i] * (w * (1 - w));
  }
}

/** tanh'(x) = 1 − tanh²(x) = 4u / (1 + u)², u = e^-2|x|: no cancellation as tanh → ±1. */
export function tanh(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const u = Math.exp(-2 * Math.abs(x[i]));
    const s = 1 + u;
    const sl = twoSumErr(1, u, s);
    dx[i] = dy[i] * (((4 * u) / (s * s)) * (1 - (2 * sl) / s));
  }
}

/** From y: (1 − y)(1 + y) (PyTorch's tanh_backward, factored so 1 − y is exact near ±1). */
export function tanhFromY(dy: FloatArray, y: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = y.length; i < n; i++) {
    const w = y[i];
    dx[i] = dy[i] * ((1 - w) * (1 + w));
  }
}

// ---------------------------------------------------------------- softplus, swish

/**
 * e^-|t| for t = th + tl (a double-double), with the low part applied as a
 * first-order correction; the caller guarantees th is finite.
 */
function expNegAbs(th: number, tl: number): number {
  const u = Math.exp(-Math.abs(th));
  return th >= 0 ? u - u * tl : u + u * tl;
}

/**
 * softplus'(x) = βx > threshold ? 1 : σ(βx) (PyTorch's softplus_backward: the
 * branch is decided on the rounded βx, as in the forward).
 */
export function softplus(dy: FloatArray, x: FloatArray, dx: FloatArray, beta: number, threshold: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    const t = beta * v;
    let d: number;
    if (t > threshold) {
      d = 1;
    } else if (t === -Infinity) {
      d = 0;
    } else {
      const u = expNegAbs(t, prodErr(beta, v, t));
      d = t >= 0 ? 1 / (1 + u) : u / (1 + u);
    }
    dx[i] = dy[i] * d;
  }
}

/**
 * s·(1 + t·σ(−t)) for t = th + tl: the derivative of x·σ(βx) (with t = βx)
 * and of gelu's tanh form (with t = z, the weight w in place of the inner t).
 * With u = e^−|t|, s = σ(t) and σ(−t) are 1/(1 + u) and u/(1 + u) in some
 * order, so the whole is one quotient over (1 + u)², whose 1 + u is kept
 * exact:  t ≥ 0: (1 + u + w·u)/(1 + u)²,  t < 0: u·(1 + u + w)/(1 + u)².
 * Fewer roundings than forming s, σ(−t) and their product separately.
 */
function sigmoidSlope(th: number, tl: number, w: number): number {
  const u = expNegAbs(th, tl);
  const s = 1 + u;
  const sl = twoSumErr(1, u, s);
  const inv = (1 / (s * s)) * (1 - (2 * sl) / s);
  return th >= 0 ? ((s + w * u) + sl) * inv : (u * ((1 + w) + u)) * inv;
}

/**
 * d/dx x·σ(βx) = s·(1 + t·(1 − s)), s = σ(t), t = βx (see sigmoidSlope;
 * tailSlope below t = −600). β = 0 makes it 1/2 everywhere; at x = ±∞ it is
 * the limit 1 or 0.
 */
function swishLoop(dy: FloatArray, x: FloatArray, dx: FloatArray, beta: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    let t = beta * v;
    let d: number;
    if (v !== v) {
      d = NaN;
    } else {
      if (t !== t) t = 0; // β = 0 and x = ±Inf: the function is x/2
      if (t === Infinity) d = 1;
      else if (t === -Infinity) d = 0;
      else if (t < TAIL_T) {
        const tl = prodErr(beta, v, t);
        d = tailSlope(t, tl, (1 + t) + tl); // 1 + t is exact: t is below −600, a multiple of 1's ULP
      }
      else d = sigmoidSlope(t, prodErr(beta, v, t), t);
    }
    dx[i] = dy[i] * d;
  }
}

export function swish(dy: FloatArray, x: FloatArray, dx: FloatArray, beta: number): void {
  swishLoop(dy, x, dx, beta);
}

export function silu(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  swishLoop(dy, x, dx, 1);
}

// ---------------------------------------------------------------- gelu, mish

/**
 * gelu 'none': f' = Φ(x) + x·φ(x). For x < 0, Φ(x) = erfc(−x/√2)/2 (no 1 + erf
 * cancellation; the argument is a double-double as in the forward) and x·φ(x)
 * is negative: they cancel only near the zero of f' at x ≈ −0.7518.
 * φ(x) = e^(−x²/2)/√(2π) with x² carried exactly.
 * gelu 'tanh' (PyTorch's formula, rewritten): f = x·σ(z), z = 2√(2/π)(x + cx³),
 * f' = s·(1 + w·σ(−z)), s = σ(z), w = x·dz/dx = 2√(2/π)·x·(1 + 3cx²); z is a
 * double-double because e^−|z| turns its rounding into |z| ULPs.
 */
export function gelu(dy: FloatArray, x: FloatArray, dx: FloatArray, approximate: number): void {
  const n = x.length;
  if (approximate === 1) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      let d: number;
      if (v !== v) {
        d = NaN;
      } else if (Math.abs(v) > 1e30) {
        d = v > 0 ? 1 : 0; // σ(z) is 0 or 1 to all digits and w·σ(−z) vanishes
      } else {
        const x2 = v * v;
        const x2l = twoProdErr(v, v, x2);
        const x3 = x2 * v;
        const x3l = prodErr(x2, v, x3) + x2l * v;
        const c3 = GC_HI * x3;
        const c3l = prodErr(GC_HI, x3, c3) + (GC_LO * x3 + GC_HI * x3l);
        const s0 = v + c3;
        const s0l = twoSumErr(v, c3, s0) + c3l;
        const z = K2_HI * s0;
        const zl = prodErr(K2_HI, s0, z) + (K2_LO * s0 + K2_HI * s0l);
        const w = K2_HI * v * (1 + 3 * GC_HI * x2);
        d = z < TAIL_T ? tailSlope(z, zl, 1 + w) : sigmoidSlope(z, zl, w);
      }
      dx[i] = dy[i] * d;
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i];
    let d: number;
    if (!(Math.abs(v) < 1e150)) {
      // Φ is 0 or 1 and x·φ(x) underflows long before; NaN stays NaN. Below, f' = Φ(x) + x·φ(x)
      // is negative, so it underflows to −0, as it does from x = −38.5 on and as the native kernels give.
      d = v > 0 ? 1 : v < 0 ? -0 : NaN;
    } else if (v < GELU_TAIL_X) {
      // x²/2 > 684.5: Φ(x) = erfcx(t)·e^(−t²)/2 with t = −x/√2, t² = x²/2, so
      // f' = e^(−x²/2)·(erfcx(t)/2 + x/√(2π)), whose e^(−x²/2) is subnormal from
      // x = −37.6 while f' is normal down to −38.5: tailSlope scales it. erfcx(t)/2
      // is ~1/x² of the bracket, so t's rounding there does not matter.
      const x2 = v * v;
      const x2l = twoProdErr(v, v, x2);
      const p = v * INV_SQRT_2PI;
      const m = p + (twoProdErr(v, INV_SQRT_2PI, p) + v * INV_SQRT_2PI_LO + 0.5 * erfcx(-v * SQRT1_2_HI));
      d = tailSlope(-0.5 * x2, -0.5 * x2l, m);
    } else {
      const x2 = v * v;
      const x2l = twoProdErr(v, v, x2);
      const e = Math.exp(-0.5 * x2);
      const phi = (e - e * (0.5 * x2l)) * INV_SQRT_2PI;
      let cdf: number;
      if (v >= 0) {
        cdf = 0.5 + 0.5 * erf(v * SQRT1_2_HI);
      } else {
        const th = -v * SQRT1_2_HI;
        const tl = -v * SQRT1_2_LO + twoProdErr(-v, SQRT1_2_HI, th);
        const c = erfc(th);
        cdf = 0.5 * (c - c * 2 * th * tl);
      }
      d = cdf + v * phi;
    }
    dx[i] = dy[i] * d;
  }
}

/**
 * mish' = tanh(sp) + x·σ(x)·sech²(sp), sp = softplus(x). With e = e^x,
 * tanh(sp) = m/(m + 2), m = e(e + 2), and the whole derivative is e·N/D² with
 *   D = m + 2 = 2 + e(2 + e),
 *   N = (e + 2)·D + 4x(1 + e) = 4(1 + x) + e((6 + 4x) + e(4 + e)),
 * the second form free of the cancellation between (e + 2)D and 4x(1 + e)
 * that the first suffers for x < −1: N now cancels only near the zero of
 * mish' at x ≈ −1.1924. For x ≥ 0 the sum 1 − 2/D + 4x·e(1 + e)/D² (tanh(sp)
 * plus a positive term) has its rounding errors scaled down by the smaller
 * terms instead. Past x = 40 the derivative is 1 to within 2^-100; below
 * x = −600 it is e^x(1 + x) (tailSlope, which keeps e^x normal); below −800
 * it underflows to 0.
 */
export function mish(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    let d: number;
    if (v > 40) {
      d = 1;
    } else if (v < -800) {
      d = 0; // e^x·(1 + x) underflows (and 4(1 + x) may be -Inf)
    } else if (v < TAIL_T) {
      d = tailSlope(v, 0, 1 + v);
    } else {
      const e = Math.exp(v);
      const m = e * (2 + e);
      const D = 2 + m;
      // 1/D² with D = 2 + m kept exact: it matters where D is close to 2.
      const inv = (1 / (D * D)) * (1 - (2 * twoSumErr(2, m, D)) / D);
      if (v >= 0) {
        d = (1 - 2 / D) + 4 * v * e * (1 + e) * inv;
      } else {
        const N = 4 * (1 + v) + e * ((6 + 4 * v) + e * (4 + e));
        d = e * N * inv;
      }
    }
    dx[i] = dy[i] * d;
  }
}

// ---------------------------------------------------------------- softsign, rbf

/** softsign'(x) = 1/(1 + |x|)², with 1 + |x| kept exact and the divisions ordered so it underflows gracefully. */
export function softsign(dy: FloatArray, x: FloatArray, dx: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const a = Math.abs(x[i]);
    const s = 1 + a;
    const sl = twoSumErr(1, a, s);
    const r = 1 / s / s;
    dx[i] = dy[i] * (a < 1e300 ? r - r * ((2 * sl) / s) : r);
  }
}

/** rbf'(x) = −2γ(x − c)·e^(−γ(x − c)²), with x − c and γ(x − c)² carried as in the forward. */
export function rbf(dy: FloatArray, x: FloatArray, dx: FloatArray, gamma: number, center: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    const dd = v - center;
    let d: number;
    if (dd !== dd) {
      d = NaN;
    } else if (gamma === 0 || Math.abs(dd) === Infinity) {
      d = 0;
    } else if (dd === 0) {
      // −2γ·(x − c) itself: dd + dl would turn x − c = −0 into +0 (f' is odd about c).
      d = -2 * gamma * dd;
    } else if (Math.abs(dd) > 1e150) {
      const z = gamma * dd * dd;
      const e = Math.exp(-z);
      // e = 0: the limit ∓0 (−2γ(x − c) alone may overflow to ∓Inf, and Inf·0 is NaN).
      d = e === 0 ? (dd > 0 ? -0 : 0) : -2 * gamma * dd * e;
    } else {
      const dl = twoSumErr(v, -center, dd);
      const d2 = dd * dd;
      const d2l = twoProdErr(dd, dd, d2) + 2 * dd * dl;
      const z = gamma * d2;
      const zl = prodErr(gamma, d2, z) + gamma * d2l;
      if (-z < TAIL_T) {
        d = tailSlope(-z, -zl, -2 * gamma * (dd + dl));
      } else {
        const e = Math.exp(-z);
        d = -2 * gamma * (dd + dl) * (e - e * zl);
      }
    }
    dx[i] = dy[i] * d;
  }
}

'use strict';
/**
 * Tier 1 of the accuracy sweep (scripts/accuracy.cjs): a plain-float64
 * estimate r1 of each op, keyed by the registry's op names, written apart from
 * both the JS twin (lib/fallback/) and the double-double reference
 * (test/reference.cjs). Each takes x (a float32 value) and the op's parameters
 * by name, already converted to float32 as the API does, and returns r1, or
 * NaN where it has no estimate (the input then goes to the reference).
 *
 * Ops missing here (relu, relu6, hardTanh) go to the reference for every
 * input: their reference is plain float64 already, as fast as any estimate,
 * and their errors are all 0, so no estimate could settle an input below the
 * running maximum (see MARGIN).
 *
 * MARGIN bounds |r1 - exact| in float32 ULPs of the result for every input
 * whose r1 is finite and at least the smallest normal float32, and
 * |r1 - exact| <= 2^-149 · MARGIN where the result is below it. It is not
 * proved: `npm run accuracy -- --check-margin` measures it against the
 * reference on a strided sample and fails at MARGIN / 100 or above. Measured
 * with --stride 9973 (430,660 inputs per op and parameter set, gelu with both
 * approximate values) on 2026-12-04: the largest |r1 - r_dd| over all ops was
 * 4.74e-7 float32 ULPs (gelu at x = -11.396, where e^{-z²} carries the
 * rounding of z² ≈ 65; gelu tanh 3.15e-7; every other op below 6e-9), against
 * MARGIN / 100 = 9.77e-6, so MARGIN is about 2000 times the largest error
 * seen. Where r1's relative error is below 2^-39 (implied by that figure), the
 * ULP of the exact value is at least the ULP of |r1|·(1 - 2^-30), which is how
 * the sweep takes it, so a power of two between r1 and the exact value cannot
 * double the error unseen.
 */

/** Error allowance of r1, in float32 ULPs of the result (2^-10). */
const MARGIN = 2 ** -10;

const SELU_ALPHA = 1.6732632423543772848;
const SELU_LAMBDA = 1.0507009873554804934;
const SQRT_2_OVER_PI = 0.7978845608028654;
const SQRT1_2 = Math.SQRT1_2;
const TWO_OVER_SQRTPI = 1.1283791670955126;
const INV_SQRTPI = 0.5641895835477563;

/** 1 / (1 + e^-t), without overflow and without cancellation. */
function sigmoid(t) {
  if (t >= 0) return 1 / (1 + Math.exp(-t));
  const e = Math.exp(t);
  return e / (1 + e);
}

/** log(1 + e^t). */
function softplus(t) {
  return t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
}

/** erf(z) for 0 <= z < 2: (2/√π) z e^{-z²} Σ (2z²)^n / (1·3···(2n+1)), terms all positive. */
function erfSeries(z) {
  const z2 = z * z;
  const q = 2 * z2;
  let t = 1, s = 1;
  for (let n = 1; n < 200; n++) {
    t = (t * q) / (2 * n + 1);
    s += t;
    if (t < s * 1e-18) break;
  }
  return TWO_OVER_SQRTPI * z * Math.exp(-z2) * s;
}

/** erfc(z) for z >= 1.5: Laplace's continued fraction e^{-z²}/√π / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))). */
function erfcCF(z) {
  const depth = 8 + Math.ceil(600 / (z * z));
  let f = z;
  for (let k = depth; k >= 1; k--) f = z + (0.5 * k) / f;
  return (Math.exp(-z * z) / f) * INV_SQRTPI;
}

const fast = {
  leakyRelu: (x, p) => (x >= 0 ? x : p.alpha * x),
  elu: (x, p) => (x > 0 ? x : p.alpha * Math.expm1(x)),
  selu: (x, p) => {
    // Other α, γ than the defaults (float32: Math.fround of them) are used as given.
    const std = p.alpha === undefined || (p.alpha === Math.fround(SELU_ALPHA) && p.gamma === Math.fround(SELU_LAMBDA));
    const a = std ? SELU_ALPHA : p.alpha, g = std ? SELU_LAMBDA : p.gamma;
    return x > 0 ? g * x : g * a * Math.expm1(x);
  },
  celu: (x, p) => (x > 0 ? x : p.alpha * Math.expm1(x / p.alpha)),
  sigmoid: (x) => sigmoid(x),
  tanh: (x) => Math.tanh(x),
  softplus: (x, p) => {
    const t = p.beta * x;
    return t > p.threshold ? x : softplus(t) / p.beta;
  },
  swish: (x, p) => x * sigmoid(p.beta * x),
  silu: (x) => x * sigmoid(x),
  gelu: (x, p) => {
    if (p.approximate === 'tanh') {
      // 0.5x(1 + tanh u) = x·σ(2u), u = √(2/π)(x + 0.044715x³).
      const u = SQRT_2_OVER_PI * (x + 0.044715 * x * x * x);
      return x * sigmoid(2 * u);
    }
    const z = Math.abs(x) * SQRT1_2;
    if (x >= 0) return 0.5 * x * (z < 2 ? 1 + erfSeries(z) : 2 - erfcCF(z));
    // erfc(z) = 1 - erf(z) loses log2(1/erfc(z)) bits: the series only where that is under 5 (erfc(1.5) = 0.034).
    return 0.5 * x * (z < 1.5 ? 1 - erfSeries(z) : erfcCF(z));
  },
  mish: (x) => x * Math.tanh(softplus(x)),
  hardSigmoid: (x, p) => {
    // The defaults are the exact x/6 + 1/2 (PyTorch's relu6(x + 3)/6).
    const t = p.alpha === Math.fround(1 / 6) && p.beta === 0.5 ? (x + 3) / 6 : p.alpha * x + p.beta;
    return t > 1 ? 1 : t < 0 ? 0 : t;
  },
  hardSwish: (x) => (x >= 3 ? x : x <= -3 ? 0 : (x * (x + 3)) / 6),
  softsign: (x) => x / (1 + Math.abs(x)),
  rbf: (x, p) => {
    const d = x - p.center;
    return Math.exp(-p.gamma * d * d);
  },
  logSigmoid: (x) => (x < 0 ? x - Math.log1p(Math.exp(x)) : -Math.log1p(Math.exp(-x))),
  hardShrink: (x, p) => (Math.abs(x) <= p.lambda ? 0 : x),
  softShrink: (x, p) => (x > p.lambda ? x - p.lambda : x < -p.lambda ? x + p.lambda : x === x ? 0 : NaN),
  tanhShrink: (x) => {
    // x - tanh x cancels by 3/x²: its series below 0.05 (the next term is 2^-58 of the sum), the difference above (2^-42).
    if (Math.abs(x) >= 0.05) return x - Math.tanh(x);
    const s = x * x;
    return x * s * (1 / 3 + s * (-2 / 15 + s * (17 / 315 + s * (-62 / 2835 + s * (1382 / 155925 - s * (21844 / 6081075))))));
  },
  threshold: (x, p) => (x <= p.threshold ? p.value : x),
  thresholdedRelu: (x, p) => (x <= p.alpha ? 0 : x),
};

module.exports = { fast, MARGIN };

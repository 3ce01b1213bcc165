/**
 * Pure-JS forward kernels of the unary ops. Each one reads x[i] as a float64,
 * computes in float64 and stores once, so a Float32Array output is rounded a
 * single time (within 1 ULP of the exact value). Parameters arrive already
 * converted to the array's type (see lib/registry/ops.ts) as plain numbers `a`, `b`,
 * so the hot loops hold no closures and no property lookups.
 *
 * Where float64 itself would lose accuracy (an argument whose rounding error
 * is amplified by exp or erfc, or an "exact" op whose formula rounds twice),
 * the kernel carries the lost bits with the error-free transforms of ./dd.
 */
import type { FloatArray } from '../types';
import { erf, erfc, erfcx } from './erf';
import { twoProdErr, twoSumErr } from './dd';

export type UnaryKernel = (x: FloatArray, y: FloatArray, a: number, b: number) => void;

export const SELU_ALPHA = 1.6732632423543772848;
export const SELU_LAMBDA = 1.0507009873554804934;
/** λα correctly rounded (the product of the rounded factors is 1 ULP low): −selu(−∞) in float64. */
export const SELU_LAMBDA_ALPHA = 1.7580993408473768;

/**
 * selu's α and γ are the defaults (in the array's type, f32 for float32 data): then they
 * stand for the real constants, as before the parameters existed. Without the type
 * (f32 undefined) either rounding counts, for code that sees only the parameters.
 */
export function isSeluDefault(alpha: number, gamma: number, f32?: boolean): boolean {
  const d64 = alpha === SELU_ALPHA && gamma === SELU_LAMBDA;
  const d32 = alpha === Math.fround(SELU_ALPHA) && gamma === Math.fround(SELU_LAMBDA);
  return f32 === undefined ? d64 || d32 : f32 ? d32 : d64;
}

/** hardSigmoid's α and β are the defaults 1/6 and 1/2 (in the array's type, as isSeluDefault). */
export function isHardSigmoidDefault(alpha: number, beta: number, f32?: boolean): boolean {
  if (beta !== 0.5) return false;
  return f32 === undefined ? alpha === 1 / 6 || alpha === Math.fround(1 / 6) : alpha === (f32 ? Math.fround(1 / 6) : 1 / 6);
}
/** sqrt(1/2) as a double-double: the low part keeps gelu's erfc argument exact enough in the far tail. */
const SQRT1_2_HI = 0.7071067811865476;
const SQRT1_2_LO = -4.833646656726457e-17;
/** 2·sqrt(2/π) and 0.044715 as double-doubles (from mpmath): in gelu's tanh form the
 * exponent 2u reaches -745, where each ULP of its rounding costs 745 ULPs of the result. */
const GELU_K_HI = 1.5957691216057308;
const GELU_K_LO = -9.96930880911092e-17;
const GELU_C_HI = 0.044715;
const GELU_C_LO = 2.1960211427085595e-18;

/** 2^-1024, and 1024·ln2 as a double-double (1024·Math.LN2 is exact: a power-of-two multiple). */
const TWO_M1024 = 5.562684646268003e-309;
const LN2X1024_HI = 1024 * Math.LN2;
const LN2X1024_LO = 1024 * 2.3190468138462996e-17;

/**
 * m·e^(w + wl) where e^w is subnormal (w < -708) but the product need not be:
 * e^(w + 1024·ln2) is normal, and the final ·2^-1024 rounds once. The sum
 * w + 1024·ln2 is exact (Sterbenz) for w in [-1419, -355].
 */
function mulExpTail(m: number, w: number, wl: number): number {
  // Not exp(a + b): rounding that sum to float64 would cost up to 8 ULPs at |a| ≈ 20.
  const e = Math.exp(w + LN2X1024_HI);
  return m * (e + e * (LN2X1024_LO + wl)) * TWO_M1024;
}

export function relu(x: FloatArray, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    // v !== v keeps NaN; every other non-positive value (including -0) gives +0.
    y[i] = v > 0 ? v : v !== v ? v : 0;
  }
}

export function leakyRelu(x: FloatArray, y: FloatArray, alpha: number): void {
  if (alpha === 0) {
    // αx is -0 for every negative x, -Inf included (where 0·-Inf would be NaN).
    for (let i = 0, n = x.length; i < n; i++) {
      const v = x[i];
      y[i] = v >= 0 ? v : v !== v ? v : -0;
    }
    return;
  }
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    y[i] = v >= 0 ? v : v * alpha;
  }
}

export function relu6(x: FloatArray, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    y[i] = v > 0 ? (v < 6 ? v : 6) : v !== v ? v : 0;
  }
}

export function hardTanh(x: FloatArray, y: FloatArray, lo: number, hi: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    y[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

export function elu(x: FloatArray, y: FloatArray, alpha: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    y[i] = v > 0 ? v : alpha * Math.expm1(v);
  }
}

/**
 * γ·(x > 0 ? x : α·expm1(x)). Other α, γ than the defaults: γα as a double-double
 * (exact for float32 parameters).
 */
export function selu(x: FloatArray, y: FloatArray, alpha: number, gamma: number): void {
  if (isSeluDefault(alpha, gamma, y instanceof Float32Array)) {
    for (let i = 0, n = x.length; i < n; i++) {
      const v = x[i];
      y[i] = v > 0 ? SELU_LAMBDA * v : SELU_LAMBDA_ALPHA * Math.expm1(v);
    }
    return;
  }
  const ga = gamma * alpha;
  const gal = twoProdErr(gamma, alpha, ga);
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    if (v > 0) {
      y[i] = gamma * v;
    } else {
      const m = Math.expm1(v);
      y[i] = m * ga + m * gal;
    }
  }
}

export function celu(x: FloatArray, y: FloatArray, alpha: number): void {
  // For x > 0 the min(0, .) term is 0; for x <= 0 the max(0, .) term is.
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    y[i] = v > 0 ? v : alpha * Math.expm1(v / alpha);
  }
}

export function sigmoid(x: FloatArray, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    y[i] = 1 / (1 + Math.exp(-x[i]));
  }
}

export function tanh(x: FloatArray, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    y[i] = Math.tanh(x[i]);
  }
}

/**
 * log1p(e^t) = max(t, 0) + log1p(e^-|t|) never overflows, whatever the
 * threshold. t = βx is rounded; its error tl moves the result by tl·sigmoid(t),
 * which matters where e^t amplifies it (t very negative, β ≠ 1).
 */
export function softplus(x: FloatArray, y: FloatArray, beta: number, threshold: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    const t = beta * v;
    if (t > threshold) {
      y[i] = v;
      continue;
    }
    const e = Math.exp(-Math.abs(t));
    let sp = Math.max(t, 0) + Math.log1p(e);
    if (Math.abs(t) < 746 && Math.abs(v) < 1e299) sp += twoProdErr(beta, v, t) * (t > 0 ? 1 / (1 + e) : e / (1 + e));
    y[i] = sp / beta;
  }
}

/**
 * x·sigmoid(t) for t = βx + tl (tl: the rounding error of βx, exact).
 * For t < 0 it is x·e/(1 + e) with e = e^t, which neither overflows (e^-t
 * would, below -709.78) nor loses the sign; e^(t+tl) = e^t·(1 + tl).
 * The only NaN from non-NaN input is x = ±Inf with sigmoid(t) -> 0, where the
 * limit of x·sigmoid(t) is a signed zero.
 */
function xSigmoid(v: number, t: number, tl: number): number {
  let r: number;
  if (t >= 0) {
    const e = Math.exp(-t);
    r = v / (1 + (e - e * tl));
  } else if (t > -700) {
    const e0 = Math.exp(t);
    const e = e0 + e0 * tl;
    r = (v * e) / (1 + e);
  } else {
    r = t > -1400 ? mulExpTail(v, t, tl) : v * 0; // 1 + e^t is 1 here
  }
  return r === r || v !== v ? r : v > 0 ? 0 : -0;
}

export function swish(x: FloatArray, y: FloatArray, beta: number): void {
  if (beta === 0) {
    // sigmoid(0) = 1/2 everywhere, ±Inf included (where 0·Inf would be NaN).
    for (let i = 0, n = x.length; i < n; i++) y[i] = x[i] * 0.5;
    return;
  }
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    const t = beta * v;
    y[i] = xSigmoid(v, t, Math.abs(t) < 746 && Math.abs(v) < 1e299 ? twoProdErr(beta, v, t) : 0);
  }
}

export function silu(x: FloatArray, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    y[i] = xSigmoid(v, v, 0);
  }
}

/**
 * gelu, approximate 'none' (a = 0) or 'tanh' (a = 1).
 * Exact form: for x < 0, 0.5·x·erfc(-x/√2) avoids the cancellation of 1 + erf.
 * The argument t = -x/√2 is formed as th + tl (double-double) and erfc(th + tl)
 * ≈ erfc(th)·(1 - 2·th·tl): in the tail erfc'/erfc ≈ -2t, and elsewhere tl is
 * too small to matter.
 * Tanh form: 0.5·x·(1 + tanh(u)) = x·sigmoid(2u), again free of cancellation.
 */
export function gelu(x: FloatArray, y: FloatArray, approximate: number): void {
  const n = x.length;
  if (approximate === 1) {
    for (let i = 0; i < n; i++) {
      const v = x[i];
      if (!(Math.abs(v) < 1e100)) {
        // x³ would overflow: the result is x (x > 0) or -0, and NaN stays NaN.
        y[i] = v > 0 ? v : v !== v ? v : -0;
        continue;
      }
      // z = K·(x + C·x³), each step carried as a double-double.
      const x2 = v * v;
      const x2l = twoProdErr(v, v, x2);
      const x3 = v * x2;
      const x3l = twoProdErr(v, x2, x3) + v * x2l;
      const c3 = GELU_C_HI * x3;
      const c3l = twoProdErr(GELU_C_HI, x3, c3) + GELU_C_HI * x3l + GELU_C_LO * x3;
      const s = v + c3;
      const sl = twoSumErr(v, c3, s) + c3l;
      const z = GELU_K_HI * s;
      const zl = twoProdErr(GELU_K_HI, s, z) + GELU_K_HI * sl + GELU_K_LO * s;
      y[i] = xSigmoid(v, z, zl);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const v = x[i];
    if (v >= 0) {
      y[i] = 0.5 * v * (1 + erf(v * SQRT1_2_HI));
    } else if (v < 0) {
      const th = -v * SQRT1_2_HI;
      const tl = -v * SQRT1_2_LO + twoProdErr(-v, SQRT1_2_HI, th);
      if (th < 26) {
        const c = erfc(th);
        y[i] = 0.5 * v * (c - c * 2 * th * tl);
      } else if (th < 40) {
        // erfc(t) is subnormal here while 0.5·x·erfc(t) need not be: erfc(t) = erfcx(t)·e^(-t²)
        // with t² exact as t2 + t2l, and e^-t2 applied in two normal halves.
        const t2 = th * th;
        const t2l = twoProdErr(th, th, t2) + 2 * th * tl;
        y[i] = mulExpTail(0.5 * v * erfcx(th), -t2, -t2l);
      } else {
        y[i] = -0; // below every subnormal, -Inf included
      }
    } else {
      y[i] = v;
    }
  }
}

/**
 * x·tanh(softplus(x)) with e = e^x: tanh(log(1+e)) = n / (n + 2), n = e(e + 2).
 * No cancellation anywhere; past x = 20, tanh(softplus(x)) rounds to 1 in float64.
 */
export function mish(x: FloatArray, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    if (v > 20) {
      y[i] = v;
    } else if (v < -40) {
      // n/(n + 2) = e(1 + O(e)) with e < 5e-18, so the result is x·e^x; below
      // -700 e^x is subnormal while x·e^x need not be.
      y[i] = v > -700 ? v * Math.exp(v) : v > -1400 ? mulExpTail(v, v, 0) : v !== v ? v : -0;
    } else {
      const e = Math.exp(v);
      const m = e * (e + 2);
      let r = (v * m) / (m + 2);
      if (r !== r && v === v) r = -0;
      y[i] = r;
    }
  }
}

/**
 * x/6 + 1/2 = (x + 3)/6 clamped to [0, 1], correctly rounded (the default parameters):
 * x + 3 = s + sl (two-sum), q = s/6, and the remainder s − 6q + sl is exact enough that
 * q + rem/6 rounds once (see hardSwish for the same correction).
 */
function hardSigmoidExact(x: FloatArray, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    if (v >= 3) {
      y[i] = 1;
    } else if (v > -3) {
      const s = v + 3;
      const sl = twoSumErr(v, 3, s);
      const q = s / 6;
      const q6 = 6 * q;
      const rem = ((s - q6) - twoProdErr(6, q, q6)) + sl;
      y[i] = q + rem / 6;
    } else {
      y[i] = v === v ? 0 : v;
    }
  }
}

/**
 * max(0, min(1, αx + β)), with αx + β carried exactly (double-double) so the
 * clamp and the final rounding see the exact value: an "exact" op. With the default
 * α and β it is PyTorch's exact x/6 + 1/2 instead (hardSigmoidExact).
 */
export function hardSigmoid(x: FloatArray, y: FloatArray, alpha: number, beta: number): void {
  if (isHardSigmoidDefault(alpha, beta, y instanceof Float32Array)) {
    hardSigmoidExact(x, y);
    return;
  }
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    const p = alpha * v;
    let t: number;
    if (alpha === 0) {
      t = v === v ? beta : v; // constant β, ±Inf included (where 0·Inf would be NaN)
    } else if (Math.abs(p) < 1e300 && Math.abs(v) < 1e299) {
      const pl = twoProdErr(alpha, v, p);
      const s = p + beta;
      t = s + (twoSumErr(p, beta, s) + pl);
    } else {
      t = p + beta; // far outside [0, 1]: the clamp decides, or NaN/Inf propagate
    }
    y[i] = t > 0 ? (t < 1 ? t : 1) : t !== t ? t : 0;
  }
}

/**
 * x·min(max(x + 3, 0), 6) / 6 (PyTorch's form of x·hardSigmoid(x)), exact:
 * x + 3 and x·(x + 3) are carried as double-doubles and the division by 6 is
 * corrected by its exact remainder.
 */
/**
 * RN32(h + e) for a double-double h + e (|e| <= ulp(h)/2), where fround(h) alone would
 * round twice: h on a float32 midpoint (fround ties to even) with e != 0 says which side
 * the exact value is on. Off a midpoint, e cannot move h across one.
 */
function roundOnce32(h: number, e: number): number {
  const r = Math.fround(h);
  if (e === 0 || r === h) return r;
  const d = h - r; // exact: r is h's float32 neighbour
  const other = r + 2 * d; // the neighbour on h's other side, when h is their midpoint
  return Math.fround(other) === other && (e > 0) === (d > 0) ? other : r;
}

export function hardSwish(x: FloatArray, y: FloatArray): void {
  const f32 = y instanceof Float32Array;
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    if (v >= 3) {
      y[i] = v;
    } else if (v === 0) {
      y[i] = v; // ±0: x·3/6 keeps x's sign
    } else if (v > -3) {
      const s = v + 3;
      const sl = twoSumErr(v, 3, s);
      const p = v * s;
      const pl = twoProdErr(v, s, p) + v * sl;
      const q = p / 6;
      // Remainder of p + pl - 6q, exact: 6q = q6 + q6l.
      const q6 = 6 * q;
      const rem = (p - q6) - twoProdErr(6, q, q6) + pl;
      const lo = rem / 6;
      const h = q + lo;
      // float32: a subnormal result can sit on a float32 midpoint in float64 (x = -3·2^-149:
      // q = -1.5·2^-149, the exact value above it by x²/6).
      y[i] = f32 ? roundOnce32(h, lo - (h - q)) : h;
    } else if (v <= -3) {
      y[i] = -0; // x·0/6 with x < 0, as PyTorch computes it (and the limit at -Inf)
    } else {
      y[i] = v; // NaN
    }
  }
}

export function softsign(x: FloatArray, y: FloatArray): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    const a = Math.abs(v);
    // ±Inf/(1+Inf) is NaN; the limit is ±1.
    y[i] = a === Infinity ? (v > 0 ? 1 : -1) : v / (1 + a);
  }
}

/**
 * exp(-γ(x - c)²). For float64 the exponent z = γd² can be as large as 745,
 * where each unit of its rounding error costs 745 ULPs of the result, so z is
 * carried as zh + zl and e^-(zh+zl) = e^-zh·(1 - zl).
 */
export function rbf(x: FloatArray, y: FloatArray, gamma: number, center: number): void {
  for (let i = 0, n = x.length; i < n; i++) {
    const v = x[i];
    const d = v - center;
    const dl = twoSumErr(v, -center, d);
    const d2 = d * d;
    if (!(d2 < 1e300)) {
      // NaN stays NaN; for x = ±Inf the limit is 0, or 1 when γ = 0 (the formula is constant).
      y[i] = d2 !== d2 ? d2 : gamma === 0 ? 1 : 0;
      continue;
    }
    const d2l = twoProdErr(d, d, d2) + 2 * d * dl;
    const z = gamma * d2;
    const zl = twoProdErr(gamma, d2, z) + gamma * d2l;
    const e = Math.exp(-z);
    y[i] = e - e * zl;
  }
}

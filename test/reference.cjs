'use strict';
/**
 * The float64 reference of every unary op, for the numerics tests and the
 * accuracy sweep (scripts/accuracy.cjs).
 *
 * Written apart from the JS twin (lib/fallback/unary.ts) so that the two do not
 * share mistakes: it uses no Math.exp/expm1/log1p/tanh and no erf of the twin.
 * Everything is computed in double-double arithmetic (about 100 bits), with
 * other formulas where one exists (sigmoid from tanh, tanh from expm1, gelu's
 * erf/erfc from their series and continued fraction, softplus and mish from a
 * Newton log, softsign as one double-double division). Each op returns the
 * high part, the value rounded to float64, and leaves the low part in
 * lastLo(), so that exactness in float64 can be judged against the exact value
 * and not against a rounded one.
 *
 * Arguments whose float64 rounding would be amplified by exp or erfc (βx in
 * swish/softplus, x/α in celu, γ(x-c)² in rbf, x/√2 in gelu, the cubic of the
 * gelu tanh form) are carried in double-double too, and the constants of the
 * formulas are the real numbers of SPEC (√(2/π), 0.044715, the SELU α and λ
 * as printed there), each held as a double-double. So the float64 checks need
 * no excluded inputs; only the rounding of the formula's own discontinuity is
 * a convention (softplus, see there).
 *
 * Parameters are passed already converted to the array's type (a float32
 * call uses Math.fround(alpha)), as the API does. Accuracy: measured against
 * mpmath at 300 bits in test/reference.test.ts.
 */

// ---------------------------------------------------------------- double-double
// Primitives return the high part and leave the low part in SCR[0] (the op's
// low part goes to SCR[1], the reduction's k to SCR[2]), so the hot sweep
// allocates nothing: a double in a module-level `let` would be boxed, one
// allocation per store.
const SCR = new Float64Array(3);
const SPLIT = 134217729; // 2^27 + 1 (Veltkamp); operands must stay below 2^996

function twoSum(a, b) {
  const s = a + b;
  const bb = s - a;
  SCR[0] = (a - (s - bb)) + (b - bb);
  return s;
}

function twoProd(a, b) {
  const p = a * b;
  let c = SPLIT * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b), bl = b - bh;
  SCR[0] = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

function ddAdd(ah, al, bh, bl) {
  let s = twoSum(ah, bh);
  let e = SCR[0];
  const t = twoSum(al, bl);
  const te = SCR[0];
  e += t;
  let h = s + e;
  e = e - (h - s);
  e += te;
  s = h + e;
  SCR[0] = e - (s - h);
  return s;
}

function ddMul(ah, al, bh, bl) {
  const p = twoProd(ah, bh);
  const e = SCR[0] + (ah * bl + al * bh);
  const h = p + e;
  SCR[0] = e - (h - p);
  return h;
}

function ddDiv(ah, al, bh, bl) {
  const q1 = ah / bh;
  let ph = ddMul(q1, 0, bh, bl);
  let pl = SCR[0];
  let rh = ddAdd(ah, al, -ph, -pl);
  let rl = SCR[0];
  const q2 = rh / bh;
  ph = ddMul(q2, 0, bh, bl);
  pl = SCR[0];
  rh = ddAdd(rh, rl, -ph, -pl);
  rl = SCR[0];
  const q3 = rh / bh;
  const h = twoSum(q1, q2);
  return ddAdd(h, SCR[0], q3, 0);
}

// ---------------------------------------------------------------- constants
// Each a double-double of the real constant, from mpmath at 300 bits.
const LN2_H = 0.6931471805599453, LN2_L = 2.3190468138462996e-17;
const SQRT_2_OVER_PI_H = 0.7978845608028654, SQRT_2_OVER_PI_L = -4.98465440455546e-17;
const SQRT1_2_H = 0.7071067811865476, SQRT1_2_L = -4.833646656726457e-17;
const INV_SQRTPI_H = 0.5641895835477563, INV_SQRTPI_L = 7.66772980658294e-18;
const TWO_OVER_SQRTPI_H = 1.1283791670955126, TWO_OVER_SQRTPI_L = 1.533545961316588e-17;
/** The decimal 0.044715 of the gelu tanh form, exactly as written. */
const GELU_C_H = 0.044715, GELU_C_L = 2.1960211427085595e-18;
/** SELU's α and λ as SPEC prints them (20 significant digits). */
const SELU_ALPHA_H = 1.6732632423543772, SELU_ALPHA_L = 1.0655518248550361e-16;
const SELU_LAMBDA_H = 1.0507009873554805, SELU_LAMBDA_L = 3.9855512681859546e-17;

/** 2^k for integer k in [-1074, 1023], exactly. */
function pow2(k) {
  if (k > 1023) return Infinity;
  if (k >= -1022) return 2 ** k; // exact: ** on an integer exponent of 2 is exact in V8
  return 2 ** (k + 100) * 2 ** -100;
}

// ---------------------------------------------------------------- exp family
const EXPM1_TAYLOR_CUT = 2 ** -10;
/** Where e^x would be subnormal but the op's result is not, work 2^SCALE higher and scale back once at the end. */
const SCALE = 600;
const UNSCALE = 2 ** -SCALE;

/**
 * e^r - 1 for |r| <= 0.36, as a double-double with ~2^-75 relative error:
 * r is scaled by 2^-9 into the range where a degree-9 Taylor series is
 * complete, then (1+e)^2 - 1 = e(2 + e) undoes the scaling nine times,
 * which keeps the relative accuracy of a result near zero.
 */
function expm1Small(rh, rl) {
  let sh = rh, sl = rl, sq = 0;
  if (Math.abs(rh) > EXPM1_TAYLOR_CUT) {
    sh *= 2 ** -9;
    sl *= 2 ** -9;
    sq = 9;
  }
  // s + s^2 (1/2 + t) with t = s/6 + s^2/24 + ... (|t| < 2^-12: plain doubles are ample).
  const t = sh * (1 / 6 + sh * (1 / 24 + sh * (1 / 120 + sh * (1 / 720 + sh * (1 / 5040 + sh * (1 / 40320 + sh / 362880))))));
  const ch = twoSum(0.5, t);
  const cl = SCR[0];
  const s2h = ddMul(sh, sl, sh, sl);
  const s2l = SCR[0];
  const qh = ddMul(s2h, s2l, ch, cl);
  let eh = ddAdd(sh, sl, qh, SCR[0]);
  let el = SCR[0];
  for (let i = 0; i < sq; i++) {
    const ph = ddMul(eh, el, eh, el);
    eh = ddAdd(2 * eh, 2 * el, ph, SCR[0]);
    el = SCR[0];
  }
  SCR[0] = el;
  return eh;
}

/** k and the reduced r = x - k ln2 (double-double, |r| <= 0.35), for |x| < 1100. */
function reduce(xh, xl) {
  const k = Math.round(xh / LN2_H);
  SCR[2] = k;
  if (k === 0) {
    SCR[0] = xl;
    return xh;
  }
  const p = twoProd(k, LN2_H);
  const pe = SCR[0];
  // x - p is exact (Sterbenz: p is within a factor 2 of x here).
  return ddAdd(xh - p, xl, -pe, -k * LN2_L);
}

/**
 * e^x·2^s (s an integer, default 0), double-double. Beyond the float64 range
 * it returns Inf or 0, and a subnormal result loses precision: callers whose
 * final value is normal while e^x is not pass s = SCALE and scale back last.
 */
function expDD(xh, xl, s = 0) {
  if (xh !== xh) { SCR[0] = 0; return NaN; }
  const w = xh + s * LN2_H;
  if (w > 709.8) { SCR[0] = 0; return Infinity; }
  if (w < -745.2) { SCR[0] = 0; return 0; }
  const rh = reduce(xh, xl);
  const eh = expm1Small(rh, SCR[0]);
  const mh = ddAdd(1, 0, eh, SCR[0]);
  const ml = SCR[0];
  const k = SCR[2] + s;
  if (k > 1000 || k < -1000) {
    // Scale in two steps so that neither 2^k nor the product overflows early.
    const k1 = k > 0 ? 600 : -600;
    const a = pow2(k1), b = pow2(k - k1);
    SCR[0] = ml * a * b;
    return mh * a * b;
  }
  const f = pow2(k);
  SCR[0] = ml * f;
  return mh * f;
}

/** e^x - 1, double-double, relatively accurate near 0. */
function expm1DD(xh, xl) {
  if (xh !== xh) { SCR[0] = 0; return NaN; }
  if (Math.abs(xh) > 40) {
    const eh = expDD(xh, xl);
    if (eh === Infinity) { SCR[0] = 0; return Infinity; }
    return ddAdd(eh, SCR[0], -1, 0);
  }
  const rh = reduce(xh, xl);
  const k = SCR[2];
  const eh = expm1Small(rh, SCR[0]);
  if (k === 0) return eh;
  // 2^k (1 + e) - 1 = 2^k e + (2^k - 1); |k| <= 58 here, so every scaling is exact.
  const f = pow2(k);
  const sh = ddAdd(eh * f, SCR[0] * f, f, 0);
  return ddAdd(sh, SCR[0], -1, 0);
}

/** log(a) for a double-double a > 0: one Newton step on exp from Math.log's guess. */
function logDD(ah, al) {
  if (ah !== ah || ah < 0) { SCR[0] = 0; return NaN; }
  if (ah === 0) { SCR[0] = 0; return -Infinity; }
  if (ah === Infinity) { SCR[0] = 0; return Infinity; }
  let kh = 0;
  if (ah > 2 ** 500) { ah *= 2 ** -600; al *= 2 ** -600; kh = 600; }
  else if (ah < 2 ** -500) { ah *= 2 ** 600; al *= 2 ** 600; kh = -600; }
  const y0 = Math.log(ah);
  // y = y0 + (a e^-y0 - 1); the step's own error is O((y - y0)^2) ~ 2^-104.
  const eh = expDD(-y0, 0);
  const wh = ddMul(ah, al, eh, SCR[0]);
  const dh = ddAdd(wh, SCR[0], -1, 0);
  let yh = ddAdd(y0, 0, dh, SCR[0]);
  if (kh !== 0) {
    const yl = SCR[0];
    const ph = ddMul(kh, 0, LN2_H, LN2_L);
    yh = ddAdd(yh, yl, ph, SCR[0]);
  }
  return yh;
}

/** log(1 + x) for a double x > -1. */
function log1pDD(x) {
  if (Math.abs(x) < 2 ** -20) {
    // x - x^2/2 + x^3/3 - x^4/4: the next term is below 2^-100 relative.
    const x2h = twoProd(x, x);
    const x2l = SCR[0];
    const tail = x2h * (x / 3 - x2h / 4);
    return ddAdd(x, 0, -0.5 * x2h + tail, -0.5 * x2l);
  }
  const ah = twoSum(1, x);
  return logDD(ah, SCR[0]);
}

/** log(1 + e^t), double-double t, never overflowing. */
function softplusDD(th, tl) {
  if (th !== th) { SCR[0] = 0; return NaN; }
  if (th === Infinity) { SCR[0] = 0; return Infinity; }
  if (th === -Infinity) { SCR[0] = 0; return 0; }
  if (th > 40) {
    // t + log1p(e^-t) with e^-t < 2^-57: log1p(u) = u to 2^-57 relative of a term 2^-57 of t.
    const uh = expDD(-th, -tl);
    return ddAdd(th, tl, uh, SCR[0]);
  }
  const uh = expDD(th, tl);
  const ul = SCR[0];
  if (th < -20) {
    // log1p(u) = u - u²/2 + u³/3 - u⁴/4 for u < 2^-28 (next term < 2^-112 relative).
    // A double-double 1 + u would keep only ~2^-106 of u's bits, too few when u is tiny.
    return ddAdd(uh, ul, uh * uh * (-0.5 + uh * (1 / 3 - uh * 0.25)), 0);
  }
  const ah = ddAdd(1, 0, uh, ul);
  return logDD(ah, SCR[0]);
}

// ---------------------------------------------------------------- tanh, sigmoid

/** tanh(t) for a double-double t, as expm1(2t) / (expm1(2t) + 2). */
function tanhDD(th, tl) {
  if (th !== th) { SCR[0] = 0; return NaN; }
  const neg = th < 0;
  if (neg) { th = -th; tl = -tl; }
  let rh, rl;
  if (th < 2 ** -20) {
    // t - t^3/3 + 2t^5/15: the next term is below 2^-120 relative.
    const t2 = th * th;
    rh = ddAdd(th, tl, th * t2 * (-1 / 3 + t2 * (2 / 15)), 0);
    rl = SCR[0];
  } else if (th > 40) {
    // 1 - 2e^-2t (the next term 2e^-4t is below 2^-230).
    rh = ddAdd(1, 0, -2 * expDD(-2 * th, -2 * tl), -2 * SCR[0]);
    rl = SCR[0];
  } else {
    const eh = expm1DD(2 * th, 2 * tl);
    const el = SCR[0];
    const dh = ddAdd(eh, el, 2, 0);
    rh = ddDiv(eh, el, dh, SCR[0]);
    rl = SCR[0];
  }
  SCR[0] = neg ? -rl : rl;
  return neg ? -rh : rh;
}

/**
 * 1 / (1 + e^-t) for a double-double t: 0.5 + 0.5 tanh(t/2) where that sum
 * does not cancel much (t >= -2), else e^t / (1 + e^t).
 */
function sigmoidDD(th, tl) {
  if (th !== th) { SCR[0] = 0; return NaN; }
  if (th >= -2) {
    const h = tanhDD(0.5 * th, 0.5 * tl);
    return ddAdd(0.5, 0, 0.5 * h, 0.5 * SCR[0]);
  }
  const eh = expDD(th, tl);
  const el = SCR[0];
  if (eh === 0) { SCR[0] = 0; return 0; }
  const dh = ddAdd(1, 0, eh, el);
  return ddDiv(eh, el, dh, SCR[0]);
}

// ---------------------------------------------------------------- erf, erfc
/** Below this z, erf by its series (and erfc = 1 - erf); above, erfc by its continued fraction. */
const ERF_SERIES_MAX = 3;

/**
 * erf(z) for a double-double 0 <= z <= 3 from the series of positive terms
 * erf(z) = (2/√π) z e^{-z²} Σ (2z²)^n / (1·3·5···(2n+1)), which has no cancellation.
 */
function erfSeries(zh, zl) {
  const z2h = ddMul(zh, zl, zh, zl);
  const z2l = SCR[0];
  const qh = 2 * z2h, ql = 2 * z2l;
  let th = 1, tl = 0, sh = 1, sl = 0;
  for (let n = 1; n < 400; n++) {
    th = ddMul(th, tl, qh, ql);
    tl = SCR[0];
    th = ddDiv(th, tl, 2 * n + 1, 0);
    tl = SCR[0];
    sh = ddAdd(sh, sl, th, tl);
    sl = SCR[0];
    if (th < sh * 2 ** -110) break;
  }
  const eh = expDD(-z2h, -z2l);
  let rh = ddMul(sh, sl, eh, SCR[0]);
  rh = ddMul(rh, SCR[0], zh, zl);
  return ddMul(rh, SCR[0], TWO_OVER_SQRTPI_H, TWO_OVER_SQRTPI_L);
}

/**
 * erfc(z) for a double-double z >= 3 from Laplace's continued fraction
 * erfc(z) = e^{-z²}/√π / (z + (1/2)/(z + 1/(z + (3/2)/(z + ...)))), evaluated
 * backwards from a depth that reaches 2^-100 (checked against mpmath).
 */
function erfcCF(zh, zl, s = 0) {
  const depth = 8 + Math.ceil(1200 / (zh * zh));
  let fh = zh, fl = zl;
  for (let k = depth; k >= 1; k--) {
    const qh = ddDiv(0.5 * k, 0, fh, fl);
    fh = ddAdd(zh, zl, qh, SCR[0]);
    fl = SCR[0];
  }
  const z2h = ddMul(zh, zl, zh, zl);
  const eh = expDD(-z2h, -SCR[0], s);
  if (eh === 0) { SCR[0] = 0; return 0; }
  const el = SCR[0];
  const rh = ddDiv(eh, el, fh, fl);
  return ddMul(rh, SCR[0], INV_SQRTPI_H, INV_SQRTPI_L);
}

/** erfc(z) < 2^-1075 from z = 27.2260 on. */
const ERFC_UNDERFLOW = 27.3;

/** erfc(z) for a double-double z >= 0. */
function erfcPos(zh, zl) {
  if (zh >= ERFC_UNDERFLOW) { SCR[0] = 0; return 0; }
  if (zh >= ERF_SERIES_MAX) return erfcCF(zh, zl);
  const eh = erfSeries(zh, zl);
  return ddAdd(1, 0, -eh, -SCR[0]);
}

/** 1 + erf(z) for a double-double z >= 0. */
function onePlusErfPos(zh, zl) {
  if (zh >= ERFC_UNDERFLOW) { SCR[0] = 0; return 2; }
  if (zh >= ERF_SERIES_MAX) {
    const ch = erfcCF(zh, zl);
    return ddAdd(2, 0, -ch, -SCR[0]);
  }
  const eh = erfSeries(zh, zl);
  return ddAdd(1, 0, eh, SCR[0]);
}

// ---------------------------------------------------------------- helpers for the ops
/**
 * Below 2^-969 the error terms of twoProd fall into the subnormal range and
 * are no longer exact, so the low part is dropped there: such values are
 * judged on the high part alone (still within half a float64 ULP).
 */
const TINY = 2 ** -969;
/** Returns h and records l as the low part of the op's exact value. */
function ret(h, l) {
  SCR[1] = h === h && Math.abs(h) !== Infinity && Math.abs(h) >= TINY ? l : 0;
  return h;
}

/** Too large for twoProd's split; the low part is then irrelevant or absent. */
const BIG = 2 ** 995;

/** a·v as a double-double (exact unless it overflows or underflows). */
function mulDD(a, v) {
  const p = a * v;
  if (p !== p || Math.abs(p) === Infinity || p === 0) {
    SCR[0] = 0;
    return p;
  }
  if (Math.abs(a) >= BIG || Math.abs(v) >= BIG) {
    // Split on a scaled operand, then scale back (exact: powers of two).
    const big = Math.abs(a) >= BIG;
    const h = big ? twoProd(a * 2 ** -200, v) : twoProd(a, v * 2 ** -200);
    SCR[0] *= 2 ** 200;
    return h * 2 ** 200;
  }
  if (Math.abs(p) < 2 ** -900) {
    // The error term would underflow: form it 2^200 higher, where it is exact.
    const big = Math.abs(a) >= Math.abs(v);
    twoProd(big ? v * 2 ** 200 : v, big ? a : a * 2 ** 200);
    SCR[0] *= 2 ** -200;
    return p;
  }
  return twoProd(a, v);
}

/** x·s(x) where s is a double-double already in (h, l). */
function timesX(x, h, l) {
  if (Math.abs(x) === Infinity || Math.abs(x) > BIG) return ret(x * h, 0);
  const r = ddMul(x, 0, h, l);
  return ret(r, SCR[0]);
}

/**
 * x·sigmoid(t) with t = βx (double-double). For t < -700, e^t would underflow
 * while x·e^t may still be a normal number, so the product is formed as
 * ±e^(t + log|x|).
 */
function xSigmoid(x, th, tl) {
  if (th === -Infinity) return ret(x < 0 ? -0 : 0, 0);
  if (th < -700) {
    const ax = Math.abs(x);
    const lh = logDD(ax, 0);
    const sh = ddAdd(th, tl, lh, SCR[0]);
    // x e^t / (1 + e^t) with e^t < 2^-1000: the denominator is 1.
    const eh = expDD(sh, SCR[0]);
    return ret(x < 0 ? -eh : eh, x < 0 ? -SCR[0] : SCR[0]);
  }
  const sh = sigmoidDD(th, tl);
  return timesX(x, sh, SCR[0]);
}

/** α·expm1(t) for the non-positive branch of elu/selu/celu, α a double-double. */
function scaledExpm1(ah, al, th, tl) {
  if (th === -Infinity) return ret(-ah, -al);
  const eh = expm1DD(th, tl);
  const r = ddMul(ah, al, eh, SCR[0]);
  return ret(r, SCR[0]);
}

// ---------------------------------------------------------------- the ops
/**
 * The reference of each op, keyed by the registry's op names (the test suite
 * checks that both key sets agree). Each takes x and the op's parameters by
 * name, already converted to the array's type, and returns the float64
 * rounding of the exact value; lastLo() gives the remainder.
 */
const ops = {
  relu(x) {
    return ret(x > 0 ? x : x !== x ? x : 0, 0);
  },

  leakyRelu(x, p) {
    if (x !== x) return ret(x, 0);
    if (x >= 0) return ret(x, 0);
    // α = 0 makes the formula 0 for every x < 0, so its limit at -∞ is 0 too.
    if (p.alpha === 0) return ret(0, 0);
    const h = mulDD(p.alpha, x);
    return ret(h, SCR[0]);
  },

  relu6(x) {
    return ret(x !== x ? x : x < 0 ? 0 : x > 6 ? 6 : x, 0);
  },

  hardTanh(x, p) {
    return ret(x !== x ? x : x < p.min ? p.min : x > p.max ? p.max : x, 0);
  },

  elu(x, p) {
    if (x !== x) return ret(x, 0);
    if (x > 0) return ret(x, 0);
    return scaledExpm1(p.alpha, 0, x, 0);
  },

  /**
   * With the default α and γ (either type's rounding of them, as the API passes them)
   * the real constants of SPEC; other values are exact numbers of the array's type.
   * (A float64 call whose α is exactly Math.fround of the default would count as the
   * default here; no test uses one.)
   */
  selu(x, p = {}) {
    if (x !== x) return ret(x, 0);
    if (!isDefault(p.alpha, SELU_ALPHA_H) || !isDefault(p.gamma, SELU_LAMBDA_H)) {
      if (x > 0) {
        const h = mulDD(p.gamma, x);
        return ret(h, SCR[0]);
      }
      const gh = mulDD(p.gamma, p.alpha);
      return scaledExpm1(gh, SCR[0], x, 0);
    }
    if (x > 0) {
      const ph = mulDD(x, SELU_LAMBDA_H);
      if (ph === Infinity) return ret(ph, 0);
      const h = ddAdd(ph, SCR[0], x * SELU_LAMBDA_L, 0);
      return ret(h, SCR[0]);
    }
    const lah = ddMul(SELU_LAMBDA_H, SELU_LAMBDA_L, SELU_ALPHA_H, SELU_ALPHA_L);
    return scaledExpm1(lah, SCR[0], x, 0);
  },

  celu(x, p) {
    if (x !== x) return ret(x, 0);
    if (x > 0) return ret(x, 0);
    const a = p.alpha;
    const qh = x / a;
    let ql = 0;
    if (Math.abs(qh) < BIG && Math.abs(a) < BIG && qh !== 0 && Math.abs(qh) !== Infinity) {
      // x/α = qh + (x - qh·α)/α, the remainder exact from twoProd (x - p is exact: p ≈ x).
      const ph = twoProd(qh, a);
      ql = ((x - ph) - SCR[0]) / a;
    }
    return scaledExpm1(a, 0, qh, ql);
  },

  sigmoid(x) {
    const h = sigmoidDD(x, 0);
    return ret(h, SCR[0]);
  },

  tanh(x) {
    const h = tanhDD(x, 0);
    return ret(h, SCR[0]);
  },

  /**
   * The branch βx > threshold is decided on βx rounded to float64 (exact for
   * float32 data): at the threshold the formula jumps, and no float64
   * implementation can decide it on the exact product.
   */
  softplus(x, p) {
    if (x !== x) return ret(x, 0);
    const th = mulDD(p.beta, x);
    const tl = SCR[0];
    if (th > p.threshold) return ret(x, 0);
    if (th < -700) {
      // log1p(e^t)/β = e^t/β here (next term 2^-1000 relative); e^t may be subnormal while e^t/β is not.
      const uh = expDD(th, tl, SCALE);
      const h = ddDiv(uh, SCR[0], p.beta, 0);
      return ret(h * UNSCALE, SCR[0] * UNSCALE);
    }
    const sh = softplusDD(th, tl);
    const h = ddDiv(sh, SCR[0], p.beta, 0);
    return ret(h, SCR[0]);
  },

  swish(x, p) {
    if (x !== x) return ret(x, 0);
    if (p.beta === 0) return ret(x * 0.5, 0);
    if (Math.abs(x) === Infinity) {
      // x·sigmoid(βx) -> x where βx -> +∞, and -> 0 (sign of x) where βx -> -∞.
      return ret(p.beta * x > 0 ? x : x > 0 ? 0 : -0, 0);
    }
    const th = mulDD(p.beta, x);
    return xSigmoid(x, th, SCR[0]);
  },

  silu(x) {
    if (x !== x) return ret(x, 0);
    if (Math.abs(x) === Infinity) return ret(x > 0 ? x : -0, 0);
    return xSigmoid(x, x, 0);
  },

  gelu(x, p) {
    if (x !== x) return ret(x, 0);
    if (p.approximate === 'tanh') {
      if (x > 1e30) return ret(x, 0);
      if (x < -1e30) return ret(-0, 0);
      // u = √(2/π)(x + 0.044715 x³) in double-double: in the tail e^{2u} turns each unit of u's rounding into |2u| ULPs.
      const x2h = twoProd(x, x);
      const x3h = ddMul(x2h, SCR[0], x, 0);
      const cx3h = ddMul(GELU_C_H, GELU_C_L, x3h, SCR[0]);
      const vh = ddAdd(x, 0, cx3h, SCR[0]);
      const uh = ddMul(SQRT_2_OVER_PI_H, SQRT_2_OVER_PI_L, vh, SCR[0]);
      const ul = SCR[0];
      if (uh >= -1) {
        // 0.5x(1 + tanh u), the sum free of cancellation here.
        const th = tanhDD(uh, ul);
        const sh = ddAdd(1, 0, th, SCR[0]);
        return timesX(x, 0.5 * sh, 0.5 * SCR[0]);
      }
      if (uh < -300) {
        // x·e^{2u}/(1 + e^{2u}) with e^{2u} < 2^-865: the denominator is 1, and e^{2u} may be subnormal while the result is not.
        const eh = expDD(2 * uh, 2 * ul, SCALE);
        const r = ddMul(x, 0, eh, SCR[0]);
        return ret(r * UNSCALE, SCR[0] * UNSCALE);
      }
      // 1 + tanh u = 2e^{2u}/(1 + e^{2u}) where tanh u is near -1.
      const eh = expDD(2 * uh, 2 * ul);
      const el = SCR[0];
      const dh = ddAdd(1, 0, eh, el);
      const qh = ddDiv(eh, el, dh, SCR[0]);
      return timesX(x, qh, SCR[0]);
    }
    if (Math.abs(x) === Infinity) return ret(x > 0 ? x : -0, 0);
    // z = |x|/√2 in double-double: erfc's slope turns z's rounding into 2z² relative error.
    const ax = Math.abs(x);
    const zh = ax > BIG ? ax * SQRT1_2_H : ddMul(ax, 0, SQRT1_2_H, SQRT1_2_L);
    const zl = ax > BIG ? 0 : SCR[0];
    // 0.5x(1 + erf(x/√2)) = 0.5x(1 + erf z) for x >= 0, 0.5x·erfc(z) for x < 0.
    if (x < 0 && zh > 20 && zh < ERFC_UNDERFLOW + 1) {
      // erfc(z) is subnormal from z ≈ 26.5 while 0.5x·erfc(z) is not yet: compute 2^SCALE higher.
      const ch = erfcCF(zh, zl, SCALE);
      const r = ddMul(x, 0, 0.5 * ch, 0.5 * SCR[0]);
      return ret(r * UNSCALE, SCR[0] * UNSCALE);
    }
    const fh = x >= 0 ? onePlusErfPos(zh, zl) : erfcPos(zh, zl);
    return timesX(x, 0.5 * fh, 0.5 * SCR[0]);
  },

  mish(x) {
    if (x !== x) return ret(x, 0);
    if (x === Infinity) return ret(x, 0);
    if (x === -Infinity) return ret(-0, 0);
    // Below -700, tanh(softplus(x)) = e^x to 2^-1000 relative, and e^x alone would be subnormal.
    if (x < -700) return xSigmoid(x, x, 0);
    const sh = softplusDD(x, 0);
    const th = tanhDD(sh, SCR[0]);
    return timesX(x, th, SCR[0]);
  },

  /** With the defaults PyTorch's relu6(x + 3)/6, i.e. the exact x/6 + 1/2; else ONNX's αx + β. */
  hardSigmoid(x, p) {
    if (x !== x) return ret(x, 0);
    if (isDefault(p.alpha, 1 / 6) && p.beta === 0.5) {
      if (x >= 3) return ret(1, 0);
      if (x <= -3) return ret(0, 0);
      const sh = twoSum(x, 3);
      const h = ddDiv(sh, SCR[0], 6, 0);
      return ret(h, SCR[0]);
    }
    const a = p.alpha, b = p.beta;
    if (a === 0 || Math.abs(x) === Infinity) {
      // α = 0: the formula is the constant clamp(β); x = ±∞: the clamp of ±∞·sign(α).
      const t = a === 0 ? b : a * x;
      return ret(t > 1 ? 1 : t < 0 ? 0 : t, 0);
    }
    const ph = mulDD(a, x);
    if (Math.abs(ph) === Infinity) return ret(ph > 0 ? 1 : 0, 0);
    const sh = ddAdd(ph, SCR[0], b, 0);
    const sl = SCR[0];
    if (sh > 1 || (sh === 1 && sl >= 0)) return ret(1, 0);
    if (sh < 0 || (sh === 0 && sl <= 0)) return ret(0, 0);
    return ret(sh, sl);
  },

  hardSwish(x) {
    if (x !== x) return ret(x, 0);
    if (x >= 3) return ret(x, 0);
    if (x <= -3) return ret(0, 0);
    // (x² + 3x)/6, with x² and 3x exact.
    const x2h = twoProd(x, x);
    const x2l = SCR[0];
    const t3h = twoProd(3, x);
    const nh = ddAdd(x2h, x2l, t3h, SCR[0]);
    const h = ddDiv(nh, SCR[0], 6, 0);
    return ret(h, SCR[0]);
  },

  softsign(x) {
    if (x !== x) return ret(x, 0);
    const ax = Math.abs(x);
    if (ax === Infinity) return ret(x > 0 ? 1 : -1, 0);
    if (ax > BIG) return ret(x > 0 ? 1 : -1, x > 0 ? -1 / ax : 1 / ax);
    const dh = twoSum(1, ax);
    const h = ddDiv(x, 0, dh, SCR[0]);
    return ret(h, SCR[0]);
  },

  rbf(x, p) {
    if (x !== x) return ret(x, 0);
    const g = p.gamma;
    // γ = 0 makes the formula the constant 1, at ±∞ too.
    if (g === 0) return ret(1, 0);
    const dh = twoSum(x, -p.center);
    const dl = SCR[0];
    if (Math.abs(dh) === Infinity) return ret(0, 0);
    if (Math.abs(dh) > 2 ** 497) {
      // d² is beyond twoProd's range (or overflows); γd² still may not be (a tiny γ), and then the low parts no longer matter.
      const z = (g * dh) * dh;
      return ret(z === Infinity ? 0 : expDD(-z, 0), 0);
    }
    const d2h = ddMul(dh, dl, dh, dl);
    const zh = ddMul(g, 0, d2h, SCR[0]);
    const h = expDD(-zh, -SCR[0]);
    return ret(h, SCR[0]);
  },
};

Object.assign(ops, {
  /** log σ(x) = −softplus(−x). */
  logSigmoid(x) {
    const h = softplusDD(-x, 0);
    return ret(-h, -SCR[0]);
  },

  hardShrink(x, p) {
    return ret(Math.abs(x) <= p.lambda ? 0 : x, 0);
  },

  softShrink(x, p) {
    if (x !== x) return ret(x, 0);
    if (Math.abs(x) <= p.lambda) return ret(0, 0);
    const h = twoSum(x, x > 0 ? -p.lambda : p.lambda);
    return ret(h, Math.abs(h) === Infinity ? 0 : SCR[0]);
  },

  /**
   * x − tanh(x): below 2^-8 its series (to x^13: the next term is 2^-86 of the sum), the
   * leading x³/3 in double-double; above, the double-double tanh subtracted (cancelling
   * at most 3·2^16, of ~2^-104).
   */
  tanhShrink(x) {
    if (x !== x || Math.abs(x) === Infinity) return ret(x, 0);
    const ax = Math.abs(x);
    if (ax < 2 ** -8) {
      const x2 = x * x;
      const x3h = ddMul(twoProd(x, x), SCR[0], x, 0);
      const lead = ddDiv(x3h, SCR[0], 3, 0);
      const leadL = SCR[0];
      const rest = x3h * x2 * (-2 / 15 + x2 * (17 / 315 + x2 * (-62 / 2835 + x2 * (1382 / 155925 - x2 * (21844 / 6081075)))));
      const h = ddAdd(lead, leadL, rest, 0);
      return ret(h, SCR[0]);
    }
    if (ax > 40) return ret(x > 0 ? x - 1 : x + 1, 0); // tanh = ±1 to 2^-115; only the largest |x| round (then the low part is irrelevant)
    const th = tanhDD(x, 0);
    const h = ddAdd(x, 0, -th, -SCR[0]);
    return ret(h, SCR[0]);
  },

  threshold(x, p) {
    return ret(x <= p.threshold ? p.value : x, 0);
  },

  thresholdedRelu(x, p) {
    return ret(x <= p.alpha ? 0 : x, 0);
  },
});

/** v is the default c in float64 or float32 (undefined: not given, the default). */
function isDefault(v, c) {
  return v === undefined || v === c || v === Math.fround(c);
}

/** The low part of the last op's exact value (0 where the value is exact or not finite). */
function lastLo() {
  return SCR[1];
}

/** Math helpers, exported for their own tests against mpmath. */
const math = {
  exp(x) { const h = expDD(x, 0); return [h, SCR[0]]; },
  expm1(x) { const h = expm1DD(x, 0); return [h, SCR[0]]; },
  log1p(x) { const h = log1pDD(x); return [h, SCR[0]]; },
  tanh(x) { const h = tanhDD(x, 0); return [h, SCR[0]]; },
  erfc(z) {
    // erfc(-z) = 1 + erf(z).
    const h = z >= 0 ? erfcPos(z, 0) : onePlusErfPos(-z, 0);
    return [h, SCR[0]];
  },
  erf(z) {
    const az = Math.abs(z);
    let h;
    if (az < ERF_SERIES_MAX) h = erfSeries(az, 0);
    else { const c = erfcCF(az, 0); h = ddAdd(1, 0, -c, -SCR[0]); }
    return z < 0 ? [-h, -SCR[0]] : [h, SCR[0]];
  },
};

module.exports = { ops, lastLo, math };

'use strict';
/**
 * The reference derivative f'(x) of every unary op (and g(y), the derivative
 * written in terms of y = f(x), for the ops that accept y), for the backward
 * numerics tests.
 *
 * Written apart from the JS twin (lib/fallback/unary-backward.ts) so the two
 * do not share mistakes: each derivative is PyTorch's textbook formula
 * (derivatives.yaml and the ATen backward kernels: σ + tσ(1 − σ) for swish,
 * 0.5(1 + tanh u) + 0.5x·sech²u·u' for gelu 'tanh', Φ + xφ for gelu, tanh(sp)
 * + xσ·sech²(sp) for mish, ...) evaluated in double-double arithmetic (about
 * 100 bits) on top of the exp/erfc/tanh/log1p of test/reference.cjs, where
 * the subtractions that cost the twin its accuracy (1 − σ, 1 + tanh, Φ + xφ)
 * are harmless. Arguments of exp/erfc/tanh that are not doubles (βx, x²/2,
 * x/α, the cubic of gelu's tanh form) are applied as first-order corrections,
 * f(h + l) = f(h) + f'(h)·l, exact to O(l²) ~ 2^-106.
 *
 * derivative(name, x, p) returns [h, l]: f'(x) ≈ h + l. Parameters `p` are
 * by name, already converted to the array's type; `approximate` is a string.
 * dxRef(dy, [h, l]) rounds dy·(h + l) to float64 once.
 */
const { math } = require('./reference.cjs');

let LO = 0;
const SPLIT = 134217729;

function twoSum(a, b) {
  const s = a + b;
  const bb = s - a;
  LO = (a - (s - bb)) + (b - bb);
  return s;
}

function twoProd(a, b) {
  const p = a * b;
  if (!(Math.abs(a) < 2 ** 995 && Math.abs(b) < 2 ** 995 && Math.abs(p) < 2 ** 1000)) {
    LO = 0;
    return p;
  }
  let c = SPLIT * a;
  const ah = c - (c - a), al = a - ah;
  c = SPLIT * b;
  const bh = c - (c - b), bl = b - bh;
  LO = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
  return p;
}

/** Double-doubles are [h, l] pairs here: clarity over speed. */
function dd(h, l = 0) {
  return [h, l];
}
function add(a, b) {
  if (!Number.isFinite(a[0]) || !Number.isFinite(b[0])) return [a[0] + b[0], 0];
  const s = twoSum(a[0], b[0]);
  const e = LO + a[1] + b[1];
  const h = s + e;
  return [h, Number.isFinite(h) ? e - (h - s) : 0];
}
function neg(a) {
  return [-a[0], -a[1]];
}
function sub(a, b) {
  return add(a, neg(b));
}
function mul(a, b) {
  const p = twoProd(a[0], b[0]);
  const e = LO + (a[0] * b[1] + a[1] * b[0]);
  const h = p + e;
  return [h, Number.isFinite(h) ? e - (h - p) : 0];
}
function div(a, b) {
  const q1 = a[0] / b[0];
  // Past 2^1000 the remainder's products could overflow; the low part no longer matters there.
  if (!Number.isFinite(q1) || q1 === 0 || Math.abs(a[0]) > 2 ** 1000 || Math.abs(b[0]) > 2 ** 1000) return [q1, 0];
  const r = sub(a, mul([q1, 0], b));
  const q2 = r[0] / b[0];
  const r2 = sub(r, mul([q2, 0], b));
  const q3 = r2[0] / b[0];
  return add(add([q1, 0], [q2, 0]), [q3, 0]);
}
function scale(a, k) {
  return [a[0] * k, a[1] * k];
}

/** e^(h + l) = e^h·(1 + l), double-double. */
function exp(a) {
  const [eh, el] = math.exp(a[0]);
  if (eh === 0 || !Number.isFinite(eh)) return [eh, 0];
  return mul([eh, el], [1, a[1]]);
}
/** σ(t) = 1/(1 + e^-t) for a double-double t, both tails relatively accurate. */
function sigma(t) {
  if (t[0] === Infinity) return [1, 0];
  if (t[0] === -Infinity) return [0, 0];
  if (t[0] >= 0) return div([1, 0], add([1, 0], exp(neg(t))));
  const e = exp(t);
  return div(e, add([1, 0], e));
}
/** tanh(h + l) = tanh(h) + sech²(h)·l. */
function tanh(a) {
  const t = math.tanh(a[0]);
  const s2 = mul(sub([1, 0], t), add([1, 0], t));
  return add(t, mul(s2, [a[1], 0]));
}
/** erfc(h + l) = erfc(h) − (2/√π)e^(−h²)·l. */
function erfc(a) {
  const c = math.erfc(a[0]);
  if (a[1] === 0) return c;
  const g = mul(exp(neg(mul([a[0], 0], [a[0], 0]))), [1.1283791670955126, 1.533545961316588e-17]);
  return sub(c, mul(g, [a[1], 0]));
}
/** log(1 + e^t) for a double-double t. */
function softplus(t) {
  if (t[0] > 0) return add(t, log1pDD(exp(neg(t))));
  return log1pDD(exp(t));
}
/** log1p(h + l) = log1p(h) + l/(1 + h). */
function log1pDD(a) {
  const r = math.log1p(a[0]);
  return add(r, [a[1] / (1 + a[0]), 0]);
}

const SQRT1_2 = [0.7071067811865476, -4.833646656726457e-17];
const INV_SQRT_2PI = [0.3989422804014327, -2.49232720227773e-17];
const SQRT_2_OVER_PI = [0.7978845608028654, -4.98465440455546e-17];
const GELU_C = [0.044715, 2.1960211427085595e-18];
/** SELU's λ and λα from the digits SPEC prints. */
const SELU_L = [1.0507009873554805, 3.9855512681859546e-17];
const SELU_LA = [1.7580993408473768, 1.4103259771722635e-17];

const NAN = [NaN, 0];

const derivatives = {
  relu: (x) => (x > 0 ? dd(1) : x <= 0 ? dd(0) : NAN),
  leakyRelu: (x, p) => (x > 0 ? dd(1) : x <= 0 ? dd(p.alpha) : NAN),
  relu6: (x) => (x !== x ? NAN : x > 0 && x < 6 ? dd(1) : dd(0)),
  hardTanh: (x, p) => (x !== x ? NAN : x > p.min && x < p.max ? dd(1) : dd(0)),
  elu: (x, p) => (x !== x ? NAN : x > 0 ? dd(1) : mul([p.alpha, 0], exp([x, 0]))),
  selu(x, p = {}) {
    if (x !== x) return NAN;
    if (isSeluDefault(p)) return x > 0 ? SELU_L : mul(SELU_LA, exp([x, 0]));
    return x > 0 ? dd(p.gamma) : mul(mul([p.gamma, 0], [p.alpha, 0]), exp([x, 0]));
  },
  celu: (x, p) => (x !== x ? NAN : x > 0 ? dd(1) : exp(div([x, 0], [p.alpha, 0]))),
  sigmoid(x) {
    if (x !== x) return NAN;
    const s = sigma([x, 0]);
    return mul(s, sub([1, 0], s));
  },
  tanh(x) {
    if (x !== x) return NAN;
    if (Math.abs(x) > 30) {
      // 1 − tanh² = 4e^(−2|x|)(1 − 2e^(−2|x|) + ...): tanh's own low part no longer resolves it.
      const e = exp([-2 * Math.abs(x), 0]);
      return mul(scale(e, 4), sub([1, 0], scale(e, 2)));
    }
    const t = math.tanh(x);
    return mul(sub([1, 0], t), add([1, 0], t));
  },
  softplus(x, p) {
    if (x !== x) return NAN;
    if (p.beta * x > p.threshold) return dd(1);
    const th = twoProd(p.beta, x);
    return sigma([th, LO]);
  },
  swish(x, p) {
    if (x !== x) return NAN;
    if (p.beta === 0) return dd(0.5);
    const th = twoProd(p.beta, x);
    const t = [th, LO];
    if (Math.abs(th) === Infinity) return dd(th > 0 ? 1 : 0);
    const s = sigma(t);
    // PyTorch's silu_backward: σ(1 + t(1 − σ)) = σ + tσ(1 − σ).
    return add(s, mul(mul(t, s), sub([1, 0], s)));
  },
  silu: (x) => derivatives.swish(x, { beta: 1 }),
  gelu(x, p) {
    if (x !== x) return NAN;
    if (p.approximate === 'tanh') {
      if (Math.abs(x) > 1e30) return dd(x > 0 ? 1 : 0);
      const X = [x, 0];
      const x2 = mul(X, X);
      const inner = add(X, mul(GELU_C, mul(x2, X)));
      const u = mul(SQRT_2_OVER_PI, inner);
      if (u[0] < -370) {
        // 1 + tanh u and sech² u are below 2^-1000: the derivative is 0 to all float64 digits.
        return dd(0);
      }
      let t;
      if (u[0] < -20) {
        // tanh u = −1 + 2e^(2u)/(1 + e^(2u)): keep the tiny distance from −1 exactly.
        const e = exp(scale(u, 2));
        t = sub(div(scale(e, 2), add([1, 0], e)), [1, 0]);
      } else {
        t = tanh(u);
      }
      const onePlusT = u[0] < -20 ? div(scale(exp(scale(u, 2)), 2), add([1, 0], exp(scale(u, 2)))) : add([1, 0], t);
      const sech2 = mul(sub([1, 0], t), onePlusT);
      const du = mul(SQRT_2_OVER_PI, add([1, 0], mul(scale(GELU_C, 3), x2)));
      // PyTorch's GeluBackward (tanh): 0.5(1 + tanh u) + 0.5x·sech²(u)·u'.
      return add(scale(onePlusT, 0.5), mul(scale(X, 0.5), mul(sech2, du)));
    }
    if (Math.abs(x) === Infinity) return dd(x > 0 ? 1 : 0);
    if (Math.abs(x) > 1e150) return dd(x > 0 ? 1 : 0);
    const X = [x, 0];
    const z = mul(X, SQRT1_2);
    // Φ(x) = erfc(−x/√2)/2, φ(x) = e^(−x²/2)/√(2π); PyTorch's GeluBackward: Φ + xφ.
    const cdf = scale(erfc(neg(z)), 0.5);
    const pdf = mul(exp(scale(neg(mul(X, X)), 0.5)), INV_SQRT_2PI);
    return add(cdf, mul(X, pdf));
  },
  mish(x) {
    if (x !== x) return NAN;
    if (x === Infinity) return dd(1);
    if (x === -Infinity) return dd(0);
    if (x > 60) return dd(1);
    const X = [x, 0];
    const sp = softplus(X);
    let t, sech2;
    if (sp[0] > 20) {
      const e = exp(scale(sp, -2));
      t = sub([1, 0], div(scale(e, 2), add([1, 0], e)));
      sech2 = div(scale(e, 4), mul(add([1, 0], e), add([1, 0], e)));
    } else {
      t = tanh(sp);
      sech2 = mul(sub([1, 0], t), add([1, 0], t));
    }
    // PyTorch's mish_backward: tanh(sp) + x·σ(x)·(1 − tanh²(sp)).
    return add(t, mul(mul(X, sigma(X)), sech2));
  },
  hardSigmoid(x, p) {
    if (x !== x) return NAN;
    // The defaults: PyTorch's relu6(x + 3)/6, slope 1/6 on (−3, 3).
    if ((p.alpha === 1 / 6 || p.alpha === Math.fround(1 / 6)) && p.beta === 0.5) return x > -3 && x < 3 ? div([1, 0], [6, 0]) : dd(0);
    if (Math.abs(x) === Infinity || p.alpha === 0) return dd(0);
    const ph = twoProd(p.alpha, x);
    const t = add([ph, LO], [p.beta, 0]);
    const inside = (t[0] > 0 || (t[0] === 0 && t[1] > 0)) && (t[0] < 1 || (t[0] === 1 && t[1] < 0));
    return dd(inside ? p.alpha : 0);
  },
  hardSwish(x) {
    if (x !== x) return NAN;
    if (x < -3) return dd(0);
    if (x > 3) return dd(1);
    // PyTorch: x/3 + 1/2.
    return add(div([x, 0], [3, 0]), [0.5, 0]);
  },
  softsign(x) {
    if (x !== x) return NAN;
    const s = add([1, 0], [Math.abs(x), 0]);
    if (s[0] > 1e150) return dd(1 / s[0] / s[0]);
    return div([1, 0], mul(s, s));
  },
  rbf(x, p) {
    if (x !== x) return NAN;
    if (p.gamma === 0) return dd(0);
    const d0 = twoSum(x, -p.center);
    const d = [d0, LO];
    if (Math.abs(d0) === Infinity) return dd(0);
    if (Math.abs(d0) > 1e150) {
      const e = Math.exp(-p.gamma * d0 * d0);
      // e^(−γd²) = 0: the limit ∓0 (−2γd alone may be ∓Inf).
      return dd(e === 0 ? (d0 > 0 ? -0 : 0) : -2 * p.gamma * d0 * e);
    }
    const z = mul([p.gamma, 0], mul(d, d));
    return mul(scale(mul([p.gamma, 0], d), -2), exp(neg(z)));
  },
  // PyTorch's log_sigmoid_backward: σ(−x) = 1 − σ(x) (the reference's σ is relative-accurate in both tails).
  logSigmoid: (x) => (x !== x ? NAN : sigma([-x, 0])),
  hardShrink: (x, p) => (x !== x ? NAN : dd(Math.abs(x) > p.lambda ? 1 : 0)),
  softShrink: (x, p) => (x !== x ? NAN : dd(Math.abs(x) > p.lambda ? 1 : 0)),
  // 1 − (1 − tanh²): d/dx (x − tanh x) = tanh²(x).
  tanhShrink(x) {
    if (x !== x) return NAN;
    const t = tanh([x, 0]);
    return mul(t, t);
  },
  threshold: (x, p) => (x !== x ? NAN : dd(x > p.threshold ? 1 : 0)),
  thresholdedRelu: (x, p) => (x !== x ? NAN : dd(x > p.alpha ? 1 : 0)),
};

/** selu's parameters are the defaults (absent, or either type's rounding). */
function isSeluDefault(p) {
  const is = (v, c) => v === undefined || v === c || v === Math.fround(c);
  return is(p.alpha, 1.6732632423543772848) && is(p.gamma, SELU_L[0]);
}

/**
 * selu's saturation value −selu(−∞) in the array's type: λα (or γα) rounded once, the
 * value y + S must cancel exactly at saturation.
 */
function seluSaturation(p, dtype) {
  const la = isSeluDefault(p) ? SELU_LA[0] : p.gamma * p.alpha;
  return dtype === 'float32' ? Math.fround(la) : la;
}

/** g(y): the derivative from the forward output, for the ops whose registry entry has backwardUsesY. */
const fromY = {
  sigmoid: (y) => mul([y, 0], sub([1, 0], [y, 0])),
  tanh: (y) => mul(sub([1, 0], [y, 0]), add([1, 0], [y, 0])),
  elu: (y, p) => (y > 0 ? dd(1) : add([y, 0], [p.alpha, 0])),
  /** y > 0 ? γ : y + S, S the forward's saturation in the array's type (dtype: 'float32' or 'float64'). */
  selu: (y, p = {}, dtype = 'float64') => (y > 0 ? (isSeluDefault(p) ? SELU_L : dd(p.gamma)) : add([y, 0], [seluSaturation(p, dtype), 0])),
};

function derivative(name, x, p) {
  return derivatives[name](x, p);
}

/** dy·(h + l), rounded once to float64 (NaN where either is NaN, IEEE products otherwise). */
function dxRef(dy, d) {
  const p = dy * d[0];
  if (!Number.isFinite(p) || p === 0) return p + dy * d[1];
  const h = twoProd(dy, d[0]);
  return h + (LO + dy * d[1]);
}

/**
 * S for the backward bound (lib/ops.ts BackwardDef): the registry's scale(x, a, b)
 * (scaleY for the form from y) where f' has several terms, never below |f'| = |h + l|
 * (S bounds |f'| by definition; this also covers a scale that underflowed in float64).
 */
function scaleOf(bw, fromY, v, a, b, d) {
  const f = fromY ? bw.scaleY : bw.scale;
  const s = f ? Math.abs(f(v, a, b)) : 0;
  const m = Math.abs(d[0] + d[1]);
  return s > m ? s : m;
}

/** Double-double helpers ([h, l] pairs) for the shaped-op tests. */
const ddMath = { add, sub, mul, div, exp, log1p: log1pDD, twoSum: (a, b) => [twoSum(a, b), LO] };

/**
 * The parameters the reference computes with, for a float64 computation to be compared
 * with it: selu's and hardSigmoid's defaults in either type's rounding are the exact
 * constants (PyTorch's forms), where a float64 caller would give the doubles.
 */
function referenceParams(op, p = {}) {
  if (op === 'selu' && isSeluDefault(p)) return { ...p, alpha: 1.6732632423543772848, gamma: SELU_L[0] };
  if (op === 'hardSigmoid' && p.alpha === Math.fround(1 / 6) && p.beta === 0.5) return { ...p, alpha: 1 / 6 };
  return p;
}

module.exports = { derivatives, fromY, derivative, dxRef, scaleOf, referenceParams, dd: ddMath };

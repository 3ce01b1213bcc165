// native/kernels/backward.h -- dx = dy·f'(x) (and dy·g(y) from the forward output) for
// every unary op, each written once as a functor template over the vector type.
// The semantic reference is lib/fallback/unary-backward.ts: the same formulas, step for
// step, so NaN/±Inf/kink results agree with the JS twin by construction.
//
// Precision plan. The JS twin evaluates f' in float64 and rounds dy·f' to the array's
// type once. The smooth ops do the same here: float32 lanes are widened to float64
// (kx::via_f64-style, two Vd per Vf), so the float32 result is the float64 value
// rounded once, as in the twin; float64 runs the same code on Vd directly. The
// piecewise-linear ops (relu, leakyRelu, relu6, hardTanh) run in the array's own type:
// dy·1, dy·0 and dy·α (α already rounded to the type) are exact products rounded once.
//
// Shape of an op:  struct name : BwdBase<unroll, widen> { template <class V> struct K {
//   explicit K(const Params&);
//   V operator()(V dy, V in) const; }; };    // in = x, or y for the FromY variants
// widen: K is only instantiated with Vd, and float32 arrays go through it widened.
// An op may add `Vf f32(Vf dy, Vf x) const` (kCustomF32) when float32 lanes pay off
// (gelu: erf/erfc of float32 lanes, whose float64 versions are scalar libm).
#ifndef AK_KERNELS_BACKWARD_H_
#define AK_KERNELS_BACKWARD_H_

#include <limits>

#include "signatures.h"
#include "unary.h"

namespace ak {
namespace AK_ISA_NS {
namespace kx {
// Applies f(const Vd* a, const Vd* b, Vd* out) to the float64 images of two Vf,
// rounding each lane of out back to float32 once.
template <class F>
AK_INLINE Vf via_f64(Vf a, Vf b, F&& f) {
  Vd wa[kParts], wb[kParts], out[kParts];
  widen(a, wa);
  widen(b, wb);
  f(wa, wb, out);
  return narrow(out);
}
}  // namespace kx

namespace bwd {

using kern::T_;
using kern::CC;
using kern::two_sum_err;

template <int Unroll, bool Widen, bool CustomF32 = false>
struct BwdBase {
  static constexpr int kUnroll = Unroll;
  static constexpr bool kWiden = Widen;
  static constexpr bool kCustomF32 = CustomF32;
};

// The error of the product a·b = p, or 0 where an operand or p is beyond 1e290 (the
// twin's prodErr: Dekker's split would overflow there, and the term no longer matters).
AK_INLINE Vd prod_err(Vd a, Vd b, Vd p) {
  const Vd big = splat<Vd>(1e290);
  const auto ok = mand(mand(lt(abs(a), big), lt(abs(b), big)), lt(abs(p), big));
  return select(ok, two_prod_err(a, b, p), zero<Vd>());
}

AK_INLINE Vd nan_d() { return splat<Vd>(std::numeric_limits<double>::quiet_NaN()); }
AK_INLINE Vd dconst(double v) { return splat<Vd>(v); }

// e^t·m for t = th + tl below kTailT, as e^(t + 128 ln 2)·m·2^-128: e^t itself is
// subnormal below −708.4 while the derivative, |m| times larger, is still normal (the
// twin's tailSlope): m = 1 + t for swish' and mish', 1 + w for gelu 'tanh', α for elu',
// −2γ(x − c) for rbf'. th below −1000 gives 0 (times m) without a NaN from −∞.
constexpr double kTailT = -600;
AK_INLINE Vd tail_slope(Vd th, Vd tl, Vd m) {
  const Vd shi = dconst(88.722839111673), slo = dconst(2.9683799217232634e-15);
  const auto gone = mnot(gt(th, dconst(-1000)));
  const Vd t = select(gone, dconst(-1000), th);
  const Vd r = t + shi;
  const Vd rl = two_sum_err(t, shi, r) + (slo + select(gone, zero<Vd>(), tl));
  const Vd e = select(gone, zero<Vd>(), exp_(r));
  return (e + e * rl) * m * dconst(0x1p-128);
}

// ---------------------------------------------------------------- piecewise-linear

// f' = x > 0 ? 1 : 0, NaN for NaN (relu'(0) = 0).
struct relu : BwdBase<4, false> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V dy, V x) const {
      const V d = select(gt(x, zero<V>()), splat<V>(T_<V>(1)), select(isnan(x), x, zero<V>()));
      return dy * d;
    }
  };
};

struct leakyRelu : BwdBase<4, false> {
  template <class V> struct K {
    V alpha;
    explicit K(const Params& p) : alpha(splat<V>(T_<V>(p.a))) {}
    AK_INLINE V operator()(V dy, V x) const {
      const V d = select(gt(x, zero<V>()), splat<V>(T_<V>(1)), select(isnan(x), x, alpha));
      return dy * d;
    }
  };
};

// f' = 1 on the open interval (lo, hi), 0 at and beyond both ends.
template <class V>
AK_INLINE V open_interval_slope(V x, V lo, V hi) {
  return select(mand(gt(x, lo), lt(x, hi)), splat<V>(T_<V>(1)), select(isnan(x), x, zero<V>()));
}

struct relu6 : BwdBase<4, false> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V dy, V x) const { return dy * open_interval_slope(x, zero<V>(), splat<V>(T_<V>(6))); }
  };
};

struct hardTanh : BwdBase<4, false> {
  template <class V> struct K {
    V lo, hi;
    explicit K(const Params& p) : lo(splat<V>(T_<V>(p.a))), hi(splat<V>(T_<V>(p.b))) {}
    AK_INLINE V operator()(V dy, V x) const { return dy * open_interval_slope(x, lo, hi); }
  };
};

// α strictly inside 0 < αx + β < 1, decided on the exact αx + β (= s + e).
// The defaults (PyTorch's exact x/6 + 1/2): dy/6 on (−3, 3), rounded once (for float32
// data the float64 quotient cannot sit on a float32 midpoint: its bits repeat).
struct hardSigmoid : BwdBase<2, true> {
  template <class V> struct K {
    Vd alpha, beta;
    bool exact_default;
    K(const Params& p, bool f32)
        : alpha(dconst(p.a)), beta(dconst(p.b)),
          exact_default(f32 ? kern::hard_sigmoid_is_default(float(p.a), float(p.b)) : kern::hard_sigmoid_is_default(p.a, p.b)) {}
    AK_INLINE Vd operator()(Vd dy, Vd x) const {
      const Vd z = zero<Vd>(), one = dconst(1);
      if (exact_default) {
        const auto inside = mand(gt(x, dconst(-3)), lt(x, dconst(3)));
        return select(inside, dy / dconst(6), dy * select(isnan(x), x, z));
      }
      const Vd p = alpha * x;
      const Vd s = p + beta;
      const Vd e = two_sum_err(p, beta, s) + prod_err(alpha, x, p);
      const auto above0 = mor(gt(s, z), mand(eq(s, z), gt(e, z)));
      const auto below1 = mor(lt(s, one), mand(eq(s, one), lt(e, z)));
      Vd d = select(mand(above0, below1), alpha, z);
      d = select(lt(abs(p), dconst(1e300)), d, z);  // x = ±Inf: flat
      return dy * select(isnan(x), x, d);
    }
  };
};

// x > 3: dy; -3 <= x <= 3: dy·(2x + 3)/6 rounded once (double-double, as the twin);
// x < -3: dy·0; NaN: NaN.
struct hardSwish : BwdBase<2, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd g, Vd v) const {
      const Vd three = dconst(3), six = dconst(6);
      const Vd v2 = v + v;
      const Vd s = v2 + three;
      const Vd sl = two_sum_err(v2, three, s);
      const Vd p = g * s;
      const Vd pl = two_prod_err(g, s, p) + g * sl;
      const Vd q = p / six;
      const Vd q6 = six * q;
      const Vd rem = ((p - q6) - two_prod_err(six, q, q6)) + pl;
      const Vd mid = select(lt(abs(p), dconst(1e300)), q + rem / six, q);
      Vd r = select(gt(v, three), g, select(ge(v, -three), mid, g * zero<Vd>()));
      return select(isnan(v), v, r);
    }
  };
};

// ---------------------------------------------------------------- the ELU family

// x > 0 ? 1 : α·e^x (elu'(0) = α; NaN: α·e^NaN).
struct elu : BwdBase<2, true> {
  template <class V> struct K {
    Vd alpha;
    explicit K(const Params& p) : alpha(dconst(p.a)) {}
    AK_INLINE Vd operator()(Vd dy, Vd x) const {
      Vd d = select(gt(x, zero<Vd>()), dconst(1), alpha * exp_(x));
      const auto tail = lt(x, dconst(kTailT));
      if (any(tail)) d = select(tail, tail_slope(x, zero<Vd>(), alpha), d);
      return dy * d;
    }
  };
};
struct eluFromY : BwdBase<2, true> {
  template <class V> struct K {
    Vd alpha;
    explicit K(const Params& p) : alpha(dconst(p.a)) {}
    AK_INLINE Vd operator()(Vd dy, Vd y) const { return dy * select(gt(y, zero<Vd>()), dconst(1), y + alpha); }
  };
};

constexpr double kSeluLambda = 1.0507009873554804934;
constexpr double kSeluLaHi = 1.7580993408473768;

// x > 0 ? γ : γα·e^x; the defaults are λ and λα (correctly rounded), other α, γ numbers
// of the array's type with γα as hi + lo (lo 0 for the defaults: the same bits as before).
struct selu : BwdBase<2, true> {
  template <class V> struct K {
    Vd g, la, lal;
    bool has_lo = false;  // the defaults multiply by la alone (NaN payloads included, the bits of before)
    K(const Params& p, bool f32) : g(dconst(kSeluLambda)), la(dconst(kSeluLaHi)), lal(zero<Vd>()) {
      if (f32 ? kern::selu_is_default(float(p.a), float(p.b)) : kern::selu_is_default(p.a, p.b)) return;
      const double ga = p.a * p.b;
      g = dconst(p.b);
      la = dconst(ga);
      lal = dconst(std::fma(p.a, p.b, -ga));
      has_lo = true;
    }
    AK_INLINE Vd operator()(Vd dy, Vd x) const {
      const Vd e = exp_(x);
      return dy * select(gt(x, zero<Vd>()), g, has_lo ? fma(la, e, lal * e) : dconst(kSeluLaHi) * e);
    }
  };
};
// From y: y > 0 ? γ : y + S, S = −selu(−∞), the forward's saturation value in the array's
// type (λα or γα rounded once), so the result is exactly 0 where the forward saturated
// (with the real λα it was the constant's rounding: 2.3e-8 in float32); y + S is exact
// by Sterbenz wherever it cancels. In the array's own lanes (S differs per type).
struct seluFromY : BwdBase<2, false> {
  template <class V> struct K {
    V g, sat;
    explicit K(const Params& p) {
      using T = T_<V>;
      const bool std_ = kern::selu_is_default(T(p.a), T(p.b));
      g = splat<V>(T(std_ ? kSeluLambda : p.b));
      sat = splat<V>(T(std_ ? kSeluLaHi : p.a * p.b));
    }
    AK_INLINE V operator()(V dy, V w) const { return dy * select(gt(w, zero<V>()), g, w + sat); }
  };
};

// x > 0 ? 1 : e^(x/α), x/α = q + r/α with r the exact remainder.
struct celu : BwdBase<2, true> {
  template <class V> struct K {
    Vd alpha;
    explicit K(const Params& p) : alpha(dconst(p.a)) {}
    AK_INLINE Vd operator()(Vd dy, Vd v) const {
      const Vd q = v / alpha;
      const Vd e = exp_(q);
      const Vd p = q * alpha;
      const Vd corr = e + e * (((v - p) - prod_err(q, alpha, p)) / alpha);
      const auto use = mand(gt(e, zero<Vd>()), gt(abs(q), dconst(0x1p-20)));
      const Vd d = select(use, corr, e);
      return dy * select(gt(v, zero<Vd>()), dconst(1), d);
    }
  };
};

// ---------------------------------------------------------------- sigmoid, tanh

// u/(1 + u)² with 1 + u kept exact.
AK_INLINE Vd u_over_1pu_sq(Vd u) {
  const Vd one = dconst(1);
  const Vd s = one + u;
  const Vd sl = two_sum_err(one, u, s);
  return (u / (s * s)) * (one - (sl + sl) / s);
}

struct sigmoid : BwdBase<2, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd x) const { return dy * u_over_1pu_sq(exp_(-abs(x))); }
  };
};
struct sigmoidFromY : BwdBase<4, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd w) const { return dy * (w * (dconst(1) - w)); }
  };
};

// 4u/(1 + u)², u = e^-2|x|.
struct tanh : BwdBase<2, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd x) const {
      const Vd u = exp_(dconst(-2) * abs(x));
      const Vd one = dconst(1);
      const Vd s = one + u;
      const Vd sl = two_sum_err(one, u, s);
      return dy * (((dconst(4) * u) / (s * s)) * (one - (sl + sl) / s));
    }
  };
};
struct tanhFromY : BwdBase<4, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd w) const { return dy * ((dconst(1) - w) * (dconst(1) + w)); }
  };
};

// ---------------------------------------------------------------- softplus, swish

// e^-|t| for t = th + tl, the low part applied to first order.
AK_INLINE Vd exp_neg_abs(Vd th, Vd tl) {
  const Vd u = exp_(-abs(th));
  return select(ge(th, zero<Vd>()), u - u * tl, u + u * tl);
}

struct softplus : BwdBase<2, true> {
  template <class V> struct K {
    Vd beta, threshold;
    explicit K(const Params& p) : beta(dconst(p.a)), threshold(dconst(p.b)) {}
    AK_INLINE Vd operator()(Vd dy, Vd v) const {
      const Vd one = dconst(1);
      const Vd t = beta * v;
      const Vd u = exp_neg_abs(t, prod_err(beta, v, t));
      Vd d = select(ge(t, zero<Vd>()), one / (one + u), u / (one + u));
      d = select(eq(t, dconst(-std::numeric_limits<double>::infinity())), zero<Vd>(), d);
      return dy * select(gt(t, threshold), one, d);
    }
  };
};

// s·(1 + w·σ(−t)) for t = th + tl, as one quotient over (1 + u)² (see the twin).
AK_INLINE Vd sigmoid_slope(Vd th, Vd tl, Vd w) {
  const Vd one = dconst(1);
  const Vd u = exp_neg_abs(th, tl);
  const Vd s = one + u;
  const Vd sl = two_sum_err(one, u, s);
  const Vd inv = (one / (s * s)) * (one - (sl + sl) / s);
  return select(ge(th, zero<Vd>()), ((s + w * u) + sl) * inv, (u * ((one + w) + u)) * inv);
}

AK_INLINE Vd swish_slope(Vd v, Vd beta) {
  const Vd inf = dconst(std::numeric_limits<double>::infinity());
  Vd t = beta * v;
  t = select(isnan(t), zero<Vd>(), t);  // β = 0, x = ±Inf: the function is x/2
  const Vd tl = prod_err(beta, v, t);
  Vd d = sigmoid_slope(t, tl, t);
  const auto tail = lt(t, dconst(kTailT));
  if (any(tail)) d = select(tail, tail_slope(t, tl, (dconst(1) + t) + tl), d);
  d = select(eq(t, inf), dconst(1), select(eq(t, -inf), zero<Vd>(), d));
  return select(isnan(v), v, d);
}

struct swish : BwdBase<2, true> {
  template <class V> struct K {
    Vd beta;
    explicit K(const Params& p) : beta(dconst(p.a)) {}
    AK_INLINE Vd operator()(Vd dy, Vd v) const { return dy * swish_slope(v, beta); }
  };
};
struct silu : BwdBase<2, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd v) const { return dy * swish_slope(v, dconst(1)); }
  };
};

// ---------------------------------------------------------------- gelu, mish

constexpr double kSqrt1_2Hi = 0.7071067811865476;
constexpr double kSqrt1_2Lo = -4.833646656726457e-17;
constexpr double kInvSqrt2Pi = 0.3989422804014327;

// tanh form: s·(1 + w·σ(−z)), z = 2√(2/π)(x + cx³) as a double-double.
AK_INLINE Vd gelu_tanh_slope(Vd v) {
  const Vd k2h = dconst(1.5957691216057308), k2l = dconst(-9.96930880911092e-17);
  const Vd gch = dconst(0.044715), gcl = dconst(2.1960211427085595e-18);
  // |x| > 1e30: σ(z) is 0 or 1 and w·σ(−z) vanishes; the clamp keeps x³ finite.
  const Vd big = dconst(1e30);
  const Vd vc = minFast(big, maxFast(-big, v));
  const Vd x2 = vc * vc;
  const Vd x2l = two_prod_err(vc, vc, x2);
  const Vd x3 = x2 * vc;
  const Vd x3l = prod_err(x2, vc, x3) + x2l * vc;
  const Vd c3 = gch * x3;
  const Vd c3l = prod_err(gch, x3, c3) + (gcl * x3 + gch * x3l);
  const Vd s0 = vc + c3;
  const Vd s0l = two_sum_err(vc, c3, s0) + c3l;
  const Vd z = k2h * s0;
  const Vd zl = prod_err(k2h, s0, z) + (k2l * s0 + k2h * s0l);
  const Vd w = k2h * vc * (dconst(1) + dconst(3 * 0.044715) * x2);
  Vd d = sigmoid_slope(z, zl, w);
  const auto deep = lt(z, dconst(kTailT));
  if (any(deep)) d = select(deep, tail_slope(z, zl, dconst(1) + w), d);
  const Vd tail = select(gt(v, zero<Vd>()), dconst(1), zero<Vd>());
  return select(isnan(v), v, select(gt(abs(v), big), tail, d));
}

// φ(x) = e^(−x²/2)/√(2π), x² carried exactly.
AK_INLINE Vd gelu_phi(Vd v) {
  const Vd x2 = v * v;
  const Vd x2l = two_prod_err(v, v, x2);
  const Vd e = exp_(dconst(-0.5) * x2);
  return (e - e * (dconst(0.5) * x2l)) * dconst(kInvSqrt2Pi);
}

// 'none' form, Φ(x) + x·φ(x), Φ from erf (x >= 0) or erfc of a double-double (x < 0).
// Both forms' values past |x| = 1e150 (1 or 0, NaN stays NaN) are patched in by the caller.
AK_INLINE Vd gelu_erf_tail(Vd v, Vd d) {
  const Vd lim = dconst(1e150);
  const Vd tail = select(gt(v, zero<Vd>()), dconst(1), select(lt(v, zero<Vd>()), zero<Vd>(), nan_d()));
  return select(lt(abs(v), lim), d, tail);
}

// x < −37 (x²/2 > 684.5): e^(−x²/2) and erfc(−x/√2) are subnormal doubles from x = −37.6
// while f' = Φ + xφ is normal down to −38.5, so those lanes are computed in long double,
// whose exponent range keeps both normal, and rounded once (the twin: erfcx and tailSlope).
// Rare lanes. Where long double is double (MSVC) this is no better than the double path.
inline double gelu_erf_slope_ld(double v) {
  const long double x = v;
  const long double e = std::exp(-0.5L * x * x);
  const long double c = std::erfc(-x * 0.707106781186547524400844362104849039L);
  return static_cast<double>(0.5L * c + x * e * 0.398942280401432677939946059934381868L);
}

AK_INLINE Vd gelu_erf_slope(Vd v) {
  const Vd half = dconst(0.5);
  const Vd vc = minFast(dconst(1e150), maxFast(dconst(-1e150), v));
  const Vd phi = gelu_phi(vc);
  const Vd pos = half + half * erf_(vc * dconst(kSqrt1_2Hi));
  const Vd th = -vc * dconst(kSqrt1_2Hi);
  const Vd tl = -vc * dconst(kSqrt1_2Lo) + two_prod_err(-vc, dconst(kSqrt1_2Hi), th);
  const Vd c = erfc_(th);
  const Vd neg = half * (c - c * dconst(2) * th * tl);
  const Vd cdf = select(ge(vc, zero<Vd>()), pos, neg);
  Vd d = cdf + vc * phi;
  const auto deep = lt(vc, dconst(-37));
  if (any(deep)) d = select(deep, mathd::lanewise(vc, gelu_erf_slope_ld), d);
  return gelu_erf_tail(v, d);
}

struct gelu : BwdBase<2, true, true> {
  template <class V> struct K {
    bool tanh_form;
    explicit K(const Params& p) : tanh_form(p.a != 0) {}
    AK_INLINE Vd operator()(Vd dy, Vd v) const { return dy * (tanh_form ? gelu_tanh_slope(v) : gelu_erf_slope(v)); }
    // float32 lanes: erf/erfc of float32 (the float64 ones are scalar libm calls). The
    // argument −x/√2 is rounded to float32 (t) and its remainder tl kept in float64:
    // erfc(t + tl) = erfc(t) − tl·(2/√π)e^(−t²) to first order (second order ~2^-40),
    // erf(−t − tl) likewise.
    // erf/erfc's own 2-ulp error enters Φ, which is 0.5 or more (x >= 0) or x²-times
    // smaller than x·φ (x << 0), so the result stays within the bound.
    AK_INLINE Vf f32(Vf dy, Vf x) const {
      return kx::via_f64(dy, x, [&](const Vd* g, const Vd* v, Vd* out) {
        if (tanh_form) {
          for (int i = 0; i < kx::kParts; ++i) out[i] = g[i] * gelu_tanh_slope(v[i]);
          return;
        }
        Vd th[kx::kParts], tl[kx::kParts];
        for (int i = 0; i < kx::kParts; ++i) th[i] = -v[i] * dconst(kSqrt1_2Hi);
        const Vf tf = kx::narrow(th);
        Vd thf[kx::kParts];
        kx::widen(tf, thf);
        for (int i = 0; i < kx::kParts; ++i) {
          // -x/√2 = th + (-x·lo + err) exactly enough; th - thf is exact (Sterbenz-like:
          // thf is th rounded to float32).
          tl[i] = (th[i] - thf[i]) + (-v[i] * dconst(kSqrt1_2Lo) + two_prod_err(-v[i], dconst(kSqrt1_2Hi), th[i]));
        }
        Vd c[kx::kParts], e[kx::kParts];
        kx::widen(erfc_(tf), c);
        kx::widen(erf_(-tf), e);
        const Vd half = dconst(0.5);
        // φ(t) = (2/√π)e^(−t²): erf(−t − tl) = erf(−t) − tl·(2/√π)e^(−t²) to first order.
        const Vd two_over_sqrtpi = dconst(1.1283791670955126);
        for (int i = 0; i < kx::kParts; ++i) {
          const Vd phi = gelu_phi(v[i]);
          const Vd slope = tl[i] * two_over_sqrtpi * exp_(-(thf[i] * thf[i]));
          const Vd neg = half * (c[i] - slope);
          const Vd pos = half + half * (e[i] - slope);
          const Vd cdf = select(ge(v[i], zero<Vd>()), pos, neg);
          Vd d = gelu_erf_tail(v[i], cdf + v[i] * phi);
          // x < -12: erfc of float32 goes subnormal (few bits) while Φ still matters
          // (~1/x² of the result): the float64 path there (rare, and slow: libm erfc).
          const auto tail = gt(thf[i], dconst(8.5));
          if (any(tail)) d = select(tail, gelu_erf_slope(v[i]), d);
          out[i] = g[i] * d;
        }
      });
    }
  };
};

// mish' = e·N/D², D = 2 + e(2 + e), N = 4(1 + x) + e((6 + 4x) + e(4 + e)) for x < 0;
// (1 − 2/D) + 4x·e(1 + e)/D² for x >= 0; 1 past 40, tail_slope below −600, 0 below −800.
struct mish : BwdBase<2, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd v) const {
      const Vd one = dconst(1), two = dconst(2), four = dconst(4);
      const Vd vc = minFast(dconst(40), maxFast(dconst(-800), v));
      const Vd e = exp_(vc);
      const Vd m = e * (two + e);
      const Vd D = two + m;
      const Vd inv = (one / (D * D)) * (one - (two * two_sum_err(two, m, D)) / D);
      const Vd pos = (one - two / D) + four * vc * e * (one + e) * inv;
      const Vd N = four * (one + vc) + e * ((dconst(6) + four * vc) + e * (four + e));
      const Vd negv = e * N * inv;
      Vd d = select(ge(vc, zero<Vd>()), pos, negv);
      const auto tail = lt(vc, dconst(kTailT));
      if (any(tail)) d = select(tail, tail_slope(vc, zero<Vd>(), dconst(1) + vc), d);
      d = select(gt(v, dconst(40)), one, select(lt(v, dconst(-800)), zero<Vd>(), d));
      return dy * select(isnan(v), v, d);
    }
  };
};

// ---------------------------------------------------------------- softsign, rbf

struct softsign : BwdBase<2, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd x) const {
      const Vd one = dconst(1);
      const Vd a = abs(x);
      const Vd s = one + a;
      const Vd sl = two_sum_err(one, a, s);
      const Vd r = one / s / s;
      return dy * select(lt(a, dconst(1e300)), r - r * ((sl + sl) / s), r);
    }
  };
};

// −2γ(x − c)·e^(−γ(x − c)²), x − c and γ(x − c)² carried as double-doubles.
struct rbf : BwdBase<2, true> {
  template <class V> struct K {
    Vd gamma, center;
    bool gamma_zero;
    explicit K(const Params& p) : gamma(dconst(p.a)), center(dconst(p.b)), gamma_zero(p.a == 0) {}
    AK_INLINE Vd operator()(Vd dy, Vd v) const {
      const Vd dd = v - center;
      const Vd ad = abs(dd);
      const Vd m2g = dconst(-2) * gamma;
      // |x − c| > 1e150: plain products (the low parts would overflow and add nothing).
      // exp = 0 there: the limit ∓0 (m2g·dd alone may overflow, and ∓Inf·0 is NaN).
      const Vd ef = exp_(-(gamma * dd * dd));
      const Vd far = select(eq(ef, zero<Vd>()), copysign(zero<Vd>(), -dd), m2g * dd * ef);
      const Vd dl = two_sum_err(v, -center, dd);
      const Vd d2 = dd * dd;
      const Vd d2l = prod_err(dd, dd, d2) + dconst(2) * dd * dl;
      const Vd z = gamma * d2;
      const Vd zl = prod_err(gamma, d2, z) + gamma * d2l;
      const Vd e = exp_(-z);
      Vd near = m2g * (dd + dl) * (e - e * zl);
      const auto deep = gt(z, dconst(-kTailT));
      if (any(deep)) near = select(deep, tail_slope(-z, -zl, m2g * (dd + dl)), near);
      Vd d = select(gt(ad, dconst(1e150)), far, near);
      if (gamma_zero) d = zero<Vd>();
      d = select(eq(ad, dconst(std::numeric_limits<double>::infinity())), zero<Vd>(), d);
      return dy * select(isnan(dd), dd, d);
    }
  };
};

// ---------------------------------------------------------------- driver

// One vector of results for op Op on lanes of type V.
// A widened op's K sees only float64 lanes; one whose parameters mean something per array
// type (selu's and hardSigmoid's defaults) takes (Params, f32) and learns it here.
template <class K, bool kF32>
K make_k(const Params& p) {
  if constexpr (std::is_constructible<K, const Params&, bool>::value) return K(p, kF32); else return K(p);
}

template <class Op, class V>
struct Lane {
  using KT = typename Op::template K<typename std::conditional<Op::kWiden, Vd, V>::type>;
  KT k;
  explicit Lane(const Params& p) : k(make_k<KT, std::is_same<V, Vf>::value>(p)) {}
  AK_INLINE V operator()(V dy, V in) const {
    if constexpr (!Op::kWiden || std::is_same<V, Vd>::value) {
      return k(dy, in);
    } else if constexpr (Op::kCustomF32) {
      return k.f32(dy, in);
    } else {
      return kx::via_f64(dy, in, [&](const Vd* g, const Vd* v, Vd* out) {
        for (int i = 0; i < kx::kParts; ++i) out[i] = k(g[i], v[i]);
      });
    }
  }
};

// dx[i] = op(dy[i], in[i]) for i in [0, n); only [0, n) of each array is touched, and
// every vector is loaded before its store, so dx may be dy or in itself.
template <class Op, class V>
void backward_map(const typename V::T* dy, const typename V::T* in, typename V::T* dx, size_t n, const Params& p) {
  const Lane<Op, V> k(p);
  constexpr size_t N = V::N;
  constexpr size_t U = static_cast<size_t>(Op::kUnroll);
  size_t i = 0;
  if (n >= U * N) {
    for (; i <= n - U * N; i += U * N) {
      V g[U], v[U];
      for (size_t u = 0; u < U; ++u) g[u] = load(dy + i + u * N);
      for (size_t u = 0; u < U; ++u) v[u] = load(in + i + u * N);
      for (size_t u = 0; u < U; ++u) g[u] = k(g[u], v[u]);
      for (size_t u = 0; u < U; ++u) store(dx + i + u * N, g[u]);
    }
  }
  for (; i + N <= n; i += N) store(dx + i, k(load(dy + i), load(in + i)));
  if (i < n) {
    const size_t r = n - i;
    storePartial(dx + i, k(loadPartial(dy + i, r), loadPartial(in + i, r)), r);
  }
}


}  // namespace bwd
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_KERNELS_BACKWARD_H_

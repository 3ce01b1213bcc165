// native/kernels/backward.h -- dx = dy·f'(x) (and dy·g(y) from the forward output) for
// every unary op, each written once as functors over the vector type.
// The semantic reference is lib/fallback/unary-backward.ts: the same formulas, so
// NaN/±Inf/kink results agree with the JS twin.
//
// Accuracy (lib/ops.ts BackwardDef): |dx − dy·f'(x)| ≤ 4 ulp(dx) + 4ε·|dy|·S(x), S the
// sum of the magnitudes of the terms of f' (exact ops: correctly rounded).
//
// Lanes. The piecewise-linear ops (relu, leakyRelu, relu6, hardTanh) run K<V> in the
// array's own type: dy·1, dy·0 and dy·α are exact products rounded once. Every other
// op is split (BwdBase<unroll, true>): K<Vd> is its float64 kernel (float64 arrays),
// and F its float32 kernel, in float lanes with the forward's vector math. F is written
// for the float range where its intermediates stay normal; F::slow(in) marks the lanes
// outside it (an e^t that would be subnormal while dy·f' need not be: the far negative
// tails), which a vector holding any recomputes through K<Vd> on widened lanes.
// Such lanes do not occur in practice (x below −80 or so); the sweep meets them.
//
// Shape of a split op:  struct name : BwdBase<unroll, true> {
//   template <class V> struct K { explicit K(const Params&); V operator()(V dy, V in) const; };  // V = Vd
//   struct F { static constexpr bool kSlow; explicit F(const Params&);
//              Mf slow(Vf in) const;                 // when kSlow
//              Vf operator()(Vf dy, Vf in) const; }; };   // in = x, or y for the FromY forms
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
using kern::fnma_exact;

template <int Unroll, bool Split>
struct BwdBase {
  static constexpr int kUnroll = Unroll;
  static constexpr bool kSplit = Split;
};

AK_INLINE Vf fconst(float v) { return splat<Vf>(v); }

// k(dy, in), the float64 kernel of a split op, on the widened lanes of a float vector.
template <class KT>
AK_INLINE Vf by_f64(const KT& k, Vf dy, Vf in) {
  return kx::via_f64(dy, in, [&](const Vd* g, const Vd* v, Vd* out) {
    for (int i = 0; i < kx::kParts; ++i) out[i] = k(g[i], v[i]);
  });
}

// N/D² for D = 1 + u, u in [0, 1], with 1 + u and the square kept exact (two-term
// divisor for div_dd2): the quotient rounds about once.
template <class V>
AK_INLINE V over_one_plus_sq(V num, V u) {
  const V one = splat<V>(T_<V>(1));
  const V d = one + u;
  const V dl = u - (d - one);  // Fast2Sum: 1 >= u
  const V sq = d * d;
  const V sql = fma(d + d, dl, two_prod_err(d, d, sq));
  return mathd::div_dd2(num, zero<V>(), sq, sql);
}

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
  // Float lanes, exact: αx = p + pe and p + β = s + se (error-free), so αx + β = s + (se + pe)
  // and the sign of se + pe, rounded, is the exact one where it matters (s = 0 or 1). Only
  // an αx too small for its product error to be representable (|p| < 2^-90) can lose that
  // sign, and only where β alone sits on a kink (β = 1, or β tiny): those lanes are slow.
  // The defaults: dy/6 on (−3, 3), one float division.
  struct F {
    static constexpr bool kSlow = true;
    Vf alpha, beta;
    bool beta_at_kink, exact_default;
    explicit F(const Params& p)
        : alpha(fconst(static_cast<float>(p.a))), beta(fconst(static_cast<float>(p.b))),
          beta_at_kink(static_cast<float>(p.b) == 1.0f || std::fabs(static_cast<float>(p.b)) < 0x1p-90f),
          exact_default(kern::hard_sigmoid_is_default(static_cast<float>(p.a), static_cast<float>(p.b))) {}
    AK_INLINE Mf slow(Vf x) const {
      const Mf none = lt(beta, beta);
      return beta_at_kink ? lt(abs(alpha * x), fconst(0x1p-90f)) : none;
    }
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      const Vf z = zero<Vf>(), one = fconst(1);
      if (exact_default) {
        const auto inside = mand(gt(x, fconst(-3)), lt(x, fconst(3)));
        return select(inside, dy / fconst(6), dy * select(isnan(x), x, z));
      }
      const Vf p = alpha * x;
      const Vf s = p + beta;
      const Vf e = two_sum_err(p, beta, s) + two_prod_err(alpha, x, p);
      const auto above0 = mor(gt(s, z), mand(eq(s, z), gt(e, z)));
      const auto below1 = mor(lt(s, one), mand(eq(s, one), lt(e, z)));
      const Vf d = select(mand(above0, below1), alpha, z);  // x = ±Inf: s = ±Inf, flat
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
  // Float lanes, exact: 2x + 3 = s + sl (two-sum), dy(s + sl) = P + Pl + dy·sl (Pl exact,
  // dy·sl within 2^-48 of the value), rounded once by kern::div6_rounded. Its unsure lanes,
  // and |P| outside [2^-80, 2^120] (dy near the ends of the range, or ±Inf), go to one().
  struct F {
    static constexpr bool kSlow = false;
    explicit F(const Params&) {}
    // The same in float64 lanes: for |x| >= 2^-28, s = 2x + 3 is exact there and
    // dy·s = P + Pl (error-free); q2, P/6 after one correction, is within an ulp of it, and
    // r2 = P − 6q2 is exact, so the sign of r2 + Pl tells which side of q2 the exact value
    // lies: round-to-odd on that sign, then one rounding to float32, is the correct rounding
    // (as kx::round_to_odd). |x| < 2^-28: s = 3 (P = 3dy, q2 = dy/2 exact) and the side is
    // that of the dropped 2dy·x.
    static AK_INLINE Vd one(Vd g, Vd v) {
      const Vd three = dconst(3), six = dconst(6), sixth = dconst(1.0 / 6);
      const auto tiny = lt(abs(v), dconst(0x1p-28));
      const Vd s = select(tiny, three, (v + v) + three);
      const Vd P = g * s;
      const Vd Pl = select(tiny, dconst(2) * (g * v), two_prod_err(g, s, P));
      const Vd q = P * sixth;
      const Vd q2 = fma(fnma_exact(six, q, P), sixth, q);
      const Vd t = fnma_exact(six, q2, P) + Pl;
      // dy = ±Inf or NaN: P·(1/6) (the remainders are NaN there).
      const Vd mid = select(lt(abs(P), dconst(1e300)), kx::round_to_odd(q2, t), q);
      const Vd r = select(gt(v, three), g, select(ge(v, -three), mid, g * zero<Vd>()));
      return select(isnan(v), v, r);
    }
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      const Vf three = fconst(3);
      const Vf u = x + x;
      const Vf s = u + three;
      const Vf sl = two_sum_err(u, three, s);
      const Vf P = dy * s;
      Mf unsure;
      Vf mid = kern::div6_rounded(P, two_prod_err(dy, s, P) + dy * sl, &unsure);
      // dy = ±0 or x = -1.5: +0, as the twin's q + rem/6. A P that is 0 otherwise underflowed.
      const Mf zero_product = mor(eq(dy, zero<Vf>()), eq(s, zero<Vf>()));
      mid = select(zero_product, zero<Vf>(), mid);
      const Vf aP = abs(P);
      const Mf inside = mand(ge(x, -three), le(x, three));
      const Mf range = mand(mnot(zero_product), mnot(mand(ge(aP, fconst(0x1p-80f)), le(aP, fconst(0x1p120f)))));
      Vf r = select(gt(x, three), dy, select(inside, mid, dy * zero<Vf>()));
      r = select(isnan(x), x, r);
      const Mf slow = mand(inside, mor(unsure, range));
      if (any(slow)) {
        const Vf w = kx::via_f64(dy, x, [](const Vd* g, const Vd* v, Vd* out) {
          for (int i = 0; i < kx::kParts; ++i) out[i] = one(g[i], v[i]);
        });
        r = select(slow, w, r);
      }
      return r;
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
  struct F {
    static constexpr bool kSlow = true;
    Vf alpha;
    explicit F(const Params& p) : alpha(fconst(static_cast<float>(p.a))) {}
    AK_INLINE Mf slow(Vf x) const { return lt(x, fconst(-80)); }
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      return dy * select(gt(x, zero<Vf>()), fconst(1), alpha * exp_(x));
    }
  };
};
struct eluFromY : BwdBase<2, true> {
  template <class V> struct K {
    Vd alpha;
    explicit K(const Params& p) : alpha(dconst(p.a)) {}
    AK_INLINE Vd operator()(Vd dy, Vd y) const { return dy * select(gt(y, zero<Vd>()), dconst(1), y + alpha); }
  };
  struct F {
    static constexpr bool kSlow = false;
    Vf alpha;
    explicit F(const Params& p) : alpha(fconst(static_cast<float>(p.a))) {}
    AK_INLINE Vf operator()(Vf dy, Vf y) const { return dy * select(gt(y, zero<Vf>()), fconst(1), y + alpha); }
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
  // γα as a two-term float (γα·e^x to ~0.5 ulp past exp's own error): λα split for the
  // defaults, else the exact product of the float parameters split in two.
  struct F {
    static constexpr bool kSlow = true;
    Vf g, la, lal;
    explicit F(const Params& p) : g(fconst(0x1.0cfabep+0f)), la(fconst(0x1.c212ccp+0f)), lal(fconst(0x1.903c0cp-26f)) {
      const float a = static_cast<float>(p.a), b = static_cast<float>(p.b);
      if (kern::selu_is_default(a, b)) return;
      const double ga = double(a) * double(b);  // exact: 24 x 24 bits
      const float hi = static_cast<float>(ga);
      g = fconst(b);
      la = fconst(hi);
      lal = fconst(static_cast<float>(ga - double(hi)));
    }
    AK_INLINE Mf slow(Vf x) const { return lt(x, fconst(-80)); }
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      const Vf e = exp_(x);
      return dy * select(gt(x, zero<Vf>()), g, fma(e, la, e * lal));
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
  // x/α = q + ql: q = x·(1/α) rounded, its remainder x − qα exact (q is within an ulp of
  // x/α), ql = that remainder over α, folded into exp's reduced argument. An α whose
  // reciprocal is not a normal float with room (outside [2^-60, 2^60]) goes to float64.
  struct F {
    static constexpr bool kSlow = true;
    Vf alpha, inv;
    bool wide;
    explicit F(const Params& p)
        : alpha(fconst(static_cast<float>(p.a))), inv(fconst(static_cast<float>(1.0 / static_cast<float>(p.a)))),
          wide(!(std::fabs(static_cast<float>(p.a)) >= 0x1p-60f && std::fabs(static_cast<float>(p.a)) <= 0x1p60f)) {}
    AK_INLINE Mf slow(Vf x) const {
      const Mf m = lt(x * inv, fconst(-80));
      return wide ? mnot(lt(x, x)) : m;
    }
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      const Vf q = x * inv;
      const Vf ql = fnma_exact(q, alpha, x) * inv;
      return dy * select(gt(x, zero<Vf>()), fconst(1), exp_dd_(q, ql));
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
  struct F {
    static constexpr bool kSlow = true;
    explicit F(const Params&) {}
    AK_INLINE Mf slow(Vf x) const { return gt(abs(x), fconst(80)); }
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      const Vf u = exp_(-abs(x));
      return dy * over_one_plus_sq(u, u);
    }
  };
};
struct sigmoidFromY : BwdBase<4, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd w) const { return dy * (w * (dconst(1) - w)); }
  };
  // The API takes any y: past |y| = 2^32, g(y) ~ -y² may leave the float range while
  // dy·g(y) does not (dy subnormal), so those lanes take K.
  struct F {
    static constexpr bool kSlow = true;
    explicit F(const Params&) {}
    AK_INLINE Mf slow(Vf w) const { return gt(abs(w), fconst(0x1p32f)); }
    AK_INLINE Vf operator()(Vf dy, Vf w) const { return dy * (w * (fconst(1) - w)); }
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
  struct F {
    static constexpr bool kSlow = true;
    explicit F(const Params&) {}
    AK_INLINE Mf slow(Vf x) const { return gt(abs(x), fconst(40)); }
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      const Vf u = exp_(fconst(-2) * abs(x));
      return dy * over_one_plus_sq(fconst(4) * u, u);
    }
  };
};
struct tanhFromY : BwdBase<4, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd w) const { return dy * ((dconst(1) - w) * (dconst(1) + w)); }
  };
  // As sigmoidFromY: |y| > 2^32 takes K.
  struct F {
    static constexpr bool kSlow = true;
    explicit F(const Params&) {}
    AK_INLINE Mf slow(Vf w) const { return gt(abs(w), fconst(0x1p32f)); }
    AK_INLINE Vf operator()(Vf dy, Vf w) const { return dy * ((fconst(1) - w) * (fconst(1) + w)); }
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
  // σ(t + tl), t = βx rounded, tl its error (folded into the exponent's argument); βx >
  // threshold decided exactly: t > th, or t == th with tl > 0 (t = RN(βx) is monotone in
  // βx and th is a float).
  struct F {
    static constexpr bool kSlow = true;
    Vf beta, threshold;
    bool beta_one;  // the default: βx = x exactly, tl = 0 (the same bits without its ops)
    explicit F(const Params& p)
        : beta(fconst(static_cast<float>(p.a))), threshold(fconst(static_cast<float>(p.b))), beta_one(static_cast<float>(p.a) == 1.0f) {}
    AK_INLINE Mf slow(Vf x) const { return lt(beta * x, fconst(-80)); }
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      if (beta_one) return dy * select(gt(x, threshold), fconst(1), fconst(1) / mathd::one_plus_exp_neg<false>(x, x));
      const Vf t = beta * x;
      const Vf tl = kern::finite_or_zero(two_prod_err(beta, x, t));
      const Vf d = fconst(1) / mathd::one_plus_exp_neg<true>(t, tl);
      const auto above = mor(gt(t, threshold), mand(eq(t, threshold), gt(tl, zero<Vf>())));
      return dy * select(above, fconst(1), d);
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

// s·(1 + w(1 − s)), s = σ(t + tl), in float lanes at about sigmoid's cost (swish': w = t;
// gelu 'tanh': w = x·dt/dx): with u = e^-|t + tl| and d = 1 + u, it is (d + w·u)/d² for
// t >= 0 and u·(d + w)/d² for t < 0, the terms s and w·s(1 − s) with no other
// cancellation, so the plain roundings of d, d² and the numerator stay within a few ε of
// S = s + |w|s(1 − s) (the contract's scale); no exact square, one reciprocal estimate
// with a Newton-corrected quotient. tl (kLow) goes into exp's reduced argument, where |t|
// amplifies it. −|t| is held at −87 (u normal, 2^n by scale_normal; w·u negligible next
// to d there for |w| < 2^90) and t at 88 above (t = +Inf gives 1 for a w that is t or
// finite: the caller holds w = t at 88 too). The caller sends t < −80 to the float64
// kernel. NaN passes.
template <bool kLow>
AK_INLINE Vf logistic_slope_f(Vf t, Vf tl, Vf w) {
  using namespace mathd;
  const Vf tc = minFast(fconst(88), t);
  const Vf z = maxFast(fconst(-87), bitor_(tc, splat_bits<Vf>(FP<Vf>::kSignMask)));  // -|t|
  const auto pos = ge(t, zero<Vf>());
  Vf n;
  Vf r = reduce_ln2(z, n);
  if constexpr (kLow) r = r + select(pos, -tl, tl);
  const Vf u = scale_normal(exp_reduced(r), n);
  const Vf d = fconst(1) + u;
  const Vf num = select(pos, fma(w, u, d), u * (d + w));
  return div_fast(num, d * d);
}
// swish'(t), w = t held at 88 with t.
template <bool kLow>
AK_INLINE Vf swish_slope_f(Vf t, Vf tl) { return logistic_slope_f<kLow>(t, tl, minFast(fconst(88), t)); }

struct swish : BwdBase<2, true> {
  template <class V> struct K {
    Vd beta;
    explicit K(const Params& p) : beta(dconst(p.a)) {}
    AK_INLINE Vd operator()(Vd dy, Vd v) const { return dy * swish_slope(v, beta); }
  };
  struct F {
    static constexpr bool kSlow = true;
    Vf beta;
    bool beta_zero, beta_one;
    explicit F(const Params& p)
        : beta(fconst(static_cast<float>(p.a))), beta_zero(static_cast<float>(p.a) == 0.0f), beta_one(static_cast<float>(p.a) == 1.0f) {}
    AK_INLINE Mf slow(Vf x) const { return lt(beta * x, fconst(-80)); }
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      if (beta_zero) return dy * select(isnan(x), x, fconst(0.5f));  // the function is x/2
      if (beta_one) return dy * swish_slope_f<false>(x, x);
      const Vf t = beta * x;
      // |tl| <= 2^-24|t|: a clamp at ±1 leaves it alone below |t| = 2^24 (where u is 0 or a
      // slow lane anyway) and turns the NaN of an overflowed t into a harmless bound.
      const Vf tl = minFast(maxFast(two_prod_err(beta, x, t), fconst(-1)), fconst(1));
      return dy * swish_slope_f<true>(t, tl);
    }
  };
};
struct silu : BwdBase<2, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd v) const { return dy * swish_slope(v, dconst(1)); }
  };
  struct F {
    static constexpr bool kSlow = true;
    explicit F(const Params&) {}
    AK_INLINE Mf slow(Vf x) const { return lt(x, fconst(-80)); }
    AK_INLINE Vf operator()(Vf dy, Vf x) const { return dy * swish_slope_f<false>(x, x); }
  };
};

// ---------------------------------------------------------------- gelu, mish

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

// gelu' = Φ(x) + xφ(x) on the forward's table (native/math/gelu.h): with z = |x| and
// K(z) = z·e^{z²/2}Φ(−z), Φ(−z) = e^{−z²/2}K/z and zφ(z) = e^{−z²/2}z/√(2π), so
//   f' = H (x < 0), 1 − H (x >= 0),   H = e^{−z²/2}·(K(z) − z²/√(2π))/z,
// where K − z²/√(2π) cancels only where f' does (x ≈ −0.7518: the terms are Φ and xφ).
// e^{−z²/2} = 2^n(1 + p) from the exp kernel on the exact −z²/2 = hi + lo, 2^n applied
// last (float64: H subnormal rounded once). z is held at 2^-60 from below (f' rounds to
// 1/2 there, and K/z stays 1/2 + O(z)) and at the table's end above (float 14.9: H = 0
// there, or a slow lane; float64 38.7, past which H underflows, with K from the
// asymptotic series from z = 15). No erf, no lane-wise libm.
template <class V>
AK_INLINE V gelu_erf_slope(V x) {
  using namespace mathd;
  using Tb = GeluTable<typename V::T>;
  const V zmax = C<V>(14.9f, 38.7), zt = C<V>(14.9f, 0x1.dffffffffffffp+3);
  const V z = minFast(zmax, maxFast(C<V>(0x1p-60f, 0x1p-60), abs(x)));  // NaN passes both
  const V zk = kIsF32<V> ? z : minFast(zt, z);
  V k = slot_poly<Tb>(zk, zk + K<V>(1));
  if constexpr (!kIsF32<V>) {
    typename V::M far = ge(z, K<V>(15));
    if (any(far)) k = select(far, horner(K<V>(1) / (z * z), Tb::kAsym), k);
  }
  const V a = fnma(z * C<V>(0x1.988454p-2f, 0x1.9884533d43651p-2), z, k);  // K − z²/√(2π)
  const V v = div_fast(a, z);
  const V w = z * K<V>(-0.5);
  const V hi = w * z;
  const V lo = two_prod_err(w, z, hi);
  V n;
  const V r = reduce_ln2(hi, n) + lo;
  const V p = expm1_reduced(r);
  const V h = ldexp_int(fma(v, p, v), n);
  return select(lt(x, zero<V>()), h, K<V>(1) - h);
}

// dy·gelu'(x), float lanes, the erf form: gelu_erf_slope's H = e^{−z²/2}·(K − z²/√(2π))/z =
// 2^n·m, with 2^n applied after the product with dy (as (dy·m/16)·2^(n+4): |m| < 8, so the
// product stays finite; x >= 0 then takes dy − dy·H, two roundings as dy·(1 − H) had), so that a subnormal H does not cost the accuracy of a normal dy·H.
// Past the table (z > 14.9, where float's forward is 0) K comes from its asymptotic series
// (six terms: the next is below 2^-33 of it there); up to z = 18.5 the reduction −z²/2 >
// −177 stays exact. Below x = −18.5 (|dy·H| can still reach 2^-149 up to z ≈ 19.7) the
// caller takes the float64 kernel.
AK_INLINE Vf gelu_erf_dx_f(Vf dy, Vf x) {
  using namespace mathd;
  using Tb = GeluTable<float>;
  static constexpr float kAsymF[6] = {0x1.988454p-2f, -0x1.988454p-2f, 0x1.32633ep+0f, -0x1.7efc0ep+2f, 0x1.4f1c8cp+5f, -0x1.79001ep+8f};
  const Vf z = minFast(fconst(18.5f), maxFast(fconst(0x1p-60f), abs(x)));  // NaN passes both
  const Vf zk = minFast(fconst(14.9f), z);
  Vf k = slot_poly<Tb>(zk, zk + fconst(1));
  const Mf far = gt(z, fconst(14.9f));
  if (any(far)) k = select(far, horner(fconst(1) / (z * z), kAsymF), k);
  const Vf a = fnma(z * fconst(0x1.988454p-2f), z, k);  // K − z²/√(2π)
  const Vf v = div_fast(a, z);
  const Vf w = z * fconst(-0.5f);
  const Vf hi = w * z;
  const Vf lo = two_prod_err(w, z, hi);
  Vf n;
  const Vf r = reduce_ln2(hi, n) + lo;
  const Vf p = expm1_reduced(r);
  const Vf dyh = ldexp_int(dy * (fma(v, p, v) * fconst(0.0625f)), n + fconst(4));  // dy·H
  return select(lt(x, zero<Vf>()), dyh, dy - dyh);  // x >= 0: dy·(1 − H), H <= 1/2
}

// 'tanh' form in float lanes: z = 2u = A·x + B·x³ as z + zl (the forward's gelu_tanh),
// w = x·dz/dx = A·x + 3B·x³, and s(1 + w(1 − s)) by logistic_slope_f. |x| > 12: 1 (or, below,
// a slow lane: z < −80 from x < −9.5).
AK_INLINE Vf gelu_tanh_slope_f(Vf x) {
  const Vf ah = fconst(0x1.988454p+0f), al = fconst(-0x1.857936p-25f);
  const Vf bh = fconst(0x1.2444f2p-4f), bl = fconst(0x1.49b16ap-29f);
  const Vf xc = minFast(fconst(12), maxFast(fconst(-12), x));  // NaN passes
  const Vf x2 = xc * xc;
  const Vf x2l = two_prod_err(xc, xc, x2);
  const Vf x3 = x2 * xc;
  const Vf x3l = fma(x2l, xc, two_prod_err(x2, xc, x3));
  const Vf p = bh * x3;
  const Vf pl = fma(bh, x3l, fma(bl, x3, two_prod_err(bh, x3, p)));
  const Vf q = ah * xc;
  const Vf ql = fma(al, xc, two_prod_err(ah, xc, q));
  const Vf z = p + q;
  const Vf zl = two_sum_err(p, q, z) + (pl + ql);
  const Vf d = logistic_slope_f<true>(z, zl, fma(fconst(3), p, q));
  return select(gt(x, fconst(12)), fconst(1), d);
}

struct gelu : BwdBase<2, true> {
  template <class V> struct K {
    bool tanh_form;
    explicit K(const Params& p) : tanh_form(p.a != 0) {}
    AK_INLINE Vd operator()(Vd dy, Vd v) const { return dy * (tanh_form ? gelu_tanh_slope(v) : gelu_erf_slope(v)); }
  };
  struct F {
    static constexpr bool kSlow = true;
    bool tanh_form;
    explicit F(const Params& p) : tanh_form(p.a != 0) {}
    AK_INLINE Mf slow(Vf x) const { return lt(x, fconst(tanh_form ? -9.5f : -12.5f)); }
    AK_INLINE Vf operator()(Vf dy, Vf x) const { return dy * (tanh_form ? gelu_tanh_slope_f(x) : gelu_erf_slope(x)); }
    // The erf form's slow lanes (x < -12.5, where gelu_erf_slope's H may be subnormal) in
    // float lanes by gelu_erf_dx_f's late scaling, at about the fast cost (the float64
    // kernel costs six times it); only x < -18.5 takes the float64 kernel.
    static constexpr bool kSlowEval = true;
    template <class KT>
    AK_INLINE Vf slow_eval(Vf dy, Vf x, const KT& k) const {
      if (tanh_form) return by_f64(k, dy, x);
      Vf r = gelu_erf_dx_f(dy, x);
      const Mf deeper = lt(x, fconst(-18.5f));
      if (any(deeper)) r = select(deeper, by_f64(k, dy, x), r);
      return r;
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
  // With e = e^x: tanh(sp) = m/D, m = e(2 + e), D = 2 + m, and x·σ·sech²(sp) = 4xe(1 + e)/D²,
  // so f' = e·N/D², N = 4(1 + x) + e((6 + 4x) + e(4 + e)): every term of N positive for
  // x >= 0, and for x < 0 it cancels only where f' does. D and D² rounded plainly (each ε/2
  // of f', inside the contract's 4ε·S, S >= |f'|). f' rounds to 1 past x = 12 (the
  // deviation (4x − 2)/e^2x < 2^-25).
  struct F {
    static constexpr bool kSlow = true;
    explicit F(const Params&) {}
    AK_INLINE Mf slow(Vf x) const { return lt(x, fconst(-80)); }
    AK_INLINE Vf operator()(Vf dy, Vf v) const {
      const Vf one = fconst(1), two = fconst(2), four = fconst(4);
      const Vf x = minFast(fconst(12), v);  // NaN passes
      const Vf e = exp_(x);
      const Vf D = fma(e, e + two, two);
      const Vf N = e * fma(four, one + x, e * (fma(four, x, fconst(6)) + e * (four + e)));
      const Vf d = mathd::div_fast(N, D * D);
      return dy * select(gt(v, fconst(12)), one, d);
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
  struct F {
    static constexpr bool kSlow = true;
    explicit F(const Params&) {}
    AK_INLINE Mf slow(Vf x) const { return gt(abs(x), fconst(0x1p50f)); }  // 1/(1 + |x|)² near the subnormals
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      const Vf one = fconst(1), a = abs(x);
      const Vf s = one + a;
      const Vf sl = two_sum_err(one, a, s);
      const Vf sq = s * s;
      const Vf sql = fma(s + s, sl, two_prod_err(s, s, sq));
      return dy * mathd::div_dd2(one, zero<Vf>(), sq, sql);
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
      // At x = c, −2γ·(x − c) itself: dd + dl would turn x − c = −0 into +0 (f' is odd about c).
      d = select(eq(dd, zero<Vd>()), m2g * dd, d);
      if (gamma_zero) d = zero<Vd>();
      d = select(eq(ad, dconst(std::numeric_limits<double>::infinity())), zero<Vd>(), d);
      return dy * select(isnan(dd), dd, d);
    }
  };
  // d = x − c and z = γd² as two-term values (the exponent's argument error would be
  // amplified |z| times), e^-(z + zl) by exp_dd_, times −2γ(d + dl).
  struct F {
    static constexpr bool kSlow = true;
    Vf gamma, center;
    bool gamma_zero;
    explicit F(const Params& p)
        : gamma(fconst(static_cast<float>(p.a))), center(fconst(static_cast<float>(p.b))), gamma_zero(static_cast<float>(p.a) == 0.0f) {}
    // Also −2γd below 2^-100 (d or γ tiny): f' may be subnormal where dy·f' is not.
    AK_INLINE Mf slow(Vf x) const {
      const Vf d = x - center;
      const Mf tiny = mand(lt(abs(gamma * d), fconst(0x1p-100f)), mnot(eq(d, zero<Vf>())));
      return mor(gt(gamma * (d * d), fconst(80)), tiny);
    }
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      if (gamma_zero) return dy * select(isnan(x), x, zero<Vf>());
      const Vf d = x - center;
      const Vf dl = two_sum_err(x, -center, d);
      const Vf d2 = d * d;
      const Vf d2l = fma(d + d, dl, two_prod_err(d, d, d2));
      const Vf z = gamma * d2;
      const Vf zl = fma(gamma, d2l, two_prod_err(gamma, d2, z));
      const Vf m2g = fconst(-2) * gamma;
      return dy * (fma(m2g, d, m2g * dl) * exp_dd_(-z, -zl));
    }
  };
};

// ---------------------------------------------------------------- driver

// A split op's K sees only float64 lanes; one whose parameters mean something per array
// type (selu's and hardSigmoid's defaults) takes (Params, f32) and learns it here.
template <class K, bool kF32>
K make_k(const Params& p) {
  if constexpr (std::is_constructible<K, const Params&, bool>::value) return K(p, kF32); else return K(p);
}

// The float kernel of a split op (none for the others).
// An F may redo its slow lanes itself (kSlowEval, `Vf slow_eval(dy, in, k)`, k the float64
// kernel) instead of the float64 kernel on every lane of the vector.
template <class FT, class = void>
struct HasSlowEval : std::false_type {};
template <class FT>
struct HasSlowEval<FT, std::void_t<decltype(FT::kSlowEval)>> : std::true_type {};
struct NoF {
  static constexpr bool kSlow = false;
  explicit NoF(const Params&) {}
};
// A split op without a float kernel (`using F = ViaF64;`): K<Vd> on every widened lane.
struct ViaF64 {
  static constexpr bool kSlow = false;
  explicit ViaF64(const Params&) {}
};
template <class Op, bool kSplitF32> struct FOf { using type = NoF; };
template <class Op> struct FOf<Op, true> { using type = typename Op::F; };

// One vector of results for op Op on lanes of type V: K<V> (own lanes), K<Vd> (split op,
// float64), or F with its slow lanes redone by K<Vd> on widened lanes (split op, float32).
template <class Op, class V>
struct Lane {
  static constexpr bool kF32 = Op::kSplit && std::is_same<V, Vf>::value;
  using KT = typename Op::template K<typename std::conditional<Op::kSplit, Vd, V>::type>;
  using FT = typename FOf<Op, kF32>::type;
  KT k;
  FT f;
  explicit Lane(const Params& p) : k(make_k<KT, std::is_same<V, Vf>::value>(p)), f(p) {}
  AK_INLINE V operator()(V dy, V in) const {
    if constexpr (!kF32) {
      return k(dy, in);
    } else if constexpr (std::is_same<FT, ViaF64>::value) {
      return by_f64(k, dy, in);
    } else {
      V r = f(dy, in);
      if constexpr (FT::kSlow) {
        const auto s = f.slow(in);
        if (any(s)) {
          if constexpr (HasSlowEval<FT>::value) {
            r = select(s, f.slow_eval(dy, in, k), r);
          } else {
            r = select(s, by_f64(k, dy, in), r);
          }
        }
      }
      return r;
    }
  }
};

// out = a·b, one product rounded in the lane type: the gate of the gated ops and their
// gradients (runtime/fused.h), as a framework multiplies two activations.
struct product : BwdBase<4, false> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V a, V b) const { return a * b; }
  };
};

// out = a + b rounded in the lane type: a per-element bias (runtime/fused.h).
struct sum : BwdBase<4, false> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V a, V b) const { return a + b; }
  };
};

// dx[i] = op(dy[i], in[i]) for i in [0, n); only [0, n) of each array is touched, and
// every vector is loaded before its store, so dx may be dy or in itself.
template <class Op, class V>
void backward_map(const typename V::T* dy, const typename V::T* in, typename V::T* dx, size_t n, const Params& p) {
  const Lane<Op, V> k(p);
  constexpr size_t N = V::N;
  constexpr size_t U = static_cast<size_t>(Op::kUnroll);
  size_t i = 0;
  // As the forward driver: one partial vector up to the first vector-aligned element of dx.
  const size_t mis = (reinterpret_cast<uintptr_t>(dx) / sizeof(typename V::T)) % N;
  if (mis != 0 && n >= 2 * U * N) {
    i = N - mis;
    storePartial(dx, k(loadPartial(dy, i), loadPartial(in, i)), i);
  }
  if (n - i >= U * N) {
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

// native/kernels/unary.h -- every unary op, written once as a functor template over
// the vector type V (Vf or Vd of the translation unit's ISA). The semantic reference
// is the pure-JS twin lib/fallback/unary.ts: same NaN/±Inf/±0 results.
//
// Shape of an op:  struct name : OpBase<unroll> { template <class V> struct K {
//   explicit K(const Params&);      // splat parameters once per call
//   V operator()(V x) const; }; };  // one vector of results, lanes independent
// Lanes a kernel computes past the end of the array (the zero-filled tail of a
// partial load) are never stored, so an op may compute anything there.
#ifndef AK_KERNELS_UNARY_H_
#define AK_KERNELS_UNARY_H_

#include <cmath>
#include <limits>
#include <type_traits>

#include "../math/all.h"
#include "signatures.h"
#include "driver.h"
#include "widen.h"

namespace ak {
namespace AK_ISA_NS {
namespace kern {

template <class V> using T_ = typename V::T;
template <class V> constexpr bool kIsF32 = std::is_same<V, Vf>::value;

template <class V>
AK_INLINE V two_sum_err(V a, V b, V s) {  // a + b == s + err exactly (Knuth)
  const V bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

// ---------------------------------------------------------------------------------
// Exact ops: the correctly rounded value of the formula.

// max(x, 0) with NaN kept: vec max() returns its first operand when that is NaN, and
// maxps returns the second (+0) for x = -0, as the twin does.
// maxFast(0, x) is 0 > x ? 0 : x: NaN passes (x86's max gives its second operand), and
// + 0 turns the -0 it passes into +0 (exact for every other x): two ops where the
// NaN-propagating max takes three.
struct relu : OpBase<4> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const { return maxFast(zero<V>(), x) + zero<V>(); }
  };
};

// x >= 0 ? x : αx. One product, one rounding. NaN fails the compare and NaN·α = NaN.
// α = 0: αx is -0 for every negative x, -Inf included (the limit; 0·-Inf is NaN).
struct leakyRelu : OpBase<4> {
  template <class V> struct K {
    V alpha;
    bool alpha_zero;
    explicit K(const Params& p) : alpha(splat<V>(T_<V>(p.a))), alpha_zero(T_<V>(p.a) == T_<V>(0)) {}
    AK_INLINE V operator()(V x) const {
      const V neg = alpha_zero ? select(isnan(x), x, splat<V>(T_<V>(-0.0))) : x * alpha;
      return select(ge(x, zero<V>()), x, neg);
    }
  };
};

struct relu6 : OpBase<4> {
  template <class V> struct K {
    explicit K(const Params&) {}
    // As relu, then 6 < t ? 6 : t (NaN passes again).
    AK_INLINE V operator()(V x) const { return minFast(splat<V>(T_<V>(6)), maxFast(zero<V>(), x)) + zero<V>(); }
  };
};

// x < lo ? lo : x > hi ? hi : x (NaN falls through both compares), which is
// minFast(hi, maxFast(lo, x)) (lo > x ? lo : x, then hi < t ? hi : t) operation for operation.
struct hardTanh : OpBase<4> {
  template <class V> struct K {
    V lo, hi;
    explicit K(const Params& p) : lo(splat<V>(T_<V>(p.a))), hi(splat<V>(T_<V>(p.b))) {}
    AK_INLINE V operator()(V x) const { return minFast(hi, maxFast(lo, x)); }
  };
};

// c − a·b, exact where the result is representable (a remainder c − q·a with q within a
// few ulps of c/a): one fnma with FMA; without, Sterbenz's exact c − p and the product
// error.
template <class V>
AK_INLINE V fnma_exact(V a, V b, V c) {
  if constexpr (kHasFma) {
    return fnma(a, b, c);
  } else {
    const V p = a * b;
    return (c - p) - two_prod_err(a, b, p);
  }
}

// RN((p + lo)/6) in float lanes, for a value v = p + lo carried to 2^-46|v| (|lo| <=
// 2^-23|p|) with |p| in [2^-80, 2^120] (so the remainders below are exact and normal):
// q = p/6 to about an ulp, its remainder p − 6q exact, e = (remainder + lo)/6, so q + e
// is v/6 to within 2^-44 of it. RN is monotone: where q + e ± 2^-40|q| round to the same
// float, that float is the correct rounding of v/6. Where they do not (a rounding
// boundary within 2^-40 of q + e: one lane in about 2^15), *unsure is set, and for NaN.
AK_INLINE Vf div6_rounded(Vf p, Vf lo, Mf* unsure) {
  const Vf sixth = splat<Vf>(1.0f / 6), six = splat<Vf>(6.0f);
  const Vf q = p * sixth;
  const Vf e = (fnma_exact(six, q, p) + lo) * sixth;
  const Vf d = abs(q) * splat<Vf>(0x1p-40f);
  *unsure = ne(q + (e + d), q + (e - d));
  return q + e;
}

// Clamp of t to [0, 1]: NaN stays NaN, -0 becomes +0.
template <class V>
AK_INLINE V clamp01(V t, V interior) {
  const V one = splat<V>(T_<V>(1));
  return select(gt(t, zero<V>()), select(lt(t, one), interior, one), select(isnan(t), t, zero<V>()));
}

// max(0, min(1, αx + β)) rounded once. float64: a correctly rounded fma. float32: in
// float64, αx is exact (24 x 24 bits) and αx + β is carried as s + e, rounded to
// float32 through round-to-odd (kx::round_to_odd), so no double rounding.
// α = 0 gives the constant β for every non-NaN x, ±Inf included (0·Inf would be NaN):
// αx + β is NaN with x not NaN only in that case.
// The default α, β (1/6 and 1/2 in the array's type) stand for PyTorch's exact x/6 + 1/2.
template <class T>
AK_INLINE bool hard_sigmoid_is_default(T alpha, T beta) {
  return alpha == T(1.0 / 6) && beta == T(0.5);
}

// (x + 3)/6 as hi + lo in float64 lanes: x + 3 = s + sl (two-sum), q = s/6, and the
// remainder s − 6q (exact, one fma) plus sl over 6 (as hard_swish_dd).
template <class D>  // D = Vd
AK_INLINE void x6_half_dd(D x, D* hi, D* lo) {
  const D three = splat<D>(3.0), six = splat<D>(6.0);
  const D s = x + three;
  const D sl = two_sum_err(x, three, s);
  const D q = s / six;
  *hi = q;
  *lo = (kx::fma_exact(-six, q, s) + sl) / six;  // s − 6q is exact: the remainder of a quotient
}

// The value hi + lo of dd(x, &hi, &lo) (float64 lanes) rounded once to the lane type:
// float32 through float64 lanes and round-to-odd (kx::round_to_odd), float64 hi + lo.
template <class V, class DD>
AK_INLINE V dd_rounded_once(V x, DD dd) {
  if constexpr (kIsF32<V>) {
    return kx::via_f64(x, [&](Vd xd) {
      Vd q, lo;
      dd(xd, &q, &lo);
      const Vd h = q + lo;
      return kx::round_to_odd(h, two_sum_err(q, lo, h));
    });
  } else {
    V q, lo;
    dd(x, &q, &lo);
    return q + lo;
  }
}

// x/6 + 1/2 clamped to [0, 1], rounded once: x >= 3 gives 1, x <= -3 gives 0 (±Inf too),
// NaN stays NaN. float32 in float lanes for |x| < 3, exactly: x + 3 = s + sl (Fast2Sum,
// |x| < 3; s in [2^-22, 6]) and v = (s + sl)/6. As in div6_rounded, q + e is v to within
// 2^-44|v|, so lo = RN(q + e − d) and hi = RN(q + e + d) bracket RN(v). Where they differ
// (adjacent floats; v within d of their midpoint M, which is frequent here: x + 3 is often
// 6M exactly, a true tie) the side of M is decided exactly: 6M − s = 6lo + 3(hi − lo) − s,
// and t = (s − 6lo) − 3(hi − lo) is exact (s − 6lo is the remainder of a quotient within an
// ulp, a few ulps of lo on lo's grid), so v > M iff t > −sl, v = M iff t = −sl (then the
// even one of lo, hi). Where lo = hi every branch of the select gives that float.
template <class V>
AK_INLINE V hard_sigmoid_exact(V x) {
  const V three = splat<V>(T_<V>(3));
  V r;
  if constexpr (kIsF32<V>) {
    const Vf sixth = splat<Vf>(1.0f / 6), six = splat<Vf>(6.0f);
    const Vf s = x + three;
    const Vf sl = x - (s - three);
    const Vf q = s * sixth;
    const Vf e = (fnma_exact(six, q, s) + sl) * sixth;
    const Vf d = abs(q) * splat<Vf>(0x1p-40f);
    const Vf hi = q + (e + d), lo = q + (e - d);
    const Vf t = fnma_exact(three, hi - lo, fnma_exact(six, lo, s));
    const Vf msl = -sl;
    const Vf even = select(eq(bitand_(lo, splat_bits<Vf>(1)), zero<Vf>()), lo, hi);
    r = select(gt(t, msl), hi, select(eq(t, msl), even, lo));
  } else {
    r = dd_rounded_once(x, [](Vd xd, Vd* h, Vd* l) { x6_half_dd(xd, h, l); });
  }
  r = select(ge(x, three), splat<V>(T_<V>(1)), r);
  return select(le(x, -three), zero<V>(), r);  // NaN: r is NaN already
}

struct hardSigmoid : OpBase<2> {
  template <class V> struct K {
    T_<V> alpha, beta;
    bool exact_default;
    explicit K(const Params& p)
        : alpha(T_<V>(p.a)), beta(T_<V>(p.b)), exact_default(hard_sigmoid_is_default(T_<V>(p.a), T_<V>(p.b))) {}
    AK_INLINE V operator()(V x) const {
      if (exact_default) return hard_sigmoid_exact(x);
      // With a fused multiply-add, αx + β is correctly rounded in the lane type itself
      // (the same code as float64); without one, float32 goes through float64 lanes.
      if constexpr (kIsF32<V> && !kHasFma) {
        const Vd a = splat<Vd>(alpha), b = splat<Vd>(beta);
        return kx::via_f64(x, [&](Vd xd) {
          const Vd prod = a * xd;
          Vd s = prod + b;
          s = select(mand(isnan(s), mnot(isnan(xd))), b, s);
          return clamp01(s, kx::round_to_odd(s, two_sum_err(prod, b, s)));
        });
      } else {
        V t = kx::fma_exact(splat<V>(alpha), x, splat<V>(beta));
        t = select(mand(isnan(t), mnot(isnan(x))), splat<V>(beta), t);
        return clamp01(t, t);
      }
    }
  };
};

// x·min(max(x + 3, 0), 6)/6. Inside (-3, 3) the value x(x + 3)/6 is carried as
// q + lo with ~2^-100 relative error: x + 3 = s + sl (two-sum), x·s = p + pl
// (two-product; x·sl is exact since sl holds only low bits of x), q = p/6 and the
// remainder p - 6q is exact (Sterbenz). float64 returns q + lo; float32 gets the
// float64 image rounded once through round-to-odd. Outside: x for x >= 3, -0 for
// x <= -3 (also at -Inf: the limit, where x·0 would give NaN), NaN for NaN, and
// x = ±0 gives x itself.
template <class D>  // D = Vd (float64 lanes)
AK_INLINE void hard_swish_dd(D x, D* hi, D* lo) {
  const D three = splat<D>(3.0), six = splat<D>(6.0);
  const D s = x + three;
  const D sl = two_sum_err(x, three, s);
  const D p = x * s;
  const D pl = two_prod_err(x, s, p) + x * sl;
  const D q = p / six;
  const D q6 = six * q;
  const D rem = ((p - q6) - two_prod_err(six, q, q6)) + pl;
  *hi = q;
  *lo = rem / six;
}

// float32 in float lanes, |x| < 3: x + 3 = s + sl (Fast2Sum), v = x(x + 3) = p + lo with
// p = RN(x·s) and -lo = (p − x·s) − x·sl from two fnma (relative error 2^-24 of lo, so
// about 2^-47 of v), q = p/6 to about an ulp, its remainder p − 6q exact (Sterbenz) and
// e = (remainder + lo)/6: q + e is v/6 to within 2^-44 of it. RN is monotone: where
// q + e ± d round to the same float, with d = 2^-40|x| (more than 2^-40|v/6|, as
// |x + 3| < 6), that float is the correct rounding of v/6. The lanes where they do not
// (a rounding boundary within d of q + e: about one in 2^15) and 0 < |x| < 2^-60 (x·sl =
// x² would leave the normal range) go through the float64 image above, rounded once. |x| >= 3, ±0 and
// NaN take maxFast(-0, x): x for x >= 3, ±0 and NaN (its second operand), -0 for x <= -3
// (also at -Inf, where x·0 would give NaN).
struct hardSwish : OpBase<2> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const {
      const auto dd = [](Vd xd, Vd* hi, Vd* lo) { hard_swish_dd(xd, hi, lo); };
      V r;
      const V three = splat<V>(T_<V>(3));
      const V ax = abs(x);
      const typename V::M out = mor(mnot(lt(ax, three)), eq(x, zero<V>()));
      if constexpr (kIsF32<V>) {
        const V sixth = splat<V>(1.0f / 6), six = splat<V>(6.0f);
        const V s = x + three;
        const V sl = x - (s - three);
        const V p = x * s;
        V mlo;
        if constexpr (kHasFma) {
          mlo = fnma(x, sl, fnma(x, s, p));
        } else {
          mlo = -(two_prod_err(x, s, p) + x * sl);
        }
        const V q = p * sixth;
        const V e = (fnma_exact(six, q, p) - mlo) * sixth;
        const V d = ax * splat<V>(0x1p-40f);
        r = q + e;
        const Mf unsure = ne(q + (e + d), q + (e - d));
        const Mf slow = mand(mor(unsure, lt(ax, splat<V>(0x1p-60f))), mnot(out));
        if (any(slow)) r = select(slow, dd_rounded_once(x, dd), r);
      } else {
        r = dd_rounded_once(x, dd);
      }
      return select(out, maxFast(splat<V>(T_<V>(-0.0)), x), r);
    }
  };
};

// ---------------------------------------------------------------------------------
// Ops within a few ULP.

// x + a rounded in the lane type (a already in the array's type): a bias shared by a run
// of elements (runtime/fused.h), not a registry op.
struct addScalar : OpBase<4> {
  template <class V> struct K {
    V a;
    explicit K(const Params& p) : a(splat<V>(T_<V>(p.a))) {}
    AK_INLINE V operator()(V x) const { return x + a; }
  };
};

// x / (1 + |x|): two roundings, the sum's relative error is at most 2^-p, so < 1.5 ULP.
// ±Inf would give Inf/Inf = NaN; the limit is ±1.
struct softsign : OpBase<2> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const {
      const V one = splat<V>(T_<V>(1));
      const V r = x / (one + abs(x));
      return select(isinf(x), copysign(one, x), r);
    }
  };
};

// ---------------------------------------------------------------------------------
// Transcendental ops, on native/math/ (each function's bound is in its doc comment).
//
// Where an argument is a product (βx, x/α, γ(x-c)²), its rounding error is carried
// as a low part and applied to first order: in the tails e^t turns an error δ of t
// into a relative error δ of the result, i.e. |t|/2 ULPs at t = -80 if ignored.
// float32 ops outside the speed-critical set (sigmoid, tanh, gelu, swish/silu, elu)
// compute in float64 through kx::via_f64 instead: simpler and within ~0.5 ULP.

// A constant as the lane type's nearest value (f for float lanes, d for double).
template <class V>
AK_INLINE V CC(float f, double d) {
  if constexpr (kIsF32<V>) { (void)d; return splat<V>(f); } else { (void)f; return splat<V>(d); }
}

// lo, or 0 where lo is not finite (the error term of an infinite or NaN product:
// the main term alone then gives the limit, or the NaN).
template <class V>
AK_INLINE V finite_or_zero(V lo) {
  return select(lt(abs(lo), splat<V>(std::numeric_limits<T_<V>>::infinity())), lo, zero<V>());
}

// x·sigmoid(t + tl) = x / (1 + e^-(t + tl)), |tl| <= ulp(t): one division, with tl
// folded into exp's reduced argument (mathd::one_plus_exp_neg). Where sigmoid(t) is
// tiny (t < -80 float, -700 double) but x·sigmoid(t) need not be (a large |x|, or a
// small β in swish), and where 1 + e^-t overflows, x·e^t (= x·sigmoid(t) to working
// precision there) is formed as (x·(1 + expm1(r)))·2^n, so no bit is lost to the
// subnormal range of e^t. Below t = -170 (float) / -1500 (double) x·e^t cannot be a
// normal number for any finite x; e^(t + 170) then scales the value down to its
// (subnormal or zero) size, and the first-order term (tl may be >= 1 there) is dropped.
// x = +Inf with t -> +Inf gives +Inf; x = -Inf with t -> -Inf gives -0 (the limit).
// kLow = false: t is exact (tl == 0).
template <bool kLow = true, class V>
AK_INLINE V x_sigmoid(V x, V t, V tl) {
  const V one = splat<V>(T_<V>(1));
  V r = x / mathd::one_plus_exp_neg<kLow>(t, tl);
  const auto tail = lt(t, CC<V>(-80.0f, -700.0));
  if (any(tail)) {
    const V floor_t = CC<V>(-170.0f, -1500.0);  // inside reduce_ln2's range
    const V tc = max(t, floor_t);
    V n;
    const V q = mathd::expm1_reduced(mathd::reduce_ln2(tc, n));
    const V ph = q + one;
    const V pl = q - (ph - one);  // 1 + q == ph + pl exactly (Fast2Sum, |q| < 1)
    // x scaled by 2^-32 first (exact) so x·(1 + q) cannot overflow near FLT_MAX.
    const V xs32 = x * CC<V>(0x1p-32f, 0x1p-32);
    const V w = fma(xs32, ph, xs32 * pl);
    const V tl_eff = select(lt(t, floor_t), zero<V>(), tl);
    V v = ldexp_int(fma(w, tl_eff, w), n + CC<V>(32.0f, 32.0)) * exp_(t - tc);  // exp_(0) == 1
    v = select(isinf(x), copysign(zero<V>(), x), v);
    r = select(tail, v, r);
  }
  return r;
}

// expm1(x) for the negative side of elu, selu and celu (α = 1), where x >= 0 selects
// another value: mathd::expm1_nonpos (~13 ops against expm1_'s ~25) on x clamped below
// where it rounds to -1; the lanes x > 0 compute an unused value. NaN passes.
template <class V>
AK_INLINE V expm1_neg_side(V x) {
  return mathd::expm1_nonpos(maxFast(CC<V>(-18.0f, -38.0), x));
}

// x >= 0 ? x : α·expm1(x) (x = -0 selects x: elu(-0) = -0).
struct elu1;
struct elu : OpBase<2> {
  // α = 1, the default: the same without the product (α·m = m exactly).
  using Special = elu1;
  template <class T> static bool special(T a, T) { return a == T(1); }
  template <class V> struct K {
    V alpha;
    explicit K(const Params& p) : alpha(splat<V>(T_<V>(p.a))) {}
    AK_INLINE V operator()(V x) const { return select(ge(x, zero<V>()), x, alpha * expm1_neg_side(x)); }
  };
};
struct elu1 : OpBase<2> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const { return select(ge(x, zero<V>()), x, expm1_neg_side(x)); }
  };
};

// The real SELU constants; α and γ equal to them in the array's type stand for them.
constexpr double kSeluAlpha = 1.6732632423543772848, kSeluLambda = 1.0507009873554804934;
template <class T>
AK_INLINE bool selu_is_default(T alpha, T gamma) {
  return alpha == T(kSeluAlpha) && gamma == T(kSeluLambda);
}

// γ·(x > 0 ? x : α·expm1(x)) with γ and γα as two-term constants (hi + lo), so the
// constants' own rounding (up to 0.5 ULP each) does not add to the error. The defaults
// are λ and λα of SELU (the real numbers); other α, γ are numbers of the array's type,
// γ exact (lo 0) and γα split from its exact product.
struct selu : OpBase<2> {
  template <class V> struct K {
    V lh, ll, lah, lal;
    // λ = 1.0507009873554804934, λα = 1.7580993408473768599 (split by mpmath).
    explicit K(const Params& p)
        : lh(CC<V>(0x1.0cfabep+0f, 0x1.0cfabd6a91132p+0)), ll(CC<V>(-0x1.2adddap-25f, 0x1.6f9a2b2ae3d88p-55)),
          lah(CC<V>(0x1.c212ccp+0f, 0x1.c212cc640f031p+0)), lal(CC<V>(0x1.903c0cp-26f, 0x1.0428c2e0f6ed7p-56)) {
      using T = T_<V>;
      if (selu_is_default(T(p.a), T(p.b))) return;
      const double ga = p.a * p.b, gal = std::fma(p.a, p.b, -ga);  // exact for float32 parameters
      lh = splat<V>(T(p.b));
      ll = zero<V>();
      lah = splat<V>(T(ga));
      lal = splat<V>(T((ga - double(T(ga))) + gal));
    }
    // float: expm1 on the negative side only (as elu), ~1.5 ULP against ~0.5 through
    // float64, at ~5x the speed; double: expm1_. x >= 0 selects γx (so selu(-0) = -0).
    AK_INLINE V operator()(V x) const {
      // x itself at ±Inf (Inf·ll would make the fma NaN) and ±0 (float's default ll < 0: -0·ll = +0).
      const V pos = select(mor(isinf(x), eq(x, zero<V>())), x, fma(x, lh, x * ll));
      V m;
      if constexpr (kIsF32<V>) {
        m = expm1_neg_side(x);
      } else {
        m = expm1_(x);
      }
      return select(ge(x, zero<V>()), pos, fma(m, lah, m * lal));
    }
  };
};

// x > 0 ? x : α·expm1(x/α), with x/α = q + ql (exact remainder) and
// expm1(q + ql) = expm1(q) + ql·(expm1(q) + 1) to first order.
struct celu : OpBase<2> {
  template <class V> struct K {
    V alpha;
    bool alpha_one;
    explicit K(const Params& p) : alpha(splat<V>(T_<V>(p.a))), alpha_one(p.a == 1.0) {}
    AK_INLINE V operator()(V x) const {
      if constexpr (kIsF32<V>) {
        // α = 1 (the default) is elu with α = 1: expm1 in float lanes on the negative side.
        if (alpha_one) return select(ge(x, zero<V>()), x, expm1_neg_side(x));
        // Other α: in float64 (α exact there) it is ~0.5 ULP instead of ~2.
        const Vd a = splat<Vd>(static_cast<double>(lane0(alpha)));
        return kx::via_f64(x, [&](Vd xd) { return eval(xd, a); });
      } else {
        return eval(x, alpha);
      }
    }
    template <class W>
    static AK_INLINE W eval(W x, W alpha) {
      const W q = x / alpha;
      const W pr = q * alpha;
      const W ql = finite_or_zero(((x - pr) - two_prod_err(q, alpha, pr)) / alpha);
      const W m = expm1_(q);
      const W m2 = fma(ql, m + splat<W>(T_<W>(1)), m);
      // x itself for x >= 0 (-0 included: α·m2 would be +0) and for |x/α| < 2^-54, where
      // α·expm1(x/α) = x(1 + x/2α) rounds to x (the remainders above would be subnormal).
      return select(mor(ge(x, zero<W>()), lt(abs(q), splat<W>(T_<W>(0x1p-54)))), x, alpha * m2);
    }
  };
};

struct sigmoid : OpBase<2> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const { return sigmoid_(x); }
  };
};

struct tanh : OpBase<2> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const { return tanh_(x); }
  };
};

// βx > threshold ? x : softplus(βx)/β, the branch decided on βx rounded to float64
// as the JS twin and the reference do (exact for float32 data).
// float32, β = 1 (the default): softplus_ in float lanes (1.63 ulp, all 2^32 inputs)
// instead of the float64 route; the threshold rounded down to a float decides exactly as
// x > threshold in double does (the API passes float32 calls their parameters rounded to
// float32 already). Other β: all in float64 (βx exact there). float64: βx = t + tl, and
// softplus(t + tl) = softplus(t) + tl·sigmoid(t) to first order.
struct softplus : OpBase<2> {
  template <class V> struct K {
    T_<V> beta, threshold;
    bool unit_beta;
    float threshold_f;  // largest float <= threshold (float32, β = 1)
    explicit K(const Params& p)
        : beta(T_<V>(p.a)), threshold(T_<V>(p.b)), unit_beta(p.a == 1.0), threshold_f(static_cast<float>(p.b)) {
      if (static_cast<double>(threshold_f) > p.b) threshold_f = std::nextafter(threshold_f, -INFINITY);
    }
    AK_INLINE V operator()(V x) const {
      if constexpr (kIsF32<V>) {
        if (unit_beta) return select(gt(x, splat<V>(threshold_f)), x, softplus_(x));
        const Vd b = splat<Vd>(beta), th = splat<Vd>(threshold);
        return kx::via_f64(x, [&](Vd xd) {
          const Vd t = b * xd;
          return select(gt(t, th), xd, softplus_(t) / b);
        });
      } else {
        const V b = splat<V>(beta), one = splat<V>(1.0);
        const V t = b * x;
        const V tl = finite_or_zero(two_prod_err(b, x, t));
        const V e = exp_(-abs(t));
        const V sig = select(gt(t, zero<V>()), one, e) / (one + e);
        const V r = fma(tl, sig, softplus_(t)) / b;
        return select(gt(t, splat<V>(threshold)), x, r);
      }
    }
  };
};

// x·sigmoid(βx), βx = t + tl exactly. ±Inf: the limit (x where βx -> +Inf, a signed
// zero where βx -> -Inf); β = 0: x/2 everywhere.
struct silu;
struct swish : OpBase<2> {
  // β = 1, the default, is SiLU (βx exact): silu's own loop, chosen once per call.
  using Special = silu;
  template <class T> static bool special(T a, T) { return a == T(1); }
  template <class V> struct K {
    V beta;
    bool beta_zero;
    explicit K(const Params& p) : beta(splat<V>(T_<V>(p.a))), beta_zero(T_<V>(p.a) == T_<V>(0)) {}
    AK_INLINE V operator()(V x) const {
      if (beta_zero) return x * splat<V>(T_<V>(0.5));
      const V t = beta * x;
      return x_sigmoid(x, t, finite_or_zero(two_prod_err(beta, x, t)));
    }
  };
};

struct silu : OpBase<2> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const {
      return x_sigmoid<false>(x, x, zero<V>());
    }
  };
};

// x·tanh(softplus(x)) by mish_ in the array's type (float 2.46 ulp over all 2^32 inputs,
// double <= 3).
struct mish : OpBase<2> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const { return mish_(x); }
  };
};

// exp(-γ(x - c)²). float32: in float64, where x - c and γd² carry ~2^-52 relative
// error, harmless even at γd² ~ 104. float64: d, d² and γd² as two-term values and
// e^-(z + zl) = e^-z·(1 - zl). γ = 0 gives 1 everywhere (±Inf too); NaN stays NaN.
struct rbf : OpBase<2> {
  template <class V> struct K {
    T_<V> gamma, center;
    explicit K(const Params& p) : gamma(T_<V>(p.a)), center(T_<V>(p.b)) {}
    AK_INLINE V operator()(V x) const {
      V r;
      if constexpr (kIsF32<V>) {
        const Vd g = splat<Vd>(gamma), c = splat<Vd>(center);
        r = kx::via_f64(x, [&](Vd xd) {
          const Vd d = xd - c;
          return exp_(-(g * (d * d)));  // d = ±Inf: exp(-Inf) = 0
        });
      } else {
        const V g = splat<V>(gamma), c = splat<V>(center);
        const V d = x - c;
        const V dl = two_sum_err(x, -c, d);
        const V d2 = d * d;
        const V d2l = two_prod_err(d, d, d2) + (d + d) * dl;
        const V z = g * d2;
        const V zl = finite_or_zero(two_prod_err(g, d2, z) + g * d2l);
        const V e = exp_(-z);
        r = fnma(e, zl, e);
        // d² overflowing (|d| > 1.3e154) or infinite: the limit 0 (γ > 0)
        r = select(lt(d2, splat<V>(std::numeric_limits<double>::infinity())), r, zero<V>());
      }
      if (gamma == T_<V>(0)) r = splat<V>(T_<V>(1));
      return select(isnan(x), x, r);
    }
  };
};

// gelu, approximate 'tanh' (Params::a == 1): 0.5x(1 + tanh(u)) = x·sigmoid(z) with
// z = 2u = A·x + B·x³, A = 2√(2/π), B = 0.044715·A, formed as z + zl with every
// product error kept (two-term constants, exact x², x³), since the tail multiplies
// z's error by |z| (40 ULP at x = -5 in plain float arithmetic). |x| is clamped to
// 12 (float) / 25 (double) for z, beyond which the result is x or a signed 0 anyway
// (and x³ would overflow).
template <class V>
AK_INLINE V gelu_tanh(V x) {
  const V ah = CC<V>(0x1.988454p+0f, 0x1.9884533d43651p+0);
  const V al = CC<V>(-0x1.857936p-25f, -0x1.cbc0d30ebfd15p-54);
  const V bh = CC<V>(0x1.2444f2p-4f, 0x1.2444f2a4d8b4bp-4);
  const V bl = CC<V>(0x1.49b16ap-29f, -0x1.6c843a29d1c70p-61);
  const V lim = CC<V>(12.0f, 25.0);
  const V xc = minFast(lim, maxFast(-lim, x));  // NaN passes (second operand)
  const V x2 = xc * xc;
  const V x2l = two_prod_err(xc, xc, x2);
  const V x3 = x2 * xc;
  const V x3l = fma(x2l, xc, two_prod_err(x2, xc, x3));
  const V p = bh * x3;                                               // B·x³
  const V pl = fma(bh, x3l, fma(bl, x3, two_prod_err(bh, x3, p)));
  const V q = ah * xc;                                               // A·x
  const V ql = fma(al, xc, two_prod_err(ah, xc, q));
  const V z = p + q;
  const V zl = two_sum_err(p, q, z) + (pl + ql);
  const V r = x_sigmoid(x, z, zl);
  // Past the clamp z was computed for ±lim, not x: the value there is x or -0 (±Inf too).
  return select(gt(x, lim), x, select(lt(x, -lim), splat<V>(T_<V>(-0.0)), r));
}

// gelu, approximate 'none' (Params::a == 0): gelu_ of native/math (0.5x·erfc(-x/√2)
// with x/√2 as a double-word argument, relative-accurate tail, no 1 + erf cancellation).

struct gelu : OpBase<2> {
  template <class V> struct K {
    bool tanh_form;
    explicit K(const Params& p) : tanh_form(p.a != 0) {}
    AK_INLINE V operator()(V x) const { return tanh_form ? gelu_tanh(x) : gelu_(x); }
  };
};

}  // namespace kern
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_KERNELS_UNARY_H_

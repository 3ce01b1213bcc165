// native/math/exp.h -- exp_(x) and expm1_(x) for Vf and Vd.
//
// Method (both): n = round(x / ln2), r = x - n*ln2 (Cody-Waite, two constants),
// |r| <= ln2/2, expm1(r) ~= r + r^2 * Q(r) with Q a minimax fit of the relative error
// of expm1(r) (gen/exp_coeffs.py: degree 4 for float, 9 for double; fit error
// 0.28 / 0.26 units of 2^-24 / 2^-53). Then
//   exp(x)   = 2^n * (1 + expm1(r))          (2^n applied by ldexp_int: two steps, so
//                                            subnormal results round once)
//   expm1(x) = 2^n*(r + (1 - 2^-n)) + 2^n*r^2*Q(r)   (final fma: one rounding)
// No division, no table, no gather: ~11 (float) / ~16 (double) vector ops.
#ifndef AK_MATH_EXP_H_
#define AK_MATH_EXP_H_

#include "common.h"

namespace ak {
namespace AK_ISA_NS {
namespace mathd {

// Q(r) = (expm1(r) - r) / r^2 on |r| <= ln2/2 (a little beyond is fine).
template <class T> struct ExpQ;
template <> struct ExpQ<float> {
  static constexpr float c[] = {0x1.fffffep-2f, 0x1.5554aep-3f, 0x1.555676p-5f, 0x1.122886p-7f, 0x1.6bebdep-10f};
};
template <> struct ExpQ<double> {
  static constexpr double c[] = {0x1.0000000000005p-1, 0x1.5555555555539p-3, 0x1.55555555521f2p-5,
                                 0x1.1111111119198p-7, 0x1.6c16c17f127a4p-10, 0x1.a01a017497933p-13,
                                 0x1.a019a6bfd3b3ap-16, 0x1.71de889ca1b13p-19, 0x1.28a29788ed20ap-22,
                                 0x1.ae6bb18229a5bp-26};
};
template <class V>
AK_INLINE V expm1_q(V r) { return horner(r, ExpQ<typename V::T>::c); }
// Q(-s), for callers that hold the reduced argument negated (no negation op: the odd
// coefficients flip sign at compile time).
template <class V>
AK_INLINE V expm1_q_neg(V s) { return horner_neg(s, ExpQ<typename V::T>::c); }
template <class V>
AK_INLINE V expm1_reduced(V r) { return fma(r * r, expm1_q(r), r); }
// e^r on the reduced argument: 1 + r + r^2 Q(r) as one Horner chain (one op fewer).
template <class V>
AK_INLINE V exp_reduced(V r) {
  return fma(r, fma(r, expm1_q(r), K<V>(1)), K<V>(1));
}

// e^-s = 1 - s + s^2 Q(-s) on the negated reduced argument s = -r.
template <class V>
AK_INLINE V exp_reduced_neg(V s) {
  return fma(s, fma(s, expm1_q_neg(s), K<V>(-1)), K<V>(1));
}

// n = round(x/ln2) and r = x - n*ln2; needs |x| < 2^8 (float) / 2^21 (double) * ln2.
template <class V>
AK_INLINE V reduce_ln2(V x, V& n) {
  n = round_nearest(x * log2e<V>());
  V r = fnma(n, ln2_hi<V>(), x);
  return fnma(n, ln2_lo<V>(), r);
}

}  // namespace mathd

/// exp_(x) = e^x.
/// Valid for all inputs. exp(±0) = 1, exp(+Inf) = +Inf, exp(-Inf) = +0, NaN -> NaN.
/// Overflow to +Inf exactly where e^x rounds above FLT_MAX/DBL_MAX (x > 88.7228 /
/// 709.7827); subnormal results rounded once (correct to ~1 ulp of denorm_min), 0 below
/// -103.97 / -745.13. Subnormal inputs give 1.
/// Max error (bound: bounds.inc): float 1.04 ulp (all 2^32 inputs, every ISA), double
/// 0.99 ulp (random+specials); see native/math/README.md.
template <class V>
AK_INLINE V exp_(V x) {
  using namespace mathd;
  // Clamp so n stays within ldexp_int's range; the clamp values already over/underflow.
  // maxFast/minFast return their 2nd operand for NaN, so NaN passes through.
  x = minFast(C<V>(89.0f, 710.0), maxFast(C<V>(-104.0f, -746.0), x));
  V n;
  V r = reduce_ln2(x, n);
  V p = expm1_reduced(r) + K<V>(1);
  return ldexp_int(p, n);
}

/// exp_dd_(hi, lo) = e^(hi + lo) for an argument given as an unevaluated sum with
/// |lo| <= ~ulp(hi) (e.g. from two_prod_err): lo is folded into the reduced argument, so
/// the rounding of an argument like -g*(x-c)^2 (which exp amplifies |arg| times) is not
/// lost. Same ranges, specials and error as exp_ (hi decides over/underflow).
template <class V>
AK_INLINE V exp_dd_(V hi, V lo) {
  using namespace mathd;
  // Clamp with a margin of 2 beyond the over/underflow points, and lo to ±1: where hi is
  // clamped, lo (~ulp(hi)) could be huge; elsewhere |lo| < 2^-17 is untouched.
  V h = minFast(C<V>(91.0f, 712.0), maxFast(C<V>(-106.0f, -748.0), hi));  // NaN passes
  V l = minFast(maxFast(lo, K<V>(-1)), K<V>(1));  // a NaN lo (overflowed products) -> -1
  V n;
  V r = reduce_ln2(h, n) + l;
  V p = exp_reduced(r);
  return ldexp_int(p, n);
}

/// rbf_(x, gamma, center) = exp(-gamma * (x - center)^2), the Gaussian radial basis, with
/// the argument carried exactly enough (two-sum for x - c, exact products) that only
/// exp's own error remains (~1 ulp) even where gamma*(x-c)^2 ~ 100. gamma >= 0 finite.
/// rbf(±Inf) = +0, NaN -> NaN.
template <class V>
AK_INLINE V rbf_(V x, V gamma, V center) {
  using namespace mathd;
  V dh = x - center;  // TwoSum: x - c = dh + dl exactly
  V xv = dh + center;
  V dl = (x - xv) + (-center - (dh - xv));
  V sh = dh * dh;
  V sl = fma(dh + dh, dl, two_prod_err(dh, dh, sh));  // (x-c)^2 = sh + sl
  V ng = -gamma;
  V ah = ng * sh;
  V al = fma(ng, sl, two_prod_err(ng, sh, ah));
  // |x - c| huge: al may be NaN (Inf - Inf); exp_dd_ ignores a NaN lo.
  return exp_dd_(ah, al);
}

namespace mathd {
// expm1(u) for u in [-18.2, 0] (float) / [-38.2, 0] (double), the caller's clamp (at
// the low end the value rounds to -1 anyway); u > 0 gives an unspecified value (no trap),
// for callers that select it away. For u <= 0 expm1 is simple: 2^n (1 + p) - 1 =
// fma(2^n, p, 2^n - 1), p = expm1(r), with 2^n - 1 exact (n >= -27 / -56: for n < -24
// the -1 dominates anyway) and one rounding; n = 0 gives m = p (relative accuracy at 0).
// expm1(-0) comes out +0. ~13 vector ops for float.
template <class V>
AK_INLINE V expm1_nonpos(V u) {
  V n;
  V r = reduce_ln2(u, n);
  V p = expm1_reduced(r);
  V s = scale_normal(K<V>(1), n);
  return fma(s, p, s - K<V>(1));
}
}  // namespace mathd

/// expm1_(x) = e^x - 1, accurate in relative terms near 0.
/// Valid for all inputs. expm1(±0) = ±0, expm1(+Inf) = +Inf, expm1(-Inf) = -1, NaN -> NaN,
/// subnormal x -> x. Overflow to +Inf where exp overflows; -1 for x < -17.4 (float) /
/// -37.5 (double) where that is the rounded value.
/// Max error (bound: bounds.inc): float 1.32 ulp (all 2^32 inputs), double 1.57 ulp. The
/// double error peaks at x ~ 0.35 where the rounding of the reduced argument is doubled.
template <class V>
AK_INLINE V expm1_(V x) {
  using namespace mathd;
  using T = typename V::T;
  const T nmax = kIsF32<V> ? T(127) : T(1023);
  x = minFast(C<V>(89.0f, 710.0), maxFast(C<V>(-18.0f, -38.0), x));
  V n;
  V r = reduce_ln2(x, n);
  // expm1(x) = 2^n * (r + (1 - 2^-n) + r^2 Q(r)). 1 - 2^-n is exact for n <= 24 (53)
  // and r + (1 - 2^-n) is exact or rounds at the level of the result's last bit, and
  // both products by 2^n are exact, so the r^2 Q term is added with one final rounding.
  // (Rounding expm1(r) first and scaling loses up to 1.5 ulp at x ~ 0.35..0.5.)
  // 2^n overflows for n = nmax + 1 (x in [88.38, 88.72] for float): use 2^nmax, and
  // double at the end. 2^-n is clamped at 2^-64: 1 - 2^-64 rounds to 1 anyway.
  V q = expm1_q(r);
  V s = pow2i(minFast(n, splat<V>(nmax)));
  V t = K<V>(1) - pow2i(-minFast(n, K<V>(64)));
  V y = fma((r * r) * s, q, (r + t) * s);
  y = y * select(gt(n, splat<V>(nmax)), K<V>(2), K<V>(1));
  // expm1(-0) must be -0 (r = -0 - (-0)*ln2 comes out +0): y has the sign of x or is
  // zero, so OR-ing x's sign bit in is harmless everywhere else.
  return bitor_(y, bitand_(x, splat_bits<V>(FP<V>::kSignMask)));
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_EXP_H_

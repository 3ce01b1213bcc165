// native/math/log.h -- log_(x) and log1p_(x) for Vf and Vd.
//
// Method: write the argument as 2^k * (1 + f) with 1 + f in [sqrt(1/2), sqrt(2)) by
// integer arithmetic on the bit pattern (subtracting the bits of sqrt(1/2) makes the
// exponent field round at sqrt(2)), then
//   float:  log1p(f) = f - f^2/2 + f^3 P(f), P degree 7   (gen/log_coeffs.py)
//   double: log1p(f) = f - h + s (h + z G(z)), h = f^2/2, s = f/(2+f), z = s^2, G deg 6
// and log = k*ln2_hi + f (Fast2Sum, exact error kept) + (k*ln2_lo + the rest).
// log1p feeds 2^k(1+f) = 1 + x with f computed from x itself (not from the rounded
// 1 + x): f + fl = (x + (1 - 2^k)) * 2^-k exactly (Sterbenz or Fast2Sum) for k <= 24 (53);
// for larger k the rounding of 1 + x is below the result's precision.
#ifndef AK_MATH_LOG_H_
#define AK_MATH_LOG_H_

#include "common.h"
#include <limits>

namespace ak {
namespace AK_ISA_NS {
namespace mathd {

// Split positive normal finite x into k (as a value) and m = x / 2^k in [sqrt(.5), sqrt(2)).
template <class V>
AK_INLINE V split_sqrt2(V x, V& k) {
  using F = FP<V>;
  using U = typename V::U;
  const U one = kIsF32<V> ? U(0x3f800000u) : U(0x3ff0000000000000ull);
  const U sqrth = kIsF32<V> ? U(0x3f3504f3u) : U(0x3fe6a09e667f3bcdull);
  const U mantmask = kIsF32<V> ? U(0x007fffffu) : U(0x000fffffffffffffull);
  V t = add_bits(x, splat_bits<V>(U(one - sqrth)));  // biased exponent of x/sqrt(1/2)
  k = from_int_bits(shr_bits<F::kMant>(t)) - splat<V>(typename V::T(F::kBias));
  return add_bits(bitand_(t, splat_bits<V>(mantmask)), splat_bits<V>(sqrth));
}

// log1p(f) - f for f in [sqrt(.5) - 1, sqrt(2) - 1] (a little beyond is fine).
template <class V>
AK_INLINE V log1p_minus_f(V f) {
  using T = typename V::T;
  V h = K<V>(0.5) * f * f;
  if constexpr (kIsF32<V>) {
    static constexpr T c[] = {0x1.555554p-2f, -0x1.000232p-2f, 0x1.99a02cp-3f, -0x1.546ee8p-3f,
                              0x1.22d3f8p-3f, -0x1.0da1f6p-3f, 0x1.059814p-3f, -0x1.38b236p-4f};
    V p = horner(f, c);
    return fma(f * f * f, p, -h);
  } else {
    static constexpr T c[] = {0x1.5555555555558p-1, 0x1.9999999994e37p-2, 0x1.2492492e7418dp-2,
                              0x1.c71c62406635bp-3, 0x1.7462e3387240fp-3, 0x1.39f8623440356p-3,
                              0x1.2ba1c7800dedcp-3};
    V s = div_fast(f, f + K<V>(2));
    V z = s * s;
    V r = z * horner(z, c);
    return fma(s, h + r, -h);
  }
}

// k*ln2 + f + l with the rounding of k*ln2_hi + f kept (|k*ln2_hi| >= |f| unless k == 0).
template <class V>
AK_INLINE V log_combine(V k, V f, V l) {
  V kh = k * ln2_hi<V>();  // exact: k has <= 11 bits, ln2_hi has trailing zeros
  V a = kh + f;
  V err = f - (a - kh);
  return a + (err + fma(k, ln2_lo<V>(), l));
}

// log1p for x in (-1, +Inf) finite; no special cases, sign of zero not handled.
template <class V>
AK_INLINE V log1p_core(V x) {
  using T = typename V::T;
  const T kmax = kIsF32<V> ? T(24) : T(53);
  V u = x + K<V>(1);
  V k;
  V m = split_sqrt2(u, k);
  V kc = minFast(k, splat<V>(kmax));
  // f = (x + c) * 2^-k with c = 1 - 2^k exact. x + c is exact by Sterbenz unless
  // |x| < |c|, and then Fast2Sum recovers its rounding error e exactly; e * 2^-k enters
  // as log1p(f + fl) ~= log1p(f) + fl / (1 + f) (1 + f ~= m; 2^-14 is plenty).
  V c = K<V>(1) - pow2i(kc);
  V a = x + c;
  V e = x - (a - c);
  V sc = pow2i(-kc);
  auto big = gt(k, splat<V>(kmax));
  V f = select(big, m - K<V>(1), a * sc);
  V corr = select(big, zero<V>(), (e * sc) * rcp_approx(m));
  return log_combine(k, f, log1p_minus_f(f) + corr);
}

}  // namespace mathd

/// log_(x): natural logarithm.
/// Valid for all inputs: log(+0) = log(-0) = -Inf, log(x < 0) = NaN, log(+Inf) = +Inf,
/// NaN -> NaN, log(1) = +0; subnormal x handled exactly (pre-scaled by 2^23 / 2^52).
/// Max error (bound: bounds.inc): see README.md.
template <class V>
AK_INLINE V log_(V x) {
  using namespace mathd;
  using T = typename V::T;
  const V tiny = splat<V>(std::numeric_limits<T>::min());
  auto sub = lt(x, tiny);
  V xs = select(sub, x * C<V>(0x1p23f, 0x1p52), x);
  V k;
  V m = split_sqrt2(xs, k);
  k = k - select(sub, C<V>(23.0f, 52.0), zero<V>());
  V f = m - K<V>(1);
  V y = log_combine(k, f, log1p_minus_f(f));
  const V inf = splat<V>(std::numeric_limits<T>::infinity());
  y = select(eq(x, inf), inf, y);
  y = select(eq(x, zero<V>()), -inf, y);
  return select(mnot(ge(x, zero<V>())), splat<V>(std::numeric_limits<T>::quiet_NaN()), y);
}

/// log1p_(x) = log(1 + x), accurate in relative terms near 0 (f is taken from x itself).
/// log1p(±0) = ±0, log1p(-1) = -Inf, log1p(x < -1) = NaN, log1p(+Inf) = +Inf, NaN -> NaN,
/// subnormal x -> x.
/// Max error (bound: bounds.inc): see README.md.
template <class V>
AK_INLINE V log1p_(V x) {
  using namespace mathd;
  using T = typename V::T;
  const V inf = splat<V>(std::numeric_limits<T>::infinity());
  V xc = minFast(x, splat<V>(std::numeric_limits<T>::max()));  // +Inf -> max (fixed below)
  V y = log1p_core(xc);
  y = bitor_(y, bitand_(x, splat_bits<V>(FP<V>::kSignMask)));  // log1p(-0) = -0
  y = select(eq(x, inf), inf, y);
  y = select(eq(x, K<V>(-1)), -inf, y);
  return select(mnot(ge(x, K<V>(-1))), splat<V>(std::numeric_limits<T>::quiet_NaN()), y);
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_LOG_H_

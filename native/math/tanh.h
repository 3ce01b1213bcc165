// native/math/tanh.h -- tanh_(x) for Vf and Vd.
#ifndef AK_MATH_TANH_H_
#define AK_MATH_TANH_H_

#include "exp.h"

namespace ak {
namespace AK_ISA_NS {

/// tanh_(x), accurate in relative terms everywhere (tanh(x) ~ x near 0, no cancellation).
/// Method: a = |x| clamped to 9.1 (float) / 19.1 (double) where tanh already rounds to 1;
/// m = expm1(2a) (expm1_, relative-accurate), tanh(a) = m / (m + 2) with m + 2 kept as an
/// exact two-term sum and the quotient corrected by its exact residual (div_dd), so only
/// expm1's error and one final rounding remain; sign restored by
/// copysign (tanh(-0) = -0).
/// tanh(±Inf) = ±1, NaN -> NaN, subnormal x -> x.
/// Max error (stated bound 2 ulp): see README.md (float sweep, double random+specials).
template <class V>
AK_INLINE V tanh_(V x) {
  using namespace mathd;
  V a = minFast(C<V>(9.1f, 19.1), abs(x));  // NaN passes (2nd operand)
  V m = expm1_(a + a);
  V two = K<V>(2);
  V dh = m + two;
  V dl = minFast(m, two) - (dh - maxFast(m, two));  // Fast2Sum error term of m + 2
  V t = div_dd(m, dh, dl);
  return copysign(t, x);
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_TANH_H_

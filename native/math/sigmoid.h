// native/math/sigmoid.h -- sigmoid_(x) = 1 / (1 + e^-x) for Vf and Vd.
#ifndef AK_MATH_SIGMOID_H_
#define AK_MATH_SIGMOID_H_

#include "exp.h"

namespace ak {
namespace AK_ISA_NS {

/// sigmoid_(x) = 1 / (1 + e^-x), accurate in RELATIVE terms everywhere, including the
/// tail x -> -Inf where the value is ~e^x (no absolute-error-only rational).
/// Method: e = e^-|x| in (0, 1] (exp_'s kernel), s = e / (1 + e) = sigmoid(-|x|) in
/// (0, 1/2], result s for x <= 0 and 1 - s for x > 0 (no cancellation: 1 - s >= 1/2).
/// sigmoid(±0) = 1/2, sigmoid(-Inf) = +0, sigmoid(+Inf) = 1, NaN -> NaN. Results below
/// the smallest normal (x < -87.3 / -708.4) are subnormal, rounded once (within the
/// SPEC's FLT_MIN rule); +0 below -103.97 / -745.13. Subnormal x gives 1/2.
/// Max error (stated bound 2 ulp): see README.md (float sweep, double random+specials).
template <class V>
AK_INLINE V sigmoid_(V x) {
  using namespace mathd;
  V z = maxFast(C<V>(-104.0f, -746.0), -abs(x));  // NaN passes (2nd operand)
  V n;
  V r = reduce_ln2(z, n);
  V e = ldexp_int(expm1_reduced(r) + K<V>(1), n);
  // s = e / d with d = 1 + e = dh + dl exactly (dl recovered by Fast2Sum since 1 >= e);
  // div_dd removes the rounding of 1 + e and of the division: only exp's error and the
  // final rounding remain. No divide instruction where the ISA has rcp14.
  V dh = e + K<V>(1);
  V dl = e - (dh - K<V>(1));
  V s = div_dd(e, dh, dl);
  return select(gt(x, zero<V>()), K<V>(1) - s, s);
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_SIGMOID_H_

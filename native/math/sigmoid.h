// native/math/sigmoid.h -- sigmoid_(x) = 1 / (1 + e^-x) for Vf and Vd.
#ifndef AK_MATH_SIGMOID_H_
#define AK_MATH_SIGMOID_H_

#include "exp.h"

namespace ak {
namespace AK_ISA_NS {

/// sigmoid_(x) = 1 / (1 + e^-x), accurate in RELATIVE terms everywhere, including the
/// tail x -> -Inf where the value is ~e^x (no absolute-error-only rational).
/// Method: e = e^-|x| in (0, 1] (exp_'s kernel), result e / (1 + e) for x <= 0 and
/// 1 / (1 + e) for x > 0, each with one residual-corrected reciprocal (no divide on
/// AVX-512/AVX2-float; ~21 vector ops for float).
/// sigmoid(±0) = 1/2, sigmoid(-Inf) = +0, sigmoid(+Inf) = 1, NaN -> NaN. Results below
/// the smallest normal (x < -87.3 / -708.4) are subnormal, rounded once (within the
/// SPEC's FLT_MIN rule); +0 below -103.97 / -745.13. Subnormal x gives 1/2.
/// Max error (stated bound 2 ulp): see README.md (float sweep, double random+specials).
template <class V>
AK_INLINE V sigmoid_(V x) {
  using namespace mathd;
  // z = -|x| (one OR), clamped where e^z is 0 anyway; NaN passes (maxFast's 2nd operand).
  V z = maxFast(C<V>(-104.0f, -746.0), bitor_(x, splat_bits<V>(FP<V>::kSignMask)));
  V n;
  V r = reduce_ln2(z, n);
  V e = ldexp_int(exp_reduced(r), n);  // e^-|x| in [0, 1]
  // s = num / (1 + e), num = 1 (x > 0) or e (x <= 0): q = num * rcp(d), d = 1 + e, then
  // one correction with the residual num - q*d - q*dl, where dl = e - (d - 1) is the
  // exact rounding error of d (Fast2Sum, 1 >= e) and num - q*d is exact to 2^-24 of a
  // 2^-14-small quantity (fma). This removes the rounding of 1 + e and of the quotient:
  // only exp's error (damped by e/(1+e) for x > 0) and one final rounding remain.
  // rcp is rcp14 (+ Newton for double) or a true 1/x (see div_fast). ~22 ops (float).
  V num = select(gt(x, zero<V>()), K<V>(1), e);
  V d = e + K<V>(1);
  V dl = e - (d - K<V>(1));
  V rc = rcp_approx(d);
  if constexpr (!kIsF32<V> && !kRcpIsDiv) rc = fma(rc, fnma(d, rc, K<V>(1)), rc);
  V q = num * rc;
  V res;
  if constexpr (kHasFma) {
    res = fnma(q, dl, fnma(q, d, num));
  } else {
    V p = q * d;
    res = (((num - p) - two_prod_err(q, d, p)) - q * dl);
  }
  return fma(res, rc, q);
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_SIGMOID_H_

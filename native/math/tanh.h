// native/math/tanh.h -- tanh_(x) for Vf and Vd.
#ifndef AK_MATH_TANH_H_
#define AK_MATH_TANH_H_

#include "exp.h"
#include "sigmoid.h"

namespace ak {
namespace AK_ISA_NS {

/// tanh_(x), accurate in relative terms everywhere (tanh(x) ~ x near 0, no cancellation).
/// Method: m = expm1(-2|x|) in (-1, 0] (relative-accurate, no overflow possible), then
/// tanh(|x|) = -m / (2 + m) with one division (double: a residual-corrected quotient of
/// m = expm1(2|x|) and m + 2 as an exact sum), sign restored by copysign (tanh(-0) = -0).
/// |x| is clamped at 9.1 (float) / 19.1 (double) where tanh already rounds to 1.
/// tanh(±Inf) = ±1, NaN -> NaN, subnormal x -> x.
/// Max error (bound: bounds.inc): float 2.498 ulp on avx2 and avx512, 2.5004 on scalar
/// x86-64 (no FMA there: fma is a multiply and an add) (all 2^32 inputs; peak near
/// |x| = 4.5, where the rounding of 2 + m costs up to 1 ulp of the result), double
/// 1.73 ulp (random+specials).
template <class V>
AK_INLINE V tanh_(V x) {
  using namespace mathd;
  if constexpr (!kIsF32<V>) {
    // double: the slower, more accurate form (1.73 vs 2.01 ulp): m = expm1(2a) >= 0 with
    // expm1_'s exact-sum recombination, tanh = m / (m + 2), m + 2 as an exact sum.
    V a = minFast(K<V>(19.1), abs(x));  // NaN passes (2nd operand)
    V mm = expm1_(a + a);
    V two = K<V>(2);
    V dh = mm + two;
    V dl = minFast(mm, two) - (dh - maxFast(mm, two));  // Fast2Sum error of m + 2
    return copysign(div_dd(mm, dh, dl), x);
  } else {
  // float: tanh(|x|) = -m / (2 + m) with m = expm1(-2|x|) in (-1, 0] (relative-accurate,
  // no overflow possible), one division, the sign fixed by copysign. 17 vector ops: the
  // factor -2 of -2|x| is folded into the constants, all exact rescalings: with
  // a = min(|x|, 9.1) (tanh rounds to 1 beyond), n = round(-2a log2e), r = a + n ln2/2 =
  // -(-2a - n ln2)/2, expm1(-2r) = -2 (r - r^2 Q2(-r)) with Q2 expm1's polynomial
  // coefficients times powers of 2, and 2^n applied as 2^(n+1). One Cody-Waite constant
  // suffices: its error n (ln2 - ln2f)/2 enters m multiplied by 2^n, with n <= 0.
  static constexpr float kQ2[] = {ExpQ<float>::c[0] * 2, ExpQ<float>::c[1] * 4, ExpQ<float>::c[2] * 8,
                                  ExpQ<float>::c[3] * 16, ExpQ<float>::c[4] * 32};
  V a = minFast(K<V>(9.1f), abs(x));  // NaN passes (2nd operand)
  V n = round_nearest(a * K<V>(-0x1.715476p+1f));  // -2 log2(e)
  V r = fma(n, K<V>(0x1.62e430p-2f), a);           // ln2/2 rounded to float
  V q = fnma(r * r, horner_neg(r, kQ2), r);        // -expm1(-2r) / 2
  V s2 = scale_normal(K<V>(2), n);                 // 2^(n+1)
  V m = fnma(s2, q, fma(s2, K<V>(0.5), K<V>(-1)));  // 2^n (1 + expm1(-2r)) - 1
  V t = m / (m + K<V>(2));
  return copysign(t, x);
  }
}

/// tanh_grad_(x) = tanh'(x) = 1 - tanh(x)^2 = sech(x)^2 = 4 e / (1 + e)^2, e = e^{-2|x|},
/// computed from x (1 - y^2 from a rounded y = tanh(x) is inaccurate once |x| > ~1 and
/// useless beyond ~9). tanh_grad(±Inf) = 0, NaN -> NaN.
/// Max error (bound: bounds.inc): see README.md.
template <class V>
AK_INLINE V tanh_grad_(V x) {
  using namespace mathd;
  V z = bitor_(x + x, splat_bits<V>(FP<V>::kSignMask));  // -2|x| (exact)
  return logistic_density<V, 2>(z);  // 4 e / (1 + e)^2
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_TANH_H_

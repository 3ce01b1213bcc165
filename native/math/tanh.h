// native/math/tanh.h -- tanh_(x) for Vf and Vd.
#ifndef AK_MATH_TANH_H_
#define AK_MATH_TANH_H_

#include "exp.h"
#include "sigmoid.h"

namespace ak {
namespace AK_ISA_NS {

/// tanh_(x), accurate in relative terms everywhere (tanh(x) ~ x near 0, no cancellation).
/// Method: m = expm1(-2|x|) in (-1, 0] (relative-accurate, no overflow possible), then
/// tanh(|x|) = -m / (2 + m) with one residual-corrected reciprocal (no divide on AVX-512 /
/// AVX2-float), sign restored by copysign (tanh(-0) = -0). |x| is clamped at 9.1 (float) /
/// 19.1 (double) where tanh already rounds to 1.
/// tanh(±Inf) = ±1, NaN -> NaN, subnormal x -> x.
/// Max error (stated bound 2 ulp): float 1.93 ulp avx2/avx512, 1.95 scalar (all 2^32
/// inputs; peak near |x| = 0.52), double 1.73 ulp (random+specials).
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
  // float: u = -2|x| in [-18.2, 0] (float; [-38.2, 0] double): tanh(|x|) = -m / (2 + m) with
  // m = expm1(u) in (-1, 0]. For u <= 0 expm1 is simple: 2^n (1 + p) - 1 =
  // fma(2^n, p, 2^n - 1), p = expm1(r), with 2^n - 1 exact (n >= -27 / -56: for n < -24
  // the -1 dominates anyway) and one rounding; n = 0 gives m = p (relative accuracy at 0).
  V u = maxFast(C<V>(-18.2f, -38.2), abs(x) * K<V>(-2));  // NaN passes (2nd operand)
  V n;
  V r = reduce_ln2(u, n);
  V p = expm1_reduced(r);
  V s = pow2i(n);
  V m = fma(s, p, s - K<V>(1));
  // t = m / (2 + m) (<= 0): q = m * rcp(d), d = 2 + m, dl = m - (d - 2) its exact
  // rounding error (Fast2Sum, 2 >= |m|), corrected once by the residual m - q*d - q*dl
  // (fma-exact to 2^-24 of a 2^-14-small quantity); sign fixed by copysign.
  V d = m + K<V>(2);
  V dl = m - (d - K<V>(2));
  V rc = rcp_approx(d);
  V q = m * rc;
  V res;
  if constexpr (kHasFma) {
    res = fnma(q, dl, fnma(q, d, m));
  } else {
    V pm = q * d;
    res = ((m - pm) - two_prod_err(q, d, pm)) - q * dl;
  }
  V t = fma(res, rc, q);
  return copysign(t, x);
  }
}

/// tanh_grad_(x) = tanh'(x) = 1 - tanh(x)^2 = sech(x)^2 = 4 e / (1 + e)^2, e = e^{-2|x|},
/// computed from x (1 - y^2 from a rounded y = tanh(x) is inaccurate once |x| > ~1 and
/// useless beyond ~9). tanh_grad(±Inf) = 0, NaN -> NaN.
/// Max error (stated bound 2 ulp): see README.md.
template <class V>
AK_INLINE V tanh_grad_(V x) {
  using namespace mathd;
  V z = bitor_(x + x, splat_bits<V>(FP<V>::kSignMask));  // -2|x| (exact)
  return logistic_density<V, 2>(z);  // 4 e / (1 + e)^2
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_TANH_H_

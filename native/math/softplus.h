// native/math/softplus.h -- softplus_(x) = log1p(e^x) and mish_(x) = x*tanh(softplus(x)).
#ifndef AK_MATH_SOFTPLUS_H_
#define AK_MATH_SOFTPLUS_H_

#include "exp.h"
#include "log.h"

namespace ak {
namespace AK_ISA_NS {

/// softplus_(x) = log(1 + e^x), overflow-free: max(x, 0) + log1p(e^-|x|), where
/// e^-|x| is in (0, 1] and log1p of it in (0, ln 2] (both relative-accurate, so the tail
/// x -> -Inf, where softplus ~ e^x, keeps relative accuracy down to the subnormals).
/// softplus(-Inf) = +0, softplus(+Inf) = +Inf, NaN -> NaN, softplus(0) = ln 2.
/// Subnormal results (x < -87.3 / -708.4) rounded once, within the SPEC's rule.
/// (The op's beta/threshold parameters are the kernel's business: softplus_(beta*x)/beta.)
/// Max error (stated bound 2 ulp): see README.md.
template <class V>
AK_INLINE V softplus_(V x) {
  using namespace mathd;
  V e = exp_(-abs(x));
  return maxFast(zero<V>(), x) + log1p_core(e);  // maxFast: NaN passes (2nd operand)
}

/// mish_(x) = x * tanh(softplus(x)), computed directly from w = e^x:
/// tanh(log1p(w)) = ((1+w)^2 - 1) / ((1+w)^2 + 1) = n / (n + 2) with n = w(w + 2),
/// n = fma(w, w, 2w) (one rounding, no cancellation: all terms positive), w = e^x kept
/// as a two-term sum, x*n as an exact product, n + 2 as an exact two-term sum, and the
/// quotient x*n/(n+2) corrected by its residual: ~4 roundings' worth of error -> ~2.
/// x is clamped to 20 (float) / 40 (double) for w, where the ratio already rounds to 1,
/// so w never overflows; below -20 (-40) mish = x e^x to working precision, computed as
/// (x * p) * 2^k so that a subnormal e^x does not lose the accuracy of a normal result.
/// mish(+Inf) = +Inf, mish(-Inf) = -0, mish(±0) = ±0, NaN -> NaN.
/// Max error (stated bound 2.5 ulp float, 3 ulp double; the rounding of n = w(w+2) in
/// the numerator is the one left): see README.md.
template <class V>
AK_INLINE V mish_(V x) {
  using namespace mathd;
  // w = e^xe = 2^k * (ph + pl), xe = x clamped to [-110, 20] (float) / [-760, 40] (double);
  // p = 1 + expm1(r) kept as an exact two-term sum (Fast2Sum, |expm1(r)| < 1).
  V xe = minFast(C<V>(20.0f, 40.0), maxFast(C<V>(-110.0f, -760.0), x));  // NaN passes
  V k;
  V r = reduce_ln2(xe, k);
  V q = expm1_reduced(r);
  V ph = q + K<V>(1);
  V pl = q - (ph - K<V>(1));
  V wh = ldexp_int(ph, k), wl = ldexp_int(pl, k);
  V two = K<V>(2);
  // n = w (w + 2) with one rounding (+ the tiny wl term)
  V n = fma(wl, wh + wh + two, fma(wh, wh, wh + wh));
  V dh = n + two;
  V dl = minFast(n, two) - (dh - maxFast(n, two));  // Fast2Sum error of n + 2
  // y = x*n / (n + 2): numerator as an exact product ah + al, divisor dh + dl, one
  // residual correction (as div_dd, with the numerator's low part added).
  V ah = xe * n;
  V y = div_dd2(ah, two_prod_err(xe, n, ah), dh, dl);
  // x >= 20 (40): tanh(softplus(x)) rounds to 1, mish(x) = x (also for +Inf).
  y = select(gt(x, C<V>(20.0f, 40.0)), x, y);
  // Tail x < -20 (-40): tanh(softplus(x)) = w to working precision, and w itself may be
  // subnormal while x*w is not (x ~ -90): scale x*p instead, 2^k applied last.
  V tail = ldexp_int(fma(xe, ph, xe * pl), k);
  y = select(lt(x, C<V>(-20.0f, -40.0)), tail, y);
  return bitor_(y, bitand_(x, splat_bits<V>(FP<V>::kSignMask)));  // mish has x's sign (-0)
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_SOFTPLUS_H_

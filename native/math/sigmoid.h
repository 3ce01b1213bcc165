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
/// Max error (stated bound 2 ulp): float 1.49 ulp avx2/avx512, 1.65 scalar-without-FMA
/// (all 2^32 inputs), double 1.5 ulp (random+specials).
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

namespace mathd {
// 2^k e / (1 + e)^2 for e = e^z, z <= 0 (exact divisor square as a two-term sum,
// div_dd2); the 2^k is applied to the numerator before it can go subnormal.
template <class V, int kScale = 0>
AK_INLINE V logistic_density(V z) {
  z = maxFast(C<V>(-104.0f, -746.0), z);  // NaN passes
  V n;
  V r = reduce_ln2(z, n);
  V e = ldexp_int(exp_reduced(r), n);
  V dh = e + K<V>(1);
  V dl = e - (dh - K<V>(1));
  V sh = dh * dh;
  V sl = fma(dh + dh, dl, two_prod_err(dh, dh, sh));
  V num = e;
  if constexpr (kScale != 0) num = ldexp_int(exp_reduced(r), n + K<V>(kScale));
  return div_dd2(num, zero<V>(), sh, sl);
}

// sigmoid(hi + lo) and, for the tail, e^{-|hi+lo|} = 2^n * p: callers that multiply the
// result by x scale x*p by 2^n themselves (s is subnormal there while x*s may not be).
template <class V>
struct SigmoidParts { V s, p, n, zu; };
template <class V>
AK_INLINE SigmoidParts<V> sigmoid_dd_parts(V hi, V lo) {
  SigmoidParts<V> o;
  o.zu = bitor_(hi, splat_bits<V>(FP<V>::kSignMask));  // -|hi|
  // clamp below the underflow point with margin for zl (|zl| <= 1 after its clamp)
  V z = maxFast(C<V>(-110.0f, -750.0), o.zu);  // NaN passes (2nd operand)
  V zl = select(gt(hi, zero<V>()), -lo, lo);
  zl = minFast(maxFast(zl, K<V>(-1)), K<V>(1));  // NaN -> -1; |zl| << 1 unless z clamped
  V r = reduce_ln2(z, o.n) + zl;
  o.p = exp_reduced(r);
  V e = ldexp_int(o.p, o.n);
  V num = select(gt(hi, zero<V>()), K<V>(1), e);
  V d = e + K<V>(1);
  V dl = e - (d - K<V>(1));
  V rc = rcp_approx(d);
  if constexpr (!kIsF32<V> && !kRcpIsDiv) rc = fma(rc, fnma(d, rc, K<V>(1)), rc);
  V q = num * rc;
  V res;
  if constexpr (kHasFma) {
    res = fnma(q, dl, fnma(q, d, num));
  } else {
    V pp = q * d;
    res = (((num - pp) - two_prod_err(q, d, pp)) - q * dl);
  }
  o.s = fma(res, rc, q);
  return o;
}
// x * sigmoid(hi + lo) with the tail (hi < -20 / -40, where sigmoid = e^hi to working
// precision) done as (x * p) * 2^n so that a subnormal sigmoid does not cost accuracy.
template <class V>
AK_INLINE V x_times_sigmoid_dd(V x, V hi, V lo) {
  SigmoidParts<V> o = sigmoid_dd_parts(hi, lo);
  V y = x * o.s;
  V tail = ldexp_int(x * o.p, o.n);
  y = select(lt(hi, C<V>(-20.0f, -40.0)), tail, y);
  // beyond the clamp the result is 0 (also -Inf * 0)
  return select(lt(hi, C<V>(-109.0f, -749.0)), zero<V>(), y);
}
}  // namespace mathd

/// sigmoid_grad_(x) = sigmoid'(x) = sigmoid(x) (1 - sigmoid(x)) = e / (1 + e)^2, e = e^-|x|,
/// computed from x (relative-accurate in both tails; forming y(1 - y) from a rounded y
/// loses everything for x > 17). sigmoid_grad(±Inf) = 0, NaN -> NaN.
/// Max error (stated bound 2 ulp): see README.md.
template <class V>
AK_INLINE V sigmoid_grad_(V x) {
  return mathd::logistic_density(bitor_(x, splat_bits<V>(FP<V>::kSignMask)));
}

/// sigmoid_dd_(hi, lo) = sigmoid(hi + lo) for an argument carried as an unevaluated sum
/// (|lo| <~ ulp(hi)), e.g. beta*x from exact products: in the negative tail sigmoid's
/// condition number is ~|x|, so rounding beta*x first would cost up to ~|beta x|/2 ulp.
/// Same method, specials and error as sigmoid_. A NaN lo (overflowed products) is ignored.
template <class V>
AK_INLINE V sigmoid_dd_(V hi, V lo) { return mathd::sigmoid_dd_parts(hi, lo).s; }

/// swish_(x, beta_hi, beta_lo) = x * sigmoid(beta * x), beta = beta_hi + beta_lo (split a
/// double parameter as hi = (T)beta, lo = (T)(beta - hi); for beta == 1 prefer
/// x * sigmoid_(x), same accuracy, cheaper). beta*x is formed exactly (two_prod_err) and
/// the tail is scaled after the product with x (see x_times_sigmoid_dd), so the negative
/// tail keeps ~2 ulp (rounding beta*x first costs ~|beta x|/2 ulp there). beta >= 0.
/// swish(-Inf) = 0 (beta > 0), swish(+Inf) = +Inf, NaN -> NaN.
/// Max error (stated bound 2.5 ulp, measured with beta = 1.7): see README.md.
template <class V>
AK_INLINE V swish_(V x, V beta_hi, V beta_lo) {
  using namespace mathd;
  V ah = x * beta_hi;
  V al = fma(x, beta_lo, two_prod_err(x, beta_hi, ah));
  return x_times_sigmoid_dd(x, ah, al);
}

/// gelu_tanh_(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))) (GELU approximate='tanh'),
/// computed as x * sigmoid(2u) (no cancellation for x < 0) with 2u = x (k1 + k3 x^2),
/// k1 = 2 sqrt(2/pi), k3 = 0.044715 k1, carried as a two-term sum (every product via
/// two_prod_err, the sum by TwoSum): sigmoid's ~|2u| condition number in the negative tail
/// would otherwise turn the argument's roundings into tens of ulp.
/// gelu_tanh(-Inf) = 0, gelu_tanh(+Inf) = +Inf, NaN -> NaN.
/// Max error (stated bound 2.5 ulp: sigmoid's + the product with x): see README.md.
template <class V>
AK_INLINE V gelu_tanh_(V x) {
  using namespace mathd;
  const V k1h = C<V>(0x1.988454p+0f, 0x1.9884533d43651p+0), k1l = C<V>(-0x1.857936p-25f, -0x1.cbc0d30ebfd15p-54);
  const V k3h = C<V>(0x1.2444f2p-4f, 0x1.2444f2a4d8b4bp-4), k3l = C<V>(0x1.49b16ap-29f, -0x1.6c843a29d1c70p-61);
  V xc = minFast(C<V>(1e4f, 1e100), maxFast(C<V>(-1e4f, -1e100), x));  // NaN passes; saturated beyond
  V x2h = xc * xc;
  V x2l = two_prod_err(xc, xc, x2h);
  V sh = k3h * x2h;
  V sl = fma(k3h, x2l, fma(k3l, x2h, two_prod_err(k3h, x2h, sh)));
  V th = k1h + sh;  // TwoSum
  V tv = th - sh;
  V tl = ((k1h - tv) + (sh - (th - tv))) + (k1l + sl);
  V ah = xc * th;
  V al = fma(xc, tl, two_prod_err(xc, th, ah));
  V y = x_times_sigmoid_dd(xc, ah, al);
  return select(gt(x, C<V>(1e4f, 1e100)), x, y);  // +Inf (and huge x): x
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_SIGMOID_H_

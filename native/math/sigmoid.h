// native/math/sigmoid.h -- sigmoid_(x) = 1 / (1 + e^-x) for Vf and Vd.
#ifndef AK_MATH_SIGMOID_H_
#define AK_MATH_SIGMOID_H_

#include "exp.h"

namespace ak {
namespace AK_ISA_NS {

namespace mathd {
// 1 + e^-(t + tl), the denominator of sigmoid(t + tl), for t + tl carried as an
// unevaluated sum (|tl| <~ ulp(t); kLow = false: tl is ignored; a NaN tl counts as -1).
// e^-t = 2^n e^-s with
// s = t + n ln2 (the argument's sign folded into the constants), tl added to s. t is
// clamped to [-88.9, 87] (float) / [-710, 708] (double): beyond, 1/(1 + E) is already 1
// or below the smallest normal, 2^n stays a normal power of two, and the low clamp gives
// n = 128 / 1024, i.e. E = +Inf (so sigmoid(-Inf) = +0). NaN passes.
template <bool kLow, class V>
AK_INLINE V one_plus_exp_neg(V t, V tl) {
  V tc = minFast(C<V>(87.0f, 708.0), maxFast(C<V>(-88.9f, -710.0), t));  // NaN passes
  V n = round_nearest(tc * -log2e<V>());
  V s = fma(n, ln2_hi<V>(), tc);  // exact
  s = fma(n, ln2_lo<V>(), s);
  // tl beyond ±1 only comes with a clamped t (|t| >= 87, where |tl| <= ulp(t)/2 may be
  // huge in double): there ±1 cannot move the result, an unclamped tl would.
  if constexpr (kLow) s = s + minFast(maxFast(tl, K<V>(-1)), K<V>(1));
  return scale_normal(exp_reduced_neg(s), n) + K<V>(1);
}
}  // namespace mathd

/// sigmoid_(x) = 1 / (1 + e^-x), accurate in RELATIVE terms everywhere, including the
/// tail x -> -Inf where the value is ~e^x (no absolute-error-only rational).
/// Method: E = e^-x = 2^n p (exp_'s reduction with the argument's sign folded into the
/// constants), then one reciprocal of 1 + E. No select is needed: 1/(1 + E) is relative-
/// accurate on both sides (for x < 0, E's own relative error passes through; for x > 0 it
/// is damped by E/(1 + E)). x is clamped to [-88.9, 87] (float) / [-710, 708] (double),
/// where the result is already 1 or below the smallest normal: 2^n is then a normal
/// power of two, or +Inf at the low clamp (n = 128 / 1024), which gives sigmoid(-Inf) = +0.
/// One division on every ISA: on AVX-512 and AVX2 (Zen 4) it is faster than rcp + Newton
/// (see native/math/README.md). ~14 vector ops for float.
/// sigmoid(±0) = 1/2, sigmoid(-Inf) = +0, sigmoid(+Inf) = 1, NaN -> NaN. Results below
/// the smallest normal (x < -87.3 / -708.4) may be flushed (SPEC's FLT_MIN rule).
/// Subnormal x gives 1/2.
/// Max error (bound: bounds.inc): float 2.48 ulp on every ISA (all 2^32 inputs; the
/// peak is at x ~ -16.6, where 1 is a half-ulp tie in 1 + E), double 2.39 ulp
/// (random+specials). The residual-corrected form (1.49 ulp) cost ~23 ops against 14.
template <class V>
AK_INLINE V sigmoid_(V x) {
  return mathd::K<V>(1) / mathd::one_plus_exp_neg<false>(x, zero<V>());
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
/// Max error (bound: bounds.inc): see README.md.
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
/// Max error (bound: bounds.inc, measured with beta = 1.7): see README.md.
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
/// Max error (bound: bounds.inc: sigmoid's + the product with x): see README.md.
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

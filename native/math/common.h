// native/math/common.h -- helpers shared by the math headers (all per-ISA inline).
// Include order in a TU: #define AK_ISA_<X>, then any native/math/*.h (they pull vec.h).
#ifndef AK_MATH_COMMON_H_
#define AK_MATH_COMMON_H_

#include "../vec/vec.h"
#include <type_traits>

namespace ak {
namespace AK_ISA_NS {
namespace mathd {

template <class V> constexpr bool kIsF32 = std::is_same<V, Vf>::value;

// A constant in the lane type: the float literal for Vf, the double one for Vd.
template <class V>
AK_INLINE V C(float f, double d) {
  if constexpr (kIsF32<V>) { (void)d; return splat<V>(f); } else { (void)f; return splat<V>(d); }
}
template <class V>
AK_INLINE V K(double v) { return splat<V>(typename V::T(v)); }  // exactly representable constants

// Horner evaluation: c[0] + x*(c[1] + x*(c[2] + ...)), coefficients in the lane type.
template <class V, size_t M>
AK_INLINE V horner(V x, const typename V::T (&c)[M]) {
  V acc = splat<V>(c[M - 1]);
  for (size_t i = M - 1; i-- > 0;) acc = fma(acc, x, splat<V>(c[i]));
  return acc;
}

// Horner evaluation of the polynomial at -x: c[0] - x*c[1] + x^2*c[2] - ..., the signs
// folded into the constants (no negation op).
template <class V, size_t M>
AK_INLINE V horner_neg(V x, const typename V::T (&c)[M]) {
  using T = typename V::T;
  auto sc = [&](size_t i) { return (i & 1) ? T(-c[i]) : c[i]; };
  V acc = splat<V>(sc(M - 1));
  for (size_t i = M - 1; i-- > 0;) acc = fma(acc, x, splat<V>(sc(i)));
  return acc;
}

// p * 2^n for integral-valued n in the normal exponent range ([-126, 127] float,
// [-1022, 1023] double), or n = 128 / 1024 for a p >= 1 that must give +Inf: one
// vscalef where the ISA has it, else one multiply by 2^n built on the exponent field
// (ldexp_int's general two-step scaling costs ~10 ops there).
template <class V>
AK_INLINE V scale_normal(V p, V n) {
#ifdef AK_VEC_HAS_LDEXP_INT
  return ldexp_int(p, n);
#else
  return p * pow2i(n);
#endif
}

// a / b within ~0.5 ulp (+ a few 2^-28 / 2^-56 relative), without a divide instruction
// where the ISA has a fast reciprocal estimate: q0 = a * (1/b)~, then one correction
// q = q0 + (a - q0*b) * (1/b)~ (the residual is exact by fma). For b in the normal range.
template <class V>
AK_INLINE V div_fast(V a, V b) {
  if constexpr (kRcpIsDiv) {
    return a / b;
  } else {
    V r = rcp_approx(b);
    if constexpr (!kIsF32<V>) r = fma(r, fnma(b, r, K<V>(1)), r);  // 2^-28 for double
    V q = a * r;
    return fma(fnma(q, b, a), r, q);
  }
}

// (ah + al) / (bh + bl), where both are exact unevaluated sums (|al| <~ ulp(ah),
// |bl| <~ ulp(bh)), to ~0.5 ulp (final rounding + 2^-28 / 2^-56 relative): q0 = ah * r
// with r ~ 1/bh, then one correction with the residual ah - q0*bh - q0*bl + al (exact
// by fma, or by two_prod_err without). Removes the roundings of both sums and of the
// quotient. bh normal, either sign.
template <class V>
AK_INLINE V div_dd2(V ah, V al, V bh, V bl) {
  V r = rcp_approx(bh);
  if constexpr (!kIsF32<V> && !kRcpIsDiv) r = fma(r, fnma(bh, r, K<V>(1)), r);  // 2^-28
  V q = ah * r;
  V res;
  if constexpr (kHasFma) {
    res = fnma(q, bl, fnma(q, bh, ah)) + al;
  } else {  // exact residual without fma: ah - q*bh = (ah - p) - err(p), exact (Sterbenz)
    V p = q * bh;
    res = (((ah - p) - two_prod_err(q, bh, p)) - q * bl) + al;
  }
  return fma(res, r, q);
}
// a / (bh + bl): div_dd2 with an exact numerator.
template <class V>
AK_INLINE V div_dd(V a, V bh, V bl) { return div_dd2(a, zero<V>(), bh, bl); }

// ln2 split for Cody-Waite range reduction: hi has trailing zero bits so n*hi is exact
// for |n| < 2^8 (float) / 2^21 (double) with or without FMA. Derivation: gen/exp_coeffs.py.
template <class V> AK_INLINE V ln2_hi() { return C<V>(0x1.62e4p-1f, 0x1.62e42feep-1); }
template <class V> AK_INLINE V ln2_lo() { return C<V>(0x1.7f7d1cp-20f, 0x1.a39ef35793c76p-33); }
template <class V> AK_INLINE V log2e() { return C<V>(0x1.715476p+0f, 0x1.71547652b82fep+0); }

}  // namespace mathd
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_COMMON_H_

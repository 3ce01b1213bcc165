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

// ln2 split for Cody-Waite range reduction: hi has trailing zero bits so n*hi is exact
// for |n| < 2^8 (float) / 2^21 (double) with or without FMA. Derivation: gen/exp_coeffs.py.
template <class V> AK_INLINE V ln2_hi() { return C<V>(0x1.62e4p-1f, 0x1.62e42feep-1); }
template <class V> AK_INLINE V ln2_lo() { return C<V>(0x1.7f7d1cp-20f, 0x1.a39ef35793c76p-33); }
template <class V> AK_INLINE V log2e() { return C<V>(0x1.715476p+0f, 0x1.71547652b82fep+0); }

}  // namespace mathd
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_COMMON_H_

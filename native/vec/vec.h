// native/vec/vec.h -- pick the vector implementation for this translation unit.
//
// A TU defines exactly one of AK_ISA_SCALAR, AK_ISA_AVX2, AK_ISA_AVX512, AK_ISA_NEON
// (and is compiled with the matching flags), then includes this header (and any
// native/math/*.h). Everything lands in namespace ak::AK_ISA_NS, with AK_ISA_NS one
// of scalar, avx2, avx512, neon, so TUs built with different flags never share an
// inline symbol (ODR safety). One ISA per TU.
//
// Interface (V is Vf or Vd; V::T, V::N, V::M, V::U):
//   load loadPartial store storePartial set1f set1d splat<V> zero<V> splat_bits<V>
//   + - * / (unary -) += -= *= neg abs sqrt copysign fma fnma
//   min max (NaN-propagating) minFast maxFast (x86: b if either is NaN)
//   rcp_approx (rel. err <= 2^-14; kRcpIsDiv: it is an exact 1/x)
//   round_nearest floor   lt le gt ge eq ne isnan isinf   mand mor mxor mnot any all
//   select(m, a, b)   bitand_ bitor_ bitxor_ bitandnot(a, b) = ~a & b
//   add_bits sub_bits shl_bits<K> shr_bits<K>   pow2i ldexp_int exponent_field
//   to_int_bits from_int_bits two_prod_err   hsum hmax hmin lane0
//   lookup32(idx, tab) (tab[bits(idx) & 31] per lane, tab of 32 V::T)
//   kHasFma kIsaName FP<V>
#ifndef AK_VEC_VEC_H_
#define AK_VEC_VEC_H_

#if (defined(AK_ISA_SCALAR) + defined(AK_ISA_AVX2) + defined(AK_ISA_AVX512) + defined(AK_ISA_NEON)) != 1
#error "define exactly one of AK_ISA_SCALAR, AK_ISA_AVX2, AK_ISA_AVX512, AK_ISA_NEON before including vec/vec.h"
#endif

#if defined(AK_ISA_SCALAR)
#define AK_ISA_NS scalar
#include "scalar.h"
#elif defined(AK_ISA_AVX2)
#define AK_ISA_NS avx2
#include "avx2.h"
#elif defined(AK_ISA_AVX512)
#define AK_ISA_NS avx512
#include "avx512.h"
#elif defined(AK_ISA_NEON)
#define AK_ISA_NS neon
#include "neon.h"
#endif

#endif  // AK_VEC_VEC_H_

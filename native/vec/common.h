// native/vec/common.h -- macros shared by every ISA header (no functions, no state).
#ifndef AK_VEC_COMMON_H_
#define AK_VEC_COMMON_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

// Force inlining: every vec/math function is tiny and must fold into the kernel loop.
#if defined(_MSC_VER) && !defined(__clang__)
#define AK_INLINE __forceinline
#elif defined(__GNUC__) || defined(__clang__)
#define AK_INLINE inline __attribute__((always_inline))
#else
#define AK_INLINE inline
#endif

// Note: helpers with a body live in the per-ISA namespaces (see bits.inc), never here:
// a non-namespaced inline function compiled with -mavx512f in one TU and without
// in another would be an ODR violation and could hand AVX-512 code to an old CPU.

#endif  // AK_VEC_COMMON_H_

// native/vec/scalar.h -- one-lane "vectors": portable C++17, no intrinsics.
// Include through vec.h with AK_ISA_SCALAR defined (AK_ISA_NS == scalar).
// Builds on any compiler/arch (x86-64, arm64, ...).
//
// fma(): fused (std::fma) only where that is a single instruction and the compiler
// knows it (__FMA__ on x86, aarch64/arm64); elsewhere it is a*b+c with two roundings,
// because glibc/MSVC's software std::fma is ~20x slower. kHasFma says which; math/
// never relies on fusion for correctness (it uses two_prod_err() where it needs exact
// products), so results differ by at most rounding noise between the two variants.
#ifndef AK_VEC_SCALAR_H_
#define AK_VEC_SCALAR_H_

#include "common.h"
#include <cmath>
#include <limits>

namespace ak {
namespace AK_ISA_NS {

#include "bits.inc"

#if defined(__FMA__) || defined(__aarch64__) || defined(_M_ARM64)
static constexpr bool kHasFma = true;
#else
static constexpr bool kHasFma = false;
#endif
static constexpr const char* kIsaName = "scalar";

struct Mf { bool m; };
struct Md { bool m; };

struct Vf {
  using T = float;
  using M = Mf;
  using U = uint32_t;  // same-width unsigned integer (bit patterns)
  static constexpr size_t N = 1;
  float v;
};
struct Vd {
  using T = double;
  using M = Md;
  using U = uint64_t;
  static constexpr size_t N = 1;
  double v;
};

// ---- load / store -------------------------------------------------------
AK_INLINE Vf load(const float* p) { return Vf{*p}; }
AK_INLINE Vd load(const double* p) { return Vd{*p}; }
// n < N == 1, so n == 0: nothing is read.
AK_INLINE Vf loadPartial(const float* p, size_t n) { return Vf{n ? *p : 0.0f}; }
AK_INLINE Vd loadPartial(const double* p, size_t n) { return Vd{n ? *p : 0.0}; }
AK_INLINE void store(float* p, Vf v) { *p = v.v; }
AK_INLINE void store(double* p, Vd v) { *p = v.v; }
// The portable level has no non-temporal store: a plain one (nothing to fence).
AK_INLINE void stream(float* p, Vf v) { *p = v.v; }
AK_INLINE void stream(double* p, Vd v) { *p = v.v; }
AK_INLINE void stream_fence() {}
AK_INLINE void storePartial(float* p, Vf v, size_t n) { if (n) *p = v.v; }
AK_INLINE void storePartial(double* p, Vd v, size_t n) { if (n) *p = v.v; }

AK_INLINE Vf set1f(float x) { return Vf{x}; }
AK_INLINE Vd set1d(double x) { return Vd{x}; }
AK_INLINE Vf splat_bits_f(uint32_t u) { return Vf{detail::u2f(u)}; }
AK_INLINE Vd splat_bits_d(uint64_t u) { return Vd{detail::u2d(u)}; }

// ---- arithmetic ---------------------------------------------------------
#define AK_SCALAR_ARITH(V)                                                     \
  AK_INLINE V operator+(V a, V b) { return V{a.v + b.v}; }                     \
  AK_INLINE V operator-(V a, V b) { return V{a.v - b.v}; }                     \
  AK_INLINE V operator*(V a, V b) { return V{a.v * b.v}; }                     \
  AK_INLINE V operator/(V a, V b) { return V{a.v / b.v}; }                     \
  AK_INLINE V operator-(V a) { return V{-a.v}; }                               \
  AK_INLINE V& operator+=(V& a, V b) { a.v += b.v; return a; }                 \
  AK_INLINE V& operator-=(V& a, V b) { a.v -= b.v; return a; }                 \
  AK_INLINE V& operator*=(V& a, V b) { a.v *= b.v; return a; }                 \
  AK_INLINE V neg(V a) { return V{-a.v}; }                                     \
  AK_INLINE V abs(V a) { return V{std::fabs(a.v)}; }                           \
  AK_INLINE V sqrt(V a) { return V{std::sqrt(a.v)}; }                          \
  AK_INLINE V copysign(V mag, V sgn) { return V{std::copysign(mag.v, sgn.v)}; }\
  /* NaN-propagating: NaN if either operand is NaN (the first NaN wins). */    \
  AK_INLINE V min(V a, V b) { return V{(a.v < b.v || a.v != a.v) ? a.v : b.v}; } \
  AK_INLINE V max(V a, V b) { return V{(a.v > b.v || a.v != a.v) ? a.v : b.v}; } \
  /* x86 minps/maxps semantics: b if either is NaN (put the NaN-able arg 2nd). */ \
  AK_INLINE V minFast(V a, V b) { return V{a.v < b.v ? a.v : b.v}; }          \
  AK_INLINE V maxFast(V a, V b) { return V{a.v > b.v ? a.v : b.v}; }           \
  AK_INLINE V::M lt(V a, V b) { return {a.v < b.v}; }                          \
  AK_INLINE V::M le(V a, V b) { return {a.v <= b.v}; }                         \
  AK_INLINE V::M gt(V a, V b) { return {a.v > b.v}; }                          \
  AK_INLINE V::M ge(V a, V b) { return {a.v >= b.v}; }                         \
  AK_INLINE V::M eq(V a, V b) { return {a.v == b.v}; }                         \
  AK_INLINE V::M ne(V a, V b) { return {a.v != b.v}; }                         \
  AK_INLINE V::M isnan(V a) { return {a.v != a.v}; }                           \
  AK_INLINE V::M isinf(V a) {                                                  \
    return {std::fabs(a.v) == std::numeric_limits<V::T>::infinity()}; }        \
  AK_INLINE V::M mand(V::M a, V::M b) { return {a.m && b.m}; }                 \
  AK_INLINE V::M mor(V::M a, V::M b) { return {a.m || b.m}; }                  \
  AK_INLINE V::M mxor(V::M a, V::M b) { return {a.m != b.m}; }                 \
  AK_INLINE V::M mnot(V::M a) { return {!a.m}; }                               \
  AK_INLINE bool any(V::M a) { return a.m; }                                   \
  AK_INLINE bool all(V::M a) { return a.m; }                                   \
  AK_INLINE V select(V::M m, V a, V b) { return m.m ? a : b; }                 \
  AK_INLINE V::T hsum(V a) { return a.v; }                                     \
  AK_INLINE V::T hmax(V a) { return a.v; }                                     \
  AK_INLINE V::T hmin(V a) { return a.v; }                                     \
  AK_INLINE V::T lane0(V a) { return a.v; }

AK_SCALAR_ARITH(Vf)
AK_SCALAR_ARITH(Vd)
#undef AK_SCALAR_ARITH

AK_INLINE Vf fma(Vf a, Vf b, Vf c) {
#if defined(__FMA__) || defined(__aarch64__) || defined(_M_ARM64)
  return Vf{std::fma(a.v, b.v, c.v)};
#else
  return Vf{a.v * b.v + c.v};
#endif
}
AK_INLINE Vd fma(Vd a, Vd b, Vd c) {
#if defined(__FMA__) || defined(__aarch64__) || defined(_M_ARM64)
  return Vd{std::fma(a.v, b.v, c.v)};
#else
  return Vd{a.v * b.v + c.v};
#endif
}
AK_INLINE Vf fnma(Vf a, Vf b, Vf c) { return fma(-a, b, c); }
AK_INLINE Vd fnma(Vd a, Vd b, Vd c) { return fma(-a, b, c); }

// Ties-to-even rounding to an integral value, independent of the rounding mode's
// library call cost: (|v| + 2^p) - 2^p rounds in the default mode (the caller's
// MXCSR is assumed default round-to-nearest, as everywhere in this library).
AK_INLINE Vf round_nearest(Vf a) {
  const float big = 8388608.0f;  // 2^23 (-ffast-math is not supported: it would fold this)
  float m = std::fabs(a.v);
  float r = (m + big) - big;
  return Vf{m < 8388608.0f ? std::copysign(r, a.v) : a.v};
}
AK_INLINE Vd round_nearest(Vd a) {
  const double big = 4503599627370496.0;  // 2^52
  double m = std::fabs(a.v);
  double r = (m + big) - big;
  return Vd{m < 4503599627370496.0 ? std::copysign(r, a.v) : a.v};
}
// Reciprocal with relative error <= 2^-14 (here: correctly rounded 1/a).
static constexpr bool kRcpIsDiv = true;
AK_INLINE Vf rcp_approx(Vf a) { return Vf{1.0f / a.v}; }
AK_INLINE Vd rcp_approx(Vd a) { return Vd{1.0 / a.v}; }
AK_INLINE Vf floor(Vf a) { return Vf{std::floor(a.v)}; }
AK_INLINE Vd floor(Vd a) { return Vd{std::floor(a.v)}; }

// ---- bit-pattern operations ------------------------------------------------
AK_INLINE Vf bitand_(Vf a, Vf b) { return Vf{detail::u2f(detail::f2u(a.v) & detail::f2u(b.v))}; }
AK_INLINE Vf bitor_(Vf a, Vf b) { return Vf{detail::u2f(detail::f2u(a.v) | detail::f2u(b.v))}; }
AK_INLINE Vf bitxor_(Vf a, Vf b) { return Vf{detail::u2f(detail::f2u(a.v) ^ detail::f2u(b.v))}; }
AK_INLINE Vf bitandnot(Vf a, Vf b) { return Vf{detail::u2f(~detail::f2u(a.v) & detail::f2u(b.v))}; }
AK_INLINE Vd bitand_(Vd a, Vd b) { return Vd{detail::u2d(detail::d2u(a.v) & detail::d2u(b.v))}; }
AK_INLINE Vd bitor_(Vd a, Vd b) { return Vd{detail::u2d(detail::d2u(a.v) | detail::d2u(b.v))}; }
AK_INLINE Vd bitxor_(Vd a, Vd b) { return Vd{detail::u2d(detail::d2u(a.v) ^ detail::d2u(b.v))}; }
AK_INLINE Vd bitandnot(Vd a, Vd b) { return Vd{detail::u2d(~detail::d2u(a.v) & detail::d2u(b.v))}; }
// Integer add/sub of bit patterns (wrap-around), logical shifts by a constant.
AK_INLINE Vf add_bits(Vf a, Vf b) { return Vf{detail::u2f(detail::f2u(a.v) + detail::f2u(b.v))}; }
AK_INLINE Vf sub_bits(Vf a, Vf b) { return Vf{detail::u2f(detail::f2u(a.v) - detail::f2u(b.v))}; }
AK_INLINE Vd add_bits(Vd a, Vd b) { return Vd{detail::u2d(detail::d2u(a.v) + detail::d2u(b.v))}; }
AK_INLINE Vd sub_bits(Vd a, Vd b) { return Vd{detail::u2d(detail::d2u(a.v) - detail::d2u(b.v))}; }
template <int K> AK_INLINE Vf shl_bits(Vf a) { return Vf{detail::u2f(detail::f2u(a.v) << K)}; }
template <int K> AK_INLINE Vf shr_bits(Vf a) { return Vf{detail::u2f(detail::f2u(a.v) >> K)}; }
template <int K> AK_INLINE Vd shl_bits(Vd a) { return Vd{detail::u2d(detail::d2u(a.v) << K)}; }
template <int K> AK_INLINE Vd shr_bits(Vd a) { return Vd{detail::u2d(detail::d2u(a.v) >> K)}; }
// tab[bits(idx) & 31].
AK_INLINE Vf lookup32(Vf idx, const float* tab) { return Vf{tab[detail::f2u(idx.v) & 31u]}; }
AK_INLINE Vd lookup32(Vd idx, const double* tab) { return Vd{tab[detail::d2u(idx.v) & 31u]}; }

}  // namespace AK_ISA_NS
}  // namespace ak

#include "generic.inc"

#endif  // AK_VEC_SCALAR_H_

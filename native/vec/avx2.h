// native/vec/avx2.h -- 256-bit AVX2 + FMA vectors: Vf = 8 floats, Vd = 4 doubles.
// Include through vec.h with AK_ISA_AVX2 defined (AK_ISA_NS == avx2); the TU must be
// compiled with -mavx2 -mfma (gcc/clang) or /arch:AVX2 (MSVC).
// Masks are full-width lane masks (all-ones / all-zeros per lane), as from vcmpps.
#ifndef AK_VEC_AVX2_H_
#define AK_VEC_AVX2_H_

#include "common.h"
#include <immintrin.h>
#include <limits>

#if !defined(_MSC_VER) && (!defined(__AVX2__) || !defined(__FMA__))
#error "native/vec/avx2.h needs -mavx2 -mfma"
#endif

namespace ak {
namespace AK_ISA_NS {

#include "bits.inc"

static constexpr bool kHasFma = true;
static constexpr const char* kIsaName = "avx2";

struct Mf { __m256 m; };
struct Md { __m256d m; };

struct Vf {
  using T = float;
  using M = Mf;
  using U = uint32_t;
  static constexpr size_t N = 8;
  __m256 v;
};
struct Vd {
  using T = double;
  using M = Md;
  using U = uint64_t;
  static constexpr size_t N = 4;
  __m256d v;
};

namespace detail {
// Lane mask with lanes [0, n) set (n <= N).
AK_INLINE __m256i first_n_32(size_t n) {
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), iota);
}
AK_INLINE __m256i first_n_64(size_t n) {
  const __m256i iota = _mm256_setr_epi64x(0, 1, 2, 3);
  return _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<long long>(n)), iota);
}
}  // namespace detail

// ---- load / store (unaligned) ------------------------------------------------
AK_INLINE Vf load(const float* p) { return Vf{_mm256_loadu_ps(p)}; }
AK_INLINE Vd load(const double* p) { return Vd{_mm256_loadu_pd(p)}; }
// vmaskmov never faults on masked-off lanes and zeroes them.
AK_INLINE Vf loadPartial(const float* p, size_t n) { return Vf{_mm256_maskload_ps(p, detail::first_n_32(n))}; }
AK_INLINE Vd loadPartial(const double* p, size_t n) { return Vd{_mm256_maskload_pd(p, detail::first_n_64(n))}; }
AK_INLINE void store(float* p, Vf v) { _mm256_storeu_ps(p, v.v); }
AK_INLINE void store(double* p, Vd v) { _mm256_storeu_pd(p, v.v); }
// Non-temporal store (p aligned to the vector's size); see avx512.h.
AK_INLINE void stream(float* p, Vf v) { _mm256_stream_ps(p, v.v); }
AK_INLINE void stream(double* p, Vd v) { _mm256_stream_pd(p, v.v); }
AK_INLINE void stream_fence() { _mm_sfence(); }
AK_INLINE void storePartial(float* p, Vf v, size_t n) { _mm256_maskstore_ps(p, detail::first_n_32(n), v.v); }
AK_INLINE void storePartial(double* p, Vd v, size_t n) { _mm256_maskstore_pd(p, detail::first_n_64(n), v.v); }

AK_INLINE Vf set1f(float x) { return Vf{_mm256_set1_ps(x)}; }
AK_INLINE Vd set1d(double x) { return Vd{_mm256_set1_pd(x)}; }
AK_INLINE Vf splat_bits_f(uint32_t u) { return Vf{_mm256_castsi256_ps(_mm256_set1_epi32(static_cast<int>(u)))}; }
AK_INLINE Vd splat_bits_d(uint64_t u) { return Vd{_mm256_castsi256_pd(_mm256_set1_epi64x(static_cast<long long>(u)))}; }

// ---- arithmetic ----------------------------------------------------------------
// S = ps/pd suffix, I = epi32/epi64 suffix
#define AK_AVX2_ARITH(V, S, I, CASTI, CASTF)                                              \
  AK_INLINE V operator+(V a, V b) { return V{_mm256_add_##S(a.v, b.v)}; }                \
  AK_INLINE V operator-(V a, V b) { return V{_mm256_sub_##S(a.v, b.v)}; }                \
  AK_INLINE V operator*(V a, V b) { return V{_mm256_mul_##S(a.v, b.v)}; }                \
  AK_INLINE V operator/(V a, V b) { return V{_mm256_div_##S(a.v, b.v)}; }                \
  AK_INLINE V& operator+=(V& a, V b) { a = a + b; return a; }                           \
  AK_INLINE V& operator-=(V& a, V b) { a = a - b; return a; }                           \
  AK_INLINE V& operator*=(V& a, V b) { a = a * b; return a; }                           \
  AK_INLINE V fma(V a, V b, V c) { return V{_mm256_fmadd_##S(a.v, b.v, c.v)}; }          \
  AK_INLINE V fnma(V a, V b, V c) { return V{_mm256_fnmadd_##S(a.v, b.v, c.v)}; }        \
  AK_INLINE V sqrt(V a) { return V{_mm256_sqrt_##S(a.v)}; }                              \
  AK_INLINE V bitand_(V a, V b) { return V{_mm256_and_##S(a.v, b.v)}; }                  \
  AK_INLINE V bitor_(V a, V b) { return V{_mm256_or_##S(a.v, b.v)}; }                    \
  AK_INLINE V bitxor_(V a, V b) { return V{_mm256_xor_##S(a.v, b.v)}; }                  \
  /* ~a & b */                                                                           \
  AK_INLINE V bitandnot(V a, V b) { return V{_mm256_andnot_##S(a.v, b.v)}; }             \
  AK_INLINE V add_bits(V a, V b) {                                                       \
    return V{CASTF(_mm256_add_##I(CASTI(a.v), CASTI(b.v)))}; }                           \
  AK_INLINE V sub_bits(V a, V b) {                                                       \
    return V{CASTF(_mm256_sub_##I(CASTI(a.v), CASTI(b.v)))}; }                           \
  AK_INLINE V::M lt(V a, V b) { return {_mm256_cmp_##S(a.v, b.v, _CMP_LT_OQ)}; }         \
  AK_INLINE V::M le(V a, V b) { return {_mm256_cmp_##S(a.v, b.v, _CMP_LE_OQ)}; }         \
  AK_INLINE V::M gt(V a, V b) { return {_mm256_cmp_##S(a.v, b.v, _CMP_GT_OQ)}; }         \
  AK_INLINE V::M ge(V a, V b) { return {_mm256_cmp_##S(a.v, b.v, _CMP_GE_OQ)}; }         \
  AK_INLINE V::M eq(V a, V b) { return {_mm256_cmp_##S(a.v, b.v, _CMP_EQ_OQ)}; }         \
  AK_INLINE V::M ne(V a, V b) { return {_mm256_cmp_##S(a.v, b.v, _CMP_NEQ_UQ)}; }        \
  AK_INLINE V::M isnan(V a) { return {_mm256_cmp_##S(a.v, a.v, _CMP_UNORD_Q)}; }         \
  AK_INLINE V::M mand(V::M a, V::M b) { return {_mm256_and_##S(a.m, b.m)}; }             \
  AK_INLINE V::M mor(V::M a, V::M b) { return {_mm256_or_##S(a.m, b.m)}; }               \
  AK_INLINE V::M mxor(V::M a, V::M b) { return {_mm256_xor_##S(a.m, b.m)}; }             \
  AK_INLINE bool any(V::M a) { return _mm256_movemask_##S(a.m) != 0; }                   \
  /* a where m, else b */                                                                \
  AK_INLINE V select(V::M m, V a, V b) { return V{_mm256_blendv_##S(b.v, a.v, m.m)}; }   \
  /* x86 semantics: returns b if either operand is NaN (put the NaN-able operand 2nd) */ \
  AK_INLINE V minFast(V a, V b) { return V{_mm256_min_##S(a.v, b.v)}; }                  \
  AK_INLINE V maxFast(V a, V b) { return V{_mm256_max_##S(a.v, b.v)}; }                  \
  /* NaN-propagating: vminps gives b when a is NaN, so patch those lanes back to a. */   \
  AK_INLINE V min(V a, V b) { return select(isnan(a), a, minFast(a, b)); }               \
  AK_INLINE V max(V a, V b) { return select(isnan(a), a, maxFast(a, b)); }               \
  AK_INLINE V round_nearest(V a) {                                                       \
    return V{_mm256_round_##S(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; }    \
  AK_INLINE V floor(V a) {                                                               \
    return V{_mm256_round_##S(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)}; }

AK_AVX2_ARITH(Vf, ps, epi32, _mm256_castps_si256, _mm256_castsi256_ps)
AK_AVX2_ARITH(Vd, pd, epi64, _mm256_castpd_si256, _mm256_castsi256_pd)
#undef AK_AVX2_ARITH

AK_INLINE Vf operator-(Vf a) { return Vf{_mm256_xor_ps(a.v, _mm256_set1_ps(-0.0f))}; }
AK_INLINE Vd operator-(Vd a) { return Vd{_mm256_xor_pd(a.v, _mm256_set1_pd(-0.0))}; }
AK_INLINE Vf neg(Vf a) { return -a; }
AK_INLINE Vd neg(Vd a) { return -a; }
AK_INLINE Vf abs(Vf a) { return Vf{_mm256_andnot_ps(_mm256_set1_ps(-0.0f), a.v)}; }
AK_INLINE Vd abs(Vd a) { return Vd{_mm256_andnot_pd(_mm256_set1_pd(-0.0), a.v)}; }
// |mag| with the sign of sgn
AK_INLINE Vf copysign(Vf mag, Vf sgn) {
  const __m256 s = _mm256_set1_ps(-0.0f);
  return Vf{_mm256_or_ps(_mm256_andnot_ps(s, mag.v), _mm256_and_ps(s, sgn.v))};
}
AK_INLINE Vd copysign(Vd mag, Vd sgn) {
  const __m256d s = _mm256_set1_pd(-0.0);
  return Vd{_mm256_or_pd(_mm256_andnot_pd(s, mag.v), _mm256_and_pd(s, sgn.v))};
}
// Reciprocal with relative error <= 2^-14: vrcpps (1.5*2^-12) + one Newton step for
// float (~2^-23); double has no vrcp on AVX2, so it is a true division (0.5 ulp).
static constexpr bool kRcpIsDiv = false;
AK_INLINE Vf rcp_approx(Vf a) {
  __m256 r = _mm256_rcp_ps(a.v);
  return Vf{_mm256_fmadd_ps(r, _mm256_fnmadd_ps(a.v, r, _mm256_set1_ps(1.0f)), r)};
}
AK_INLINE Vd rcp_approx(Vd a) { return Vd{_mm256_div_pd(_mm256_set1_pd(1.0), a.v)}; }
AK_INLINE Mf isinf(Vf a) { return eq(abs(a), set1f(std::numeric_limits<float>::infinity())); }
AK_INLINE Md isinf(Vd a) { return eq(abs(a), set1d(std::numeric_limits<double>::infinity())); }
AK_INLINE Mf mnot(Mf a) { return {_mm256_xor_ps(a.m, _mm256_castsi256_ps(_mm256_set1_epi32(-1)))}; }
AK_INLINE Md mnot(Md a) { return {_mm256_xor_pd(a.m, _mm256_castsi256_pd(_mm256_set1_epi32(-1)))}; }
AK_INLINE bool all(Mf a) { return _mm256_movemask_ps(a.m) == 0xff; }
AK_INLINE bool all(Md a) { return _mm256_movemask_pd(a.m) == 0xf; }

template <int K> AK_INLINE Vf shl_bits(Vf a) { return Vf{_mm256_castsi256_ps(_mm256_slli_epi32(_mm256_castps_si256(a.v), K))}; }
template <int K> AK_INLINE Vf shr_bits(Vf a) { return Vf{_mm256_castsi256_ps(_mm256_srli_epi32(_mm256_castps_si256(a.v), K))}; }
template <int K> AK_INLINE Vd shl_bits(Vd a) { return Vd{_mm256_castsi256_pd(_mm256_slli_epi64(_mm256_castpd_si256(a.v), K))}; }
template <int K> AK_INLINE Vd shr_bits(Vd a) { return Vd{_mm256_castsi256_pd(_mm256_srli_epi64(_mm256_castpd_si256(a.v), K))}; }
// tab[bits(idx) & 31] per lane: four 8-entry vpermps and three blends on index bits 3
// and 4 (moved into the sign bit): a vgatherdps made gelu_ half as fast
// (bench/figures/native-design-choices.md).
AK_INLINE Vf lookup32(Vf idx, const float* tab) {
  const __m256i i = _mm256_castps_si256(idx.v);
  const __m256 b3 = _mm256_castsi256_ps(_mm256_slli_epi32(i, 28));
  const __m256 b4 = _mm256_castsi256_ps(_mm256_slli_epi32(i, 27));
  const __m256 lo = _mm256_blendv_ps(_mm256_permutevar8x32_ps(_mm256_loadu_ps(tab), i),
                                     _mm256_permutevar8x32_ps(_mm256_loadu_ps(tab + 8), i), b3);
  const __m256 hi = _mm256_blendv_ps(_mm256_permutevar8x32_ps(_mm256_loadu_ps(tab + 16), i),
                                     _mm256_permutevar8x32_ps(_mm256_loadu_ps(tab + 24), i), b3);
  return Vf{_mm256_blendv_ps(lo, hi, b4)};
}
// 32 doubles: a gather (4 lanes; four permutes would not cover 32 entries cheaper).
AK_INLINE Vd lookup32(Vd idx, const double* tab) {
  return Vd{_mm256_i64gather_pd(tab, _mm256_and_si256(_mm256_castpd_si256(idx.v), _mm256_set1_epi64x(31)), 8)};
}

// ---- horizontal reductions -----------------------------------------------------
AK_INLINE float lane0(Vf a) { return _mm256_cvtss_f32(a.v); }
AK_INLINE double lane0(Vd a) { return _mm256_cvtsd_f64(a.v); }
AK_INLINE float hsum(Vf a) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(a.v), _mm256_extractf128_ps(a.v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
AK_INLINE double hsum(Vd a) {
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(a.v), _mm256_extractf128_pd(a.v, 1));
  s = _mm_add_sd(s, _mm_unpackhi_pd(s, s));
  return _mm_cvtsd_f64(s);
}
// hmax/hmin: NaN-propagating like max/min.
AK_INLINE float hmax(Vf a) {
  Vf t = max(a, Vf{_mm256_permute2f128_ps(a.v, a.v, 1)});
  t = max(t, Vf{_mm256_permute_ps(t.v, 0x4e)});
  t = max(t, Vf{_mm256_permute_ps(t.v, 0xb1)});
  return lane0(t);
}
AK_INLINE float hmin(Vf a) {
  Vf t = min(a, Vf{_mm256_permute2f128_ps(a.v, a.v, 1)});
  t = min(t, Vf{_mm256_permute_ps(t.v, 0x4e)});
  t = min(t, Vf{_mm256_permute_ps(t.v, 0xb1)});
  return lane0(t);
}
AK_INLINE double hmax(Vd a) {
  Vd t = max(a, Vd{_mm256_permute2f128_pd(a.v, a.v, 1)});
  t = max(t, Vd{_mm256_permute_pd(t.v, 0x5)});
  return lane0(t);
}
AK_INLINE double hmin(Vd a) {
  Vd t = min(a, Vd{_mm256_permute2f128_pd(a.v, a.v, 1)});
  t = min(t, Vd{_mm256_permute_pd(t.v, 0x5)});
  return lane0(t);
}

}  // namespace AK_ISA_NS
}  // namespace ak

#include "generic.inc"

#endif  // AK_VEC_AVX2_H_

// native/vec/avx512.h -- 512-bit AVX-512 vectors: Vf = 16 floats, Vd = 8 doubles.
// Include through vec.h with AK_ISA_AVX512 defined (AK_ISA_NS == avx512); the TU must
// be compiled with -mavx512f -mavx512dq -mavx512bw -mavx512vl (gcc/clang) or
// /arch:AVX512 (MSVC). Only AVX512F(+DQ) instructions are used here.
// Masks are k-registers (__mmask16 / __mmask8).
#ifndef AK_VEC_AVX512_H_
#define AK_VEC_AVX512_H_

#include "common.h"
#include <immintrin.h>
#include <limits>

#if !defined(_MSC_VER) && (!defined(__AVX512F__) || !defined(__AVX512DQ__))
#error "native/vec/avx512.h needs -mavx512f -mavx512dq (-mavx512bw -mavx512vl)"
#endif

// ldexp_int comes from vscalefps here (exact over the whole range, one instruction).
#define AK_VEC_HAS_LDEXP_INT 1

namespace ak {
namespace AK_ISA_NS {

#include "bits.inc"

static constexpr bool kHasFma = true;
static constexpr const char* kIsaName = "avx512";

struct Mf { __mmask16 m; };
struct Md { __mmask8 m; };

struct Vf {
  using T = float;
  using M = Mf;
  using U = uint32_t;
  static constexpr size_t N = 16;
  __m512 v;
};
struct Vd {
  using T = double;
  using M = Md;
  using U = uint64_t;
  static constexpr size_t N = 8;
  __m512d v;
};

// ---- load / store (unaligned) --------------------------------------------------
// Masked loads/stores never touch (or fault on) masked-off lanes.
AK_INLINE Vf load(const float* p) { return Vf{_mm512_loadu_ps(p)}; }
AK_INLINE Vd load(const double* p) { return Vd{_mm512_loadu_pd(p)}; }
AK_INLINE Vf loadPartial(const float* p, size_t n) {
  return Vf{_mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1u), p)};
}
AK_INLINE Vd loadPartial(const double* p, size_t n) {
  return Vd{_mm512_maskz_loadu_pd(static_cast<__mmask8>((1u << n) - 1u), p)};
}
AK_INLINE void store(float* p, Vf v) { _mm512_storeu_ps(p, v.v); }
AK_INLINE void store(double* p, Vd v) { _mm512_storeu_pd(p, v.v); }
// Non-temporal store (p aligned to the vector's size): the line is written without
// being read first; stream_fence() orders such stores before the caller publishes.
AK_INLINE void stream(float* p, Vf v) { _mm512_stream_ps(p, v.v); }
AK_INLINE void stream(double* p, Vd v) { _mm512_stream_pd(p, v.v); }
AK_INLINE void stream_fence() { _mm_sfence(); }
AK_INLINE void storePartial(float* p, Vf v, size_t n) {
  _mm512_mask_storeu_ps(p, static_cast<__mmask16>((1u << n) - 1u), v.v);
}
AK_INLINE void storePartial(double* p, Vd v, size_t n) {
  _mm512_mask_storeu_pd(p, static_cast<__mmask8>((1u << n) - 1u), v.v);
}

AK_INLINE Vf set1f(float x) { return Vf{_mm512_set1_ps(x)}; }
AK_INLINE Vd set1d(double x) { return Vd{_mm512_set1_pd(x)}; }
AK_INLINE Vf splat_bits_f(uint32_t u) { return Vf{_mm512_castsi512_ps(_mm512_set1_epi32(static_cast<int>(u)))}; }
AK_INLINE Vd splat_bits_d(uint64_t u) { return Vd{_mm512_castsi512_pd(_mm512_set1_epi64(static_cast<long long>(u)))}; }

// ---- arithmetic ------------------------------------------------------------------
#define AK_AVX512_ARITH(V, S, I, CASTI, CASTF, MT)                                        \
  AK_INLINE V operator+(V a, V b) { return V{_mm512_add_##S(a.v, b.v)}; }                \
  AK_INLINE V operator-(V a, V b) { return V{_mm512_sub_##S(a.v, b.v)}; }                \
  AK_INLINE V operator*(V a, V b) { return V{_mm512_mul_##S(a.v, b.v)}; }                \
  AK_INLINE V operator/(V a, V b) { return V{_mm512_div_##S(a.v, b.v)}; }                \
  AK_INLINE V& operator+=(V& a, V b) { a = a + b; return a; }                           \
  AK_INLINE V& operator-=(V& a, V b) { a = a - b; return a; }                           \
  AK_INLINE V& operator*=(V& a, V b) { a = a * b; return a; }                           \
  AK_INLINE V fma(V a, V b, V c) { return V{_mm512_fmadd_##S(a.v, b.v, c.v)}; }          \
  AK_INLINE V fnma(V a, V b, V c) { return V{_mm512_fnmadd_##S(a.v, b.v, c.v)}; }        \
  AK_INLINE V sqrt(V a) { return V{_mm512_sqrt_##S(a.v)}; }                              \
  AK_INLINE V bitand_(V a, V b) { return V{CASTF(_mm512_and_##I(CASTI(a.v), CASTI(b.v)))}; } \
  AK_INLINE V bitor_(V a, V b) { return V{CASTF(_mm512_or_##I(CASTI(a.v), CASTI(b.v)))}; }   \
  AK_INLINE V bitxor_(V a, V b) { return V{CASTF(_mm512_xor_##I(CASTI(a.v), CASTI(b.v)))}; } \
  /* ~a & b */                                                                           \
  AK_INLINE V bitandnot(V a, V b) { return V{CASTF(_mm512_andnot_##I(CASTI(a.v), CASTI(b.v)))}; } \
  AK_INLINE V add_bits(V a, V b) { return V{CASTF(_mm512_add_##I(CASTI(a.v), CASTI(b.v)))}; }  \
  AK_INLINE V sub_bits(V a, V b) { return V{CASTF(_mm512_sub_##I(CASTI(a.v), CASTI(b.v)))}; }  \
  AK_INLINE V::M lt(V a, V b) { return {_mm512_cmp_##S##_mask(a.v, b.v, _CMP_LT_OQ)}; }  \
  AK_INLINE V::M le(V a, V b) { return {_mm512_cmp_##S##_mask(a.v, b.v, _CMP_LE_OQ)}; }  \
  AK_INLINE V::M gt(V a, V b) { return {_mm512_cmp_##S##_mask(a.v, b.v, _CMP_GT_OQ)}; }  \
  AK_INLINE V::M ge(V a, V b) { return {_mm512_cmp_##S##_mask(a.v, b.v, _CMP_GE_OQ)}; }  \
  AK_INLINE V::M eq(V a, V b) { return {_mm512_cmp_##S##_mask(a.v, b.v, _CMP_EQ_OQ)}; }  \
  AK_INLINE V::M ne(V a, V b) { return {_mm512_cmp_##S##_mask(a.v, b.v, _CMP_NEQ_UQ)}; } \
  AK_INLINE V::M isnan(V a) { return {_mm512_cmp_##S##_mask(a.v, a.v, _CMP_UNORD_Q)}; }  \
  AK_INLINE V::M mand(V::M a, V::M b) { return {static_cast<MT>(a.m & b.m)}; }          \
  AK_INLINE V::M mor(V::M a, V::M b) { return {static_cast<MT>(a.m | b.m)}; }           \
  AK_INLINE V::M mxor(V::M a, V::M b) { return {static_cast<MT>(a.m ^ b.m)}; }          \
  AK_INLINE V::M mnot(V::M a) { return {static_cast<MT>(~a.m)}; }                       \
  AK_INLINE bool any(V::M a) { return a.m != 0; }                                        \
  AK_INLINE bool all(V::M a) { return a.m == static_cast<MT>(~MT(0)); }                 \
  /* a where m, else b */                                                                \
  AK_INLINE V select(V::M m, V a, V b) { return V{_mm512_mask_blend_##S(m.m, b.v, a.v)}; } \
  /* x86 semantics: returns b if either operand is NaN (put the NaN-able operand 2nd) */ \
  AK_INLINE V minFast(V a, V b) { return V{_mm512_min_##S(a.v, b.v)}; }                  \
  AK_INLINE V maxFast(V a, V b) { return V{_mm512_max_##S(a.v, b.v)}; }                  \
  /* NaN-propagating: vminps gives b when a is NaN; a masked move patches those lanes. */ \
  AK_INLINE V min(V a, V b) { return V{_mm512_mask_mov_##S(minFast(a, b).v, isnan(a).m, a.v)}; } \
  AK_INLINE V max(V a, V b) { return V{_mm512_mask_mov_##S(maxFast(a, b).v, isnan(a).m, a.v)}; } \
  AK_INLINE V round_nearest(V a) {                                                       \
    return V{_mm512_roundscale_##S(a.v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)}; } \
  AK_INLINE V floor(V a) {                                                               \
    return V{_mm512_roundscale_##S(a.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)}; }   \
  /* x * 2^floor(n), exact incl. subnormal results (single rounding), inf/0 beyond */     \
  AK_INLINE V ldexp_int(V x, V n) { return V{_mm512_scalef_##S(x.v, n.v)}; }

AK_AVX512_ARITH(Vf, ps, epi32, _mm512_castps_si512, _mm512_castsi512_ps, __mmask16)
AK_AVX512_ARITH(Vd, pd, epi64, _mm512_castpd_si512, _mm512_castsi512_pd, __mmask8)
#undef AK_AVX512_ARITH

AK_INLINE Vf operator-(Vf a) { return bitxor_(a, splat_bits_f(0x80000000u)); }
AK_INLINE Vd operator-(Vd a) { return bitxor_(a, splat_bits_d(0x8000000000000000ull)); }
AK_INLINE Vf neg(Vf a) { return -a; }
AK_INLINE Vd neg(Vd a) { return -a; }
AK_INLINE Vf abs(Vf a) { return bitand_(a, splat_bits_f(0x7fffffffu)); }
AK_INLINE Vd abs(Vd a) { return bitand_(a, splat_bits_d(0x7fffffffffffffffull)); }
// |mag| with the sign of sgn (one vpternlog)
AK_INLINE Vf copysign(Vf mag, Vf sgn) {
  return Vf{_mm512_castsi512_ps(_mm512_ternarylogic_epi32(
      _mm512_castps_si512(mag.v), _mm512_castps_si512(sgn.v), _mm512_set1_epi32(0x7fffffff), 0xe4))};
}
AK_INLINE Vd copysign(Vd mag, Vd sgn) {
  return Vd{_mm512_castsi512_pd(_mm512_ternarylogic_epi64(
      _mm512_castpd_si512(mag.v), _mm512_castpd_si512(sgn.v), _mm512_set1_epi64(0x7fffffffffffffffll), 0xe4))};
}
// Reciprocal with relative error <= 2^-14 (vrcp14ps/pd; AVX512F).
static constexpr bool kRcpIsDiv = false;
AK_INLINE Vf rcp_approx(Vf a) { return Vf{_mm512_rcp14_ps(a.v)}; }
AK_INLINE Vd rcp_approx(Vd a) { return Vd{_mm512_rcp14_pd(a.v)}; }
AK_INLINE Mf isinf(Vf a) { return eq(abs(a), set1f(std::numeric_limits<float>::infinity())); }
AK_INLINE Md isinf(Vd a) { return eq(abs(a), set1d(std::numeric_limits<double>::infinity())); }

template <int K> AK_INLINE Vf shl_bits(Vf a) { return Vf{_mm512_castsi512_ps(_mm512_slli_epi32(_mm512_castps_si512(a.v), K))}; }
template <int K> AK_INLINE Vf shr_bits(Vf a) { return Vf{_mm512_castsi512_ps(_mm512_srli_epi32(_mm512_castps_si512(a.v), K))}; }
template <int K> AK_INLINE Vd shl_bits(Vd a) { return Vd{_mm512_castsi512_pd(_mm512_slli_epi64(_mm512_castpd_si512(a.v), K))}; }
template <int K> AK_INLINE Vd shr_bits(Vd a) { return Vd{_mm512_castsi512_pd(_mm512_srli_epi64(_mm512_castpd_si512(a.v), K))}; }
// tab[bits(idx) & 31] per lane: one vpermt2ps over the 32-float table held in two
// registers (loop-invariant loads).
AK_INLINE Vf lookup32(Vf idx, const float* tab) {
  return Vf{_mm512_permutex2var_ps(_mm512_loadu_ps(tab), _mm512_castps_si512(idx.v), _mm512_loadu_ps(tab + 16))};
}
// 32 doubles: two vpermt2pd over 16 each, index bit 4 picks.
AK_INLINE Vd lookup32(Vd idx, const double* tab) {
  const __m512i i = _mm512_castpd_si512(idx.v);
  const __m512d lo = _mm512_permutex2var_pd(_mm512_loadu_pd(tab), i, _mm512_loadu_pd(tab + 8));
  const __m512d hi = _mm512_permutex2var_pd(_mm512_loadu_pd(tab + 16), i, _mm512_loadu_pd(tab + 24));
  return Vd{_mm512_mask_blend_pd(_mm512_test_epi64_mask(i, _mm512_set1_epi64(16)), lo, hi)};
}

// ---- horizontal reductions ------------------------------------------------------
AK_INLINE float lane0(Vf a) { return _mm512_cvtss_f32(a.v); }
AK_INLINE double lane0(Vd a) { return _mm512_cvtsd_f64(a.v); }
AK_INLINE float hsum(Vf a) {
  __m256 h = _mm256_add_ps(_mm512_castps512_ps256(a.v),
                           _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a.v), 1)));
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(h), _mm256_extractf128_ps(h, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}
AK_INLINE double hsum(Vd a) {
  __m256d h = _mm256_add_pd(_mm512_castpd512_pd256(a.v), _mm512_extractf64x4_pd(a.v, 1));
  __m128d s = _mm_add_pd(_mm256_castpd256_pd128(h), _mm256_extractf128_pd(h, 1));
  s = _mm_add_sd(s, _mm_unpackhi_pd(s, s));
  return _mm_cvtsd_f64(s);
}
// hmax/hmin: NaN-propagating like max/min.
#define AK_AVX512_HRED(NAME, OP)                                                            \
  AK_INLINE float NAME(Vf a) {                                                              \
    Vf t = OP(a, Vf{_mm512_shuffle_f32x4(a.v, a.v, 0x4e)});                                 \
    t = OP(t, Vf{_mm512_shuffle_f32x4(t.v, t.v, 0xb1)});                                    \
    t = OP(t, Vf{_mm512_permute_ps(t.v, 0x4e)});                                            \
    t = OP(t, Vf{_mm512_permute_ps(t.v, 0xb1)});                                            \
    return lane0(t);                                                                        \
  }                                                                                         \
  AK_INLINE double NAME(Vd a) {                                                             \
    Vd t = OP(a, Vd{_mm512_shuffle_f64x2(a.v, a.v, 0x4e)});                                 \
    t = OP(t, Vd{_mm512_shuffle_f64x2(t.v, t.v, 0xb1)});                                    \
    t = OP(t, Vd{_mm512_permute_pd(t.v, 0x55)});                                            \
    return lane0(t);                                                                        \
  }
AK_AVX512_HRED(hmax, max)
AK_AVX512_HRED(hmin, min)
#undef AK_AVX512_HRED

}  // namespace AK_ISA_NS
}  // namespace ak

#include "generic.inc"

#endif  // AK_VEC_AVX512_H_

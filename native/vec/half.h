// native/vec/half.h -- float16 and bfloat16 storage <-> float32 lanes, per ISA.
//
// Include after vec/vec.h in a TU that defines one AK_ISA_*; everything lands in
// ak::AK_ISA_NS like the rest of vec/. Widening is exact. Narrowing rounds to nearest,
// ties to even, as IEEE 754 says for both formats: overflow goes to +-Inf, subnormal
// results are kept (never flushed; the caller's FpEnvGuard clears FTZ/DAZ, and the
// integer forms below do not consult the FP environment at all), NaN stays a quiet
// NaN with its sign and the top bits of its payload.
//
// float16: F16C / AVX-512F vcvtph2ps and vcvtps2ph (imm8 = round to nearest even)
// on x86, vcvt_f32_f16 / vcvt_f16_f32 on NEON, a bit-exact integer form elsewhere.
// bfloat16: an integer shift-and-round everywhere (bf16_bits, once over the vector
// type). AVX-512 BF16's vcvtneps2bf16 is not used: it flushes subnormal results and
// inputs to zero, which this contract forbids, and the integer form costs three
// integer ops per vector.
#ifndef AK_VEC_HALF_H_
#define AK_VEC_HALF_H_

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace ak {
namespace AK_ISA_NS {

inline uint32_t half_f32_bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
inline float half_bits_f32(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// The portable forms, bit-exact with the hardware conversions; also the tails of
// the vector loops.
inline float f16_to_f32_scalar(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16;
  const uint32_t e = (h >> 10) & 31u, m = h & 0x3ffu;
  // A NaN comes out quiet, as vcvtph2ps and NEON's fcvtl make it.
  if (e == 31) return half_bits_f32(sign | 0x7f800000u | (m << 13) | (m ? 0x400000u : 0u));
  if (e == 0) {
    const float v = float(m) * 0x1p-24f;  // exact: m < 2^10
    return half_bits_f32(sign | half_f32_bits(v));
  }
  return half_bits_f32(sign | ((e + 112) << 23) | (m << 13));
}

inline uint16_t f32_to_f16_scalar(float f) {
  const uint32_t x = half_f32_bits(f);
  const uint32_t sign = (x >> 16) & 0x8000u, a = x & 0x7fffffffu;
  if (a > 0x7f800000u) return uint16_t(sign | 0x7e00u | ((a >> 13) & 0x3ffu));
  if (a >= 0x477ff000u) return uint16_t(sign | 0x7c00u);  // >= 65520: rounds to Inf
  if (a >= 0x38800000u) {                                 // >= 2^-14: a normal half
    const uint32_t r = a - 0x38000000u;                    // rebias 127 -> 15
    return uint16_t(sign | ((r + 0x0fffu + ((r >> 13) & 1u)) >> 13));
  }
  // Subnormal half (or zero): round m * 2^(e-150) to a multiple of 2^-24. Below 2^-25
  // (float32 subnormals included) everything rounds to zero; exactly 2^-25 is a tie
  // that goes to the even 0.
  const uint32_t e = a >> 23;
  if (e < 102) return uint16_t(sign);
  const uint32_t m = (a & 0x7fffffu) | 0x800000u;
  const uint32_t shift = 126 - e;  // 14 .. 24
  uint32_t q = m >> shift;
  const uint32_t rem = m & ((1u << shift) - 1), half = 1u << (shift - 1);
  if (rem > half || (rem == half && (q & 1u))) ++q;
  return uint16_t(sign | q);
}

inline float bf16_to_f32_scalar(uint16_t h) { return half_bits_f32(uint32_t(h) << 16); }

inline uint16_t f32_to_bf16_scalar(float f) {
  const uint32_t x = half_f32_bits(f);
  if ((x & 0x7fffffffu) > 0x7f800000u) return uint16_t((x >> 16) | 0x40u);
  return uint16_t((x + 0x7fffu + ((x >> 16) & 1u)) >> 16);
}

// The bfloat16 rounding, written once over the vector type: each 32-bit lane ends up
// holding its 16-bit result in its low half (the levels differ only in how they pack
// the lanes to 16 bits). The same steps as f32_to_bf16_scalar.
AK_INLINE Vf bf16_bits(Vf v) {
  const Vf high = shr_bits<16>(v);
  const Vf r = shr_bits<16>(add_bits(add_bits(v, splat_bits<Vf>(0x7fffu)), bitand_(high, splat_bits<Vf>(1u))));
  return select(isnan(v), bitor_(high, splat_bits<Vf>(0x40u)), r);
}

// Array conversions. n may be anything; src and dst do not overlap.
inline void widen_f16(const uint16_t* src, float* dst, size_t n);
inline void narrow_f16(const float* src, uint16_t* dst, size_t n);
inline void widen_bf16(const uint16_t* src, float* dst, size_t n);
inline void narrow_bf16(const float* src, uint16_t* dst, size_t n);

#if defined(AK_ISA_AVX512)

inline void widen_f16(const uint16_t* src, float* dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm512_storeu_ps(dst + i, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i))));
  for (; i < n; ++i) dst[i] = f16_to_f32_scalar(src[i]);
}
inline void narrow_f16(const float* src, uint16_t* dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i),
                        _mm512_cvtps_ph(_mm512_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
  for (; i < n; ++i) dst[i] = f32_to_f16_scalar(src[i]);
}
inline void widen_bf16(const uint16_t* src, float* dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512i w = _mm512_cvtepu16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(src + i)));
    _mm512_storeu_si512(dst + i, _mm512_slli_epi32(w, 16));
  }
  for (; i < n; ++i) dst[i] = bf16_to_f32_scalar(src[i]);
}
inline void narrow_bf16(const float* src, uint16_t* dst, size_t n) {
  size_t i = 0;
  for (; i + 16 <= n; i += 16)
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm512_cvtepi32_epi16(_mm512_castps_si512(bf16_bits(load(src + i)).v)));
  for (; i < n; ++i) dst[i] = f32_to_bf16_scalar(src[i]);
}

#elif defined(AK_ISA_AVX2)

inline void widen_f16(const uint16_t* src, float* dst, size_t n) {
  size_t i = 0;
#if defined(__F16C__) || defined(_MSC_VER)
  for (; i + 8 <= n; i += 8)
    _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i))));
#endif
  for (; i < n; ++i) dst[i] = f16_to_f32_scalar(src[i]);
}
inline void narrow_f16(const float* src, uint16_t* dst, size_t n) {
  size_t i = 0;
#if defined(__F16C__) || defined(_MSC_VER)
  for (; i + 8 <= n; i += 8)
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i),
                     _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
#endif
  for (; i < n; ++i) dst[i] = f32_to_f16_scalar(src[i]);
}
inline void widen_bf16(const uint16_t* src, float* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(src + i)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(dst + i), _mm256_slli_epi32(w, 16));
  }
  for (; i < n; ++i) dst[i] = bf16_to_f32_scalar(src[i]);
}
inline void narrow_bf16(const float* src, uint16_t* dst, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i w = _mm256_castps_si256(bf16_bits(load(src + i)).v);
    // packus works within 128-bit halves: pack, then gather the two low quadwords.
    const __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi32(w, w), 0x08);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(dst + i), _mm256_castsi256_si128(p));
  }
  for (; i < n; ++i) dst[i] = f32_to_bf16_scalar(src[i]);
}

#elif defined(AK_ISA_NEON)

inline void widen_f16(const uint16_t* src, float* dst, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_f32(dst + i, vcvt_f32_f16(vreinterpret_f16_u16(vld1_u16(src + i))));
  for (; i < n; ++i) dst[i] = f16_to_f32_scalar(src[i]);
}
inline void narrow_f16(const float* src, uint16_t* dst, size_t n) {
  // FPCR.RMode is round to nearest under FpEnvGuard, and FZ16 is clear.
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1_u16(dst + i, vreinterpret_u16_f16(vcvt_f16_f32(vld1q_f32(src + i))));
  for (; i < n; ++i) dst[i] = f32_to_f16_scalar(src[i]);
}
inline void widen_bf16(const uint16_t* src, float* dst, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1q_u32(reinterpret_cast<uint32_t*>(dst + i), vshll_n_u16(vld1_u16(src + i), 16));
  for (; i < n; ++i) dst[i] = bf16_to_f32_scalar(src[i]);
}
inline void narrow_bf16(const float* src, uint16_t* dst, size_t n) {
  size_t i = 0;
  for (; i + 4 <= n; i += 4) vst1_u16(dst + i, vmovn_u32(vreinterpretq_u32_f32(bf16_bits(load(src + i)).v)));
  for (; i < n; ++i) dst[i] = f32_to_bf16_scalar(src[i]);
}

#else  // scalar

inline void widen_f16(const uint16_t* src, float* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = f16_to_f32_scalar(src[i]);
}
inline void narrow_f16(const float* src, uint16_t* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = f32_to_f16_scalar(src[i]);
}
inline void widen_bf16(const uint16_t* src, float* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = bf16_to_f32_scalar(src[i]);
}
inline void narrow_bf16(const float* src, uint16_t* dst, size_t n) {
  for (size_t i = 0; i < n; ++i) dst[i] = f32_to_bf16_scalar(src[i]);
}

#endif

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_VEC_HALF_H_

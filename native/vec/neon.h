// native/vec/neon.h -- 128-bit AArch64 Advanced SIMD (NEON) vectors: Vf = 4 floats,
// Vd = 2 doubles. Include through vec.h with AK_ISA_NEON defined (AK_ISA_NS == neon).
// AdvSIMD, with float64 lanes and FMA, is part of the AArch64 baseline: the TU needs no
// ISA flag (GCC, clang; MSVC's arm64 target through <arm64_neon.h>).
// Masks are full-width lane masks (all-ones / all-zeros per lane), as from fcmgt.
//
// Every primitive keeps the x86 levels' semantics bit for bit where those are part of
// the interface (vec.h): minFast/maxFast return their second operand when either is NaN
// and when the two compare equal (±0), min/max return the first operand when it is NaN
// (else minFast/maxFast), so the exact ops give the same bits on every level. AArch64's
// own fmin/fmax order -0 below +0 and quiet signalling NaNs, so they are not used.
// Vector constants are loaded from arrays, never brace-initialised (a GCC/clang
// extension that MSVC does not accept for its __n128 types).
#ifndef AK_VEC_NEON_H_
#define AK_VEC_NEON_H_

#include "common.h"
#include <limits>

#if defined(_MSC_VER) && !defined(__clang__)
#include <arm64_neon.h>
#else
#include <arm_neon.h>
#endif

#if !defined(__aarch64__) && !defined(_M_ARM64)
#error "native/vec/neon.h is for AArch64 (arm64) targets"
#endif

namespace ak {
namespace AK_ISA_NS {

#include "bits.inc"

static constexpr bool kHasFma = true;
static constexpr const char* kIsaName = "neon";

struct Mf { uint32x4_t m; };
struct Md { uint64x2_t m; };

struct Vf {
  using T = float;
  using M = Mf;
  using U = uint32_t;
  static constexpr size_t N = 4;
  float32x4_t v;
};
struct Vd {
  using T = double;
  using M = Md;
  using U = uint64_t;
  static constexpr size_t N = 2;
  float64x2_t v;
};

namespace detail {
AK_INLINE uint32x4_t bu(Vf a) { return vreinterpretq_u32_f32(a.v); }
AK_INLINE uint64x2_t bu(Vd a) { return vreinterpretq_u64_f64(a.v); }
AK_INLINE Vf fu(uint32x4_t u) { return Vf{vreinterpretq_f32_u32(u)}; }
AK_INLINE Vd fu(uint64x2_t u) { return Vd{vreinterpretq_f64_u64(u)}; }
}  // namespace detail

// ---- load / store (unaligned) ------------------------------------------------------
AK_INLINE Vf load(const float* p) { return Vf{vld1q_f32(p)}; }
AK_INLINE Vd load(const double* p) { return Vd{vld1q_f64(p)}; }
// n < N lanes: element-sized loads of [0, n) only (nothing past p + n is read, so a
// guard page right after the array never faults); the other lanes are zero.
AK_INLINE Vf loadPartial(const float* p, size_t n) {
  const float32x4_t z = vdupq_n_f32(0.0f);
  switch (n) {
    case 0: return Vf{z};
    case 1: return Vf{vld1q_lane_f32(p, z, 0)};
    case 2: return Vf{vcombine_f32(vld1_f32(p), vdup_n_f32(0.0f))};
    default: return Vf{vld1q_lane_f32(p + 2, vcombine_f32(vld1_f32(p), vdup_n_f32(0.0f)), 2)};
  }
}
AK_INLINE Vd loadPartial(const double* p, size_t n) {
  const float64x2_t z = vdupq_n_f64(0.0);
  return Vd{n ? vld1q_lane_f64(p, z, 0) : z};
}
AK_INLINE void store(float* p, Vf v) { vst1q_f32(p, v.v); }
AK_INLINE void store(double* p, Vd v) { vst1q_f64(p, v.v); }
// No streaming store here: a plain one (AArch64's stnp is only a hint, and a pair of
// 64-bit halves; nothing to fence).
AK_INLINE void stream(float* p, Vf v) { vst1q_f32(p, v.v); }
AK_INLINE void stream(double* p, Vd v) { vst1q_f64(p, v.v); }
AK_INLINE void stream_fence() {}
AK_INLINE void storePartial(float* p, Vf v, size_t n) {
  switch (n) {
    case 0: return;
    case 1: vst1q_lane_f32(p, v.v, 0); return;
    case 2: vst1_f32(p, vget_low_f32(v.v)); return;
    default: vst1_f32(p, vget_low_f32(v.v)); vst1q_lane_f32(p + 2, v.v, 2); return;
  }
}
AK_INLINE void storePartial(double* p, Vd v, size_t n) {
  if (n) vst1q_lane_f64(p, v.v, 0);
}

AK_INLINE Vf set1f(float x) { return Vf{vdupq_n_f32(x)}; }
AK_INLINE Vd set1d(double x) { return Vd{vdupq_n_f64(x)}; }
AK_INLINE Vf splat_bits_f(uint32_t u) { return detail::fu(vdupq_n_u32(u)); }
AK_INLINE Vd splat_bits_d(uint64_t u) { return detail::fu(vdupq_n_u64(u)); }

// ---- arithmetic ------------------------------------------------------------------------
// S = f32/f64 suffix, I = u32/u64 (the lane-sized unsigned integers)
#define AK_NEON_ARITH(V, S, I)                                                             \
  AK_INLINE V operator+(V a, V b) { return V{vaddq_##S(a.v, b.v)}; }                       \
  AK_INLINE V operator-(V a, V b) { return V{vsubq_##S(a.v, b.v)}; }                       \
  AK_INLINE V operator*(V a, V b) { return V{vmulq_##S(a.v, b.v)}; }                       \
  AK_INLINE V operator/(V a, V b) { return V{vdivq_##S(a.v, b.v)}; }                       \
  AK_INLINE V operator-(V a) { return V{vnegq_##S(a.v)}; }                                 \
  AK_INLINE V& operator+=(V& a, V b) { a = a + b; return a; }                             \
  AK_INLINE V& operator-=(V& a, V b) { a = a - b; return a; }                             \
  AK_INLINE V& operator*=(V& a, V b) { a = a * b; return a; }                             \
  /* a*b + c, one rounding (fmla); c - a*b (fmls) */                                       \
  AK_INLINE V fma(V a, V b, V c) { return V{vfmaq_##S(c.v, a.v, b.v)}; }                   \
  AK_INLINE V fnma(V a, V b, V c) { return V{vfmsq_##S(c.v, a.v, b.v)}; }                  \
  AK_INLINE V sqrt(V a) { return V{vsqrtq_##S(a.v)}; }                                     \
  /* fneg / fabs only flip / clear the sign bit (NaNs untouched), as x86's xor / andnot */ \
  AK_INLINE V neg(V a) { return -a; }                                                      \
  AK_INLINE V abs(V a) { return V{vabsq_##S(a.v)}; }                                       \
  AK_INLINE V bitand_(V a, V b) { return detail::fu(vandq_##I(detail::bu(a), detail::bu(b))); } \
  AK_INLINE V bitor_(V a, V b) { return detail::fu(vorrq_##I(detail::bu(a), detail::bu(b))); }  \
  AK_INLINE V bitxor_(V a, V b) { return detail::fu(veorq_##I(detail::bu(a), detail::bu(b))); } \
  /* ~a & b (bic b, a) */                                                                  \
  AK_INLINE V bitandnot(V a, V b) { return detail::fu(vbicq_##I(detail::bu(b), detail::bu(a))); } \
  AK_INLINE V add_bits(V a, V b) { return detail::fu(vaddq_##I(detail::bu(a), detail::bu(b))); } \
  AK_INLINE V sub_bits(V a, V b) { return detail::fu(vsubq_##I(detail::bu(a), detail::bu(b))); } \
  /* ordered compares (false on NaN), ne unordered (true on NaN), as the x86 predicates */ \
  AK_INLINE V::M lt(V a, V b) { return {vcltq_##S(a.v, b.v)}; }                            \
  AK_INLINE V::M le(V a, V b) { return {vcleq_##S(a.v, b.v)}; }                            \
  AK_INLINE V::M gt(V a, V b) { return {vcgtq_##S(a.v, b.v)}; }                            \
  AK_INLINE V::M ge(V a, V b) { return {vcgeq_##S(a.v, b.v)}; }                            \
  AK_INLINE V::M eq(V a, V b) { return {vceqq_##S(a.v, b.v)}; }                            \
  AK_INLINE V::M ne(V a, V b) { return mnot(eq(a, b)); }                                   \
  AK_INLINE V::M isnan(V a) { return mnot(eq(a, a)); }                                     \
  AK_INLINE V::M isinf(V a) { return eq(abs(a), splat<V>(std::numeric_limits<V::T>::infinity())); } \
  AK_INLINE V::M mand(V::M a, V::M b) { return {vandq_##I(a.m, b.m)}; }                   \
  AK_INLINE V::M mor(V::M a, V::M b) { return {vorrq_##I(a.m, b.m)}; }                    \
  AK_INLINE V::M mxor(V::M a, V::M b) { return {veorq_##I(a.m, b.m)}; }                   \
  /* a where m, else b (bsl) */                                                            \
  AK_INLINE V select(V::M m, V a, V b) { return V{vbslq_##S(m.m, a.v, b.v)}; }             \
  /* x86 minps/maxps: a < b ? a : b, so b when either is NaN and when a == b (±0) */       \
  AK_INLINE V minFast(V a, V b) { return select(lt(a, b), a, b); }                         \
  AK_INLINE V maxFast(V a, V b) { return select(gt(a, b), a, b); }                         \
  /* NaN-propagating, the first operand's NaN winning: (a < b || a != a) ? a : b */        \
  AK_INLINE V min(V a, V b) { return V{vbslq_##S(vornq_##I(vcltq_##S(a.v, b.v), vceqq_##S(a.v, a.v)), a.v, b.v)}; } \
  AK_INLINE V max(V a, V b) { return V{vbslq_##S(vornq_##I(vcgtq_##S(a.v, b.v), vceqq_##S(a.v, a.v)), a.v, b.v)}; } \
  /* frintn / frintm: the rounding is in the instruction, whatever FPCR.RMode holds */    \
  AK_INLINE V round_nearest(V a) { return V{vrndnq_##S(a.v)}; }                            \
  AK_INLINE V floor(V a) { return V{vrndmq_##S(a.v)}; }                                    \
  /* |mag| with the sign of sgn */                                                         \
  AK_INLINE V copysign(V mag, V sgn) {                                                     \
    return V{vbslq_##S(detail::bu(splat<V>(V::T(-0.0))), sgn.v, mag.v)}; }

// The macro bodies call splat<>, which generic.inc defines after this header: declare it.
template <class V> AK_INLINE V splat(typename V::T x);
AK_INLINE Mf mnot(Mf a) { return {vmvnq_u32(a.m)}; }
AK_INLINE Md mnot(Md a) { return {vreinterpretq_u64_u32(vmvnq_u32(vreinterpretq_u32_u64(a.m)))}; }

AK_NEON_ARITH(Vf, f32, u32)
AK_NEON_ARITH(Vd, f64, u64)
#undef AK_NEON_ARITH

AK_INLINE bool any(Mf a) { return vmaxvq_u32(a.m) != 0; }
AK_INLINE bool all(Mf a) { return vminvq_u32(a.m) != 0; }
AK_INLINE bool any(Md a) { return vmaxvq_u32(vreinterpretq_u32_u64(a.m)) != 0; }
AK_INLINE bool all(Md a) { return vminvq_u32(vreinterpretq_u32_u64(a.m)) != 0; }

// Reciprocal with relative error <= 2^-14: frecpe (an 8-bit estimate) and one Newton
// step by frecps (2 - a r, fused), about 2^-16. frecps gives exactly 2 for 0 * Inf, so
// 1/±0 = ±Inf and 1/±Inf = ±0 come out right.
static constexpr bool kRcpIsDiv = false;
AK_INLINE Vf rcp_approx(Vf a) {
  const float32x4_t r = vrecpeq_f32(a.v);
  return Vf{vmulq_f32(vrecpsq_f32(a.v, r), r)};
}
AK_INLINE Vd rcp_approx(Vd a) {
  const float64x2_t r = vrecpeq_f64(a.v);
  return Vd{vmulq_f64(vrecpsq_f64(a.v, r), r)};
}

template <int K> AK_INLINE Vf shl_bits(Vf a) {
  if constexpr (K == 0) return a; else return detail::fu(vshlq_n_u32(detail::bu(a), K));
}
template <int K> AK_INLINE Vf shr_bits(Vf a) {
  if constexpr (K == 0) return a; else return detail::fu(vshrq_n_u32(detail::bu(a), K));
}
template <int K> AK_INLINE Vd shl_bits(Vd a) {
  if constexpr (K == 0) return a; else return detail::fu(vshlq_n_u64(detail::bu(a), K));
}
template <int K> AK_INLINE Vd shr_bits(Vd a) {
  if constexpr (K == 0) return a; else return detail::fu(vshrq_n_u64(detail::bu(a), K));
}

// tab[bits(idx) & 31] per lane, 32 floats = 128 bytes = two 4-register tables. Each
// lane's byte offset 4 (i & 31) is spread over its four bytes (+0..3), then tbl reads
// bytes 0..63 (others give 0) and tbx bytes 64..127 (offset - 64; the lanes below wrap
// to >= 192 and keep what tbl gave). The offset vector depends only on idx, so the
// several lookups of one slot (slot_poly) share it.
namespace detail {
AK_INLINE uint8x16_t lookup32_offsets(Vf idx) {
  static const uint8_t kSpread[16] = {0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12};
  static const uint8_t kByte[16] = {0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3};
  const uint32x4_t off = vandq_u32(vshlq_n_u32(bu(idx), 2), vdupq_n_u32(0x7c));
  return vorrq_u8(vqtbl1q_u8(vreinterpretq_u8_u32(off), vld1q_u8(kSpread)), vld1q_u8(kByte));
}
AK_INLINE uint8x16x4_t table64(const float* t) {
  uint8x16x4_t r;
  r.val[0] = vreinterpretq_u8_f32(vld1q_f32(t));
  r.val[1] = vreinterpretq_u8_f32(vld1q_f32(t + 4));
  r.val[2] = vreinterpretq_u8_f32(vld1q_f32(t + 8));
  r.val[3] = vreinterpretq_u8_f32(vld1q_f32(t + 12));
  return r;
}
}  // namespace detail
AK_INLINE Vf lookup32(Vf idx, const float* tab) {
  const uint8x16_t off = detail::lookup32_offsets(idx);
  const uint8x16_t lo = vqtbl4q_u8(detail::table64(tab), off);
  const uint8x16_t v = vqtbx4q_u8(lo, detail::table64(tab + 16), vsubq_u8(off, vdupq_n_u8(64)));
  return Vf{vreinterpretq_f32_u8(v)};
}
// 32 doubles over 2 lanes: two indexed loads (a byte table would take four tbl).
AK_INLINE Vd lookup32(Vd idx, const double* tab) {
  const uint64x2_t i = vandq_u64(detail::bu(idx), vdupq_n_u64(31));
  const float64x2_t lo = vld1q_dup_f64(tab + vgetq_lane_u64(i, 0));
  return Vd{vld1q_lane_f64(tab + vgetq_lane_u64(i, 1), lo, 1)};
}

// ---- horizontal reductions ---------------------------------------------------------------
AK_INLINE float lane0(Vf a) { return vgetq_lane_f32(a.v, 0); }
AK_INLINE double lane0(Vd a) { return vgetq_lane_f64(a.v, 0); }
AK_INLINE float hsum(Vf a) { return vaddvq_f32(a.v); }
AK_INLINE double hsum(Vd a) { return vaddvq_f64(a.v); }
// hmax/hmin: NaN-propagating like max/min, folded halves first as on x86.
AK_INLINE float hmax(Vf a) {
  Vf t = max(a, Vf{vextq_f32(a.v, a.v, 2)});
  return lane0(max(t, Vf{vextq_f32(t.v, t.v, 1)}));
}
AK_INLINE float hmin(Vf a) {
  Vf t = min(a, Vf{vextq_f32(a.v, a.v, 2)});
  return lane0(min(t, Vf{vextq_f32(t.v, t.v, 1)}));
}
AK_INLINE double hmax(Vd a) { return lane0(max(a, Vd{vextq_f64(a.v, a.v, 1)})); }
AK_INLINE double hmin(Vd a) { return lane0(min(a, Vd{vextq_f64(a.v, a.v, 1)})); }

}  // namespace AK_ISA_NS
}  // namespace ak

#include "generic.inc"

#endif  // AK_VEC_NEON_H_

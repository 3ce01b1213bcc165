// native/kernels/widen.h -- the few vector primitives the kernels need beyond vec/:
// float32 <-> float64 lane conversion and a correctly rounded fused multiply-add.
// Included after vec/vec.h in an ISA translation unit; everything lives in
// ak::AK_ISA_NS::kx so it can never clash with what vec/ grows later.
//
// Why widen: an "exact" float32 op whose formula rounds more than once (hardSwish's
// x(x+3)/6, hardSigmoid's αx+β without FMA) is computed in float64 as an unevaluated
// sum hi + lo, then rounded once to float32 with round-to-odd (see round_to_f32).
#ifndef AK_KERNELS_WIDEN_H_
#define AK_KERNELS_WIDEN_H_

#include <cmath>

#if defined(__MINGW32__)
#include "../vec/soft_fma.h"
#endif

namespace ak {
namespace AK_ISA_NS {
namespace kx {

// A Vf split into float64 lanes: Vf::N floats become kParts vectors of Vd.
#if defined(AK_ISA_SCALAR)
constexpr int kParts = 1;
AK_INLINE void widen(Vf x, Vd* out) { out[0] = Vd{static_cast<double>(x.v)}; }
// Rounds each lane to nearest float (the caller's rounding mode is pinned to RN by
// FpEnvGuard), subnormal results included.
AK_INLINE Vf narrow(const Vd* in) { return Vf{static_cast<float>(in[0].v)}; }
#elif defined(AK_ISA_AVX2)
constexpr int kParts = 2;
AK_INLINE void widen(Vf x, Vd* out) {
  out[0] = Vd{_mm256_cvtps_pd(_mm256_castps256_ps128(x.v))};
  out[1] = Vd{_mm256_cvtps_pd(_mm256_extractf128_ps(x.v, 1))};
}
AK_INLINE Vf narrow(const Vd* in) {
  return Vf{_mm256_set_m128(_mm256_cvtpd_ps(in[1].v), _mm256_cvtpd_ps(in[0].v))};
}
#elif defined(AK_ISA_AVX512)
constexpr int kParts = 2;
AK_INLINE void widen(Vf x, Vd* out) {
  out[0] = Vd{_mm512_cvtps_pd(_mm512_castps512_ps256(x.v))};
  out[1] = Vd{_mm512_cvtps_pd(_mm512_extractf32x8_ps(x.v, 1))};  // AVX512DQ
}
AK_INLINE Vf narrow(const Vd* in) {
  return Vf{_mm512_insertf32x8(_mm512_castps256_ps512(_mm512_cvtpd_ps(in[0].v)),
                               _mm512_cvtpd_ps(in[1].v), 1)};  // AVX512DQ
}
#elif defined(AK_ISA_NEON)
constexpr int kParts = 2;
AK_INLINE void widen(Vf x, Vd* out) {
  out[0] = Vd{vcvt_f64_f32(vget_low_f32(x.v))};
  out[1] = Vd{vcvt_high_f64_f32(x.v)};
}
AK_INLINE Vf narrow(const Vd* in) { return Vf{vcvt_high_f32_f64(vcvt_f32_f64(in[0].v), in[1].v)}; }
#else
#error "kernels/widen.h: no widening for this ISA"
#endif

// Applies f (Vd -> Vd) to the float64 image of every lane of x, rounding back once.
template <class F>
AK_INLINE Vf via_f64(Vf x, F&& f) {
  Vd w[kParts];
  widen(x, w);
  for (int i = 0; i < kParts; ++i) w[i] = f(w[i]);
  return narrow(w);
}

// a*b + c with one rounding. FMA levels have it in hardware; the scalar level (x86-64
// baseline has no FMA) calls std::fma, correctly rounded in glibc (which picks the
// hardware instruction at run time when the CPU has one), musl, Apple's libm and the
// UCRT, but not in MinGW-w64 (vec/soft_fma.h there).
template <class V>
AK_INLINE V fma_exact(V a, V b, V c) {
#if defined(AK_ISA_SCALAR) && defined(__MINGW32__)
  if constexpr (kHasFma) return fma(a, b, c); else return V{soft_fma::fma(a.v, b.v, c.v)};
#elif defined(AK_ISA_SCALAR)
  if constexpr (kHasFma) return fma(a, b, c); else return V{std::fma(a.v, b.v, c.v)};
#else
  return fma(a, b, c);
#endif
}

// Given hi + lo (|lo| <= ulp(hi)/2, hi = the float64 rounding of the exact value and
// lo the exact remainder or at least its sign), returns the value round-to-odd would
// give: hi itself when lo == 0 or hi's last bit is odd, else hi nudged one ulp toward
// lo. Rounding that to float32 is then the correct rounding of hi + lo (Boldo and
// Melquiond: round-to-odd at p >= q + 2 bits, then round-to-nearest at q bits, equals
// a single rounding; 53 >= 24 + 2). Without it, hi landing exactly on a float32
// midpoint while lo != 0 would round the wrong way (double rounding).
AK_INLINE Vd round_to_odd(Vd hi, Vd lo) {
  const Vd z = set1d(0.0);
  const Vd one_bit = splat_bits<Vd>(1);
  const auto inexact_even = mand(ne(lo, z), eq(bitand_(hi, one_bit), z));
  // Same sign: move away from zero (+1 on the magnitude bits), else toward zero (-1).
  const auto away = mxor(gt(lo, z), lt(hi, z));
  const Vd step = select(away, one_bit, splat_bits<Vd>(~uint64_t(0)));
  return select(inexact_even, add_bits(hi, step), hi);
}

}  // namespace kx
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_KERNELS_WIDEN_H_

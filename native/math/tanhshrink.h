// native/math/tanhshrink.h -- tanhshrink_(x) = x - tanh(x) for Vd (float32 data goes
// through float64 lanes: kernels/shrink.h).
#ifndef AK_MATH_TANHSHRINK_H_
#define AK_MATH_TANHSHRINK_H_

#include "tanh.h"

namespace ak {
namespace AK_ISA_NS {

namespace mathd {
// Written by native/math/gen/tanhshrink_coeffs.py, with lib/fallback/tanhshrink-coeffs.ts
// (the JS twin's copy; test/tanhshrink-coeffs.test.ts checks they agree).
// tanhshrink-coeffs:begin (generated)
// max relative error of the fits (float64 coefficients): Q 0.5 x 2^-53, P 1.98 x 2^-53
constexpr double kTanhShrinkQ[16] = {0x1.5555555555555p-2, -0x1.1111111111082p-3, 0x1.ba1ba1ba12535p-5, -0x1.664f4880807c1p-6, 0x1.226e3513294fbp-7, -0x1.d6d3c4e28102bp-9, 0x1.7da2c17e217e2p-10, -0x1.35521020799b1p-11, 0x1.f5289ad6cb287p-13, -0x1.94c3f46a1d623p-14, 0x1.42b0c894968a3p-15, -0x1.ed7c2d7e1b235p-17, 0x1.54969d0d40235p-18, -0x1.7f517d8440535p-20, 0x1.2bc629c6e778dp-22, -0x1.d785dc4bb5321p-26};
constexpr double kTanhShrinkP[19] = {0x1.3090687920a89p-1, 0x1.a37a6b5f4e417p-1, 0x1.4efbd8fb38a37p-3, -0x1.67b1f69145db8p-4, 0x1.99050d67418b8p-6, 0x1.5c9d3e4bac0abp-9, -0x1.d0ec396a23e92p-8, 0x1.03e4e72e304b4p-8, -0x1.0a640d394c5bfp-10, -0x1.99b67fec4d09bp-13, 0x1.642a7c0152fefp-12, -0x1.6e09f2efd2487p-13, 0x1.4920dfe0c0313p-15, 0x1.92d0f999c576fp-17, -0x1.1c09f4d0f17f5p-16, 0x1.1058c5aa8673cp-17, 0x1.0aedccd89a723p-21, -0x1.6f5887ce10aa3p-20, -0x1.030a6ec2c74f7p-20};
// tanhshrink-coeffs:end
}  // namespace mathd

/// tanhshrink_(x) = x - tanh(x), relative-accurate: near 0 the difference cancels (it is
/// x^3/3 out of x), so |x| < 1 evaluates x^3 Q(x^2) and 1 <= |x| < 2 P(|x| - 1.5), minimax
/// polynomials of the relative error (fit errors 0.50 and 1.98 x 2^-53), one Horner pass
/// over per-lane selected coefficients; from |x| = 2 on x - tanh_(x) cancels less than a
/// factor 2 (tanh_'s 1.73 ulp become < 1 ulp of the result). ±Inf -> ±Inf, NaN -> NaN,
/// ±0 -> ±0 (x^3 Q keeps the sign), subnormal x -> the rounding of x^3/3 (0 with x's sign).
/// Double only. Max error: see the op's bound in lib/registry/ops.ts (float64 4 ulp).
AK_INLINE Vd tanhshrink_(Vd x) {
  using namespace mathd;
  constexpr int nq = sizeof(kTanhShrinkQ) / sizeof(double), np = sizeof(kTanhShrinkP) / sizeof(double);
  constexpr int n = nq > np ? nq : np;
  const Vd a = abs(x);
  const auto near0 = lt(a, set1d(1.0));
  const Vd s = x * x;
  const Vd w = select(near0, s, a - set1d(1.5));
  Vd p = set1d(0.0);
  for (int k = n - 1; k >= 0; --k) {
    const Vd c = select(near0, set1d(k < nq ? kTanhShrinkQ[k] : 0.0), set1d(k < np ? kTanhShrinkP[k] : 0.0));
    p = fma(p, w, c);
  }
  const Vd poly = select(near0, x * s * p, copysign(p, x));
  return select(lt(a, set1d(2.0)), poly, x - tanh_(x));
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_TANHSHRINK_H_

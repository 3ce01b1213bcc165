// native/math/gelu.h -- gelu_(x) = x Phi(x), the exact-erf GELU.
#ifndef AK_MATH_GELU_H_
#define AK_MATH_GELU_H_

#include "erf.h"
#include "exp.h"

namespace ak {
namespace AK_ISA_NS {
namespace mathd {
// K(z) = z e^{z^2/2} Phi(-z) on [0, 15) as 32 degree-5 polynomials in t = z - kZ0[slot],
// 8 intervals per octave of u = z + 1, slot = the low 5 bits of bits(u) >> 20
// (gen/gelu_coeffs.py; coefficient i of every slot is row kC[i]).
struct GeluTable {
  // max relative error of the fits (float coefficients): 0.671 x 2^-24
  static constexpr float kZ0[32] = {
      0x1p+0f, 0x1.4p+0f, 0x1.8p+0f, 0x1.cp+0f, 0x1p+1f, 0x1.2p+1f,
      0x1.4p+1f, 0x1.6p+1f, 0x1.8p+1f, 0x1.cp+1f, 0x1p+2f, 0x1.2p+2f,
      0x1.4p+2f, 0x1.6p+2f, 0x1.8p+2f, 0x1.ap+2f, 0x1.cp+2f, 0x1p+3f,
      0x1.2p+3f, 0x1.4p+3f, 0x1.6p+3f, 0x1.8p+3f, 0x1.ap+3f, 0x1.cp+3f,
      0x0p+0f, 0x1p-3f, 0x1p-2f, 0x1.8p-2f, 0x1p-1f, 0x1.4p-1f,
      0x1.8p-1f, 0x1.cp-1f};
  static constexpr float kC[6][32] = {
      {
          0x1.0bdb2ep-2f, 0x1.275f8ap-2f, 0x1.3c144p-2f, 0x1.4bef66p-2f, 0x1.5845dcp-2f, 0x1.62039ap-2f,
          0x1.69cee6p-2f, 0x1.701efp-2f, 0x1.754a76p-2f, 0x1.7d241ap-2f, 0x1.82b4bcp-2f, 0x1.86c626p-2f,
          0x1.89d3acp-2f, 0x1.8c2b88p-2f, 0x1.8e010ep-2f, 0x1.8f76dep-2f, 0x1.90a4fcp-2f, 0x1.926972p-2f,
          0x1.93a64ep-2f, 0x1.948c6ep-2f, 0x1.95389ep-2f, 0x1.95bcb4p-2f, 0x1.96242ep-2f, 0x1.9676b8p-2f,
          0x0p+0f, 0x1.d0af2cp-5f, 0x1.a7f808p-4f, 0x1.238944p-3f, 0x1.66027ap-3f, 0x1.9de55ap-3f,
          0x1.cd2836p-3f, 0x1.f5595p-3f},
      {
          0x1.fcc82p-4f, 0x1.7b7bd4p-4f, 0x1.2040b6p-4f, 0x1.bd438ap-5f, 0x1.5d338ep-5f, 0x1.15a8cap-5f,
          0x1.bf4154p-6f, 0x1.6c5f56p-6f, 0x1.2c040cp-6f, 0x1.a2a506p-7f, 0x1.2dd54cp-7f, 0x1.bfcd4ap-8f,
          0x1.542824p-8f, 0x1.07efe4p-8f, 0x1.a0cc66p-9f, 0x1.4ec09cp-9f, 0x1.107394p-9f, 0x1.762d7p-10f,
          0x1.0b8ab6p-10f, 0x1.8ad242p-11f, 0x1.2b83c6p-11f, 0x1.d0c518p-12f, 0x1.6fcfcap-12f, 0x1.27beacp-12f,
          0x1p-1f, 0x1.a4e14cp-2f, 0x1.5c567cp-2f, 0x1.222f7p-2f, 0x1.e682fap-3f, 0x1.9a44f4p-3f,
          0x1.5bf6eep-3f, 0x1.28bda4p-3f},
      {
          -0x1.343ee8p-4f, -0x1.af37c4p-5f, -0x1.33398cp-5f, -0x1.bd93p-6f, -0x1.4a41ep-6f, -0x1.edea5cp-7f,
          -0x1.7a3756p-7f, -0x1.22e368p-7f, -0x1.c5416cp-8f, -0x1.1f7efcp-8f, -0x1.77fea2p-9f, -0x1.0233dap-9f,
          -0x1.66795cp-10f, -0x1.047b86p-10f, -0x1.74303cp-11f, -0x1.2240a8p-11f, -0x1.b5ca86p-12f, -0x1.09edd8p-12f,
          -0x1.5a9bep-13f, -0x1.c1da54p-14f, -0x1.38048ep-14f, -0x1.b989eap-15f, -0x1.49560ap-15f, -0x1.e032fap-16f,
          -0x1.988438p-2f, -0x1.441c4ep-2f, -0x1.02fd5ap-2f, -0x1.a0ce1ap-3f, -0x1.51a0ccp-3f, -0x1.12c5b6p-3f,
          -0x1.c25a98p-4f, -0x1.732e5ep-4f},
      {
          0x1.2efddp-5f, 0x1.976ddcp-6f, 0x1.0f1a02p-6f, 0x1.689f18p-7f, 0x1.107214p-7f, 0x1.6417c2p-8f,
          0x1.2868fep-8f, 0x1.90111ap-9f, 0x1.19ea22p-9f, 0x1.5ac85cp-10f, 0x1.8190a6p-11f, 0x1.203da4p-11f,
          0x1.3e4eap-12f, 0x1.091e56p-12f, 0x1.4f6f1ep-14f, 0x1.3d4f78p-13f, 0x1.4d5c64p-14f, 0x1.57ca5cp-15f,
          0x1.eb819ep-16f, 0x1.553b74p-17f, 0x1.9e7376p-18f, 0x1.6868ecp-19f, 0x1.b13b16p-19f, 0x1.99e8cap-22f,
          0x1.ffef6ap-3f, 0x1.893b4p-3f, 0x1.3172p-3f, 0x1.e0ece8p-4f, 0x1.7e9c18p-4f, 0x1.21ea1cp-4f,
          0x1.c6d4c4p-5f, 0x1.64c1b6p-5f},
      {
          -0x1.fc2ac6p-7f, -0x1.79466p-7f, -0x1.b4ea62p-8f, -0x1.8a1cdp-9f, -0x1.182f4ap-8f, -0x1.26e3bcp-10f,
          -0x1.87224cp-9f, -0x1.29f3eap-10f, -0x1.004e7ap-11f, -0x1.b02f1p-12f, -0x1.ed4bbcp-14f, -0x1.e9a47ap-13f,
          -0x1.8a716ep-15f, -0x1.01d2eep-13f, 0x1.88a17ep-14f, -0x1.d78ap-14f, -0x1.2ffc3p-16f, -0x1.dd052ap-18f,
          -0x1.30510cp-17f, 0x1.f37bap-20f, 0x1.9c8436p-20f, 0x1.3d5efcp-19f, 0x1.509776p-22f, 0x1.0c7606p-19f,
          -0x1.0ec3d6p-3f, -0x1.8c45fcp-4f, -0x1.36a2e6p-4f, -0x1.0c4adap-4f, -0x1.e436c4p-5f, -0x1.73ac1ap-6f,
          -0x1.764b78p-7f, -0x1.eb6ddcp-10f},
      {
          0x1.38d92p-8f, 0x1.5660f8p-8f, 0x1.346f28p-9f, -0x1.1d1b2cp-12f, 0x1.69d62p-9f, -0x1.eaaa64p-12f,
          0x1.4ed384p-9f, 0x1.163464p-11f, 0x1.39d3c4p-15f, 0x1.e713d8p-14f, -0x1.647b26p-17f, 0x1.a78cecp-14f,
          -0x1.3e0e72p-20f, 0x1.f98f4ep-15f, -0x1.38be6ep-14f, 0x1.0fc52cp-14f, 0x1.d6156ep-19f, 0x1.24ea12p-20f,
          0x1.349c56p-19f, -0x1.0ad55ap-20f, -0x1.89df66p-21f, -0x1.ecd16p-21f, -0x1.a2b686p-23f, -0x1.80a778p-21f,
          0x1.c26d2ep-5f, 0x1.1a6e78p-5f, 0x1.1096c2p-5f, 0x1.73a3ecp-5f, 0x1.d87e18p-5f, -0x1.f7e4eap-7f,
          -0x1.cc137cp-6f, -0x1.4af0e2p-5f},
  };
};
}  // namespace mathd

/// gelu_(x) = 0.5 x (1 + erf(x / sqrt 2)) = x Phi(x), the exact-erf GELU, accurate in
/// relative terms everywhere, the negative tail included (where gelu ~ -phi(x)).
/// float: with z = |x|, x Phi(x) = max(x, 0) - z Phi(-z) (no cancellation: z Phi(-z) <=
/// x/2 for x > 0) and z Phi(-z) = e^{-z^2/2} K(z): K from the table above (32 x 6
/// coefficients, read with lookup32: one vpermt2ps each on AVX-512), e^{-z^2/2} = 2^n (1 + p)
/// from the exp kernel on the exact two-term sum -z^2/2 = hi + lo, so the result is
/// 2^n (K + K p) with one rounding after K's, and 2^n applied last (subnormal results,
/// x < -13.2 or so, rounded once). No division, no branch: ~37 vector ops (the erfc
/// form it replaced, with per-coefficient selects and a division, was ~60).
/// gelu(-Inf) = +0, gelu(+Inf) = +Inf, gelu(±0) = ±0, NaN -> NaN.
/// double: lane-wise long double erfc.
/// Max error (stated bound 2.75 ulp): float 2.280 ulp on avx2 and avx512, 2.616 on scalar
/// x86-64 (unfused fma) (all 2^32 inputs; peak near x = -1.43); double 0.5 ulp.
template <class V>
AK_INLINE V gelu_(V x) {
  using namespace mathd;
  if constexpr (kIsF32<V>) {
    using Tb = GeluTable;
    // z <= 14.9 keeps u below 16; e^{-z^2/2} K(z) underflows to 0 from z ~ 14.1 on.
    Vf z = minFast(set1f(14.9f), abs(x));  // NaN passes
    Vf slot = shr_bits<20>(z + set1f(1.0f));
    Vf t = z - lookup32(slot, Tb::kZ0);  // exact (Sterbenz; t = z on the first interval)
    Vf k = lookup32(slot, Tb::kC[5]);
    for (int i = 4; i >= 0; --i) k = fma(k, t, lookup32(slot, Tb::kC[i]));
    Vf w = z * set1f(-0.5f);
    Vf hi = w * z;
    Vf lo = two_prod_err(w, z, hi);  // -z^2/2 = hi + lo exactly
    Vf n;
    Vf r = reduce_ln2(hi, n) + lo;
    Vf p = expm1_reduced(r);
    return maxFast(zero<Vf>(), x) - ldexp_int(fma(k, p, k), n);
  } else {
    return lanewise(x, [](double v) {
      if (std::isinf(v)) return v > 0 ? v : -0.0;
      long double lv = v;
      return static_cast<double>(0.5L * lv * std::erfc(-lv * 0.707106781186547524400844362104849039L));
    });
  }
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_GELU_H_

// native/math/softplus.h -- softplus_(x) = log1p(e^x) and mish_(x) = x*tanh(softplus(x)).
#ifndef AK_MATH_SOFTPLUS_H_
#define AK_MATH_SOFTPLUS_H_

#include "exp.h"
#include "log.h"

namespace ak {
namespace AK_ISA_NS {

namespace mathd {
// M(z) = log1p(e^{-z}) e^{z} on [0, 30) as 32 degree-5 polynomials in t = z - kZ0[slot],
// 8 intervals per octave of u = z/2 + 1, slot = the low 5 bits of bits(u) >> 20
// (gen/softplus_coeffs.py; coefficient i of every slot is row kC[i]).
struct SoftplusTable {
  // max relative error of the fits (float coefficients): 0.459 x 2^-24
  static constexpr float kZ0[32] = {
      0x1p+1f, 0x1.4p+1f, 0x1.8p+1f, 0x1.cp+1f, 0x1p+2f, 0x1.2p+2f,
      0x1.4p+2f, 0x1.6p+2f, 0x1.8p+2f, 0x1.cp+2f, 0x1p+3f, 0x1.2p+3f,
      0x1.4p+3f, 0x1.6p+3f, 0x1.8p+3f, 0x1.ap+3f, 0x1.cp+3f, 0x1p+4f,
      0x1.2p+4f, 0x1.4p+4f, 0x1.6p+4f, 0x1.8p+4f, 0x1.ap+4f, 0x1.cp+4f,
      0x0p+0f, 0x1p-2f, 0x1p-1f, 0x1.8p-1f, 0x1p+0f, 0x1.4p+0f,
      0x1.8p+0f, 0x1.cp+0f};
  static constexpr float kC[6][32] = {
      {
          0x1.e03192p-1f, 0x1.ec11dap-1f, 0x1.f3a99p-1f, 0x1.f86bf2p-1f, 0x1.fb5e2p-1f, 0x1.fd2d4ep-1f,
          0x1.fe4866p-1f, 0x1.fef4e6p-1f, 0x1.ff5dd2p-1f, 0x1.ffc446p-1f, 0x1.ffea06p-1f, 0x1.fff7eap-1f,
          0x1.fffd06p-1f, 0x1.fffee8p-1f, 0x1.ffff98p-1f, 0x1.ffffdap-1f, 0x1.fffff2p-1f, 0x1.fffffep-1f,
          0x1p+0f, 0x1p+0f, 0x1p+0f, 0x1p+0f, 0x1p+0f, 0x1p+0f,
          0x1.62e43p-1f, 0x1.7aa27ap-1f, 0x1.90309ap-1f, 0x1.a354bep-1f, 0x1.b3fc34p-1f, 0x1.c23616p-1f,
          0x1.ce2afcp-1f, 0x1.d813d6p-1f},
      {
          0x1.d39c5p-5f, 0x1.2e8e7p-5f, 0x1.7e3c04p-6f, 0x1.db7606p-7f, 0x1.24e446p-7f, 0x1.66d656p-8f,
          0x1.b5654cp-9f, 0x1.0a3e72p-9f, 0x1.43d43ap-10f, 0x1.de16d2p-12f, 0x1.5d55f2p-13f, 0x1.013114p-14f,
          0x1.83d80ap-16f, 0x1.0fb01cp-17f, 0x1.1a5f18p-18f, 0x1.494a3p-20f, 0x1.df01e6p-22f, 0x1.0d956ap-23f,
          -0x1.432f62p-23f, -0x1.5de822p-26f, -0x1.7ad67ep-29f, -0x1.9a293ap-32f, -0x1.bc12f6p-35f, -0x1.e0ca88p-38f,
          0x1.8b9094p-3f, 0x1.6b3406p-3f, 0x1.45f716p-3f, 0x1.1e5f78p-3f, 0x1.ed7ac6p-4f, 0x1.a1df0cp-4f,
          0x1.5c8d76p-4f, 0x1.1f037p-4f},
      {
          -0x1.8890bep-6f, -0x1.1005f8p-6f, -0x1.66504p-7f, -0x1.c81c5cp-8f, -0x1.1d8f12p-8f, -0x1.6539c2p-9f,
          -0x1.ab36fap-10f, -0x1.055e2ep-10f, -0x1.42ba92p-11f, -0x1.e4828cp-13f, -0x1.4143cep-14f, -0x1.db799ep-16f,
          -0x1.d9f7b4p-17f, -0x1.4e1e4p-19f, -0x1.3083dep-17f, -0x1.43b3aep-20f, -0x1.4aac86p-22f, -0x1.15049ep-22f,
          0x1.17c1ccp-21f, 0x1.2ee352p-24f, 0x1.47ee74p-27f, 0x1.630bacp-30f, 0x1.8066cap-33f, 0x1.a02f4cp-36f,
          -0x1.d1979ep-6f, -0x1.19f91cp-5f, -0x1.36e966p-5f, -0x1.407c2ep-5f, -0x1.389b9ap-5f, -0x1.233d02p-5f,
          -0x1.060c7p-5f, -0x1.ca632p-6f},
      {
          0x1.5fb4ap-8f, 0x1.249794p-8f, 0x1.a6ca16p-9f, 0x1.11964p-9f, 0x1.64efe2p-10f, 0x1.07c2f8p-10f,
          0x1.bec8ap-12f, 0x1.1b1a5ap-12f, 0x1.a9944cp-13f, 0x1.5f12b4p-14f, 0x1.74bd46p-17f, 0x1.299ab6p-18f,
          0x1.566e92p-17f, -0x1.52a154p-19f, 0x1.2dd672p-16f, 0x1.c1338cp-20f, 0x1.8a7a16p-23f, 0x1.27f7d8p-22f,
          -0x1.46099p-21f, -0x1.60febp-24f, -0x1.7e2e6ep-27f, -0x1.9dc7f2p-30f, -0x1.bffe46p-33f, -0x1.e508d4p-36f,
          -0x1.3951ecp-7f, -0x1.9196dp-8f, -0x1.68f8ep-9f, 0x1.ac11fap-11f, 0x1.b134dcp-9f, 0x1.158e26p-8f,
          0x1.391e5cp-8f, 0x1.47081cp-8f},
      {
          -0x1.788d16p-12f, -0x1.90aaa4p-11f, -0x1.642e8p-11f, -0x1.6c003ap-12f, -0x1.193ef2p-12f, -0x1.ddb6bap-12f,
          0x1.733ab2p-14f, 0x1.4341bp-15f, -0x1.8ebfc4p-15f, -0x1.af2402p-16f, 0x1.32b466p-17f, 0x1.98111cp-19f,
          -0x1.d3251ap-18f, 0x1.c25528p-19f, -0x1.166dbap-16f, -0x1.83d476p-20f, -0x1.28f0dp-24f, -0x1.11dde6p-23f,
          0x1.339c76p-22f, 0x1.4d0b9p-25f, 0x1.68951p-28f, 0x1.866568p-31f, 0x1.a6acb8p-34f, 0x1.c99f66p-37f,
          0x1.a29b2ep-9f, 0x1.3f227cp-9f, 0x1.1c9fcep-9f, -0x1.138a86p-12f, -0x1.27a83ap-10f, 0x1.056ffcp-10f,
          0x1.ed5494p-10f, 0x1.df7144p-10f},
      {
          -0x1.d29382p-14f, 0x1.ac1da8p-14f, 0x1.e3e5aap-14f, -0x1.4e126cp-17f, 0x1.182ca6p-16f, 0x1.9b69fcp-13f,
          -0x1.005d5cp-13f, -0x1.10ebdcp-14f, 0x1.b57cccp-18f, 0x1.535bd2p-18f, -0x1.1c41dap-18f, -0x1.8616eep-20f,
          0x1.1b81d2p-19f, -0x1.37b104p-20f, 0x1.6b57dep-18f, 0x1.f33e16p-22f, 0x1.688adap-27f, 0x1.64f58p-26f,
          -0x1.933edap-25f, -0x1.b49634p-28f, -0x1.d8af6ap-31f, -0x1.ffc4a2p-34f, -0x1.150a7p-36f, -0x1.2bf28ep-39f,
          -0x1.549a94p-16f, 0x1.32e314p-10f, 0x1.1d91dep-10f, 0x1.c435d2p-9f, 0x1.d7168ep-9f, -0x1.37763cp-13f,
          -0x1.13d9e2p-9f, -0x1.55c4b4p-9f},
  };
};
}  // namespace mathd

/// softplus_(x) = log(1 + e^x), overflow-free: max(x, 0) + log1p(e^-|x|), where
/// e^-|x| is in (0, 1] and log1p of it in (0, ln 2] (both relative-accurate, so the tail
/// x -> -Inf, where softplus ~ e^x, keeps relative accuracy down to the subnormals).
/// float: log1p(w) = w M(z) with w = e^{-z} = 2^n (1 + p), z = |x|, and M from the table
/// above (lookup32), so softplus = max(x, 0) + 2^n (M + M p): ~33 vector ops, no division
/// (log1p_core's form, ~45 with its division, is what double still runs).
/// softplus(-Inf) = +0, softplus(+Inf) = +Inf, NaN -> NaN, softplus(0) = ln 2 (within
/// the bound). Subnormal results (x < -87.3 / -708.4) rounded once, within the SPEC's rule.
/// (The op's beta/threshold parameters are the kernel's business: softplus_(beta*x)/beta.)
/// Max error (stated bound 2 ulp): see README.md.
template <class V>
AK_INLINE V softplus_(V x) {
  using namespace mathd;
  if constexpr (kIsF32<V>) {
    using Tb = SoftplusTable;
    V z = abs(x);
    V zk = minFast(K<V>(29.9f), z);  // NaN passes; M rounds to 1 from z ~ 17 on
    V slot = shr_bits<20>(fma(zk, K<V>(0.5f), K<V>(1.0f)));
    V t = zk - lookup32(slot, Tb::kZ0);  // exact (Sterbenz; t = z on the first interval)
    V m = lookup32(slot, Tb::kC[5]);
    for (int i = 4; i >= 0; --i) m = fma(m, t, lookup32(slot, Tb::kC[i]));
    // e^{-z} = 2^n (1 + p); e^{-104} already rounds to 0.
    V n;
    V r = reduce_ln2(maxFast(K<V>(-104.0f), -z), n);
    V p = expm1_reduced(r);
    return maxFast(zero<V>(), x) + ldexp_int(fma(m, p, m), n);  // maxFast: NaN passes
  } else {
    V e = exp_(-abs(x));
    return maxFast(zero<V>(), x) + log1p_core(e);
  }
}

/// mish_(x) = x * tanh(softplus(x)), computed directly from w = e^x:
/// tanh(log1p(w)) = ((1+w)^2 - 1) / ((1+w)^2 + 1) = n / (n + 2) with n = w(w + 2),
/// n = fma(w, w, 2w) (one rounding, no cancellation: all terms positive), w = e^x kept
/// as a two-term sum, x*n as an exact product, n + 2 as an exact two-term sum, and the
/// quotient x*n/(n+2) corrected by its residual: ~4 roundings' worth of error -> ~2.
/// x is clamped to 20 (float) / 40 (double) for w, where the ratio already rounds to 1,
/// so w never overflows; below -20 (-40) mish = x e^x to working precision, computed as
/// (x * p) * 2^k so that a subnormal e^x does not lose the accuracy of a normal result.
/// mish(+Inf) = +Inf, mish(-Inf) = -0, mish(±0) = ±0, NaN -> NaN.
/// Max error (stated bound 2.5 ulp float, 3 ulp double; the rounding of n = w(w+2) in
/// the numerator is the one left): see README.md.
template <class V>
AK_INLINE V mish_(V x) {
  using namespace mathd;
  // w = e^xe = 2^k * (ph + pl), xe = x clamped to [-110, 20] (float) / [-760, 40] (double);
  // p = 1 + expm1(r) kept as an exact two-term sum (Fast2Sum, |expm1(r)| < 1).
  V xe = minFast(C<V>(20.0f, 40.0), maxFast(C<V>(-110.0f, -760.0), x));  // NaN passes
  V k;
  V r = reduce_ln2(xe, k);
  V q = expm1_reduced(r);
  V ph = q + K<V>(1);
  V pl = q - (ph - K<V>(1));
  V wh = ldexp_int(ph, k), wl = ldexp_int(pl, k);
  V two = K<V>(2);
  // n = w (w + 2) with one rounding (+ the tiny wl term)
  V n = fma(wl, wh + wh + two, fma(wh, wh, wh + wh));
  V dh = n + two;
  V dl = minFast(n, two) - (dh - maxFast(n, two));  // Fast2Sum error of n + 2
  // y = x*n / (n + 2): numerator as an exact product ah + al, divisor dh + dl, one
  // residual correction (as div_dd, with the numerator's low part added).
  V ah = xe * n;
  V y = div_dd2(ah, two_prod_err(xe, n, ah), dh, dl);
  // x >= 20 (40): tanh(softplus(x)) rounds to 1, mish(x) = x (also for +Inf).
  y = select(gt(x, C<V>(20.0f, 40.0)), x, y);
  // Tail x < -20 (-40): tanh(softplus(x)) = w to working precision, and w itself may be
  // subnormal while x*w is not (x ~ -90): scale x*p instead, 2^k applied last.
  V tail = ldexp_int(fma(xe, ph, xe * pl), k);
  y = select(lt(x, C<V>(-20.0f, -40.0)), tail, y);
  return bitor_(y, bitand_(x, splat_bits<V>(FP<V>::kSignMask)));  // mish has x's sign (-0)
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_SOFTPLUS_H_

// native/math/erf.h -- erf_(x) and erfc_(x).
//
// float: branch-free, three regions on a = |x| (coefficients: gen/erf_coeffs.py):
//   R0 a < 0.75:            erf(a)  = a + a*E1(a^2)          (E1 abs. error 2^-30)
//                           erfc(a) = (1 - a) - a*E1(a^2)    (1 - a as an exact sum)
//   R1 0.75 <= a < 2.25:    erfc(a) = e^{-a^2} * H(a) / a,   H polynomial in a - 1.5
//   R2 2.25 <= a <= 10.06:  same, H polynomial in 1/a^2      (both degree 9, one Horner
//                                                             chain, coefficients selected)
//   with a^2 = hi + lo exactly (two_prod_err), e^{-a^2} = 2^k (ph + pl) from the exp
//   kernel on r = -hi - k ln2 - lo, the product (ph + pl) * H kept as an exact sum and
//   the division by a corrected by its residual; 2^k applied last (subnormal results
//   rounded once). erf(a) = 1 - erfc(a) outside R0 (erfc(0.75) < 0.29: no cancellation);
//   erfc(-a) = 2 - erfc(a).
// double: lane-wise long double std::erf / std::erfc (x87 80-bit on x86 gcc/clang: ~0.5 ulp;
// glibc's double erfc alone is 2.8 ulp off), not vectorized yet: slow (~100 ns/element).
// Where long double == double (MSVC, arm64 Linux has 128-bit) accuracy is the libm's.
#ifndef AK_MATH_ERF_H_
#define AK_MATH_ERF_H_

#include "exp.h"
#include <cmath>

namespace ak {
namespace AK_ISA_NS {
namespace mathd {

template <class V, class F>
AK_INLINE V lanewise(V x, F f) {
  typename V::T buf[V::N];
  store(buf, x);
  for (size_t i = 0; i < V::N; ++i) buf[i] = f(buf[i]);
  return load(buf);
}

// Pieces of erf/erfc of a = |x| (a >= 0 or NaN):
//   r0:  a < 0.75;   ae1 = a * E1(a^2)  so erf(a) = a + ae1      (R0 lanes)
//   outside R0:      tail = erfc(a)                              (R1/R2 lanes)
struct ErfPartsF {
  Mf r0;
  Vf ae1, tail;
};
AK_INLINE ErfPartsF erf_parts_f(Vf a) {
  static constexpr float e1c[] = {0x1.06eba8p-3f, -0x1.81274p-2f, 0x1.ce2d2ap-4f, -0x1.b7f032p-6f,
                                  0x1.52e6bcp-8f, -0x1.8f930cp-11f, 0x1.a596e6p-15f};
  static constexpr float h1[] = {0x1.edf488p-2f, 0x1.37ea2ep-4f, -0x1.94a6bap-5f, 0x1.b6563ep-6f,
                                 -0x1.a5c348p-7f, 0x1.7333cep-8f, -0x1.2ba75cp-9f, 0x1.caa026p-11f,
                                 -0x1.958df2p-12f, 0x1.2657p-13f};
  static constexpr float h2[] = {0x1.20dd74p-1f, -0x1.20dbcap-2f, 0x1.b0c8cap-2f, -0x1.09abd8p+0f,
                                 0x1.9dba8ap+1f, -0x1.33941ep+3f, 0x1.212104p+4f, 0x1.60794p+2f,
                                 -0x1.c8383ep+6f, 0x1.647938p+7f};
  ErfPartsF o;
  a = minFast(set1f(10.5f), a);  // a e^{-a^2} < denorm_min/2 beyond (R2 fit to 10.06: tiny extrapolation); NaN passes
  Vf a2 = a * a;
  o.r0 = lt(a, set1f(0.75f));
  o.ae1 = a * horner(a2, e1c);
  // e^{-a^2} = 2^k (ph + pl): a^2 = a2 + a2l exactly
  Vf a2l = two_prod_err(a, a, a2);
  Vf k = round_nearest(a2 * -log2e<Vf>());
  Vf r = fnma(k, ln2_hi<Vf>(), -a2);
  r = fnma(k, ln2_lo<Vf>(), r) - a2l;
  Vf q = expm1_reduced(r);
  Vf ph = q + set1f(1.0f);
  Vf pl = q - (ph - set1f(1.0f));
  // H(v): R1 v = a - 1.5, R2 v = 1/a^2
  Mf m1 = lt(a, set1f(2.25f));
  Vf v = select(m1, a - set1f(1.5f), div_fast(set1f(1.0f), a2));
  Vf h = splat<Vf>(0.0f);
  for (size_t i = sizeof(h1) / sizeof(h1[0]); i-- > 1;)
    h = fma(h, v, select(m1, set1f(h1[i]), set1f(h2[i])));
  // last Horner step error-free: H = th + tl (c0 - th is exact: |v h| <= 0.15 c0)
  Vf c0 = select(m1, set1f(h1[0]), set1f(h2[0]));
  Vf th = fma(h, v, c0);
  Vf tl = fma(h, v, c0 - th);
  Vf nh = ph * th;
  Vf nl = fma(pl, th, fma(ph, tl, two_prod_err(ph, th, nh)));
  // erfc(a) = 2^k (nh + nl) / a, the quotient corrected by its residual, 2^k last
  o.tail = ldexp_int(div_dd2(nh, nl, a, zero<Vf>()), k);
  return o;
}

}  // namespace mathd

/// erf_(x). float: branch-free polynomial/exp evaluation (see top of file); double:
/// lane-wise libm. erf(±0) = ±0, erf(±Inf) = ±1, NaN -> NaN, subnormal x -> ~1.128x
/// (relative accuracy kept), |x| > 3.92 -> ±1.
/// Max error (bound: bounds.inc): see README.md.
template <class V>
AK_INLINE V erf_(V x) {
  using namespace mathd;
  if constexpr (kIsF32<V>) {
    Vf a = abs(x);
    ErfPartsF p = erf_parts_f(a);
    Vf y = select(p.r0, a + p.ae1, set1f(1.0f) - p.tail);
    return copysign(y, x);
  } else {
    return lanewise(x, [](double v) { return static_cast<double>(std::erf(static_cast<long double>(v))); });
  }
}

/// erfc_(x) = 1 - erf(x), accurate in RELATIVE terms in the tail (x up to 10.06 for
/// float, where it underflows; subnormal results rounded once, within the SPEC's rule).
/// erfc(-Inf) = 2, erfc(+Inf) = +0, erfc(0) = 1, NaN -> NaN.
/// Max error (bound: bounds.inc): see README.md.
template <class V>
AK_INLINE V erfc_(V x) {
  using namespace mathd;
  if constexpr (kIsF32<V>) {
    Vf a = abs(x);
    ErfPartsF p = erf_parts_f(a);
    // R0: 1 - a rounds for a < 1/2; Fast2Sum keeps its error (1 >= a).
    Vf s = set1f(1.0f) - a;
    Vf err = (set1f(1.0f) - s) - a;
    Vf e = select(p.r0, s - (p.ae1 - err), p.tail);
    return select(lt(x, zero<Vf>()), set1f(2.0f) - e, e);
  } else {
    return lanewise(x, [](double v) { return static_cast<double>(std::erfc(static_cast<long double>(v))); });
  }
}

}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_ERF_H_

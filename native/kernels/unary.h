// native/kernels/unary.h -- every unary op, written once as a functor template over
// the vector type V (Vf or Vd of the translation unit's ISA). The semantic reference
// is the pure-JS twin lib/fallback/unary.ts: same NaN/±Inf/±0 results.
//
// Shape of an op:  struct name : OpBase<unroll> { template <class V> struct K {
//   explicit K(const Params&);      // splat parameters once per call
//   V operator()(V x) const; }; };  // one vector of results, lanes independent
// Lanes a kernel computes past the end of the array (the zero-filled tail of a
// partial load) are never stored, so an op may compute anything there.
#ifndef AK_KERNELS_UNARY_H_
#define AK_KERNELS_UNARY_H_

#include <type_traits>

#include "../params.h"
#include "driver.h"
#include "widen.h"

namespace ak {
namespace AK_ISA_NS {
namespace kern {

template <class V> using T_ = typename V::T;
template <class V> constexpr bool kIsF32 = std::is_same<V, Vf>::value;

template <class V>
AK_INLINE V two_sum_err(V a, V b, V s) {  // a + b == s + err exactly (Knuth)
  const V bb = s - a;
  return (a - (s - bb)) + (b - bb);
}

// ---------------------------------------------------------------------------------
// Exact ops: the correctly rounded value of the formula.

// max(x, 0) with NaN kept: vec max() returns its first operand when that is NaN, and
// maxps returns the second (+0) for x = -0, as the twin does.
struct relu : OpBase<4> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const { return max(x, zero<V>()); }
  };
};

// x >= 0 ? x : αx. One product, one rounding. NaN fails the compare and NaN·α = NaN.
struct leakyRelu : OpBase<4> {
  template <class V> struct K {
    V alpha;
    explicit K(const Params& p) : alpha(splat<V>(T_<V>(p.a))) {}
    AK_INLINE V operator()(V x) const { return select(ge(x, zero<V>()), x, x * alpha); }
  };
};

struct relu6 : OpBase<4> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const { return min(max(x, zero<V>()), splat<V>(T_<V>(6))); }
  };
};

// x < lo ? lo : x > hi ? hi : x (NaN falls through both compares).
struct hardTanh : OpBase<4> {
  template <class V> struct K {
    V lo, hi;
    explicit K(const Params& p) : lo(splat<V>(T_<V>(p.a))), hi(splat<V>(T_<V>(p.b))) {}
    AK_INLINE V operator()(V x) const { return select(lt(x, lo), lo, select(gt(x, hi), hi, x)); }
  };
};

// Clamp of t to [0, 1]: NaN stays NaN, -0 becomes +0.
template <class V>
AK_INLINE V clamp01(V t, V interior) {
  const V one = splat<V>(T_<V>(1));
  return select(gt(t, zero<V>()), select(lt(t, one), interior, one), select(isnan(t), t, zero<V>()));
}

// max(0, min(1, αx + β)) rounded once. float64: a correctly rounded fma. float32: in
// float64, αx is exact (24 x 24 bits) and αx + β is carried as s + e, rounded to
// float32 through round-to-odd (kx::round_to_odd), so no double rounding.
struct hardSigmoid : OpBase<2> {
  template <class V> struct K {
    T_<V> alpha, beta;
    explicit K(const Params& p) : alpha(T_<V>(p.a)), beta(T_<V>(p.b)) {}
    AK_INLINE V operator()(V x) const {
      if constexpr (kIsF32<V>) {
        const Vd a = splat<Vd>(alpha), b = splat<Vd>(beta);
        return kx::via_f64(x, [&](Vd xd) {
          const Vd prod = a * xd;
          const Vd s = prod + b;
          return clamp01(s, kx::round_to_odd(s, two_sum_err(prod, b, s)));
        });
      } else {
        const V t = kx::fma_exact(splat<V>(alpha), x, splat<V>(beta));
        return clamp01(t, t);
      }
    }
  };
};

// x·min(max(x + 3, 0), 6)/6. Inside (-3, 3) the value x(x + 3)/6 is carried as
// q + lo with ~2^-100 relative error: x + 3 = s + sl (two-sum), x·s = p + pl
// (two-product; x·sl is exact since sl holds only low bits of x), q = p/6 and the
// remainder p - 6q is exact (Sterbenz). float64 returns q + lo; float32 gets the
// float64 image rounded once through round-to-odd. Outside: x for x >= 3, -0 for
// x <= -3 (also at -Inf: the limit, where x·0 would give NaN), NaN for NaN, and
// x = ±0 gives x itself.
template <class D>  // D = Vd (float64 lanes)
AK_INLINE void hard_swish_dd(D x, D* hi, D* lo) {
  const D three = splat<D>(3.0), six = splat<D>(6.0);
  const D s = x + three;
  const D sl = two_sum_err(x, three, s);
  const D p = x * s;
  const D pl = two_prod_err(x, s, p) + x * sl;
  const D q = p / six;
  const D q6 = six * q;
  const D rem = ((p - q6) - two_prod_err(six, q, q6)) + pl;
  *hi = q;
  *lo = rem / six;
}

struct hardSwish : OpBase<2> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const {
      V r;
      if constexpr (kIsF32<V>) {
        r = kx::via_f64(x, [](Vd xd) {
          Vd q, lo;
          hard_swish_dd(xd, &q, &lo);
          const Vd h = q + lo;
          return kx::round_to_odd(h, two_sum_err(q, lo, h));
        });
      } else {
        V q, lo;
        hard_swish_dd(x, &q, &lo);
        r = q + lo;
      }
      const V three = splat<V>(T_<V>(3));
      r = select(ge(x, three), x, r);
      r = select(le(x, -three), splat<V>(T_<V>(-0.0)), r);
      // NaN (unordered: eq is false) and ±0 give x.
      return select(mor(isnan(x), eq(x, zero<V>())), x, r);
    }
  };
};

// ---------------------------------------------------------------------------------
// Ops within a few ULP.

// x / (1 + |x|): two roundings, the sum's relative error is at most 2^-p, so < 1.5 ULP.
// ±Inf would give Inf/Inf = NaN; the limit is ±1.
struct softsign : OpBase<2> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const {
      const V one = splat<V>(T_<V>(1));
      const V r = x / (one + abs(x));
      return select(isinf(x), copysign(one, x), r);
    }
  };
};

// Ops whose vector math (native/math/) has not landed in this build yet.
struct elu : Missing {};
struct selu : Missing {};
struct celu : Missing {};
struct sigmoid : Missing {};
struct tanh : Missing {};
struct softplus : Missing {};
struct swish : Missing {};
struct silu : Missing {};
struct gelu : Missing {};
struct mish : Missing {};
struct rbf : Missing {};

}  // namespace kern
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_KERNELS_UNARY_H_

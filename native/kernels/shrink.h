// native/kernels/shrink.h -- issue 17's element-wise ops, forward (kern::) and backward
// (bwd::): logSigmoid, hardShrink, softShrink, tanhShrink, threshold, thresholdedRelu.
// Functors of the shapes of unary.h and backward.h; the semantic reference is the JS
// twin, lib/fallback/shrink.ts and shrink-backward.ts. Included by isa/table.inc after
// backward.h.
#ifndef AK_KERNELS_SHRINK_H_
#define AK_KERNELS_SHRINK_H_

#include "../math/tanhshrink.h"
#include "backward.h"
#include "unary.h"

namespace ak {
namespace AK_ISA_NS {
namespace kern {

// log σ(x) = −softplus(−x): softplus_ is relative-accurate in its tail, so is this where
// logSigmoid ~ −e^−x (x → +Inf gives −0: the value is negative for every finite x).
// NaN gives x itself: which NaN softplus_ returns depends on how the compiler ordered the
// operands of its fma and sum in each instantiation (main loop, partial vectors).
struct logSigmoid : OpBase<2> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const { return select(isnan(x), x, -softplus_(-x)); }
  };
};

// |x| > λ ? x : 0. The band test |x| <= λ is false for NaN, which passes.
struct hardShrink : OpBase<4> {
  template <class V> struct K {
    V lambda;
    explicit K(const Params& p) : lambda(splat<V>(T_<V>(p.a))) {}
    AK_INLINE V operator()(V x) const { return select(le(abs(x), lambda), zero<V>(), x); }
  };
};

// x > λ ? x − λ : x < −λ ? x + λ : 0, each difference rounded once (exact).
struct softShrink : OpBase<4> {
  template <class V> struct K {
    V lambda;
    explicit K(const Params& p) : lambda(splat<V>(T_<V>(p.a))) {}
    AK_INLINE V operator()(V x) const {
      const V band = select(isnan(x), x, zero<V>());
      return select(gt(x, lambda), x - lambda, select(lt(x, -lambda), x + lambda, band));
    }
  };
};

// x − tanh(x) by tanhshrink_ (float64 lanes; float32 data rounded once from them).
struct tanhShrink : OpBase<2> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE V operator()(V x) const {
      if constexpr (kIsF32<V>) {
        return kx::via_f64(x, [](Vd xd) { return tanhshrink_(xd); });
      } else {
        return tanhshrink_(x);
      }
    }
  };
};

// x > t ? x : value (PyTorch's x <= t ? value : x: NaN passes).
struct threshold : OpBase<4> {
  template <class V> struct K {
    V t, value;
    explicit K(const Params& p) : t(splat<V>(T_<V>(p.a))), value(splat<V>(T_<V>(p.b))) {}
    AK_INLINE V operator()(V x) const { return select(le(x, t), value, x); }
  };
};

// x > α ? x : 0: threshold with value 0 (its absent second parameter is 0).
struct thresholdedRelu : threshold {};

}  // namespace kern

namespace bwd {

// σ(−x) = u/(1 + u) (x > 0) or 1/(1 + u) (x <= 0), u = e^−|x|: no overflow, both tails
// relative-accurate.
struct logSigmoid : BwdBase<2, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd x) const {
      const Vd one = dconst(1);
      const Vd u = exp_(-abs(x));
      return dy * (select(gt(x, zero<Vd>()), u, one) / (one + u));
    }
  };
  // The same in float lanes; past x = 80, u = e^−x nears the subnormals while dy·σ(−x)
  // need not: those lanes take K.
  struct F {
    static constexpr bool kSlow = true;
    explicit F(const Params&) {}
    AK_INLINE Mf slow(Vf x) const { return gt(x, fconst(80)); }
    AK_INLINE Vf operator()(Vf dy, Vf x) const {
      const Vf one = fconst(1);
      const Vf u = exp_(-abs(x));
      return dy * (select(gt(x, zero<Vf>()), u, one) / (one + u));
    }
  };
};

// |x| > λ ? 1 : 0 (hardShrink and softShrink; 0 at ±λ, NaN for NaN).
struct hardShrink : BwdBase<4, false> {
  template <class V> struct K {
    V lambda;
    explicit K(const Params& p) : lambda(splat<V>(T_<V>(p.a))) {}
    AK_INLINE V operator()(V dy, V x) const {
      return dy * select(gt(abs(x), lambda), splat<V>(T_<V>(1)), select(isnan(x), x, zero<V>()));
    }
  };
};
struct softShrink : hardShrink {};

// x > t ? 1 : 0 (threshold and thresholdedRelu; 0 at t, NaN for NaN).
struct threshold : BwdBase<4, false> {
  template <class V> struct K {
    V t;
    explicit K(const Params& p) : t(splat<V>(T_<V>(p.a))) {}
    AK_INLINE V operator()(V dy, V x) const {
      return dy * select(gt(x, t), splat<V>(T_<V>(1)), select(isnan(x), x, zero<V>()));
    }
  };
};
struct thresholdedRelu : threshold {};

// tanh²(x): below |x| = 1 as (x − tanhshrink(x))², whose tanh is accurate there; above
// as 1 − sech²(x) (tanh_grad_), which cancels less than a factor 1.4 from |x| = 1 on.
struct tanhShrink : BwdBase<2, true> {
  template <class V> struct K {
    explicit K(const Params&) {}
    AK_INLINE Vd operator()(Vd dy, Vd x) const {
      const Vd t = x - tanhshrink_(x);
      const Vd d = select(lt(abs(x), dconst(1)), t * t, dconst(1) - tanh_grad_(x));
      return dy * select(isnan(x), x, d);
    }
  };
  using F = ViaF64;  // tanhshrink_ has float64 lanes only
};

}  // namespace bwd
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_KERNELS_SHRINK_H_

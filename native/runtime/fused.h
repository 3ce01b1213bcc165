// native/runtime/fused.h -- the fused element-wise pass: a unary op with its bias added
// first and/or a gate multiplied after (every unary op's `bias`, the gated ops), and
// its backward with dbias. Semantics, layout and rounding: lib/types.ts FusedCall and
// FusedBackwardCall; the JS twin is lib/fallback/fused.ts.
//
// No kernel of its own: each tile runs the level's unary kernels (forward, backward and
// the product) on chunks of kChunk elements held in stack scratch (L1), so x + b is
// rounded to the array's type before f sees it and every op gets a bias from its one
// kernel. The split is the element-wise one over the output; dbias is summed after
// every tile has written the gradient, by the thread finishing the last tile, in memory
// order: bit-identical whatever the pool size.
#ifndef AK_RUNTIME_FUSED_H_
#define AK_RUNTIME_FUSED_H_

#include <atomic>
#include <cmath>
#include <cstddef>
#include <vector>

#include "../kernels/signatures.h"
#include "fpenv.h"
#include "tiled.h"

namespace ak {

// Where a fused call's elements are: block o of the output is [o·m, (o + 1)·m); its
// gate inputs start at o·stride + g_off, its up inputs at o·stride + u_off; element j
// has the bias of channel c0 + j / inner. dbias sums the gradient array as
// s_outer × s_c × s_inner.
struct FusedGeom {
  size_t outer, m, stride, g_off, u_off, inner, g_c0, u_c0, s_outer, s_c, s_inner;
};

// The bias of a call and the level's kernels that add it (SIMD, in the array's type).
template <class T>
struct FusedBias {
  bool on = false;
  const T* values = nullptr;  // null: `scalar` for every channel
  T scalar = 0;
  BwdKernel<T> sum = nullptr;          // per-element values (inner == 1)
  UnaryKernel<T> add_scalar = nullptr;  // one value for a run
};

// Elements per chunk: 8 KiB of each scratch row (the backward's four stay in L1), long
// enough that a kernel's per-call setup and tail vanish against its loop.
template <class T>
constexpr size_t fused_chunk() { return 8192 / sizeof(T); }

// t[k] = src[k] + bias(c0 + (j0 + k) / inner), k < n, each sum rounded to T.
template <class T>
inline void add_bias(const T* src, T* t, size_t n, const FusedBias<T>& b, size_t c0, size_t j0, size_t inner) {
  Params p;
  if (b.values == nullptr) {
    p.a = b.scalar;
    b.add_scalar(src, t, n, p);
    return;
  }
  if (inner == 1) {
    b.sum(src, b.values + c0 + j0, t, n, p);
    return;
  }
  for (size_t k = 0; k < n;) {
    const size_t ch = (j0 + k) / inner;
    const size_t end = (ch + 1) * inner - j0 < n ? (ch + 1) * inner - j0 : n;
    p.a = b.values[c0 + ch];
    b.add_scalar(src + k, t + k, end - k, p);
    k = end;
  }
}

// dst[k] = f(src[k] + bias(c0 + (j0 + k) / inner)), k < n: the op's biased kernel, which
// adds in the lane as it loads (no pass of its own over a scratch row).
template <class T>
inline void act_biased(UnaryBiasKernel<T> f, Params p, const T* src, T* dst, size_t n, const FusedBias<T>& b,
                       size_t c0, size_t j0, size_t inner) {
  if (b.values == nullptr || inner == 1) {
    p.bias = b.scalar;
    f(src, b.values ? b.values + c0 + j0 : nullptr, dst, n, p);
    return;
  }
  for (size_t k = 0; k < n;) {
    const size_t ch = (j0 + k) / inner;
    const size_t end = (ch + 1) * inner - j0 < n ? (ch + 1) * inner - j0 : n;
    p.bias = b.values[c0 + ch];
    f(src + k, nullptr, dst + k, end - k, p);
    k = end;
  }
}

// Calls chunk(o, j, n) for the pieces of output range [b, e): within one block each,
// at most fused_chunk<T>() long.
template <class T, class F>
inline void for_chunks(const FusedGeom& G, size_t b, size_t e, F&& chunk) {
  while (b < e) {
    const size_t o = b / G.m, j = b % G.m;
    size_t n = G.m - j < e - b ? G.m - j : e - b;
    if (n > fused_chunk<T>()) n = fused_chunk<T>();
    chunk(o, j, n);
    b += n;
  }
}

template <class T>
class FusedCall final : public TiledCall {
 public:
  FusedCall(UnaryKernel<T> act, UnaryBiasKernel<T> act_bias, BwdKernel<T> product, const Params& p, const FusedGeom& G,
            const T* g, const T* u, T* y, const FusedBias<T>& bias)
      : act_(act), act_bias_(act_bias), product_(product), p_(p), G_(G), g_(g), u_(u), y_(y), bias_(bias),
        split_(G.outer * G.m) {
    p_.stream = false;
  }
  size_t tiles() const override { return split_.tiles(); }
  void run(size_t t) const override {
    FpEnvGuard fp;
    alignas(64) T tmp[fused_chunk<T>()], s[fused_chunk<T>()];
    const size_t b = split_.begin(t);
    for_chunks<T>(G_, b, b + split_.len(t), [&](size_t o, size_t j, size_t n) {
      const T* g = g_ + o * G_.stride + G_.g_off + j;
      T* y = y_ + o * G_.m + j;
      T* const to = u_ == nullptr ? y : s;
      if (bias_.on) {
        act_biased(act_bias_, p_, g, to, n, bias_, G_.g_c0, j, G_.inner);
      } else {
        act_(g, to, n, p_);
      }
      if (u_ == nullptr) return;
      const T* u = u_ + o * G_.stride + G_.u_off + j;
      if (bias_.on) {
        add_bias(u, tmp, n, bias_, G_.u_c0, j, G_.inner);
        u = tmp;
      }
      product_(s, u, y, n, p_);
    });
  }

 private:
  UnaryKernel<T> act_;
  UnaryBiasKernel<T> act_bias_;
  BwdKernel<T> product_;
  Params p_;
  FusedGeom G_;
  const T* g_;
  const T* u_;
  T* y_;
  FusedBias<T> bias_;
  ElementwiseSplit<T> split_;
};

// out[c] += Σ over channel c of a (outer × C × inner), float64, compensated (Neumaier),
// in memory order as the twin's channelSums.
template <class T>
inline void channel_sums(const T* a, size_t outer, size_t C, size_t inner, double* out) {
  std::vector<double> comp(C, 0.0);
  size_t j = 0;
  for (size_t o = 0; o < outer; ++o) {
    for (size_t c = 0; c < C; ++c) {
      double s = out[c], e = comp[c];
      for (const size_t end = j + inner; j < end; ++j) {
        const double v = static_cast<double>(a[j]);
        const double u = s + v;
        e += std::fabs(s) >= std::fabs(v) ? (s - u) + v : (v - u) + s;
        s = u;
      }
      out[c] = s;
      comp[c] = e;
    }
  }
  // An infinite or NaN sum has a NaN compensation: the sum is the answer then.
  for (size_t c = 0; c < C; ++c) {
    if (std::isfinite(out[c])) out[c] += comp[c];
  }
}

// dg = w·act′(t) (w = dy·(u + b), or dy without a gate; from y: the from-y kernel on g,
// no bias), du = dy·act(t); then dbias. Per chunk, everything is read from g and u
// before dg and du (which may be g and u) are written.
template <class T>
class FusedBwdCall final : public TiledCall {
 public:
  FusedBwdCall(UnaryKernel<T> act, BwdKernel<T> bwd, BwdKernel<T> product, const Params& p, const FusedGeom& G,
               bool from_y, const T* dy, const T* g, const T* u, T* dg, T* du, const FusedBias<T>& bias,
               double* dbias)
      : act_(act), bwd_(bwd), product_(product), p_(p), G_(G), from_y_(from_y), dy_(dy), g_(g), u_(u), dg_(dg),
        du_(du), bias_(bias), dbias_(dbias), split_(G.outer * G.m) {
    p_.stream = false;
  }
  size_t tiles() const override { return split_.tiles(); }
  void run(size_t t) const override {
    {
      FpEnvGuard fp;
      alignas(64) T tg[fused_chunk<T>()], tu[fused_chunk<T>()], w[fused_chunk<T>()], s[fused_chunk<T>()];
      const size_t b = split_.begin(t);
      for_chunks<T>(G_, b, b + split_.len(t), [&](size_t o, size_t j, size_t n) {
        const T* dy = dy_ + o * G_.m + j;
        const size_t gi = o * G_.stride + G_.g_off + j;
        const T* g = g_ + gi;
        if (bias_.on && !from_y_) {
          add_bias(g, tg, n, bias_, G_.g_c0, j, G_.inner);
          g = tg;
        }
        if (u_ == nullptr) {
          bwd_(dy, g, dg_ + gi, n, p_);
          return;
        }
        const size_t ui = o * G_.stride + G_.u_off + j;
        const T* u = u_ + ui;
        if (bias_.on) {
          add_bias(u, tu, n, bias_, G_.u_c0, j, G_.inner);
          u = tu;
        }
        product_(dy, u, w, n, p_);
        act_(g, s, n, p_);
        bwd_(w, g, dg_ + gi, n, p_);
        product_(dy, s, du_ + ui, n, p_);
      });
    }
    // The thread that completes the last tile sees every other tile's writes (the
    // acq_rel count orders them) and sums the gradient.
    if (dbias_ != nullptr && done_.fetch_add(1, std::memory_order_acq_rel) + 1 == tiles()) {
      channel_sums(dg_, G_.s_outer, G_.s_c, G_.s_inner, dbias_);
    }
  }

 private:
  UnaryKernel<T> act_;
  BwdKernel<T> bwd_;
  BwdKernel<T> product_;
  Params p_;
  FusedGeom G_;
  bool from_y_;
  const T* dy_;
  const T* g_;
  const T* u_;
  T* dg_;
  T* du_;
  FusedBias<T> bias_;
  double* dbias_;
  ElementwiseSplit<T> split_;
  mutable std::atomic<size_t> done_{0};
};

}  // namespace ak

#endif  // AK_RUNTIME_FUSED_H_

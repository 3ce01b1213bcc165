// native/runtime/shaped_calls.h -- the tiled calls of the shaped ops (softmax and
// logSoftmax, prelu, maxout, forward and backward) and their tilings.
//
// Every call is cut into tiles whose layout depends only on the shape, never on the
// number of threads, and reductions across tiles (prelu's dalpha) are merged in tile
// order, so results are bit-identical whatever the pool size.
#ifndef AK_RUNTIME_SHAPED_CALLS_H_
#define AK_RUNTIME_SHAPED_CALLS_H_

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstddef>
#include <vector>

#include "../kernels/signatures.h"
#include "fpenv.h"
#include "tiled.h"

namespace ak {

// Tiles of softmax: whole rows (a row is never split: its max and sums are one
// sequence). Contiguous rows: R rows per tile; strided: per outer block, column chunks
// of `kCols` (a multiple of every vector width, so each chunk runs full vectors).
constexpr size_t kTileElems = 16 * 1024;
constexpr size_t kCols = 256;

struct RowTiling {
  size_t outer, len, inner;
  size_t rows_per_tile = 1, col_chunks = 1;
  RowTiling(size_t o, size_t l, size_t i) : outer(o), len(l), inner(i) {
    if (inner == 1) {
      // Calls of 2M elements and more: 16 times larger tiles (as element-wise calls of
      // 8 MiB: the per-tile hand-out and the fence after streamed stores stop showing).
      const size_t want = o * l >= (size_t{2} << 20) ? 16 * kTileElems : kTileElems;
      rows_per_tile = len >= want ? 1 : want / (len ? len : 1);
    } else {
      col_chunks = (inner + kCols - 1) / kCols;
    }
  }
  size_t tiles() const {
    if (outer == 0 || len == 0 || inner == 0) return 0;
    return inner == 1 ? (outer + rows_per_tile - 1) / rows_per_tile : outer * col_chunks;
  }
  // Tile t: first outer block, number of blocks, first column, number of columns.
  void tile(size_t t, size_t* o, size_t* rows, size_t* c, size_t* cols) const {
    if (inner == 1) {
      *o = t * rows_per_tile;
      *rows = outer - *o < rows_per_tile ? outer - *o : rows_per_tile;
      *c = 0;
      *cols = 1;
    } else {
      *o = t / col_chunks;
      *rows = 1;
      *c = (t % col_chunks) * kCols;
      *cols = inner - *c < kCols ? inner - *c : kCols;
    }
  }
  size_t offset(size_t o, size_t c) const { return o * len * inner + c; }
};

template <class T>
class SoftmaxCall final : public TiledCall {
 public:
  // op: kSoftmaxLog, kSoftmaxNeg or 0.
  SoftmaxCall(SoftmaxKernel<T> k, const T* x, T* y, size_t outer, size_t len, size_t inner, unsigned op)
      : k_(k), x_(x), y_(y), tl_(outer, len, inner),
        flags_(op | (outer * len * inner * sizeof(T) >= kStreamBytes ? kSoftmaxStream : 0u)) {}
  size_t tiles() const override { return tl_.tiles(); }
  void run(size_t t) const override {
    size_t o, rows, c, cols;
    tl_.tile(t, &o, &rows, &c, &cols);
    const size_t off = tl_.offset(o, c);
    FpEnvGuard fp;
    k_(x_ + off, y_ + off, rows, tl_.len, tl_.inner, cols, flags_);
  }

 private:
  SoftmaxKernel<T> k_;
  const T* x_;
  T* y_;
  RowTiling tl_;
  unsigned flags_;
};

template <class T>
class SoftmaxBwdCall final : public TiledCall {
 public:
  SoftmaxBwdCall(SoftmaxBwdKernel<T> k, const T* dy, const T* y, const T* x, T* dx, size_t outer, size_t len,
                 size_t inner, unsigned op)
      : k_(k), dy_(dy), y_(y), x_(x), dx_(dx), tl_(outer, len, inner), op_(op) {}
  size_t tiles() const override { return tl_.tiles(); }
  void run(size_t t) const override {
    size_t o, rows, c, cols;
    tl_.tile(t, &o, &rows, &c, &cols);
    const size_t off = tl_.offset(o, c);
    FpEnvGuard fp;
    k_(dy_ + off, y_ ? y_ + off : nullptr, x_ ? x_ + off : nullptr, dx_ + off, rows, tl_.len, tl_.inner, cols, op_);
  }

 private:
  SoftmaxBwdKernel<T> k_;
  const T* dy_;
  const T* y_;
  const T* x_;
  T* dx_;
  RowTiling tl_;
  unsigned op_;
};


// prelu tiles: boxes of channels × outer blocks × inner positions whose layout depends
// only on the shape. Channel-major when channels are strided (inner > 1: whole
// channels per tile while there are enough of them), all channels of a run of outer
// blocks when they are contiguous (inner == 1). dα partial sums per (tile, channel) are
// merged in tile order by whichever thread finishes the last tile.
struct PreluTiling {
  size_t outer, len, inner;
  size_t cc = 1, ctiles = 0, otiles = 1, itiles = 1;
  static constexpr size_t kTarget = 32 * 1024;
  PreluTiling(size_t o, size_t l, size_t i) : outer(o), len(l), inner(i) {
    const size_t n = outer * len * inner;
    if (n == 0) return;
    const size_t want = (n + kTarget - 1) / kTarget;
    if (inner == 1) {
      cc = len <= 4096 ? len : 4096;
      ctiles = (len + cc - 1) / cc;
      if (ctiles < 16) otiles = std::min(outer, (want + ctiles - 1) / ctiles);
    } else {
      const size_t per_channel = outer * inner;
      cc = per_channel >= kTarget ? 1 : std::min(len, kTarget / per_channel);
      ctiles = (len + cc - 1) / cc;
      if (ctiles < 16 && want > ctiles) {
        const size_t per = (want + ctiles - 1) / ctiles;
        otiles = std::min(outer, per);
        const size_t rest = (per + otiles - 1) / otiles;
        itiles = std::max<size_t>(1, std::min(rest, inner / 1024));
      }
    }
  }
  size_t tiles() const { return ctiles * otiles * itiles; }
  // The forward needs no per-channel ownership: its tiles follow memory order (per
  // outer block, runs of whole channels), which the hardware prefetcher streams.
  size_t fwd_tiles() const { return inner == 1 ? tiles() : outer * ctiles; }
  Box fwd_box(size_t t) const {
    if (inner == 1) return box(t);
    Box b;
    b.o0 = t / ctiles;
    b.o1 = b.o0 + 1;
    b.c0 = (t % ctiles) * cc;
    b.c1 = std::min(len, b.c0 + cc);
    b.i0 = 0;
    b.i1 = inner;
    return b;
  }
  Box box(size_t t) const {
    const size_t ii = t % itiles, oi = (t / itiles) % otiles, ci = t / (itiles * otiles);
    Box b;
    b.c0 = ci * cc;
    b.c1 = std::min(len, b.c0 + cc);
    b.o0 = oi * outer / otiles;
    b.o1 = (oi + 1) * outer / otiles;
    // Inner splits on multiples of 64 elements: full vectors at every level.
    b.i0 = ii == 0 ? 0 : (ii * inner / itiles) & ~size_t{63};
    b.i1 = ii + 1 == itiles ? inner : ((ii + 1) * inner / itiles) & ~size_t{63};
    return b;
  }
};

template <class T>
class PreluCall final : public TiledCall {
 public:
  PreluCall(PreluKernel<T> k, const T* x, T* y, const T* alpha, double scalar, size_t outer, size_t len, size_t inner)
      : k_(k), x_(x), y_(y), alpha_(alpha), scalar_(static_cast<T>(scalar)), tl_(outer, len, inner) {}
  size_t tiles() const override { return tl_.fwd_tiles(); }
  void run(size_t t) const override {
    FpEnvGuard fp;
    k_(x_, y_, alpha_, scalar_, tl_.len, tl_.inner, tl_.fwd_box(t));
  }

 private:
  PreluKernel<T> k_;
  const T* x_;
  T* y_;
  const T* alpha_;
  T scalar_;
  PreluTiling tl_;
};

template <class T>
class PreluBwdCall final : public TiledCall {
 public:
  PreluBwdCall(PreluBwdKernel<T> k, const T* dy, const T* x, const T* alpha, double scalar, T* dx, double* dalpha,
               size_t outer, size_t len, size_t inner)
      : k_(k), dy_(dy), x_(x), alpha_(alpha), scalar_(static_cast<T>(scalar)), dx_(dx), dalpha_(dalpha),
        tl_(outer, len, inner), partial_(2 * tl_.cc * tl_.tiles()) {}
  size_t tiles() const override { return tl_.tiles(); }
  void run(size_t t) const override {
    FpEnvGuard fp;
    k_(dy_, x_, alpha_, scalar_, dx_, tl_.len, tl_.inner, tl_.box(t), partial_.data() + 2 * tl_.cc * t);
    // The thread that completes the last tile sees every other tile's partials (the
    // acq_rel count orders them) and merges them.
    if (done_.fetch_add(1, std::memory_order_acq_rel) + 1 == tiles()) merge();
  }

 private:
  // dα_c += Σ over the tiles of channel c, in tile order (Neumaier), whatever thread ran them.
  void merge() const {
    const size_t per = tl_.otiles * tl_.itiles;
    for (size_t ci = 0; ci < tl_.ctiles; ++ci) {
      const size_t c0 = ci * tl_.cc;
      const size_t nc = std::min(tl_.len, c0 + tl_.cc) - c0;
      for (size_t j = 0; j < nc; ++j) {
        double s = 0, comp = 0;
        for (size_t k = 0; k < per; ++k) {
          const double* p = partial_.data() + 2 * tl_.cc * (ci * per + k);
          const double v = p[j];
          const double u = s + v;
          comp += (std::abs(s) >= std::abs(v) ? (s - u) + v : (v - u) + s) + p[nc + j];
          s = u;
        }
        // An infinite or NaN sum has a NaN compensation: the sum is the answer then.
        dalpha_[c0 + j] += std::isfinite(s) ? s + comp : s;
      }
    }
  }

  PreluBwdKernel<T> k_;
  const T* dy_;
  const T* x_;
  const T* alpha_;
  T scalar_;
  T* dx_;
  double* dalpha_;
  PreluTiling tl_;
  mutable std::vector<double> partial_;
  mutable std::atomic<size_t> done_{0};
};

// maxout tiles: runs of (outer block, group) rows, ~kTileElems input elements each.
struct MaxoutTiling {
  size_t rows, inner, pieces, per_tile;
  MaxoutTiling(size_t outer, size_t len, size_t in, size_t p)
      : rows(outer * (len / p)), inner(in), pieces(p), per_tile(std::max<size_t>(1, kTileElems / std::max<size_t>(1, p * in))) {}
  size_t tiles() const { return inner == 0 ? 0 : (rows + per_tile - 1) / per_tile; }
  void range(size_t t, size_t* r0, size_t* r1) const {
    *r0 = t * per_tile;
    *r1 = std::min(rows, *r0 + per_tile);
  }
};

template <class T>
class MaxoutCall final : public TiledCall {
 public:
  MaxoutCall(MaxoutKernel<T> k, const T* x, T* y, size_t outer, size_t len, size_t inner, size_t pieces)
      : k_(k), x_(x), y_(y), tl_(outer, len, inner, pieces) {}
  size_t tiles() const override { return tl_.tiles(); }
  void run(size_t t) const override {
    size_t r0, r1;
    tl_.range(t, &r0, &r1);
    FpEnvGuard fp;
    k_(x_, y_, tl_.inner, tl_.pieces, r0, r1);
  }

 private:
  MaxoutKernel<T> k_;
  const T* x_;
  T* y_;
  MaxoutTiling tl_;
};

template <class T>
class MaxoutBwdCall final : public TiledCall {
 public:
  MaxoutBwdCall(MaxoutBwdKernel<T> k, const T* dy, const T* x, T* dx, size_t outer, size_t len, size_t inner,
                size_t pieces)
      : k_(k), dy_(dy), x_(x), dx_(dx), tl_(outer, len, inner, pieces) {}
  size_t tiles() const override { return tl_.tiles(); }
  void run(size_t t) const override {
    size_t r0, r1;
    tl_.range(t, &r0, &r1);
    FpEnvGuard fp;
    k_(dy_, x_, dx_, tl_.inner, tl_.pieces, r0, r1);
  }

 private:
  MaxoutBwdKernel<T> k_;
  const T* dy_;
  const T* x_;
  T* dx_;
  MaxoutTiling tl_;
};

// hardmax's gradient, +0 everywhere: a fill (no kernel: no level does it differently),
// in tiles of kTileElems.
template <class T>
class ZeroCall final : public TiledCall {
 public:
  ZeroCall(T* dx, size_t n) : dx_(dx), n_(n) {}
  size_t tiles() const override { return (n_ + kTileElems - 1) / kTileElems; }
  void run(size_t t) const override {
    const size_t b = t * kTileElems;
    std::fill(dx_ + b, dx_ + std::min(n_, b + kTileElems), T(0));
  }

 private:
  T* dx_;
  size_t n_;
};

}  // namespace ak

#endif  // AK_RUNTIME_SHAPED_CALLS_H_

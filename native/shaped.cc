// native/shaped.cc -- Node-API entry points of the backward passes and the shaped ops.
// Compiled without ISA flags.
//
// Exports (added by init_shaped):
//   unaryBackward(id, dy, x, y, dx, a, b) -> boolean
//       dx = dy·f'(x), or dy·g(y) when y is not null (x then ignored); false (nothing
//       written) when that op/dtype/form has no native kernel
//   unaryBackwardAsync(id, dy, x, y, dx, a, b, done) -> ticket | null
//   shaped(op, outer, len, inner, param, a0, a1, a2, a3, a4) -> boolean
//   shapedAsync(op, outer, len, inner, param, a0, a1, a2, a3, a4, done) -> ticket | null
//       op (kShaped* below) and the arrays a0.. in the order listed there (null where the
//       ShapedCall has null); param: alphaScalar (prelu) or pieces (maxout)
//
// Every call is cut into tiles whose layout depends only on the shape, never on the
// number of threads, and reductions across tiles (prelu's dalpha) are merged in tile
// order, so results are bit-identical whatever the pool size.
// The JS layer validated everything; the checks here only turn a misuse into a
// TypeError instead of an out-of-bounds access.
#include "shaped.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <vector>

#include "async.h"

namespace ak {

namespace scalar { extern const ShapedTable kShapedTable; }
#if defined(__x86_64__) || defined(_M_X64)
namespace avx2 { extern const ShapedTable kShapedTable; }
namespace avx512 { extern const ShapedTable kShapedTable; }
#elif defined(__aarch64__) || defined(_M_ARM64)
namespace neon { extern const ShapedTable kShapedTable; }
#endif

const ShapedTable* shaped_table(Isa isa) {
  if (!isa_supported(isa)) return nullptr;
  switch (isa) {
    case Isa::kScalar: return &scalar::kShapedTable;
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::kAvx2: return &avx2::kShapedTable;
    case Isa::kAvx512: return &avx512::kShapedTable;
#elif defined(__aarch64__) || defined(_M_ARM64)
    case Isa::kNeon: return &neon::kShapedTable;
#endif
    default: return nullptr;
  }
}

namespace {

// Shaped op codes (lib/native.ts SHAPED_OPS has the same order).
enum ShapedOp : uint32_t {
  kSoftmax = 0,              // x, y
  kLogSoftmax = 1,           // x, y
  kSoftmaxBackward = 2,      // dy, y|null, x|null, dx
  kLogSoftmaxBackward = 3,   // dy, y|null, x|null, dx
  kPrelu = 4,                // x, y, alpha|null         param: alphaScalar
  kPreluBackward = 5,        // dy, x, alpha|null, dx, dalpha (Float64Array)
  kMaxout = 6,               // x, y                      param: pieces
  kMaxoutBackward = 7,       // dy, x, dx                 param: pieces
  kNumShapedOps = 8,
};

// From this many elements a call is split over the pool (a tile is ~kTileBytes of each
// array; below this the hand-out costs more than a second thread brings).
constexpr size_t kShapedParallelMin = size_t{1} << 16;

struct Env {
  const KernelTable* const* active;
};

const ShapedTable* active_table(const Env* e) { return shaped_table((*e->active)->isa); }

napi_value throw_type(napi_env env, const char* msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return nullptr;
}

struct View {
  napi_typedarray_type type = napi_float64_array;
  size_t length = 0;
  void* data = nullptr;
  bool present = false;
};

// A Float32Array/Float64Array, or (when nullable) null/undefined.
bool get_view(napi_env env, napi_value v, View* out, bool nullable) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_null || t == napi_undefined) {
    out->present = false;
    return nullable;
  }
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buffer, &offset) != napi_ok) return false;
  out->present = true;
  return out->type == napi_float32_array || out->type == napi_float64_array;
}

bool get_number(napi_env env, napi_value v, double* out) {
  if (napi_get_value_double(env, v, out) == napi_ok) return true;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) == napi_ok && t == napi_undefined) {
    *out = 0;
    return true;
  }
  return false;
}

bool get_size(napi_env env, napi_value v, size_t* out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0) || d > 9007199254740992.0 ||
      d != static_cast<double>(static_cast<size_t>(d))) {
    return false;
  }
  *out = static_cast<size_t>(d);
  return true;
}

napi_value boolean(napi_env env, bool b) {
  napi_value r;
  napi_get_boolean(env, b, &r);
  return r;
}
napi_value null_value(napi_env env) {
  napi_value r;
  napi_get_null(env, &r);
  return r;
}

// ---------------------------------------------------------------- unary backward

template <class T>
class BackwardCall final : public TiledCall {
 public:
  BackwardCall(BwdKernel<T> k, const T* dy, const T* in, T* dx, size_t n, const Params& p)
      : k_(k), dy_(dy), in_(in), dx_(dx), p_(p), split_(n) {}
  size_t tiles() const override { return split_.tiles(); }
  void run(size_t t) const override {
    const size_t b = split_.begin(t);
    FpEnvGuard fp;
    k_(dy_ + b, in_ + b, dx_ + b, split_.len(t), p_);
  }

 private:
  BwdKernel<T> k_;
  const T* dy_;
  const T* in_;
  T* dx_;
  Params p_;
  ElementwiseSplit<T> split_;
};

// Parses (id, dy, x, y, dx, a, b) into a call, or sets *error (a TypeError message);
// null call and no error: no native kernel for it.
std::unique_ptr<TiledCall> backward_call(napi_env env, const Env* e, const napi_value* argv, const char** error) {
  *error = nullptr;
  uint32_t id;
  if (napi_get_value_uint32(env, argv[0], &id) != napi_ok || id >= kNumUnaryOps) {
    *error = "unaryBackward: the op id must be an integer below the number of ops";
    return nullptr;
  }
  View dy, x, y, dx;
  if (!get_view(env, argv[1], &dy, false) || !get_view(env, argv[2], &x, true) || !get_view(env, argv[3], &y, true) ||
      !get_view(env, argv[4], &dx, false)) {
    *error = "unaryBackward: dy, x, y, dx must be Float32Array or Float64Array (x or y may be null)";
    return nullptr;
  }
  const View& in = y.present ? y : x;
  if (!in.present || in.type != dy.type || dx.type != dy.type || in.length != dy.length || dx.length != dy.length) {
    *error = "unaryBackward: dy, dx and x (or y) must have one type and one length";
    return nullptr;
  }
  Params p;
  if (!get_number(env, argv[5], &p.a) || !get_number(env, argv[6], &p.b)) {
    *error = "unaryBackward: parameters a and b must be numbers";
    return nullptr;
  }
  const ShapedTable* t = active_table(e);
  if (t == nullptr) return nullptr;
  std::unique_ptr<TiledCall> call;
  if (dy.type == napi_float32_array) {
    const BwdKernel<float> k = y.present ? t->f32.bwd_y[id] : t->f32.bwd_x[id];
    if (k) {
      call.reset(new BackwardCall<float>(k, static_cast<const float*>(dy.data), static_cast<const float*>(in.data),
                                         static_cast<float*>(dx.data), dy.length, p));
    }
  } else {
    const BwdKernel<double> k = y.present ? t->f64.bwd_y[id] : t->f64.bwd_x[id];
    if (k) {
      call.reset(new BackwardCall<double>(k, static_cast<const double*>(dy.data), static_cast<const double*>(in.data),
                                          static_cast<double*>(dx.data), dy.length, p));
    }
  }
  // Three arrays per element instead of two: the forward's measured threshold is kept
  // (the backward costs at least as much per element).
  if (call) call->parallel = dy.length >= parallel_min(id);
  return call;
}

Env* cb_env(napi_env env, napi_callback_info info, size_t* argc, napi_value* argv) {
  void* data = nullptr;
  if (napi_get_cb_info(env, info, argc, argv, nullptr, &data) != napi_ok) return nullptr;
  return static_cast<Env*>(data);
}

napi_value UnaryBackward(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  Env* e = cb_env(env, info, &argc, argv);
  if (e == nullptr) return nullptr;
  if (argc < 7) return throw_type(env, "unaryBackward: expected (id, dy, x, y, dx, a, b)");
  const char* error;
  std::unique_ptr<TiledCall> call = backward_call(env, e, argv, &error);
  if (error) return throw_type(env, error);
  if (!call) return boolean(env, false);
  run_tiled(*call);
  return boolean(env, true);
}

napi_value UnaryBackwardAsync(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  Env* e = cb_env(env, info, &argc, argv);
  if (e == nullptr) return nullptr;
  if (argc < 8) return throw_type(env, "unaryBackwardAsync: expected (id, dy, x, y, dx, a, b, done)");
  const char* error;
  std::unique_ptr<TiledCall> call = backward_call(env, e, argv, &error);
  if (error) return throw_type(env, error);
  if (!call) return null_value(env);
  return start_async(env, std::move(call), argv + 1, 4, argv[7]);
}

// ---------------------------------------------------------------- shaped ops

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
  SoftmaxCall(SoftmaxKernel<T> k, const T* x, T* y, size_t outer, size_t len, size_t inner, bool log)
      : k_(k), x_(x), y_(y), tl_(outer, len, inner),
        flags_((log ? kSoftmaxLog : 0u) | (outer * len * inner * sizeof(T) >= kStreamBytes ? kSoftmaxStream : 0u)) {}
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
                 size_t inner, bool log)
      : k_(k), dy_(dy), y_(y), x_(x), dx_(dx), tl_(outer, len, inner), log_(log) {}
  size_t tiles() const override { return tl_.tiles(); }
  void run(size_t t) const override {
    size_t o, rows, c, cols;
    tl_.tile(t, &o, &rows, &c, &cols);
    const size_t off = tl_.offset(o, c);
    FpEnvGuard fp;
    k_(dy_ + off, y_ ? y_ + off : nullptr, x_ ? x_ + off : nullptr, dx_ + off, rows, tl_.len, tl_.inner, cols, log_);
  }

 private:
  SoftmaxBwdKernel<T> k_;
  const T* dy_;
  const T* y_;
  const T* x_;
  T* dx_;
  RowTiling tl_;
  bool log_;
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

template <class T>
const T* cptr(const View& v) { return v.present ? static_cast<const T*>(v.data) : nullptr; }
template <class T>
T* mptr(const View& v) { return v.present ? static_cast<T*>(v.data) : nullptr; }

// Builds the call for one dtype; null when this op has no native kernel yet.
template <class T>
std::unique_ptr<TiledCall> make_shaped(const ShapedKernels<T>& k, uint32_t op, size_t outer, size_t len, size_t inner,
                                       double param, const View* a) {
  switch (op) {
    case kSoftmax:
    case kLogSoftmax:
      if (!k.softmax) return nullptr;
      return std::unique_ptr<TiledCall>(
          new SoftmaxCall<T>(k.softmax, cptr<T>(a[0]), mptr<T>(a[1]), outer, len, inner, op == kLogSoftmax));
    case kSoftmaxBackward:
    case kLogSoftmaxBackward:
      if (!k.softmax_bwd) return nullptr;
      return std::unique_ptr<TiledCall>(new SoftmaxBwdCall<T>(k.softmax_bwd, cptr<T>(a[0]), cptr<T>(a[1]),
                                                              a[1].present ? nullptr : cptr<T>(a[2]), mptr<T>(a[3]),
                                                              outer, len, inner, op == kLogSoftmaxBackward));
    case kPrelu:
      if (!k.prelu) return nullptr;
      return std::unique_ptr<TiledCall>(
          new PreluCall<T>(k.prelu, cptr<T>(a[0]), mptr<T>(a[1]), cptr<T>(a[2]), param, outer, len, inner));
    case kPreluBackward:
      if (!k.prelu_bwd) return nullptr;
      return std::unique_ptr<TiledCall>(new PreluBwdCall<T>(k.prelu_bwd, cptr<T>(a[0]), cptr<T>(a[1]), cptr<T>(a[2]),
                                                            param, mptr<T>(a[3]), static_cast<double*>(a[4].data),
                                                            outer, len, inner));
    case kMaxout:
      if (!k.maxout) return nullptr;
      return std::unique_ptr<TiledCall>(new MaxoutCall<T>(k.maxout, cptr<T>(a[0]), mptr<T>(a[1]), outer, len, inner,
                                                          static_cast<size_t>(param)));
    case kMaxoutBackward:
      if (!k.maxout_bwd) return nullptr;
      return std::unique_ptr<TiledCall>(new MaxoutBwdCall<T>(k.maxout_bwd, cptr<T>(a[0]), cptr<T>(a[1]), mptr<T>(a[2]),
                                                             outer, len, inner, static_cast<size_t>(param)));
    default:
      return nullptr;
  }
}

// Which arrays op uses (by position), which may be null, and whether they must all have
// the data's length (n = outer·len·inner) -- alpha, dalpha and maxout's y/dy do not.
struct ArgSpec {
  int count;
  uint8_t nullable;  // bit i: a_i may be null
};
constexpr ArgSpec kSpecs[kNumShapedOps] = {
    {2, 0}, {2, 0}, {4, 0x6}, {4, 0x6}, {3, 0x4}, {5, 0x4}, {2, 0}, {3, 0},
};

// Parses (op, outer, len, inner, param, a0..a4); sets *error for a misuse.
std::unique_ptr<TiledCall> shaped_call(napi_env env, const Env* e, const napi_value* argv, const char** error) {
  *error = nullptr;
  uint32_t op;
  size_t outer, len, inner;
  double param;
  if (napi_get_value_uint32(env, argv[0], &op) != napi_ok || op >= kNumShapedOps || !get_size(env, argv[1], &outer) ||
      !get_size(env, argv[2], &len) || !get_size(env, argv[3], &inner) || !get_number(env, argv[4], &param)) {
    *error = "shaped: expected (op, outer, len, inner, param, ...arrays)";
    return nullptr;
  }
  const ArgSpec spec = kSpecs[op];
  View a[5];
  napi_typedarray_type type = napi_float64_array;
  bool have_type = false;
  for (int i = 0; i < spec.count; ++i) {
    if (!get_view(env, argv[5 + i], &a[i], (spec.nullable >> i) & 1)) {
      *error = "shaped: every array must be a Float32Array or Float64Array";
      return nullptr;
    }
    const bool is_dalpha = op == kPreluBackward && i == 4;
    if (!a[i].present || is_dalpha) continue;
    if (have_type && a[i].type != type) {
      *error = "shaped: the arrays of a call must have one type";
      return nullptr;
    }
    type = a[i].type;
    have_type = true;
  }
  // Lengths: every data-shaped array holds outer·len·inner elements (maxout's reduced
  // side outer·(len/pieces)·inner); alpha and dalpha hold len.
  const size_t n = outer * len * inner;
  if (len != 0 && outer * len != 0 && n / (outer * len) != inner) {
    *error = "shaped: outer·len·inner overflows";
    return nullptr;
  }
  for (int i = 0; i < spec.count; ++i) {
    if (!a[i].present) continue;
    size_t want = n;
    if ((op == kPrelu && i == 2) || (op == kPreluBackward && (i == 2 || i == 4))) want = len;
    if ((op == kMaxout && i == 1) || (op == kMaxoutBackward && i == 0)) {
      if (!(param >= 1) || static_cast<size_t>(param) != param || len % static_cast<size_t>(param) != 0) {
        *error = "shaped: pieces must divide len";
        return nullptr;
      }
      want = outer * (len / static_cast<size_t>(param)) * inner;
    }
    if (a[i].length != want) {
      *error = "shaped: an array's length does not match the shape";
      return nullptr;
    }
  }
  if (op == kPreluBackward && a[4].type != napi_float64_array) {
    *error = "shaped: dalpha must be a Float64Array";
    return nullptr;
  }
  if (op == kPrelu || op == kPreluBackward) {
    if (a[2].present && a[2].type != type) {
      *error = "shaped: alpha must have the data's type";
      return nullptr;
    }
  }
  if ((op == kSoftmaxBackward || op == kLogSoftmaxBackward) && !a[1].present && !a[2].present) {
    *error = "shaped: softmax backward needs y or x";
    return nullptr;
  }
  const ShapedTable* t = active_table(e);
  if (t == nullptr) return nullptr;
  std::unique_ptr<TiledCall> call = type == napi_float32_array
                                        ? make_shaped<float>(t->f32, op, outer, len, inner, param, a)
                                        : make_shaped<double>(t->f64, op, outer, len, inner, param, a);
  if (call) call->parallel = n >= kShapedParallelMin;
  return call;
}

napi_value Shaped(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  Env* e = cb_env(env, info, &argc, argv);
  if (e == nullptr) return nullptr;
  napi_value undef;
  napi_get_undefined(env, &undef);
  for (size_t i = argc; i < 10; ++i) argv[i] = undef;
  if (argc < 6) return throw_type(env, "shaped: expected (op, outer, len, inner, param, ...arrays)");
  const char* error;
  std::unique_ptr<TiledCall> call = shaped_call(env, e, argv, &error);
  if (error) return throw_type(env, error);
  if (!call) return boolean(env, false);
  run_tiled(*call);
  return boolean(env, true);
}

napi_value ShapedAsync(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  Env* e = cb_env(env, info, &argc, argv);
  if (e == nullptr) return nullptr;
  if (argc < 11) return throw_type(env, "shapedAsync: expected (op, outer, len, inner, param, a0..a4, done)");
  const char* error;
  std::unique_ptr<TiledCall> call = shaped_call(env, e, argv, &error);
  if (error) return throw_type(env, error);
  if (!call) return null_value(env);
  // start_async keeps at most four values alive; the fifth array of a call (prelu's
  // dalpha) is kept by the JS caller until the promise settles (lib/native.ts).
  return start_async(env, std::move(call), argv + 5, 4, argv[10]);
}

void delete_env(void* data) { delete static_cast<Env*>(data); }

}  // namespace

void init_shaped(napi_env env, napi_value exports, const KernelTable* const* active) {
  Env* e = new Env{active};
  // Freed when the environment is torn down; tiles never touch it (only the JS thread
  // reads it, at each call), so the order against async.cc's hook does not matter.
  napi_add_env_cleanup_hook(env, delete_env, e);
  const napi_property_descriptor props[] = {
      {"unaryBackward", nullptr, UnaryBackward, nullptr, nullptr, nullptr, napi_enumerable, e},
      {"unaryBackwardAsync", nullptr, UnaryBackwardAsync, nullptr, nullptr, nullptr, napi_enumerable, e},
      {"shaped", nullptr, Shaped, nullptr, nullptr, nullptr, napi_enumerable, e},
      {"shapedAsync", nullptr, ShapedAsync, nullptr, nullptr, nullptr, napi_enumerable, e},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}

}  // namespace ak

// native/async.h -- how a kernel call reaches the thread pool, synchronously or off the
// JS thread. Compiled without ISA flags.
//
// Every kernel family (unary forward today; backward passes, shaped ops and compiled
// expressions as they arrive) describes one call as a TiledCall: a number of
// independent tiles and a function running one of them. The same object then runs
//   - synchronously: run_tiled(call) -- on the pool when call.parallel, else inline;
//   - asynchronously: start_async(env, call, keep, done) -- on pool workers only, the
//     JS thread returns at once; done(status) is called back on the JS thread.
// A new family only writes its TiledCall (see UnaryCall below) and the argument
// parsing of its entry point.
#ifndef AK_ASYNC_H_
#define AK_ASYNC_H_

#include <node_api.h>

#include <cstddef>
#include <memory>

#include "dispatch.h"

namespace ak {

// Tile size: 16 KiB of each array, the size XNNPACK found to keep a tile's input and
// output in L1 while amortising the hand-out. 16 KiB / sizeof(T) elements is a
// multiple of every kernel's unroll x lanes (powers of two up to 4 x 16 floats), so
// only the last tile of a call ever runs a kernel's masked tail.
constexpr size_t kTileBytes = 16 * 1024;

// Outputs from this size are written with non-temporal stores (Params::stream, softmax's
// kSoftmaxStream): they leave the caches before anyone reads them again, and writing
// them without first reading them saves a third of the memory traffic.
constexpr size_t kStreamBytes = size_t{16} << 20;

// Element-wise tiles grow with the call: n / 16 elements rounded down to a power of two,
// between kTileBytes and 16 x kTileBytes, so every call has >= 16 tiles to balance over
// the pool while a tile's hand-out (~1.3 us of CPU with the streamed stores' drain,
// measured at 16M) stays small against its work. With fixed 16 KiB tiles the fast ops
// did not scale below 2M elements: sigmoid 1.10-1.16x on 2 threads from 64K to 1M (a
// tile is 0.6 us of its work), 1.95x from 2M where the tiles were 256 KiB. Element-wise
// results do not depend on the split.
template <class T>
constexpr size_t elementwise_tile(size_t n) {
  size_t bytes = kTileBytes;
  while (bytes < 16 * kTileBytes && 2 * bytes * 16 <= n * sizeof(T)) bytes *= 2;
  return bytes / sizeof(T);
}

// [0, n) cut into elementwise_tile(n) tiles: the split of every element-wise call
// (unary forward and backward, compiled expressions).
template <class T>
struct ElementwiseSplit {
  size_t n, tile;
  explicit ElementwiseSplit(size_t n_) : n(n_), tile(elementwise_tile<T>(n_)) {}
  size_t tiles() const { return (n + tile - 1) / tile; }
  size_t begin(size_t t) const { return t * tile; }
  size_t len(size_t t) const { return n - t * tile < tile ? n - t * tile : tile; }
};

class TiledCall {
 public:
  virtual ~TiledCall() = default;
  virtual size_t tiles() const = 0;
  // Runs tile t; any thread, any order, each tile once. Implementations hold an
  // FpEnvGuard around kernel code (pool threads have whatever MXCSR they were born with).
  virtual void run(size_t tile) const = 0;
  // Large enough that more threads pay: false keeps the call on one thread.
  bool parallel = false;
};

// Runs every tile of `call` before returning.
void run_tiled(const TiledCall& call);

// y = op(x), cut into kTileBytes tiles.
template <class T>
class UnaryCall final : public TiledCall {
 public:
  UnaryCall(UnaryKernel<T> k, const T* x, T* y, size_t n, const Params& p) : k_(k), x_(x), y_(y), p_(p), split_(n) {
    p_.stream = n * sizeof(T) >= kStreamBytes;
  }
  size_t tiles() const override { return split_.tiles(); }
  void run(size_t t) const override {
    const size_t b = split_.begin(t);
    FpEnvGuard fp;
    k_(x_ + b, y_ + b, split_.len(t), p_);
  }

 private:
  UnaryKernel<T> k_;
  const T* x_;
  T* y_;
  Params p_;
  ElementwiseSplit<T> split_;
};

// The element count from which unary op `id` is split over threads: the registry's
// measured `parallelMin`, handed over once at load by setParallelMin().
size_t parallel_min(unsigned id);

// The synchronous unary entry: inline below parallel_min(id), tiles on the pool above.
template <class T>
void run_unary_call(unsigned id, UnaryKernel<T> k, const T* x, T* y, size_t n, const Params& p) {
  if (n < parallel_min(id)) {
    FpEnvGuard fp;
    k(x, y, n, p);
    return;
  }
  UnaryCall<T> call(k, x, y, n, p);
  call.parallel = true;
  run_tiled(call);
}

// Starts `call` on the pool and returns its ticket (a number, for cancelAsync) or null
// after throwing. The values in keep[0..nkeep) (the arrays the call reads and writes)
// stay referenced until it settles; `done` is called on this JS thread with 0 when the
// call completed. A call withdrawn by cancelAsync() before it started never calls done.
// When the environment is torn down first (worker.terminate()), running tiles finish,
// the rest never start, and nothing calls back into the dead environment.
napi_value start_async(napi_env env, std::unique_ptr<TiledCall> call, const napi_value* keep, size_t nkeep,
                       napi_value done);

// Adds the pool's entry points to `exports` (see async.cc) and sets up this
// environment's completion channel. `active` is where the environment keeps its active
// kernel table (read on the JS thread at each call).
void init_threads(napi_env env, napi_value exports, const KernelTable* const* active);

}  // namespace ak

#endif  // AK_ASYNC_H_

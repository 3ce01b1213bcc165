// native/runtime/tiled.h -- how a kernel call is cut into tiles and run, inline or on the
// pool. No Node-API: the entry points (native/napi/*.cc) build a
// TiledCall and hand it to run_tiled() or to start_async().
//
// Every kernel family describes one call as a TiledCall: a number of independent tiles
// and a function running one of them. The same object then runs synchronously
// (run_tiled: on the pool when call.parallel, else inline) or asynchronously
// (start_async: on pool workers only). A new family only writes its TiledCall (see
// runtime/elementwise.h) and the argument parsing of its entry point.
#ifndef AK_RUNTIME_TILED_H_
#define AK_RUNTIME_TILED_H_

#include <cstddef>

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
// the pool while a tile's hand-out (with the streamed stores' drain) stays small against
// its work: fixed 16 KiB tiles did not let the fast ops scale below 2M elements
// (bench/figures/native-design-choices.md). Element-wise results do not depend on the split.
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

// The element count from which unary op `id` (forward or backward) is split over
// threads: the registry's measured `parallelMin`, handed over once at load.
size_t parallel_min(unsigned id);
// mins[id] for every unary op id (kNumUnaryOps of them); SIZE_MAX: never split.
void set_parallel_min(const size_t* mins);

}  // namespace ak

#endif  // AK_RUNTIME_TILED_H_

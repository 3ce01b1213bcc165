// native/runtime/tiled.cc -- run_tiled and the per-op parallel thresholds.
#include "tiled.h"

#include <atomic>

#include "../kernels/signatures.h"
#include "pool.h"

namespace ak {
namespace {

constexpr size_t kDefaultParallelMin = size_t{1} << 16;
// Held as threshold XOR default, so that the zero-initialized array (static storage: no
// initialization order, no once-flag on the per-call path) reads as the default.
std::atomic<size_t> g_parallel_min[static_cast<size_t>(kNumUnaryOps)];

}  // namespace

size_t parallel_min(unsigned id) {
  return id < kNumUnaryOps ? g_parallel_min[id].load(std::memory_order_relaxed) ^ kDefaultParallelMin : kDefaultParallelMin;
}

void set_parallel_min(const size_t* mins) {
  for (size_t i = 0; i < kNumUnaryOps; ++i) g_parallel_min[i].store(mins[i] ^ kDefaultParallelMin, std::memory_order_relaxed);
}

void run_tiled(const TiledCall& call) {
  const size_t n = call.tiles();
  if (!call.parallel || n <= 1) {
    for (size_t t = 0; t < n; ++t) call.run(t);
    return;
  }
  pool::parallel_for(n, [&call](size_t t) { call.run(t); });
}

}  // namespace ak

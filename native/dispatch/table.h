// native/dispatch/table.h -- the one kernel table per ISA level and how a call reaches it.
// ISA-independent: included by the entry points (no ISA flags) and by each isa/<level>.cc,
// which fills its level's table (isa/table.inc).
#ifndef AK_DISPATCH_TABLE_H_
#define AK_DISPATCH_TABLE_H_

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "../kernels/signatures.h"
#include "../runtime/cpu.h"

namespace ak {

namespace expr {
struct Program;
struct Moments;
}  // namespace expr

struct KernelTable;

// A compiled expression (expr/program.h, already checked) over n elements; CALLs go to
// the unary kernels of `calls`, the same level's table.
template <class T>
using ExprKernel = void (*)(const expr::Program& p, const T* const* in, T* out, size_t n, const KernelTable& calls);
// stats() of x seen as outer × C × inner: out[0..C) per channel, out[C] the whole array.
template <class T>
using StatsKernel = void (*)(const T* x, size_t outer, size_t C, size_t inner, bool has_shape, double dead_max,
                             double lo, double hi, expr::Moments* out);

// Every kernel of one level for one array type. An entry is null when that op has no
// native kernel at this level; the JS side then runs the twin. A new kernel family adds
// its member here and one line to isa/table.inc's fill(); nothing else dispatches (a
// gated op family: `GatedKernel<T> gated[kNumGatedOps]`, its ids from a generated
// registry/*.inc as the unary ones; a storage type with float compute, float16 or
// bfloat16: HalfKernels below, indexed by HalfFormat).
template <class T>
struct Kernels {
  UnaryKernel<T> unary[kNumUnaryOps];  // by op id (registry/ops.inc)
  UnaryBiasKernel<T> unary_bias[kNumUnaryOps];  // y = f(x + b): runtime/fused.h
  BwdKernel<T> bwd_x[kNumUnaryOps];    // dx = dy·f'(x)
  BwdKernel<T> bwd_y[kNumUnaryOps];    // dx from y = f(x); null: no from-y form (registry/from_y.inc)
  BwdKernel<T> product;                // dx = dy·in: the gates of runtime/fused.h
  BwdKernel<T> sum;                    // dx = dy + in: its per-element bias
  UnaryKernel<T> add_scalar;           // y = x + a: its bias shared by a run of elements
  SoftmaxKernel<T> softmax;            // softmax and logSoftmax
  SoftmaxBwdKernel<T> softmax_bwd;
  PreluKernel<T> prelu;
  PreluBwdKernel<T> prelu_bwd;
  MaxoutKernel<T> maxout;
  MaxoutBwdKernel<T> maxout_bwd;
  ExprKernel<T> expr;                  // the compiled-expression interpreter
  StatsKernel<T> stats;
};

// The element-wise kernels over one 16-bit storage format (float16 or bfloat16 bits),
// computed by the level's float32 kernels (kernels/half_tile.h). `*_f32`: the result
// widened on the way out (a Float32Array output) instead of rounded to the format.
struct HalfKernels {
  UnaryKernelIO<uint16_t, uint16_t> unary[kNumUnaryOps];
  UnaryKernelIO<uint16_t, float> unary_f32[kNumUnaryOps];
  BwdKernelIO<uint16_t, uint16_t> bwd_x[kNumUnaryOps];
  BwdKernelIO<uint16_t, float> bwd_x_f32[kNumUnaryOps];
  BwdKernelIO<uint16_t, uint16_t> bwd_y[kNumUnaryOps];  // null: no from-y form
  BwdKernelIO<uint16_t, float> bwd_y_f32[kNumUnaryOps];
};

// One ISA level's kernels, constant-initialised by its isa/<level>.cc (the only
// translation units compiled with ISA flags) and never written again.
struct KernelTable {
  Isa isa;
  Kernels<float> f32;
  Kernels<double> f64;
  HalfKernels half[kNumHalfFormats];

  template <class T>
  const Kernels<T>& of() const {
    static_assert(std::is_same<T, float>::value || std::is_same<T, double>::value, "float or double arrays");
    if constexpr (std::is_same<T, float>::value) {
      return f32;
    } else {
      return f64;
    }
  }
};

// The table for `isa`, or null when that level is not compiled into this build or
// this CPU/OS cannot run it. Never returns a table whose code would fault.
const KernelTable* kernel_table(Isa isa);

// Op `id`'s forward kernel, or null (no kernel, or id out of range).
template <class T>
inline UnaryKernel<T> unary_kernel(const KernelTable& t, unsigned id) {
  return id < kNumUnaryOps ? t.of<T>().unary[id] : nullptr;
}

}  // namespace ak

#endif  // AK_DISPATCH_TABLE_H_

// native/shaped.h -- the kernel tables of the backward passes and the shaped ops
// (softmax, logSoftmax, prelu, maxout, forward and backward; signatures in
// kernels/signatures.h). ISA-independent: included by the entry points (no ISA flags)
// and by every isa/<level>.cc through kernels/shaped_table.inc, which fills the table.
#ifndef AK_SHAPED_H_
#define AK_SHAPED_H_

#include <cstddef>

#include "runtime/cpu.h"
#include "dispatch.h"
#include "kernels/signatures.h"

namespace ak {

template <class T>
struct ShapedKernels {
  BwdKernel<T> bwd_x[kNumUnaryOps];
  BwdKernel<T> bwd_y[kNumUnaryOps];  // null: the op has no from-y form
  SoftmaxKernel<T> softmax;
  SoftmaxBwdKernel<T> softmax_bwd;
  PreluKernel<T> prelu;
  PreluBwdKernel<T> prelu_bwd;
  MaxoutKernel<T> maxout;
  MaxoutBwdKernel<T> maxout_bwd;
};

struct ShapedTable {
  Isa isa;
  ShapedKernels<float> f32;
  ShapedKernels<double> f64;
};

// The table of `isa`, or null when that level is not in this build or not runnable here.
const ShapedTable* shaped_table(Isa isa);

}  // namespace ak

#endif  // AK_SHAPED_H_

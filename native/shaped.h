// native/shaped.h -- the kernel tables of the backward passes and the shaped ops
// (softmax, logSoftmax, prelu, maxout, forward and backward), and their Node-API entry
// points. ISA-independent: included by shaped.cc (no ISA flags) and by every
// isa/<level>.cc through kernels/shaped_table.inc, which fills the table.
#ifndef AK_SHAPED_H_
#define AK_SHAPED_H_

#include <cstddef>

#include "cpu.h"
#include "dispatch.h"
#include "params.h"

#ifdef NAPI_VERSION
#include <node_api.h>
#endif

namespace ak {

// dx[i] = dy[i]·f'(in[i]) (in = x), or dy[i]·g(in[i]) from the forward output (in = y),
// for i in [0, n). dx may be dy or in itself; range-local and stateless like UnaryKernel.
template <class T>
using BwdKernel = void (*)(const T* dy, const T* in, T* dx, size_t n, const Params& p);

// The shaped kernels see their arrays as outer × len × inner (element (o, k, i) at
// (o·len + k)·inner + i) and run on `rows` consecutive outer blocks and `cols`
// consecutive inner columns starting at the pointers they are given (the caller offsets
// them to the tile's first block and column), so a tile is any rectangle of (o, i).

// Softmax or logSoftmax along len. flags: kSoftmaxLog (logSoftmax), kSoftmaxStream (the
// whole output is large: contiguous float32 softmax rows may be written with non-temporal
// stores, so the output is not read in before it is overwritten).
constexpr unsigned kSoftmaxLog = 1, kSoftmaxStream = 2;
template <class T>
using SoftmaxKernel = void (*)(const T* x, T* y, size_t rows, size_t len, size_t inner, size_t cols, unsigned flags);
// Backward from y (x null) or from x (y null, the probabilities recomputed).
template <class T>
using SoftmaxBwdKernel = void (*)(const T* dy, const T* y, const T* x, T* dx, size_t rows, size_t len, size_t inner,
                                  size_t cols, bool log);

// A prelu tile: channels [c0, c1) of outer blocks [o0, o1), inner positions [i0, i1).
struct Box {
  size_t c0, c1, o0, o1, i0, i1;
};
template <class T>
using PreluKernel = void (*)(const T* x, T* y, const T* alpha, T scalar, size_t len, size_t inner, const Box& b);
// partial: 2·(c1 − c0) doubles, overwritten with the box's per-channel sums of dα (then
// their compensations), merged by the caller in a fixed tile order.
template <class T>
using PreluBwdKernel = void (*)(const T* dy, const T* x, const T* alpha, T scalar, T* dx, size_t len, size_t inner,
                                const Box& b, double* partial);
// Maxout over rows r in [r0, r1) of (outer block, group) pairs.
template <class T>
using MaxoutKernel = void (*)(const T* x, T* y, size_t inner, size_t pieces, size_t r0, size_t r1);
template <class T>
using MaxoutBwdKernel = void (*)(const T* dy, const T* x, T* dx, size_t inner, size_t pieces, size_t r0, size_t r1);

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

#ifdef NAPI_VERSION  // the addon's translation units (the kernel libraries have no node headers)
// Adds unaryBackward, unaryBackwardAsync, shaped, shapedAsync to `exports`; `active` is
// where the environment keeps its active kernel table (its ISA picks the shaped table).
void init_shaped(napi_env env, napi_value exports, const KernelTable* const* active);
#endif

}  // namespace ak

#endif  // AK_SHAPED_H_

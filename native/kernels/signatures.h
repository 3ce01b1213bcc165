// native/kernels/signatures.h -- what a kernel is, seen from outside: the parameters it
// receives and the pointer type of every kernel family. Plain declarations, no vector
// code and no Node-API: included by the kernels (every isa/<level>.cc), by the dispatch
// table and by the runtime that tiles calls.
#ifndef AK_KERNELS_SIGNATURES_H_
#define AK_KERNELS_SIGNATURES_H_

#include <cstddef>

namespace ak {

// The op's parameters as the API resolved them: numbers already converted to the
// array's type (a float32 call carries Math.fround(alpha), so narrowing `a` to float
// in a float32 kernel is exact), enums as the index of their value.
// `ext` is for kernels whose description does not fit two numbers (a compiled
// custom-activation program, issue 9); built-in ops ignore it.
// `stream`: the whole call's output is large (set by the tiled unary call from 16 MiB):
// the driver writes it with non-temporal stores, so it is not read in before being
// overwritten. The values are the same either way.
struct Params {
  double a = 0;
  double b = 0;
  const void* ext = nullptr;
  bool stream = false;
};

// Op ids, generated from ops.inc: the same numbering as lib/ops.ts.
enum UnaryOpId : unsigned {
#define AK_UNARY_OP(name, np, p0, p1) kOp_##name,
#include "../ops.inc"
  kNumUnaryOps
};

// Every kernel has this shape: y[i] = f(x[i]) for i in [0, n), x == y allowed (in
// place) or disjoint. It touches no memory outside [x, x+n) and [y, y+n), keeps no
// state, and may be called on any sub-range (tiles of a thread pool) with the same
// result as one call on the whole range.
template <class T>
using UnaryKernel = void (*)(const T* x, T* y, size_t n, const Params& p);

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

}  // namespace ak

#endif  // AK_KERNELS_SIGNATURES_H_

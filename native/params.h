// native/params.h -- what every kernel receives besides its arrays.
// Plain data, ISA-independent (included by every translation unit, whatever its flags).
#ifndef AK_PARAMS_H_
#define AK_PARAMS_H_

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
#include "ops.inc"
  kNumUnaryOps
};

// Every kernel has this shape: y[i] = f(x[i]) for i in [0, n), x == y allowed (in
// place) or disjoint. It touches no memory outside [x, x+n) and [y, y+n), keeps no
// state, and may be called on any sub-range (tiles of a thread pool) with the same
// result as one call on the whole range.
template <class T>
using UnaryKernel = void (*)(const T* x, T* y, size_t n, const Params& p);

}  // namespace ak

#endif  // AK_PARAMS_H_

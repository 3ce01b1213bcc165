// native/runtime/elementwise.h -- the tiled calls of the element-wise kernel families:
// unary forward (y = op(x)) and unary backward (dx = dy·f'(in)). Split by
// ElementwiseSplit; the results do not depend on the split.
#ifndef AK_RUNTIME_ELEMENTWISE_H_
#define AK_RUNTIME_ELEMENTWISE_H_

#include <cstddef>
#include <memory>

#include "../kernels/signatures.h"
#include "fpenv.h"
#include "tiled.h"

namespace ak {

// y = op(x); Out differs from In for the 16-bit storage types (kernels/half_tile.h).
template <class In, class Out = In>
class UnaryCall final : public TiledCall {
 public:
  UnaryCall(UnaryKernelIO<In, Out> k, const In* x, Out* y, size_t n, const Params& p)
      : k_(k), x_(x), y_(y), p_(p), split_(n) {
    p_.stream = n * sizeof(Out) >= kStreamBytes;
  }
  size_t tiles() const override { return split_.tiles(); }
  void run(size_t t) const override {
    const size_t b = split_.begin(t);
    FpEnvGuard fp;
    k_(x_ + b, y_ + b, split_.len(t), p_);
  }

 private:
  UnaryKernelIO<In, Out> k_;
  const In* x_;
  Out* y_;
  Params p_;
  ElementwiseSplit<In> split_;
};

// A heap UnaryCall (for an async call) with its types deduced.
template <class In, class Out>
std::unique_ptr<TiledCall> new_unary_call(UnaryKernelIO<In, Out> k, const In* x, Out* y, size_t n, const Params& p) {
  return std::unique_ptr<TiledCall>(new UnaryCall<In, Out>(k, x, y, n, p));
}

// The synchronous unary entry: inline below parallel_min(id), tiles on the pool above.
template <class In, class Out = In>
void run_unary_call(unsigned id, UnaryKernelIO<In, Out> k, const In* x, Out* y, size_t n, const Params& p) {
  if (n < parallel_min(id)) {
    FpEnvGuard fp;
    k(x, y, n, p);
    return;
  }
  UnaryCall<In, Out> call(k, x, y, n, p);
  call.parallel = true;
  run_tiled(call);
}

// dx = dy·f'(in), in = x or the forward's output y (the kernel decides which it reads).
template <class In, class Out = In>
class BackwardCall final : public TiledCall {
 public:
  BackwardCall(BwdKernelIO<In, Out> k, const In* dy, const In* in, Out* dx, size_t n, const Params& p)
      : k_(k), dy_(dy), in_(in), dx_(dx), p_(p), split_(n) {}
  size_t tiles() const override { return split_.tiles(); }
  void run(size_t t) const override {
    const size_t b = split_.begin(t);
    FpEnvGuard fp;
    k_(dy_ + b, in_ + b, dx_ + b, split_.len(t), p_);
  }

 private:
  BwdKernelIO<In, Out> k_;
  const In* dy_;
  const In* in_;
  Out* dx_;
  Params p_;
  ElementwiseSplit<In> split_;
};

}  // namespace ak

#endif  // AK_RUNTIME_ELEMENTWISE_H_

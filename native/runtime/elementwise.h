// native/runtime/elementwise.h -- the tiled calls of the element-wise kernel families:
// unary forward (y = op(x)) and unary backward (dx = dy·f'(in)). Split by
// ElementwiseSplit; the results do not depend on the split.
#ifndef AK_RUNTIME_ELEMENTWISE_H_
#define AK_RUNTIME_ELEMENTWISE_H_

#include <cstddef>

#include "../kernels/signatures.h"
#include "fpenv.h"
#include "tiled.h"

namespace ak {

// y = op(x).
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

// dx = dy·f'(in), in = x or the forward's output y (the kernel decides which it reads).
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

}  // namespace ak

#endif  // AK_RUNTIME_ELEMENTWISE_H_

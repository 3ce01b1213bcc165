// native/napi/backward.cc -- the unary backward entry points. Compiled without ISA flags.
//
//   unaryBackward(id, dy, x, y, dx, a, b) -> boolean
//       dx = dy·f'(x), or dy·g(y) when y is not null (x then ignored); false (nothing
//       written) when that op/dtype/form has no native kernel
//   unaryBackwardAsync(id, dy, x, y, dx, a, b, done) -> ticket | null
#include <memory>

#include "../dispatch/table.h"
#include "../runtime/elementwise.h"
#include "args.h"
#include "async.h"
#include "env.h"

namespace ak {
namespace napi {
namespace {

struct BackwardArgs {
  uint32_t id;
  View dy, in, dx;  // in: y when the call is from y, else x
  bool from_y;
  Params p;
};

// Parses (id, dy, x, y, dx, a, b); false after throwing.
bool read_backward(napi_env env, const napi_value* argv, BackwardArgs* b) {
  if (napi_get_value_uint32(env, argv[0], &b->id) != napi_ok || b->id >= kNumUnaryOps) {
    return throw_type(env, "unaryBackward: the op id must be an integer below the number of ops"), false;
  }
  View x, y;
  if (!get_float_view(env, argv[1], &b->dy) || !get_float_view_or_null(env, argv[2], &x) ||
      !get_float_view_or_null(env, argv[3], &y) || !get_float_view(env, argv[4], &b->dx)) {
    return throw_type(env, "unaryBackward: dy, x, y, dx must be Float32Array or Float64Array (x or y may be null)"),
           false;
  }
  b->from_y = y.present;
  b->in = y.present ? y : x;
  const View& dy = b->dy;
  if (!b->in.present || b->in.type != dy.type || b->dx.type != dy.type || b->in.length != dy.length ||
      b->dx.length != dy.length) {
    return throw_type(env, "unaryBackward: dy, dx and x (or y) must have one type and one length"), false;
  }
  if (!get_number(env, argv[5], &b->p.a) || !get_number(env, argv[6], &b->p.b)) {
    return throw_type(env, "unaryBackward: parameters a and b must be numbers"), false;
  }
  return true;
}

template <class T>
BwdKernel<T> backward_kernel(const Kernels<T>& k, const BackwardArgs& b) {
  return b.from_y ? k.bwd_y[b.id] : k.bwd_x[b.id];
}

template <class T>
BackwardCall<T> make_call(BwdKernel<T> k, const BackwardArgs& b) {
  BackwardCall<T> call(k, b.dy.cptr<T>(), b.in.cptr<T>(), b.dx.mptr<T>(), b.dy.length, b.p);
  // Three arrays per element instead of two: the forward's measured threshold is kept
  // (the backward costs at least as much per element).
  call.parallel = b.dy.length >= parallel_min(b.id);
  return call;
}

// Runs the call on this thread (and the pool); false when there is no native kernel.
template <class T>
bool run_backward(const Kernels<T>& k, const BackwardArgs& b) {
  const BwdKernel<T> kernel = backward_kernel(k, b);
  if (!kernel) return false;
  run_tiled(make_call<T>(kernel, b));
  return true;
}

template <class T>
std::unique_ptr<TiledCall> backward_async(const Kernels<T>& k, const BackwardArgs& b) {
  const BwdKernel<T> kernel = backward_kernel(k, b);
  if (!kernel) return nullptr;
  return std::unique_ptr<TiledCall>(new BackwardCall<T>(make_call<T>(kernel, b)));
}

napi_value UnaryBackward(napi_env env, napi_callback_info info) {
  Args<7, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  if (args.argc < 7) return throw_type(env, "unaryBackward: expected (id, dy, x, y, dx, a, b)");
  BackwardArgs b;
  if (!read_backward(env, args.argv, &b)) return nullptr;
  const KernelTable& t = *args.data->active;
  return boolean(env, b.dy.type == napi_float32_array ? run_backward(t.f32, b) : run_backward(t.f64, b));
}

napi_value UnaryBackwardAsync(napi_env env, napi_callback_info info) {
  Args<8, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  if (args.argc < 8) return throw_type(env, "unaryBackwardAsync: expected (id, dy, x, y, dx, a, b, done)");
  BackwardArgs b;
  if (!read_backward(env, args.argv, &b)) return nullptr;
  const KernelTable& t = *args.data->active;
  std::unique_ptr<TiledCall> call = b.dy.type == napi_float32_array ? backward_async(t.f32, b) : backward_async(t.f64, b);
  if (!call) return null_value(env);
  return start_async(env, std::move(call), args.argv + 1, 4, args[7]);
}

}  // namespace

void init_backward(napi_env env, napi_value exports, EnvState* s) {
  define(env, exports, s, {{"unaryBackward", UnaryBackward}, {"unaryBackwardAsync", UnaryBackwardAsync}});
}

}  // namespace napi
}  // namespace ak

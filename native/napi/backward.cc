// native/napi/backward.cc -- the unary backward entry points. Compiled without ISA flags.
//
//   unaryBackward(id, dy, x, y, dx, a, b[, fmt]) -> boolean
//       dx = dy·f'(x), or dy·g(y) when y is not null (x then ignored); false (nothing
//       written) when that op/dtype/form has no native kernel
//   unaryBackwardAsync(id, dy, x, y, dx, a, b, done[, fmt]) -> ticket | null
//
// dy, x, y: one type, Float32Array, Float64Array or Uint16Array (16-bit storage in
// format fmt, HalfFormat, required then); dx of that type, or a Float32Array for 16-bit
// inputs.
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
  uint32_t fmt = kFloat16;
};

// Parses (id, dy, x, y, dx, a, b) and argv[fmt_at] (the format of 16-bit arrays); false
// after throwing.
bool read_backward(napi_env env, const napi_value* argv, size_t argc, size_t fmt_at, BackwardArgs* b) {
  if (napi_get_value_uint32(env, argv[0], &b->id) != napi_ok || b->id >= kNumUnaryOps) {
    return throw_type(env, "unaryBackward: the op id must be an integer below the number of ops"), false;
  }
  View x, y;
  if (!get_storage_view(env, argv[1], &b->dy) || !get_storage_view_or_null(env, argv[2], &x) ||
      !get_storage_view_or_null(env, argv[3], &y) || !get_storage_view(env, argv[4], &b->dx)) {
    return throw_type(env, "unaryBackward: dy, x, y, dx must be Float32Array, Float64Array or Uint16Array (x or y may be null)"),
           false;
  }
  b->from_y = y.present;
  b->in = y.present ? y : x;
  const View& dy = b->dy;
  if (!b->in.present || b->in.type != dy.type || !storage_pair(dy, b->dx) || b->in.length != dy.length ||
      b->dx.length != dy.length) {
    return throw_type(env, "unaryBackward: dy, dx and x (or y) must have one type (dx: or Float32Array for 16-bit inputs) and one length"), false;
  }
  if (dy.type == napi_uint16_array && !get_half_format(env, argc > fmt_at ? argv[fmt_at] : nullptr, &b->fmt)) {
    return throw_type(env, "unaryBackward: a Uint16Array needs its format (0 float16, 1 bfloat16)"), false;
  }
  if (!get_number(env, argv[5], &b->p.a) || !get_number(env, argv[6], &b->p.b)) {
    return throw_type(env, "unaryBackward: parameters a and b must be numbers"), false;
  }
  return check_alias(env, "unaryBackward", b->dx, "options.out", dy, "dy", Alias::kInPlace) &&
         check_alias(env, "unaryBackward", b->dx, "options.out", b->in, b->from_y ? "options.y" : "x", Alias::kInPlace);
}

// Calls f(kernel, dy, in, dx) with table t's kernel for b's form and array types, and
// the typed data pointers; the kernel may be null (no native kernel).
template <class F>
auto with_backward_kernel(const KernelTable& t, const BackwardArgs& b, F&& f) {
  const unsigned id = b.id;
  switch (b.dy.type) {
    case napi_float32_array:
      return f(b.from_y ? t.f32.bwd_y[id] : t.f32.bwd_x[id], b.dy.cptr<float>(), b.in.cptr<float>(), b.dx.mptr<float>());
    case napi_float64_array:
      return f(b.from_y ? t.f64.bwd_y[id] : t.f64.bwd_x[id], b.dy.cptr<double>(), b.in.cptr<double>(), b.dx.mptr<double>());
    default: {
      const HalfKernels& k = t.half[b.fmt];
      const uint16_t* dy = b.dy.cptr<uint16_t>();
      const uint16_t* in = b.in.cptr<uint16_t>();
      if (b.dx.type == napi_uint16_array) return f(b.from_y ? k.bwd_y[id] : k.bwd_x[id], dy, in, b.dx.mptr<uint16_t>());
      return f(b.from_y ? k.bwd_y_f32[id] : k.bwd_x_f32[id], dy, in, b.dx.mptr<float>());
    }
  }
}

template <class In, class Out>
BackwardCall<In, Out> make_call(BwdKernelIO<In, Out> k, const In* dy, const In* in, Out* dx, const BackwardArgs& b) {
  BackwardCall<In, Out> call(k, dy, in, dx, b.dy.length, b.p);
  // Three arrays per element instead of two: the forward's measured threshold is kept
  // (the backward costs at least as much per element).
  call.parallel = b.dy.length >= parallel_min(b.id);
  return call;
}

napi_value UnaryBackward(napi_env env, napi_callback_info info) {
  Args<8, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  if (args.argc < 7) return throw_type(env, "unaryBackward: expected (id, dy, x, y, dx, a, b[, fmt])");
  BackwardArgs b;
  if (!read_backward(env, args.argv, args.argc, 7, &b)) return nullptr;
  const bool done = with_backward_kernel(*args.data->active, b, [&](auto k, auto dy, auto in, auto dx) {
    if (!k) return false;
    run_tiled(make_call(k, dy, in, dx, b));
    return true;
  });
  return boolean(env, done);
}

napi_value UnaryBackwardAsync(napi_env env, napi_callback_info info) {
  Args<9, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  if (args.argc < 8) return throw_type(env, "unaryBackwardAsync: expected (id, dy, x, y, dx, a, b, done[, fmt])");
  BackwardArgs b;
  if (!read_backward(env, args.argv, args.argc, 8, &b)) return nullptr;
  std::unique_ptr<TiledCall> call =
      with_backward_kernel(*args.data->active, b, [&](auto k, auto dy, auto in, auto dx) -> std::unique_ptr<TiledCall> {
        if (!k) return nullptr;
        using Call = decltype(make_call(k, dy, in, dx, b));
        return std::unique_ptr<TiledCall>(new Call(make_call(k, dy, in, dx, b)));
      });
  if (!call) return null_value(env);
  return start_async(env, std::move(call), args.argv + 1, 4, args[7]);
}

}  // namespace

void init_backward(napi_env env, napi_value exports, EnvState* s) {
  define(env, exports, s, {{"unaryBackward", UnaryBackward}, {"unaryBackwardAsync", UnaryBackwardAsync}});
}

}  // namespace napi
}  // namespace ak

// native/napi/unary.cc -- the unary forward entry points. Compiled without ISA flags.
//
//   unary(id, x, y, a, b[, fmt]) -> boolean   y = op_id(x) on the active ISA level;
//                                        false when that op/dtype has no native kernel
//                                        (the JS side then runs the twin)
//   unaryIsa(level, id, x, y, a, b[, fmt])  the same on a given level index (0 scalar,
//                                        1 avx2, 2 avx512, 3 neon), for tests and benchmarks
//   unaryAsync(id, x, y, a, b, done[, fmt]) -> ticket | null   y = op(x) on pool
//                                        workers; null (nothing started) when the
//                                        op/dtype has no native kernel
//
// x and y: Float32Array or Float64Array of one type, or x a Uint16Array of 16-bit
// storage in format fmt (HalfFormat: 0 float16, 1 bfloat16; required then) and y a
// Uint16Array (the same format) or a Float32Array.
//
// The hot path (unary) creates no object and compares no string.
#include <memory>
#include <string>

#include "../runtime/elementwise.h"
#include "args.h"
#include "async.h"
#include "env.h"

namespace ak {
namespace napi {
namespace {

// (id, x, y, a, b[, fmt]) of an element-wise unary call; false after throwing. `name`
// prefixes the messages; argv[fmt_at] is the format of 16-bit arrays.
struct UnaryArgs {
  uint32_t id;
  View x, y;
  Params p;
  uint32_t fmt = kFloat16;
};

bool read_unary(napi_env env, const char* name, const napi_value* argv, size_t argc, size_t fmt_at, UnaryArgs* u) {
  const auto fail = [&](const char* what) {
    throw_type(env, (std::string(name) + what).c_str());
    return false;
  };
  if (napi_get_value_uint32(env, argv[0], &u->id) != napi_ok || u->id >= kNumUnaryOps) {
    return fail(": the op id must be an integer below the number of ops");
  }
  if (!get_storage_view(env, argv[1], &u->x) || !get_storage_view(env, argv[2], &u->y)) {
    return fail(": x and y must be Float32Array, Float64Array or Uint16Array");
  }
  if (u->x.length != u->y.length || !storage_pair(u->x, u->y)) {
    return fail(": x and y must have the same length and type (or x 16-bit and y 16-bit or Float32Array)");
  }
  if (u->x.type == napi_uint16_array && !get_half_format(env, argc > fmt_at ? argv[fmt_at] : nullptr, &u->fmt)) {
    return fail(": a Uint16Array needs its format (0 float16, 1 bfloat16)");
  }
  if ((argc > 3 && !get_number(env, argv[3], &u->p.a)) || (argc > 4 && !get_number(env, argv[4], &u->p.b))) {
    return fail(": parameters a and b must be numbers");
  }
  return check_alias(env, name, u->y, "options.out", u->x, "x", Alias::kInPlace);
}

// Calls f(kernel, x, y) with op u.id's kernel of table t for u's array types, and the
// typed data pointers; the kernel may be null (no native kernel).
template <class F>
auto with_unary_kernel(const KernelTable& t, const UnaryArgs& u, F&& f) {
  switch (u.x.type) {
    case napi_float32_array: return f(t.f32.unary[u.id], u.x.cptr<float>(), u.y.mptr<float>());
    case napi_float64_array: return f(t.f64.unary[u.id], u.x.cptr<double>(), u.y.mptr<double>());
    default: {
      const HalfKernels& k = t.half[u.fmt];
      if (u.y.type == napi_uint16_array) return f(k.unary[u.id], u.x.cptr<uint16_t>(), u.y.mptr<uint16_t>());
      return f(k.unary_f32[u.id], u.x.cptr<uint16_t>(), u.y.mptr<float>());
    }
  }
}

// Runs op `id` on x -> y with table t; argv points at (id, x, y, a, b, fmt), argc of them.
napi_value run_unary(napi_env env, const KernelTable* t, const napi_value* argv, size_t argc) {
  if (argc < 3) return throw_type(env, "unary: expected (id, x, y[, a, b, fmt])");
  UnaryArgs u;
  if (!read_unary(env, "unary", argv, argc, 5, &u)) return nullptr;
  const bool done = with_unary_kernel(*t, u, [&](auto k, auto x, auto y) {
    if (!k) return false;
    run_unary_call(u.id, k, x, y, u.x.length, u.p);
    return true;
  });
  return boolean(env, done);
}

napi_value Unary(napi_env env, napi_callback_info info) {
  Args<6, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  return run_unary(env, args.data->active, args.argv, args.argc);
}

napi_value UnaryIsa(napi_env env, napi_callback_info info) {
  Args<7, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  uint32_t level;
  if (args.argc < 1 || napi_get_value_uint32(env, args[0], &level) != napi_ok || level >= kNumIsas) {
    return throw_type(env, "unaryIsa: the level must be an ISA index (0 scalar, 1 avx2, 2 avx512, 3 neon)");
  }
  const KernelTable* t = args.data->tables[level];
  if (t == nullptr) {
    const std::string msg = std::string("unaryIsa: ISA level ") + isa_name(static_cast<Isa>(level)) +
                            " is not available on this CPU/OS or in this build";
    return throw_range(env, msg.c_str());
  }
  return run_unary(env, t, args.argv + 1, args.argc - 1);
}

napi_value UnaryAsync(napi_env env, napi_callback_info info) {
  Args<7, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  if (args.argc < 6) return throw_type(env, "unaryAsync: expected (id, x, y, a, b, done[, fmt])");
  UnaryArgs u;
  if (!read_unary(env, "unaryAsync", args.argv, args.argc, 6, &u)) return nullptr;
  std::unique_ptr<TiledCall> call = with_unary_kernel(*args.data->active, u, [&](auto k, auto x, auto y) {
    return k ? new_unary_call(k, x, y, u.x.length, u.p) : nullptr;
  });
  if (!call) return null_value(env);
  call->parallel = u.x.length >= parallel_min(u.id);
  return start_async(env, std::move(call), args.argv + 1, 2, args[5]);
}

}  // namespace

void init_unary(napi_env env, napi_value exports, EnvState* s) {
  define(env, exports, s, {{"unary", Unary}, {"unaryIsa", UnaryIsa}, {"unaryAsync", UnaryAsync}});
}

}  // namespace napi
}  // namespace ak

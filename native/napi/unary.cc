// native/napi/unary.cc -- the unary forward entry points. Compiled without ISA flags.
//
//   unary(id, x, y, a, b) -> boolean     y = op_id(x) on the active ISA level; false
//                                        when that op/dtype has no native kernel (the
//                                        JS side then runs the twin)
//   unaryIsa(level, id, x, y, a, b)      the same on a given level index (0 scalar,
//                                        1 avx2, 2 avx512, 3 neon), for tests and benchmarks
//   unaryAsync(id, x, y, a, b, done) -> ticket | null   y = op(x) on pool workers; null
//                                        (nothing started) when the op/dtype has no
//                                        native kernel
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

// (id, x, y, a, b) of an element-wise unary call; false after throwing. `name` prefixes
// the messages.
struct UnaryArgs {
  uint32_t id;
  View x, y;
  Params p;
};

bool read_unary(napi_env env, const char* name, const napi_value* argv, size_t argc, UnaryArgs* u) {
  const auto fail = [&](const char* what) {
    throw_type(env, (std::string(name) + what).c_str());
    return false;
  };
  if (napi_get_value_uint32(env, argv[0], &u->id) != napi_ok || u->id >= kNumUnaryOps) {
    return fail(": the op id must be an integer below the number of ops");
  }
  if (!get_float_view(env, argv[1], &u->x) || !get_float_view(env, argv[2], &u->y)) {
    return fail(": x and y must be Float32Array or Float64Array");
  }
  if (u->x.type != u->y.type || u->x.length != u->y.length) {
    return fail(": x and y must have the same type and length");
  }
  if ((argc > 3 && !get_number(env, argv[3], &u->p.a)) || (argc > 4 && !get_number(env, argv[4], &u->p.b))) {
    return fail(": parameters a and b must be numbers");
  }
  return true;
}

// Runs op `id` on x -> y with table t; argv points at (id, x, y, a, b), argc of them.
napi_value run_unary(napi_env env, const KernelTable* t, const napi_value* argv, size_t argc) {
  if (argc < 3) return throw_type(env, "unary: expected (id, x, y[, a, b])");
  UnaryArgs u;
  if (!read_unary(env, "unary", argv, argc, &u)) return nullptr;
  bool done = false;
  if (u.x.type == napi_float32_array) {
    if (UnaryKernel<float> k = unary_kernel<float>(*t, u.id)) {
      run_unary_call<float>(u.id, k, u.x.cptr<float>(), u.y.mptr<float>(), u.x.length, u.p);
      done = true;
    }
  } else {
    if (UnaryKernel<double> k = unary_kernel<double>(*t, u.id)) {
      run_unary_call<double>(u.id, k, u.x.cptr<double>(), u.y.mptr<double>(), u.x.length, u.p);
      done = true;
    }
  }
  return boolean(env, done);
}

napi_value Unary(napi_env env, napi_callback_info info) {
  Args<5, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  return run_unary(env, args.data->active, args.argv, args.argc);
}

napi_value UnaryIsa(napi_env env, napi_callback_info info) {
  Args<6, EnvState> args;
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
  Args<6, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  if (args.argc < 6) return throw_type(env, "unaryAsync: expected (id, x, y, a, b, done)");
  UnaryArgs u;
  if (!read_unary(env, "unaryAsync", args.argv, args.argc, &u)) return nullptr;
  const KernelTable& t = *args.data->active;
  std::unique_ptr<TiledCall> call;
  if (u.x.type == napi_float32_array) {
    if (UnaryKernel<float> k = unary_kernel<float>(t, u.id)) {
      call.reset(new UnaryCall<float>(k, u.x.cptr<float>(), u.y.mptr<float>(), u.x.length, u.p));
    }
  } else {
    if (UnaryKernel<double> k = unary_kernel<double>(t, u.id)) {
      call.reset(new UnaryCall<double>(k, u.x.cptr<double>(), u.y.mptr<double>(), u.x.length, u.p));
    }
  }
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

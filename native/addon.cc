// native/addon.cc -- the Node-API surface of the kernels. Compiled without ISA flags.
//
// Exports (per environment: main thread and every worker get their own state):
//   unary(id, x, y, a, b) -> boolean     y = op_id(x) on the active ISA level; false
//                                        when that op/dtype has no native kernel (the
//                                        JS side then runs the twin)
//   unaryIsa(level, id, x, y, a, b)      the same on a given level index (0 scalar,
//                                        1 avx2, 2 avx512, 3 neon), for tests and benchmarks
//   configure(request[, cap]) -> info()  picks the active level once, at load (cap:
//                                        act as if the CPU's best level were cap)
//   info() -> { isa, isas, isaError, compiled }
//   ops()  -> [{ name, params }]         from ops.inc, for the registry twin test
//
// The hot path (unary) is plain Node-API: no object is created, no string is
// compared, and the data pointers of both views are used in place (the engine's
// pointer already includes byteOffset; SharedArrayBuffer-backed views work alike).
// The JS layer validated everything; the checks here only make sure a misuse throws
// a TypeError instead of reading garbage.
#include <napi.h>

#include <cstdio>
#include <string>

#include "async.h"
#include "cpu.h"
#include "dispatch.h"
#include "params.h"
#include "shaped.h"
#include "expr/napi.h"

namespace ak {
namespace {

struct EnvState {
  const KernelTable* active = nullptr;
  const KernelTable* tables[kNumIsas] = {};  // null: not runnable here
  std::string isa_error;                      // why the requested level is not the one running
};

constexpr size_t kMaxArgs = 6;

napi_value throw_type_error(napi_env env, const char* msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return nullptr;
}

struct View {
  napi_typedarray_type type;
  size_t length;
  void* data;
};

bool get_view(napi_env env, napi_value v, View* out) {
  napi_value buffer;
  size_t offset;
  return napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buffer, &offset) == napi_ok &&
         (out->type == napi_float32_array || out->type == napi_float64_array);
}

bool get_param(napi_env env, napi_value v, double* out) {
  if (napi_get_value_double(env, v, out) == napi_ok) return true;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) == napi_ok && t == napi_undefined) {
    *out = 0;
    return true;
  }
  return false;
}

// Runs op `id` on x -> y with table t; argv points at (id, x, y, a, b), argc of them.
napi_value run_unary(napi_env env, const KernelTable* t, napi_value* argv, size_t argc) {
  if (argc < 3) return throw_type_error(env, "unary: expected (id, x, y[, a, b])");
  uint32_t id;
  if (napi_get_value_uint32(env, argv[0], &id) != napi_ok || id >= kNumUnaryOps) {
    return throw_type_error(env, "unary: the op id must be an integer below the number of ops");
  }
  View x, y;
  if (!get_view(env, argv[1], &x) || !get_view(env, argv[2], &y)) {
    return throw_type_error(env, "unary: x and y must be Float32Array or Float64Array");
  }
  if (x.type != y.type || x.length != y.length) {
    return throw_type_error(env, "unary: x and y must have the same type and length");
  }
  Params p;
  if ((argc > 3 && !get_param(env, argv[3], &p.a)) || (argc > 4 && !get_param(env, argv[4], &p.b))) {
    return throw_type_error(env, "unary: parameters a and b must be numbers");
  }
  bool done = false;
  if (x.type == napi_float32_array) {
    if (UnaryKernel<float> k = unary_kernel<float>(*t, id)) {
      run_unary_call<float>(id, k, static_cast<const float*>(x.data), static_cast<float*>(y.data), x.length, p);
      done = true;
    }
  } else {
    if (UnaryKernel<double> k = unary_kernel<double>(*t, id)) {
      run_unary_call<double>(id, k, static_cast<const double*>(x.data), static_cast<double*>(y.data), x.length, p);
      done = true;
    }
  }
  napi_value r;
  napi_get_boolean(env, done, &r);
  return r;
}

napi_value Unary(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  void* data;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, &data) != napi_ok) return nullptr;
  return run_unary(env, static_cast<EnvState*>(data)->active, argv, argc);
}

napi_value UnaryIsa(napi_env env, napi_callback_info info) {
  size_t argc = kMaxArgs;
  napi_value argv[kMaxArgs];
  void* data;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, &data) != napi_ok) return nullptr;
  uint32_t level;
  if (argc < 1 || napi_get_value_uint32(env, argv[0], &level) != napi_ok || level >= kNumIsas) {
    return throw_type_error(env, "unaryIsa: the level must be an ISA index (0 scalar, 1 avx2, 2 avx512, 3 neon)");
  }
  const KernelTable* t = static_cast<EnvState*>(data)->tables[level];
  if (t == nullptr) {
    std::string msg = std::string("unaryIsa: ISA level ") + isa_name(static_cast<Isa>(level)) +
                      " is not available on this CPU/OS or in this build";
    napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg.c_str());
    return nullptr;
  }
  return run_unary(env, t, argv + 1, argc - 1);
}

Napi::Value Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const EnvState* s = static_cast<const EnvState*>(info.Data());
  Napi::Object o = Napi::Object::New(env);
  o.Set("isa", isa_name(s->active->isa));
  Napi::Array isas = Napi::Array::New(env);
  Napi::Array compiled = Napi::Array::New(env);
  for (int i = kNumIsas - 1, k = 0, c = 0; i >= 0; --i) {
    const Isa isa = static_cast<Isa>(i);
    if (s->tables[i] != nullptr) isas.Set(k++, isa_name(isa));
    if (isa_compiled(isa)) compiled.Set(c++, isa_name(isa));
  }
  o.Set("isas", isas);
  o.Set("compiled", compiled);
  o.Set("isaError", s->isa_error.empty() ? env.Null() : Napi::String::New(env, s->isa_error));
  return o;
}

// configure(request): request is ACTIVATION_KERNELS_ISA as the JS side sees it ('' or
// undefined: the best level). A level this CPU/OS cannot run, or an unknown name, is
// reported in isaError and the best available level runs instead.
Napi::Value Configure(const Napi::CallbackInfo& info) {
  EnvState* s = static_cast<EnvState*>(info.Data());
  std::string req;
  if (info.Length() > 0 && info[0].IsString()) req = info[0].As<Napi::String>().Utf8Value();
  // Optional ceiling: behave as on a CPU whose best level is `cap` (tests of the
  // refusal path on machines that have every level).
  int cap = kNumIsas - 1;
  if (info.Length() > 1 && info[1].IsNumber()) cap = info[1].As<Napi::Number>().Int32Value();
  for (int i = 0; i < kNumIsas; ++i) s->tables[i] = i <= cap ? kernel_table(static_cast<Isa>(i)) : nullptr;
  s->tables[0] = kernel_table(Isa::kScalar);  // always runnable
  Isa best = Isa::kScalar;
  for (int i = kNumIsas - 1; i >= 0; --i) {
    if (s->tables[i] != nullptr) { best = static_cast<Isa>(i); break; }
  }
  s->active = s->tables[static_cast<int>(best)];
  s->isa_error.clear();
  if (!req.empty()) {
    Isa want;
    if (!isa_from_name(req.c_str(), &want)) {
      s->isa_error = "ACTIVATION_KERNELS_ISA=\"" + req + "\" is not one of scalar, avx2, avx512, neon; using " +
                     isa_name(best);
    } else if (s->tables[static_cast<int>(want)] == nullptr) {
      s->isa_error = std::string("ACTIVATION_KERNELS_ISA=") + req +
                     " is above what this CPU and OS support; using " + isa_name(best);
    } else {
      s->active = s->tables[static_cast<int>(want)];
    }
  }
  return Info(info);
}

Napi::Value Ops(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array ops = Napi::Array::New(env);
  uint32_t i = 0;
#define AK_UNARY_OP(name, np, p0, p1)                                         \
  {                                                                           \
    Napi::Object o = Napi::Object::New(env);                                  \
    o.Set("name", #name);                                                     \
    Napi::Array params = Napi::Array::New(env);                               \
    static_assert((sizeof(p0) > 1) + (sizeof(p1) > 1) == np,                  \
                  "ops.inc: " #name "'s parameter count and names disagree");  \
    if (sizeof(p0) > 1) params.Set(0u, p0);                                   \
    if (sizeof(p1) > 1) params.Set(1u, p1);                                   \
    o.Set("params", params);                                                  \
    ops.Set(i++, o);                                                          \
  }
#include "ops.inc"
  return ops;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  EnvState* s = new EnvState();
  for (int i = 0; i < kNumIsas; ++i) s->tables[i] = kernel_table(static_cast<Isa>(i));
  s->active = s->tables[static_cast<int>(best_isa())];
  env.SetInstanceData<EnvState>(s);  // deleted when this environment is torn down

  napi_value fn;
  napi_create_function(env, "unary", NAPI_AUTO_LENGTH, Unary, s, &fn);
  exports.Set("unary", Napi::Value(env, fn));
  napi_create_function(env, "unaryIsa", NAPI_AUTO_LENGTH, UnaryIsa, s, &fn);
  exports.Set("unaryIsa", Napi::Value(env, fn));
  exports.Set("configure", Napi::Function::New(env, Configure, "configure", s));
  exports.Set("info", Napi::Function::New(env, Info, "info", s));
  exports.Set("ops", Napi::Function::New(env, Ops, "ops"));
  init_threads(env, exports, &s->active);  // async.cc: unaryAsync, setThreads, ...
  init_shaped(env, exports, &s->active);   // shaped.cc: unaryBackward, shaped and their async forms
  expr::init_expr(env, exports, &s->active);  // expr/napi.cc: runProgram(Async), stats
  return exports;
}

}  // namespace
}  // namespace ak

static Napi::Object InitActivationKernels(Napi::Env env, Napi::Object exports) { return ak::Init(env, exports); }
NODE_API_MODULE(activation_kernels, InitActivationKernels)

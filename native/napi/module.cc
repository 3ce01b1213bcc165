// native/napi/module.cc -- the addon's module: its per-environment state, the choice of
// ISA level, and the entry families' exports (napi/<family>.cc). Compiled without ISA
// flags.
//
// Exports of this file (per environment: main thread and every worker get their own state):
//   configure(request[, cap]) -> info()  picks the active level once, at load (cap:
//                                        act as if the CPU's best level were cap)
//   info() -> { isa, isas, isaError, compiled }
//   ops()  -> [{ name, params }]         from ops.inc, for the registry twin test
#include <napi.h>

#include <cstdio>
#include <string>

#include "../runtime/cpu.h"
#include "env.h"

namespace ak {
namespace napi {
namespace {

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
#include "../registry/ops.inc"
  return ops;
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  EnvState* s = new EnvState();
  for (int i = 0; i < kNumIsas; ++i) s->tables[i] = kernel_table(static_cast<Isa>(i));
  s->active = s->tables[static_cast<int>(best_isa())];
  env.SetInstanceData<EnvState>(s);  // deleted when this environment is torn down

  exports.Set("configure", Napi::Function::New(env, Configure, "configure", s));
  exports.Set("info", Napi::Function::New(env, Info, "info", s));
  exports.Set("ops", Napi::Function::New(env, Ops, "ops"));
  init_unary(env, exports, s);
  init_backward(env, exports, s);
  init_shaped(env, exports, s);
  init_fused(env, exports, s);
  init_expr(env, exports, s);
  init_async(env, exports);
  return exports;
}

}  // namespace
}  // namespace napi
}  // namespace ak

static Napi::Object InitActivationKernels(Napi::Env env, Napi::Object exports) { return ak::napi::Init(env, exports); }
NODE_API_MODULE(activation_kernels, InitActivationKernels)

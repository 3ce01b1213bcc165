// native/expr/test_addon.cc -- a minimal addon carrying only the pool and the
// compiled-expression entry points, built by test/expr-native.test.ts to check
// native/napi/expr.cc through Node-API before it is linked into the real addon.
//   useIsa(level) -> boolean   0 scalar, 1 avx2, 2 avx512 (false: not runnable here)
#include <node_api.h>

#include "../napi/env.h"
#include "../runtime/cpu.h"

namespace {

ak::napi::EnvState g_state;  // the test loads this addon on the main thread only

napi_value UseIsa(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  int32_t level = -1;
  napi_get_value_int32(env, argv[0], &level);
  const ak::KernelTable* t =
      level >= 0 && level < ak::kNumIsas ? ak::kernel_table(static_cast<ak::Isa>(level)) : nullptr;
  if (t != nullptr) g_state.active = t;
  napi_value r;
  napi_get_boolean(env, t != nullptr, &r);
  return r;
}

napi_value Init(napi_env env, napi_value exports) {
  g_state.active = ak::kernel_table(ak::best_isa());
  ak::napi::init_async(env, exports);
  ak::napi::init_expr(env, exports, &g_state);
  napi_value fn;
  napi_create_function(env, "useIsa", NAPI_AUTO_LENGTH, UseIsa, nullptr, &fn);
  napi_set_named_property(env, exports, "useIsa", fn);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)

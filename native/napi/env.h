// native/napi/env.h -- what one Node environment (the main thread, each worker) keeps,
// and the entry families that add their functions to the addon's exports.
#ifndef AK_NAPI_ENV_H_
#define AK_NAPI_ENV_H_

#include <node_api.h>

#include <string>

#include "../dispatch/table.h"

namespace ak {
namespace napi {

// Owned by the environment (freed when it is torn down); only its JS thread reads it,
// at each call. Pool threads never touch it: a call copies the kernels it runs.
struct EnvState {
  const KernelTable* active = nullptr;        // the level every entry point runs
  const KernelTable* tables[kNumIsas] = {};   // null: not runnable here
  std::string isa_error;                      // why the requested level is not the one running
};

// Each adds its family's functions (see the file named) to `exports`.
void init_unary(napi_env env, napi_value exports, EnvState* s);     // unary.cc: unary, unaryIsa, unaryAsync
void init_backward(napi_env env, napi_value exports, EnvState* s);  // backward.cc: unaryBackward(Async)
void init_shaped(napi_env env, napi_value exports, EnvState* s);    // shaped.cc: shaped(Async)
void init_fused(napi_env env, napi_value exports, EnvState* s);     // fused.cc: fused(Async)
void init_expr(napi_env env, napi_value exports, EnvState* s);      // expr.cc: runProgram(Async), stats
// async.cc: cancelAsync, setThreads, threads, setParallelMin, poolStats, and this
// environment's completion channel (start_async, async.h).
void init_async(napi_env env, napi_value exports);

}  // namespace napi
}  // namespace ak

#endif  // AK_NAPI_ENV_H_

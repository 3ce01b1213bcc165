// native/expr/napi.h -- hooks the compiled-expression entry points (runProgram,
// runProgramAsync) into the addon's exports; see napi.cc.
#ifndef AK_EXPR_NAPI_H_
#define AK_EXPR_NAPI_H_

#include <node_api.h>

#include "../dispatch.h"

namespace ak {
namespace expr {

// `active`: where the environment keeps its active kernel table (as for init_threads).
void init_expr(napi_env env, napi_value exports, const KernelTable* const* active);

}  // namespace expr
}  // namespace ak

#endif  // AK_EXPR_NAPI_H_

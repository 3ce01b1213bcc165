// native/napi/async.h -- how a TiledCall (runtime/tiled.h) runs off the JS thread:
// start_async(env, call, keep, done) queues it on pool workers only, the JS thread
// returns at once, and done(status) is called back on the JS thread.
#ifndef AK_NAPI_ASYNC_H_
#define AK_NAPI_ASYNC_H_

#include <node_api.h>

#include <cstddef>
#include <memory>

#include "../runtime/tiled.h"

namespace ak {
namespace napi {

// Starts `call` on the pool and returns its ticket (a number, for cancelAsync) or null
// after throwing. The values in keep[0..nkeep) (the arrays the call reads and writes,
// at most kMaxKeep) stay referenced until it settles; `done` is called on this JS
// thread with 0 when the call completed. A call withdrawn by cancelAsync() before it
// started never calls done. When the environment is torn down first
// (worker.terminate()), running tiles finish, the rest never start, and nothing calls
// back into the dead environment.
constexpr size_t kMaxKeep = 4;
napi_value start_async(napi_env env, std::unique_ptr<TiledCall> call, const napi_value* keep, size_t nkeep,
                       napi_value done);

}  // namespace napi
}  // namespace ak

#endif  // AK_NAPI_ASYNC_H_

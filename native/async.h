// native/async.h -- how a TiledCall (runtime/tiled.h) runs off the JS thread:
// start_async(env, call, keep, done) queues it on pool workers only, the JS thread
// returns at once, and done(status) is called back on the JS thread.
#ifndef AK_ASYNC_H_
#define AK_ASYNC_H_

#include <node_api.h>

#include <cstddef>
#include <memory>

#include "dispatch.h"
#include "runtime/tiled.h"

namespace ak {

// Starts `call` on the pool and returns its ticket (a number, for cancelAsync) or null
// after throwing. The values in keep[0..nkeep) (the arrays the call reads and writes)
// stay referenced until it settles; `done` is called on this JS thread with 0 when the
// call completed. A call withdrawn by cancelAsync() before it started never calls done.
// When the environment is torn down first (worker.terminate()), running tiles finish,
// the rest never start, and nothing calls back into the dead environment.
napi_value start_async(napi_env env, std::unique_ptr<TiledCall> call, const napi_value* keep, size_t nkeep,
                       napi_value done);

// Adds the pool's entry points to `exports` (see async.cc) and sets up this
// environment's completion channel. `active` is where the environment keeps its active
// kernel table (read on the JS thread at each call).
void init_threads(napi_env env, napi_value exports, const KernelTable* const* active);

}  // namespace ak

#endif  // AK_ASYNC_H_

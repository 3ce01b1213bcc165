// native/napi/async.cc -- the thread pool's Node-API side.
//
// Exports (added to the addon's exports by init_async):
//   cancelAsync(ticket) -> boolean  withdraws a call no tile of which has started: true
//                                  means nothing was written and done will not be called
//   setThreads(n), threads()       the pool's size (process-wide)
//   setParallelMin(mins)           per unary op id, the element count from which a call
//                                  is split over threads (the registry's measured values)
//   poolStats() -> {...}           counters, for tests
//
// Completion travels back through one thread-safe function per environment (a uv_async
// handle: no libuv threadpool involved; that pool stays free for fs and dns). It is
// referenced only while calls are pending, so pending work keeps the process alive as an
// fs call would, and an idle addon never does.
//
// Teardown of an environment (a worker terminated, possibly mid-call): the cleanup hook,
// registered after the thread-safe function (hooks run in reverse order, so ours runs
// first), closes the channel, stops each pending call -- tiles already running finish,
// the others never start -- waits for that, and frees everything. The arrays' memory is
// still alive while the hook runs, and no pool thread touches the environment after it.
#include "async.h"

#include <atomic>
#include <cstdint>
#include <limits>
#include <mutex>
#include <unordered_map>

#include "../kernels/signatures.h"
#include "../runtime/pool.h"
#include "args.h"
#include "env.h"

namespace ak {
namespace napi {
namespace {

struct AsyncEnv;

struct AsyncCall {
  pool::Job job;
  std::unique_ptr<TiledCall> call;
  size_t ntiles;  // call->tiles(); the job has at least one (see start_async)
  AsyncEnv* owner;
  uint64_t ticket;
  napi_ref keep[kMaxKeep];
  size_t nkeep;
  napi_ref done;
};

struct AsyncEnv {
  napi_env env;
  napi_threadsafe_function tsfn = nullptr;
  // Pool threads deliver completions through tsfn under mu; the cleanup hook sets
  // closing under mu, after which none will.
  std::mutex mu;
  bool closing = false;
  // JS thread only: calls not yet settled, by ticket.
  std::unordered_map<uint64_t, AsyncCall*> live;
  uint64_t next_ticket = 0;
};

std::mutex g_envs_mu;
std::unordered_map<napi_env, AsyncEnv*> g_envs;

AsyncEnv* find_env(napi_env env) {
  std::lock_guard<std::mutex> lk(g_envs_mu);
  auto it = g_envs.find(env);
  return it == g_envs.end() ? nullptr : it->second;
}

void run_job_tile(void* ctx, size_t t) {
  const AsyncCall* c = static_cast<const AsyncCall*>(ctx);
  if (t < c->ntiles) c->call->run(t);
}

// Pool thread, under the pool lock: the call is complete; hand it to its JS thread.
void on_job_done(pool::Job* job) {
  AsyncCall* c = static_cast<AsyncCall*>(job->ctx);
  AsyncEnv* e = c->owner;
  std::lock_guard<std::mutex> lk(e->mu);
  if (!e->closing) napi_call_threadsafe_function(e->tsfn, c, napi_tsfn_nonblocking);
}

// Drops the call's references and memory; JS thread.
void release(AsyncEnv* e, AsyncCall* c) {
  for (size_t i = 0; i < c->nkeep; ++i) napi_delete_reference(e->env, c->keep[i]);
  napi_delete_reference(e->env, c->done);
  e->live.erase(c->ticket);
  delete c;
  if (e->live.empty()) napi_unref_threadsafe_function(e->env, e->tsfn);
}

// JS thread: a completion arrived. env is null when the channel is being torn down;
// then the cleanup hook has already freed the call, so nothing may be touched.
void deliver(napi_env env, napi_value /*js_cb*/, void* context, void* data) {
  if (env == nullptr) return;
  AsyncEnv* e = static_cast<AsyncEnv*>(context);
  AsyncCall* c = static_cast<AsyncCall*>(data);
  napi_value done = nullptr, undefined, status;
  napi_get_reference_value(env, c->done, &done);
  release(e, c);
  if (done == nullptr) return;
  napi_get_undefined(env, &undefined);
  napi_create_uint32(env, 0, &status);
  napi_call_function(env, undefined, done, 1, &status, nullptr);
}

void cleanup_env(void* arg) {
  AsyncEnv* e = static_cast<AsyncEnv*>(arg);
  {
    std::lock_guard<std::mutex> lk(e->mu);
    e->closing = true;
  }
  for (auto& kv : e->live) {
    AsyncCall* c = kv.second;
    pool::cancel_and_wait(&c->job);
    for (size_t i = 0; i < c->nkeep; ++i) napi_delete_reference(e->env, c->keep[i]);
    napi_delete_reference(e->env, c->done);
    delete c;
  }
  e->live.clear();
  {
    std::lock_guard<std::mutex> lk(g_envs_mu);
    g_envs.erase(e->env);
  }
  // The thread-safe function itself is finalised by Node right after this hook.
  delete e;
}

napi_value CancelAsync(napi_env env, napi_callback_info info) {
  Args<1, AsyncEnv> args;
  if (!args.read(env, info)) return nullptr;
  AsyncEnv* e = args.data;
  double t = 0;
  bool withdrawn = false;
  if (args.argc >= 1 && napi_get_value_double(env, args[0], &t) == napi_ok && t >= 1 && t <= 9007199254740992.0) {
    auto it = e->live.find(static_cast<uint64_t>(t));
    if (it != e->live.end() && pool::try_cancel(&it->second->job)) {
      release(e, it->second);
      withdrawn = true;
    }
  }
  return boolean(env, withdrawn);
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args<1, AsyncEnv> args;
  if (!args.read(env, info)) return nullptr;
  double n;
  if (args.argc < 1 || napi_get_value_double(env, args[0], &n) != napi_ok || !(n >= 1) || n != static_cast<uint32_t>(n)) {
    return throw_type(env, "setThreads: expected a positive integer");
  }
  pool::set_threads(n > pool::kMaxThreads ? pool::kMaxThreads : static_cast<unsigned>(n));
  napi_value r;
  napi_create_uint32(env, pool::threads(), &r);
  return r;
}

napi_value Threads(napi_env env, napi_callback_info /*info*/) {
  napi_value r;
  napi_create_uint32(env, pool::threads(), &r);
  return r;
}

// setParallelMin(mins): mins[id] for every unary op id; Infinity: never split.
napi_value SetParallelMin(napi_env env, napi_callback_info info) {
  Args<1, AsyncEnv> args;
  if (!args.read(env, info)) return nullptr;
  const size_t argc = args.argc;
  napi_value* argv = args.argv;
  bool is_array = false;
  uint32_t len = 0;
  if (argc < 1 || napi_is_array(env, argv[0], &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, argv[0], &len) != napi_ok || len != kNumUnaryOps) {
    return throw_type(env, "setParallelMin: expected an array with one count per unary op");
  }
  size_t mins[static_cast<size_t>(kNumUnaryOps)];
  for (uint32_t i = 0; i < len; ++i) {
    napi_value v;
    double d;
    if (napi_get_element(env, argv[0], i, &v) != napi_ok || napi_get_value_double(env, v, &d) != napi_ok ||
        !(d >= 0)) {
      return throw_type(env, "setParallelMin: every count must be a number >= 0");
    }
    mins[i] = d >= 1.8e19 ? std::numeric_limits<size_t>::max() : static_cast<size_t>(d);
  }
  set_parallel_min(mins);
  napi_value r;
  napi_get_undefined(env, &r);
  return r;
}

napi_value PoolStats(napi_env env, napi_callback_info info) {
  Args<0, AsyncEnv> args;
  if (!args.read(env, info)) return nullptr;
  AsyncEnv* e = args.data;
  const pool::Stats s = pool::stats();
  napi_value o, v;
  napi_create_object(env, &o);
  auto set = [&](const char* k, double d) {
    napi_create_double(env, d, &v);
    napi_set_named_property(env, o, k, v);
  };
  set("threads", pool::threads());
  set("workers", s.workers);
  set("active", s.active);
  set("queued", s.queued);
  set("submitted", static_cast<double>(s.submitted));
  set("retired", static_cast<double>(s.retired));
  set("pending", static_cast<double>(e->live.size()));  // this environment's unsettled calls
  return o;
}

}  // namespace

napi_value start_async(napi_env env, std::unique_ptr<TiledCall> call, const napi_value* keep, size_t nkeep,
                       napi_value done) {
  AsyncEnv* e = find_env(env);
  if (e == nullptr) return throw_type(env, "start_async: init_async was not called for this environment");
  napi_valuetype t;
  if (napi_typeof(env, done, &t) != napi_ok || t != napi_function) {
    return throw_type(env, "async call: the completion callback must be a function");
  }
  AsyncCall* c = new AsyncCall();
  if (nkeep > kMaxKeep) nkeep = kMaxKeep;
  c->nkeep = 0;
  for (size_t i = 0; i < nkeep; ++i) {
    if (napi_create_reference(env, keep[i], 1, &c->keep[c->nkeep]) == napi_ok) ++c->nkeep;
  }
  napi_create_reference(env, done, 1, &c->done);
  c->owner = e;
  c->ticket = ++e->next_ticket;
  // A call with no tile (an empty array) still completes through the pool, as one
  // empty tile, so every promise settles the same way.
  c->ntiles = call->tiles();
  c->job.ntiles = c->ntiles > 0 ? c->ntiles : 1;
  c->job.max_threads = call->parallel ? ~0u : 1u;
  c->job.run = run_job_tile;
  c->job.ctx = c;
  c->job.on_done = on_job_done;
  c->call = std::move(call);
  if (e->live.empty()) napi_ref_threadsafe_function(env, e->tsfn);
  e->live.emplace(c->ticket, c);
  pool::submit(&c->job);
  napi_value r;
  napi_create_double(env, static_cast<double>(c->ticket), &r);
  return r;
}

void init_async(napi_env env, napi_value exports) {
  AsyncEnv* e = new AsyncEnv();
  e->env = env;
  napi_value name;
  napi_create_string_utf8(env, "activation-kernels completion", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, e, deliver,
                                      &e->tsfn) != napi_ok) {
    delete e;
    return;  // no async entry points in this environment; the JS side runs the twin
  }
  napi_unref_threadsafe_function(env, e->tsfn);
  // After the thread-safe function: cleanup hooks run last-registered first.
  napi_add_env_cleanup_hook(env, cleanup_env, e);
  {
    std::lock_guard<std::mutex> lk(g_envs_mu);
    g_envs[env] = e;
  }
  define(env, exports, e,
         {{"cancelAsync", CancelAsync},
          {"setThreads", SetThreads},
          {"threads", Threads},
          {"setParallelMin", SetParallelMin},
          {"poolStats", PoolStats}});
}

}  // namespace napi
}  // namespace ak

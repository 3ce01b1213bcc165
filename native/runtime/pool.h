// native/runtime/pool.h -- the process-wide compute pool.
//
// One pool per process, whatever the number of Node environments (main thread,
// worker_threads) that loaded the addon: it is a plain C++ static that holds no JS
// handle, so every environment may use it from its own thread.
//
// The model: a job is `ntiles` independent tiles; run(ctx, t) is called exactly once
// for every t in [0, ntiles), in any order, on any thread. Tiles are handed out one at
// a time from an atomic counter, so a thread that finishes early takes the next tile
// (dynamic load balancing) and the split never depends on timing for its *result*,
// only for which thread computes which tile.
//
// "Slots" bound the parallelism: at most threads() threads run tiles of multi-tile
// jobs at any moment, counting the pool's workers and the callers that take part in
// their own jobs. A sync caller takes part when a slot is free; when none is, it queues
// its job and sleeps until the workers have run it. A thread already inside a tile
// (a parallel_for issued from a pool task) keeps its slot and runs its nested job
// inline; it only ever waits for tiles that another thread has already started, so
// no cycle of waits -- no deadlock -- can form. Workers sleep on a condition variable
// when there is nothing to do: an idle pool costs no CPU.
//
// When several jobs are queued, workers spread over them (the job with the fewest
// participants first) and re-choose after every tile once a new job arrives, so a small
// call queued behind a huge one is not starved.
#ifndef AK_RUNTIME_POOL_H_
#define AK_RUNTIME_POOL_H_

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace ak {
namespace pool {

struct Job;
using TileFn = void (*)(void* ctx, size_t tile);
// Called once, on a pool thread, when every tile of a submitted job has run. It is the
// pool's last access to the Job: the callee may hand the job to another thread that
// frees it. It runs under the pool's lock, so it must be short and must not call into
// the pool. Never called for a job withdrawn by try_cancel or cancel_and_wait.
using DoneFn = void (*)(Job* job);

struct Job {
  // Filled by the submitter.
  TileFn run = nullptr;
  void* ctx = nullptr;
  size_t ntiles = 0;
  // At most this many threads work on the job at once (1: run it as one task).
  unsigned max_threads = ~0u;
  DoneFn on_done = nullptr;  // submit() only

  // The pool's bookkeeping; untouched by users.
  std::atomic<size_t> next{0};  // next unclaimed tile
  enum class State : uint8_t { kNew, kQueued, kDraining, kRetired };
  State state = State::kNew;  // under the pool lock from here on
  bool submitted = false;
  std::atomic<bool> retired{false};  // kRetired, readable without the lock (owner's spin)
  unsigned participants = 0;
  std::condition_variable* waiter = nullptr;  // the variable a thread waits on for kRetired
  bool sleeping = false;  // that thread is (about to be) blocked on it, under the lock
  Job* prev = nullptr;
  Job* nextq = nullptr;
};

// Runs run(ctx, t) for every t in [0, ntiles) and returns when all have run. The
// calling thread computes tiles itself when it may (see above). ntiles <= 1, a pool of
// one thread, or a call from inside a tile of a one-thread job run inline.
void parallel_for(size_t ntiles, TileFn run, void* ctx);

template <class F>
void parallel_for(size_t ntiles, F&& f) {
  using Fn = typename std::remove_reference<F>::type;
  parallel_for(ntiles, [](void* c, size_t t) { (*static_cast<Fn*>(c))(t); },
               const_cast<void*>(static_cast<const void*>(&f)));
}

// Queues `job` and returns at once; its tiles run on pool workers only (never on the
// caller), then job->on_done is called. The job must stay alive until then, or until
// try_cancel() returned true, or cancel_and_wait() returned.
void submit(Job* job);

// Withdraws a submitted job if no tile of it has started. true: nothing ran and
// on_done will not be called. false: it is running or done; on_done is (or was) called.
bool try_cancel(Job* job);

// Stops handing out tiles of `job` and waits until no tile of it runs any more. When it
// returns the pool has forgotten the job: on_done has either returned already or will
// never be called. Used when the job's owner goes away (a worker_thread's environment
// being torn down): afterwards its memory may be freed.
void cancel_and_wait(Job* job);

// Pool size: the number of threads that may compute at once. Lazily created on the
// first multi-tile job. Initial value: ACTIVATION_KERNELS_THREADS when it is a
// positive integer, else the available hardware parallelism. n is clamped to
// [1, kMaxThreads]. Shrinking waits for the retired workers' current tile.
constexpr unsigned kMaxThreads = 256;
void set_threads(unsigned n);
unsigned threads();

// Counters for tests and diagnostics.
struct Stats {
  uint64_t submitted;  // jobs through submit()
  uint64_t retired;    // submitted jobs the pool is done with (completed or cancelled)
  unsigned workers;    // worker threads alive
  unsigned active;     // threads holding a slot right now
  unsigned queued;     // jobs waiting for workers
};
Stats stats();

// True on a pool worker thread or while a thread runs a tile: lets callers avoid
// blocking operations that only make sense on a JS thread.
bool in_tile();

}  // namespace pool
}  // namespace ak

#endif  // AK_RUNTIME_POOL_H_

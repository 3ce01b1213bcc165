// native/runtime/pool.cc -- see pool.h for the model. Everything that decides who runs
// what happens under one mutex; only claiming a tile (an atomic fetch_add) and running
// it happen outside it. Jobs are never touched by the pool after their on_done, and a
// waiting owner cannot return before the thread that retired its job released the
// lock, so a Job may live on its owner's stack.
#include "pool.h"

#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__x86_64__) || defined(_M_X64) || defined(__i386__)
#include <immintrin.h>
#define AK_CPU_RELAX() _mm_pause()
#elif defined(__aarch64__)
#define AK_CPU_RELAX() __asm__ __volatile__("yield")
#else
#define AK_CPU_RELAX() ((void)0)
#endif

namespace ak {
namespace pool {
namespace {

// True while this thread holds a slot: a worker between picking a job and going back to
// sleep, or a caller taking part in its own job. A parallel_for issued then runs with
// the slot it already has instead of asking for another (which could never come if every
// slot were held by threads waiting like it).
thread_local bool t_holds_slot = false;
thread_local bool t_in_tile = false;

// One condition variable per thread, for "my job is retired". Notified under the pool
// lock by the thread that retires the job; the waiter is blocked on that lock or on the
// variable, so the variable (thread-local: alive as long as its thread) outlives the use.
std::condition_variable& own_cv() {
  thread_local std::condition_variable cv;
  return cv;
}

unsigned available_parallelism() {
#if defined(__linux__)
  // The CPUs this process may run on (taskset, cgroup cpusets), as Node's
  // os.availableParallelism() counts them; hardware_concurrency() counts every CPU.
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return static_cast<unsigned>(n);
  }
#endif
  unsigned n = std::thread::hardware_concurrency();
  return n ? n : 1;
}

using Clock = std::chrono::steady_clock;

// How long a thread polls before it sleeps. A caller that has run out of tiles waits
// for the last tiles others are running (microseconds); a worker that has run out of
// work watches for the next call of a loop of calls. A futex sleep and wake-up would
// cost more than that, and far more on a loaded machine, where the woken thread waits
// for a time slice. Polling is bounded, so an idle pool still sleeps.
constexpr auto kOwnerSpin = std::chrono::microseconds(200);
constexpr auto kWorkerSpin = std::chrono::microseconds(50);

// Polls `ready` for up to `budget`: pause first, then yield the CPU (so on an
// oversubscribed machine the thread we wait for can use this core). True when ready.
template <class Ready>
bool spin_until(Ready ready, Clock::duration budget) {
  for (int i = 0; i < 64; ++i) {
    if (ready()) return true;
    AK_CPU_RELAX();
  }
  const Clock::time_point end = Clock::now() + budget;
  do {
    for (int i = 0; i < 16; ++i) {
      if (ready()) return true;
      AK_CPU_RELAX();
    }
    std::this_thread::yield();
  } while (Clock::now() < end);
  return ready();
}

unsigned clamp_threads(unsigned long long n) {
  if (n < 1) return 1;
  if (n > kMaxThreads) return kMaxThreads;
  return static_cast<unsigned>(n);
}

// ACTIVATION_KERNELS_THREADS when it is a decimal integer >= 1 (clamped to kMaxThreads);
// anything else is ignored (the JS loader reports it: it sees the same variable).
unsigned initial_threads() {
  const char* s = std::getenv("ACTIVATION_KERNELS_THREADS");
  if (s && *s) {
    unsigned long long v = 0;
    const char* p = s;
    for (; *p >= '0' && *p <= '9' && v <= kMaxThreads; ++p) v = v * 10 + static_cast<unsigned>(*p - '0');
    if (*p == '\0' && v >= 1) return clamp_threads(v);
  }
  return clamp_threads(available_parallelism());
}

class Pool {
 public:
  Pool() : limit_(initial_threads()) {}

  void parallel_for(size_t ntiles, TileFn run, void* ctx) {
    std::unique_lock<std::mutex> lk(mu_);
    if (stop_) {  // process exit in progress: no workers any more
      lk.unlock();
      for (size_t t = 0; t < ntiles; ++t) run(ctx, t);
      return;
    }
    const bool nested = t_holds_slot;
    bool mine = false;
    if (!nested && active_ < limit_) {
      ++active_;
      mine = true;
    }
    const bool participate = nested || mine;
    if (participate && limit_ == 1) {
      // This thread holds the only slot: nobody could help, so skip the queue.
      lk.unlock();
      run_inline(ntiles, run, ctx);
      lk.lock();
      if (mine) release_slot_locked();
      return;
    }
    ensure_started_locked();
    Job job;
    job.run = run;
    job.ctx = ctx;
    job.ntiles = ntiles;
    job.waiter = &own_cv();
    enqueue_locked(&job, participate ? 1 : 0);
    if (participate) {
      ++job.participants;
      const bool had = t_holds_slot;
      t_holds_slot = true;
      lk.unlock();
      run_tiles(&job, nullptr);
      lk.lock();
      t_holds_slot = had;
      leave_locked(&job);
      if (mine) release_slot_locked();
    }
    if (job.state != Job::State::kRetired) {
      lk.unlock();
      if (spin_until([&job] { return job.retired.load(std::memory_order_acquire); }, kOwnerSpin)) return;
      lk.lock();
      job.sleeping = true;
      while (job.state != Job::State::kRetired) job.waiter->wait(lk);
    }
  }

  void submit(Job* job) {
    std::lock_guard<std::mutex> lk(mu_);
    job->submitted = true;
    ++submitted_;
    if (stop_) return;  // exiting: it will never run, and nobody will wait for it
    ensure_started_locked();
    enqueue_locked(job, 0);
  }

  bool try_cancel(Job* job) {
    std::lock_guard<std::mutex> lk(mu_);
    if (job->state != Job::State::kQueued || job->participants != 0 ||
        job->next.load(std::memory_order_relaxed) != 0)
      return false;
    unlink_locked(job);
    job->on_done = nullptr;
    retire_locked(job);
    return true;
  }

  void cancel_and_wait(Job* job) {
    std::unique_lock<std::mutex> lk(mu_);
    if (job->state == Job::State::kRetired || job->state == Job::State::kNew) return;
    job->on_done = nullptr;
    // Tiles already claimed still run; every later claim sees the job exhausted.
    job->next.store(job->ntiles, std::memory_order_relaxed);
    if (job->state == Job::State::kQueued) {
      unlink_locked(job);
      job->state = Job::State::kDraining;
    }
    if (job->participants == 0) {
      retire_locked(job);
      return;
    }
    std::condition_variable& cv = own_cv();
    job->waiter = &cv;
    job->sleeping = true;
    while (job->state != Job::State::kRetired) cv.wait(lk);
  }

  void set_threads(unsigned n) {
    n = clamp_threads(n);
    std::lock_guard<std::mutex> config(config_mu_);  // one resize at a time
    std::vector<std::thread> leaving;
    {
      std::lock_guard<std::mutex> lk(mu_);
      if (stop_ || n == limit_) return;
      limit_ = n;
      bump_epoch_locked();
      if (started_) {
        while (workers_.size() > n) {
          leaving.push_back(std::move(workers_.back()));
          workers_.pop_back();
        }
        spawn_locked();
      }
      work_cv_.notify_all();  // retiring workers leave; waiting ones may have a slot now
    }
    for (std::thread& t : leaving) t.join();  // each finishes at most its current tile
  }

  unsigned threads() {
    std::lock_guard<std::mutex> lk(mu_);
    return limit_;
  }

  Stats stats() {
    std::lock_guard<std::mutex> lk(mu_);
    unsigned q = 0;
    for (Job* j = head_; j; j = j->nextq) ++q;
    return Stats{submitted_, retired_, alive_, active_, q};
  }

  // At process exit: stop handing out work and join the workers, each after at most
  // the tile it is running, so no pool thread outlives the code and data it uses.
  void shutdown() {
    std::vector<std::thread> all;
    {
      std::lock_guard<std::mutex> lk(mu_);
      stop_ = true;
      bump_epoch_locked();
      all.swap(workers_);
      work_cv_.notify_all();
    }
    for (std::thread& t : all) {
#if defined(_WIN32)
      // Joining from an exit-time destructor runs under the loader lock on Windows and
      // would deadlock against the exiting thread; the workers see stop_ and return.
      t.detach();
#else
      t.join();
#endif
    }
  }

 private:
  void run_inline(size_t ntiles, TileFn run, void* ctx) {
    const bool had = t_holds_slot;
    t_holds_slot = true;
    const bool tile = t_in_tile;
    t_in_tile = true;
    for (size_t t = 0; t < ntiles; ++t) run(ctx, t);
    t_in_tile = tile;
    t_holds_slot = had;
  }

  // Claims and runs tiles until the job is exhausted. With `epoch` (workers), also stops
  // after any tile once the epoch moved -- a new job or a new limit -- so the worker can
  // re-choose where it is most useful. Returns whether it stopped for that reason.
  bool run_tiles(Job* job, const uint64_t* epoch) {
    const bool tile = t_in_tile;
    t_in_tile = true;
    bool moved = false;
    for (;;) {
      const size_t t = job->next.fetch_add(1, std::memory_order_relaxed);
      if (t >= job->ntiles) break;
      job->run(job->ctx, t);
      if (epoch && epoch_.load(std::memory_order_relaxed) != *epoch) {
        moved = true;
        break;
      }
    }
    t_in_tile = tile;
    return moved;
  }

  void worker_main(unsigned index) {
    std::unique_lock<std::mutex> lk(mu_);
    bool just_worked = false;
    for (;;) {
      if (stop_ || index >= limit_) break;
      Job* job = active_ < limit_ ? pick_locked() : nullptr;
      if (!job) {
        if (just_worked) {
          // Watch for the next call for a moment before sleeping (see kWorkerSpin).
          just_worked = false;
          ++spinning_;
          const uint64_t seen = epoch_.load(std::memory_order_relaxed);
          lk.unlock();
          spin_until([&] { return epoch_.load(std::memory_order_relaxed) != seen; }, kWorkerSpin);
          lk.lock();
          --spinning_;
          continue;
        }
        work_cv_.wait(lk);
        continue;
      }
      just_worked = true;
      ++active_;
      t_holds_slot = true;
      while (job) {
        ++job->participants;
        const uint64_t epoch = epoch_.load(std::memory_order_relaxed);
        lk.unlock();
        run_tiles(job, &epoch);
        lk.lock();
        leave_locked(job);
        job = nullptr;
        if (stop_ || index >= limit_ || active_ > limit_) break;
        job = pick_locked();
      }
      t_holds_slot = false;
      release_slot_locked();
    }
    --alive_;
  }

  void release_slot_locked() {
    --active_;
    if (head_ && active_ < limit_) work_cv_.notify_one();
  }

  // The queued job with the fewest participants that can take one more; on ties the one
  // with the fewest tiles handed out, so a call that just arrived is served before the
  // rest of a long one (short calls keep a short latency). Null when none.
  Job* pick_locked() {
    Job* best = nullptr;
    size_t best_next = 0;
    for (Job* j = head_; j; j = j->nextq) {
      if (j->participants >= j->max_threads) continue;
      const size_t next = j->next.load(std::memory_order_relaxed);
      if (next >= j->ntiles) continue;  // exhausted: its participants are about to leave
      // Nobody on it and nothing handed out: nothing can beat it, stop scanning (with
      // thousands of small async calls queued, the scan would otherwise be quadratic).
      if (j->participants == 0 && next == 0) return j;
      if (!best || j->participants < best->participants ||
          (j->participants == best->participants && next < best_next)) {
        best = j;
        best_next = next;
      }
    }
    return best;
  }

  // `present`: threads that will work on it without being woken (its caller).
  void enqueue_locked(Job* job, unsigned present) {
    job->state = Job::State::kQueued;
    job->prev = tail_;
    job->nextq = nullptr;
    if (tail_) tail_->nextq = job; else head_ = job;
    tail_ = job;
    bump_epoch_locked();
    // Wake only as many workers as could start now: free slots, tiles left for them.
    size_t want = job->ntiles > present ? job->ntiles - present : 0;
    if (job->max_threads < want + present) want = job->max_threads > present ? job->max_threads - present : 0;
    const size_t free = limit_ > active_ ? limit_ - active_ : 0;
    if (want > free) want = free;
    // Workers polling for work see the new epoch without a wake-up.
    want = want > spinning_ ? want - spinning_ : 0;
    if (want >= workers_.size()) {
      work_cv_.notify_all();
    } else {
      for (size_t i = 0; i < want; ++i) work_cv_.notify_one();
    }
  }

  void unlink_locked(Job* job) {
    if (job->prev) job->prev->nextq = job->nextq; else head_ = job->nextq;
    if (job->nextq) job->nextq->prev = job->prev; else tail_ = job->prev;
    job->prev = job->nextq = nullptr;
  }

  void leave_locked(Job* job) {
    --job->participants;
    if (job->next.load(std::memory_order_relaxed) < job->ntiles) return;
    if (job->state == Job::State::kQueued) {
      unlink_locked(job);
      job->state = Job::State::kDraining;
    }
    if (job->participants == 0) retire_locked(job);
  }

  void retire_locked(Job* job) {
    // Only a waiter blocked on the lock or the variable is sure to be there after the
    // job retires: a spinning owner may return, and its thread end, the moment it sees
    // `retired`; then its variable is never touched.
    std::condition_variable* waiter = job->sleeping ? job->waiter : nullptr;
    DoneFn done = job->on_done;
    if (job->submitted) ++retired_;
    job->state = Job::State::kRetired;
    // The last touches of the job: once `retired` is seen, or after on_done, its owner
    // may free it.
    if (done && !stop_) done(job);
    else job->retired.store(true, std::memory_order_release);
    if (waiter) waiter->notify_all();
  }

  void bump_epoch_locked() { epoch_.fetch_add(1, std::memory_order_relaxed); }

  void ensure_started_locked() {
    if (started_) return;
    started_ = true;
    spawn_locked();
  }

  void spawn_locked() {
    while (workers_.size() < limit_) {
      const unsigned index = static_cast<unsigned>(workers_.size());
      workers_.emplace_back([this, index] { worker_main(index); });
      ++alive_;
    }
  }

  std::mutex config_mu_;
  std::mutex mu_;
  std::condition_variable work_cv_;
  Job* head_ = nullptr;
  Job* tail_ = nullptr;
  unsigned limit_;
  unsigned active_ = 0;
  unsigned alive_ = 0;
  unsigned spinning_ = 0;  // workers polling epoch_ instead of sleeping
  std::atomic<uint64_t> epoch_{0};
  std::vector<std::thread> workers_;
  bool started_ = false;
  bool stop_ = false;
  uint64_t submitted_ = 0;
  uint64_t retired_ = 0;
};

// Never destroyed: a JS thread may still be inside the pool while the process exits, and
// destroying a mutex under it would be undefined. Only the threads are stopped, at exit.
Pool& instance() {
  static Pool* const pool = [] {
    Pool* p = new Pool();
    std::atexit([] { instance().shutdown(); });
    return p;
  }();
  return *pool;
}

}  // namespace

void parallel_for(size_t ntiles, TileFn run, void* ctx) {
  if (ntiles == 0) return;
  if (ntiles == 1) {
    const bool tile = t_in_tile;
    t_in_tile = true;
    run(ctx, 0);
    t_in_tile = tile;
    return;
  }
  instance().parallel_for(ntiles, run, ctx);
}

void submit(Job* job) { instance().submit(job); }
bool try_cancel(Job* job) { return instance().try_cancel(job); }
void cancel_and_wait(Job* job) { instance().cancel_and_wait(job); }
void set_threads(unsigned n) { instance().set_threads(n); }
unsigned threads() { return instance().threads(); }
Stats stats() { return instance().stats(); }
bool in_tile() { return t_in_tile; }

}  // namespace pool
}  // namespace ak

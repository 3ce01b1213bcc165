// native/tests/pool_stress.cc -- stress test of native/pool: many threads calling
// parallel_for at once (nested too), async jobs with cancellation, resizing under load.
// Checks that every tile runs exactly once, that no more than threads() threads run
// tiles of multi-tile jobs at once, that nothing deadlocks, that the pool forgets every
// job it was given, and reports the CPU time an idle started pool burns.
//
// Build and run (plain, then under ThreadSanitizer; both must print "pool_stress: ok"):
//   g++ -std=c++17 -O2 -pthread -Inative native/tests/pool_stress.cc native/runtime/pool.cc -o /tmp/pool_stress && /tmp/pool_stress
//   g++ -std=c++17 -O1 -g -fsanitize=thread -pthread -Inative native/tests/pool_stress.cc native/runtime/pool.cc -o /tmp/pool_stress_tsan && /tmp/pool_stress_tsan --quick
// or with cmake: include(native/tests/pool.cmake) gives targets pool_stress and
// pool_stress_tsan and the ctests of the same names.
#include <sys/resource.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

#include "runtime/pool.h"

namespace {

using ak::pool::Job;

int g_failures = 0;
std::mutex g_report_mu;

#define CHECK(cond, ...)                                      \
  do {                                                        \
    if (!(cond)) {                                            \
      std::lock_guard<std::mutex> lk_(g_report_mu);           \
      std::fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
      std::fprintf(stderr, __VA_ARGS__);                      \
      std::fprintf(stderr, "\n");                             \
      if (++g_failures > 20) std::abort();                    \
    }                                                         \
  } while (0)

// A watchdog: a hang is the failure mode of a deadlock, so it must end the test.
void watchdog(int seconds, const char* phase) {
  static std::atomic<int> generation{0};
  const int mine = ++generation;
  std::thread([=] {
    std::this_thread::sleep_for(std::chrono::seconds(seconds));
    if (generation.load() == mine) {
      std::fprintf(stderr, "FAIL: phase '%s' still running after %d s: deadlock?\n", phase, seconds);
      std::_Exit(2);
    }
  }).detach();
}
void watchdog_off() { watchdog(1 << 20, ""); }

// Busy work of a few microseconds that the compiler cannot drop.
uint64_t work(uint64_t seed, int rounds) {
  uint64_t h = seed | 1;
  for (int i = 0; i < rounds; ++i) h = h * 6364136223846793005ull + 1442695040888963407ull;
  return h;
}

// Counts threads inside tiles of multi-tile jobs to check the slot bound.
std::atomic<int> g_running{0};
std::atomic<int> g_max_running{0};
void enter_tile() {
  const int now = ++g_running;
  int m = g_max_running.load();
  while (now > m && !g_max_running.compare_exchange_weak(m, now)) {}
}
void leave_tile() { --g_running; }

// Each tile writes its own cells (plain stores: ThreadSanitizer checks that the pool
// orders them before the caller's reads) and may nest another parallel_for.
struct Region {
  std::vector<uint32_t> hits;
  std::vector<uint64_t> value;
};

void fill(Region& r, size_t ntiles, int depth, uint64_t seed, bool count_slots) {
  r.hits.assign(ntiles, 0);
  r.value.assign(ntiles, 0);
  ak::pool::parallel_for(ntiles, [&](size_t t) {
    if (count_slots && ntiles > 1) enter_tile();
    r.hits[t] += 1;
    r.value[t] = work(seed + t, 200 + static_cast<int>((seed + t) % 7) * 100);
    if (count_slots && ntiles > 1) leave_tile();
    if (depth > 0 && t % 3 == 0) {
      Region inner;
      const size_t n = 1 + (seed + t) % 17;
      fill(inner, n, depth - 1, seed * 31 + t, count_slots);
      for (size_t i = 0; i < n; ++i) {
        CHECK(inner.hits[i] == 1, "nested tile %zu of %zu ran %u times", i, n, inner.hits[i]);
        CHECK(inner.value[i] == work(seed * 31 + t + i, 200 + static_cast<int>((seed * 31 + t + i) % 7) * 100),
              "nested tile %zu wrong value", i);
      }
    }
  });
  for (size_t t = 0; t < ntiles; ++t) {
    CHECK(r.hits[t] == 1, "tile %zu of %zu ran %u times", t, ntiles, r.hits[t]);
    CHECK(r.value[t] == work(seed + t, 200 + static_cast<int>((seed + t) % 7) * 100), "tile %zu wrong value", t);
  }
}

void sync_callers(int callers, int iterations, int depth, bool count_slots) {
  std::vector<std::thread> ts;
  for (int c = 0; c < callers; ++c) {
    ts.emplace_back([=] {
      std::mt19937_64 rng(1234 + c);
      Region r;
      for (int i = 0; i < iterations; ++i) {
        const size_t n = rng() % 4 == 0 ? rng() % 4 : rng() % 300;
        fill(r, n, depth, rng(), count_slots);
      }
    });
  }
  for (auto& t : ts) t.join();
}

// An async job: counts its tiles; on_done records completion.
struct AsyncJob {
  Job job;
  std::vector<std::atomic<uint32_t>> hits;
  std::atomic<int> done{0};
  explicit AsyncJob(size_t n) : hits(n) {
    job.ntiles = n;
    job.ctx = this;
    job.run = [](void* c, size_t t) {
      auto* self = static_cast<AsyncJob*>(c);
      self->hits[t].fetch_add(1, std::memory_order_relaxed);
      work(t, 300);
      if (t % 5 == 0) {  // a parallel_for from inside a pool task
        Region inner;
        fill(inner, 1 + t % 9, 0, t, false);
      }
    };
    job.on_done = [](Job* j) { static_cast<AsyncJob*>(j->ctx)->done.fetch_add(1, std::memory_order_release); };
  }
  size_t total() const {
    size_t s = 0;
    for (auto& h : hits) s += h.load(std::memory_order_relaxed);
    return s;
  }
};

void async_mix(int submitters, int iterations) {
  std::vector<std::thread> ts;
  std::atomic<int> completed{0}, withdrawn{0}, stopped{0};
  for (int c = 0; c < submitters; ++c) {
    ts.emplace_back([&, c] {
      std::mt19937_64 rng(99 + c);
      std::deque<std::unique_ptr<AsyncJob>> live;
      auto finish = [&](std::unique_ptr<AsyncJob>& a) {
        while (a->done.load(std::memory_order_acquire) == 0) std::this_thread::yield();
        CHECK(a->done.load() == 1, "on_done called %d times", a->done.load());
        for (size_t t = 0; t < a->hits.size(); ++t)
          CHECK(a->hits[t].load() == 1, "async tile %zu ran %u times", t, a->hits[t].load());
        ++completed;
      };
      for (int i = 0; i < iterations; ++i) {
        live.push_back(std::make_unique<AsyncJob>(1 + rng() % 64));
        ak::pool::submit(&live.back()->job);
        const unsigned action = rng() % 8;
        if (action == 0) {
          std::unique_ptr<AsyncJob>& a = live.back();
          if (ak::pool::try_cancel(&a->job)) {
            CHECK(a->total() == 0, "withdrawn job ran %zu tiles", a->total());
            CHECK(a->done.load() == 0, "withdrawn job called on_done");
            ++withdrawn;
          } else {
            finish(a);
          }
          live.pop_back();
        } else if (action == 1) {
          std::unique_ptr<AsyncJob>& a = live.back();
          ak::pool::cancel_and_wait(&a->job);
          const size_t ran = a->total();
          const int done = a->done.load();
          CHECK(done <= 1, "on_done called %d times", done);
          for (size_t t = 0; t < a->hits.size(); ++t) CHECK(a->hits[t].load() <= 1, "tile ran twice");
          work(i, 20000);  // nothing may run after cancel_and_wait returned
          CHECK(a->total() == ran && a->done.load() == done, "job touched after cancel_and_wait");
          ++stopped;
          live.pop_back();
        }
        while (live.size() > 8) {
          finish(live.front());
          live.pop_front();
        }
      }
      for (auto& a : live) finish(a);
    });
  }
  for (auto& t : ts) t.join();
  std::printf("  async: %d completed, %d withdrawn before start, %d stopped\n", completed.load(), withdrawn.load(),
              stopped.load());
}

double cpu_seconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_utime.tv_sec + u.ru_stime.tv_sec + 1e-6 * (u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
  const int scale = quick ? 1 : 10;
  const unsigned initial = ak::pool::threads();
  std::printf("pool_stress: threads() = %u at start\n", initial);

  for (unsigned limit : {1u, 2u, 3u, 7u}) {
    ak::pool::set_threads(limit);
    g_max_running = 0;
    watchdog(120, "sync callers");
    sync_callers(6, 15 * scale, 2, true);
    std::printf("  limit %u: sync callers ok, at most %d threads in tiles at once\n", limit, g_max_running.load());
    CHECK(g_max_running.load() <= static_cast<int>(limit), "%d threads ran tiles with a limit of %u",
          g_max_running.load(), limit);
  }

  for (unsigned limit : {1u, 3u}) {
    ak::pool::set_threads(limit);
    watchdog(120, "async mix");
    std::thread sync([&] { sync_callers(2, 20 * scale, 1, false); });
    async_mix(3, 75 * scale);
    sync.join();
  }

  {
    // Resizing while sync and async work runs.
    watchdog(120, "resize under load");
    std::atomic<bool> stop{false};
    std::thread resizer([&] {
      std::mt19937 rng(7);
      while (!stop.load()) {
        ak::pool::set_threads(1 + rng() % 6);
        std::this_thread::sleep_for(std::chrono::microseconds(300));
      }
    });
    std::thread sync([&] { sync_callers(4, 20 * scale, 1, false); });
    async_mix(2, 50 * scale);
    sync.join();
    stop = true;
    resizer.join();
  }
  watchdog_off();

  const ak::pool::Stats s = ak::pool::stats();
  CHECK(s.submitted == s.retired, "pool still holds %llu submitted jobs",
        static_cast<unsigned long long>(s.submitted - s.retired));
  CHECK(s.queued == 0 && s.active == 0, "queued %u, active %u after all work", s.queued, s.active);

  // An idle, started pool must sleep, not spin.
  ak::pool::set_threads(initial > 1 ? initial : 2);
  {
    Region r;
    fill(r, 64, 0, 1, false);  // make sure the workers exist
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const double c0 = cpu_seconds();
  std::this_thread::sleep_for(std::chrono::seconds(quick ? 1 : 2));
  const double idle = cpu_seconds() - c0;
  std::printf("  idle pool of %u workers: %.3f ms CPU over %d s\n", ak::pool::stats().workers, idle * 1e3,
              quick ? 1 : 2);
  CHECK(idle < 0.05, "an idle pool used %.3f s of CPU", idle);

  if (g_failures) {
    std::printf("pool_stress: %d failures\n", g_failures);
    return 1;
  }
  std::printf("pool_stress: ok\n");
  return 0;
}

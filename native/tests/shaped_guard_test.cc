// native/tests/shaped_guard_test.cc -- memory-safety test of the backward and shaped
// kernels (native/kernels/backward.h, shaped.h), run by
// test/native-backward-guard.test.ts (built by node-gyp and CMake).
//
// For every ISA level this CPU runs, float32 and float64:
//  - every unary backward (from x, and from y where the op has that form) x lengths
//    0..192, each array ending exactly where a PROT_NONE page begins (then starting
//    exactly where one ends): any access past [0, n) faults and the handler names the
//    case. Results equal one long call's (tails compute what the main loop computes),
//    and in place (dx = dy, dx = x) equals out of place;
//  - softmax/logSoftmax forward and backward (from y, from x), prelu forward and
//    backward (channel arrays and scalar α), maxout forward and backward, over shapes
//    with rows of 1..70, inner 1..19 and tiles cut as the addon cuts them (sub-ranges
//    of rows, column chunks), every array (alpha and dalpha's partials included) against
//    guard pages; each tile's result equals the whole call's.
// Closing line: "N passed, M failed"; exit status 1 on any failure.
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "../dispatch/table.h"
#include "../runtime/fpenv.h"

#if defined(__linux__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
#define AK_GUARD_PAGES 1
#endif

namespace {

using ak::Box;
using ak::Params;

const char* const kOpNames[] = {
#define AK_UNARY_OP(name, np, p0, p1) #name,
#include "../registry/ops.inc"
};

long g_passed = 0, g_failed = 0;
char g_case[256] = "setup";

void fail(const std::string& what) {
  ++g_failed;
  if (g_failed <= 30) std::printf("FAIL %s: %s\n", g_case, what.c_str());
}
void check(bool ok, const char* what) {
  if (ok) ++g_passed; else fail(what);
}

#if defined(AK_GUARD_PAGES)
void on_fault(int sig) {
  const char pre[] = "\nFAULT (out-of-bounds access) in case: ";
  (void)!write(2, pre, sizeof(pre) - 1);
  (void)!write(2, g_case, std::strlen(g_case));
  (void)!write(2, "\n", 1);
  _exit(128 + sig);
}

// n elements of T flush against a PROT_NONE page: after the last one (at_end) or before
// the first one.
template <class T>
class Guarded {
 public:
  Guarded(size_t n, bool at_end) : n_(n) {
    page_ = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t bytes = n * sizeof(T);
    const size_t pages = (bytes + page_ - 1) / page_ + 1;
    total_ = (pages + 2) * page_;
    void* m = mmap(nullptr, total_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) { std::perror("mmap"); std::exit(2); }
    base_ = static_cast<char*>(m);
    char* lo = base_ + page_;
    char* hi = base_ + (pages + 1) * page_;
    if (mprotect(base_, page_, PROT_NONE) != 0 || mprotect(hi, page_, PROT_NONE) != 0) {
      std::perror("mprotect");
      std::exit(2);
    }
    p_ = reinterpret_cast<T*>(at_end ? hi - bytes : lo);
  }
  ~Guarded() { munmap(base_, total_); }
  Guarded(const Guarded&) = delete;
  Guarded& operator=(const Guarded&) = delete;
  T* get() { return p_; }

 private:
  size_t n_, page_, total_;
  char* base_;
  T* p_;
};
#else
template <class T>
class Guarded {
 public:
  Guarded(size_t n, bool) : v_(n + 1) {}
  T* get() { return v_.data(); }

 private:
  std::vector<T> v_;
};
#endif

uint64_t g_rng = 0x9e3779b97f4a7c15ull;
double uniform() {  // xorshift64*, [0, 1)
  g_rng ^= g_rng >> 12;
  g_rng ^= g_rng << 25;
  g_rng ^= g_rng >> 27;
  return static_cast<double>((g_rng * 2685821657736338717ull) >> 11) * 0x1p-53;
}

template <class T>
std::vector<T> data(size_t n, double scale) {
  std::vector<T> v(n);
  const T specials[] = {T(0), -T(0), std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                        -std::numeric_limits<T>::infinity(), T(1e-40), T(3), T(-3)};
  for (size_t i = 0; i < n; ++i) v[i] = i % 13 == 5 ? specials[(i / 13) % 8] : static_cast<T>((uniform() - 0.5) * scale);
  return v;
}

template <class T>
bool same(T a, T b) {
  return std::memcmp(&a, &b, sizeof(T)) == 0 || (a != a && b != b);
}
template <class T>
bool same_range(const T* a, const T* b, size_t n) {
  for (size_t i = 0; i < n; ++i) if (!same(a[i], b[i])) return false;
  return true;
}

// A guarded copy of v.
template <class T>
struct Arr {
  Guarded<T> g;
  size_t n;
  Arr(const std::vector<T>& v, bool at_end) : g(v.size(), at_end), n(v.size()) {
    if (n) std::memcpy(g.get(), v.data(), n * sizeof(T));
  }
  T* p() { return g.get(); }
};

// ---------------------------------------------------------------- unary backward

template <class T>
void test_backward(const ak::Kernels<T>& k, const char* level, const char* dtype) {
  constexpr size_t kMax = 192;
  const std::vector<T> dy_all = data<T>(kMax, 4), x_all = data<T>(kMax, 20);
  const Params params[] = {{0, 0}, {1, 20}};
  // [start-guarded, end-guarded] x [dy, x, dx], reused for every length.
  Guarded<T> bufs[2][3] = {{Guarded<T>(kMax, false), Guarded<T>(kMax, false), Guarded<T>(kMax, false)},
                           {Guarded<T>(kMax, true), Guarded<T>(kMax, true), Guarded<T>(kMax, true)}};
  for (unsigned id = 0; id < ak::kNumUnaryOps; ++id) {
    for (int form = 0; form < 2; ++form) {
      const ak::BwdKernel<T> f = form == 0 ? k.bwd_x[id] : k.bwd_y[id];
      if (!f) continue;
      for (const Params& p : params) {
        // Reference: one long call.
        std::vector<T> ref(kMax);
        f(dy_all.data(), x_all.data(), ref.data(), kMax, p);
        for (size_t n = 0; n <= kMax; ++n) {
          for (int at_end = 0; at_end < 2; ++at_end) {
            std::snprintf(g_case, sizeof g_case, "%s %s backward %s%s n=%zu a=%g %s", level, dtype, kOpNames[id],
                          form ? " (from y)" : "", n, p.a, at_end ? "end-guarded" : "start-guarded");
            // n elements flush against the guard page after (or before) them.
            const size_t off = at_end ? kMax - n : 0;
            T* dy = bufs[at_end][0].get() + off;
            T* x = bufs[at_end][1].get() + off;
            T* dx = bufs[at_end][2].get() + off;
            if (n) {
              std::memcpy(dy, dy_all.data(), n * sizeof(T));
              std::memcpy(x, x_all.data(), n * sizeof(T));
            }
            f(dy, x, dx, n, p);
            check(same_range(dx, ref.data(), n), "out of place differs from the long call");
            f(dy, x, dy, n, p);  // dx = dy
            check(same_range(dy, ref.data(), n), "in place (dx = dy) differs");
            if (n) std::memcpy(dy, dy_all.data(), n * sizeof(T));
            f(dy, x, x, n, p);  // dx = x
            check(same_range(x, ref.data(), n), "in place (dx = x) differs");
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------- shaped ops

struct Shape {
  size_t outer, len, inner;
};
const Shape kShapes[] = {{1, 1, 1},  {3, 1, 1},  {2, 7, 1},  {1, 16, 1}, {3, 17, 1}, {2, 70, 1}, {1, 33, 1},
                         {2, 3, 5},  {1, 5, 19}, {3, 2, 16}, {2, 9, 17}, {1, 1, 7},  {4, 4, 3},  {1, 0, 3}};

// softmax: the whole call, then row by row and in column chunks (as tiles).
template <class T>
void test_softmax(const ak::Kernels<T>& k, const char* level, const char* dtype) {
  for (const Shape& s : kShapes) {
    const size_t n = s.outer * s.len * s.inner;
    for (int log = 0; log < 2; ++log) {
      for (int at_end = 0; at_end < 2; ++at_end) {
        std::snprintf(g_case, sizeof g_case, "%s %s %s %zux%zux%zu %s", level, dtype, log ? "logSoftmax" : "softmax",
                      s.outer, s.len, s.inner, at_end ? "end-guarded" : "start-guarded");
        const std::vector<T> xv = data<T>(n, 30), dyv = data<T>(n, 2);
        Arr<T> x(xv, at_end), y(std::vector<T>(n), at_end);
        k.softmax(x.p(), y.p(), s.outer, s.len, s.inner, s.inner, log);
        const std::vector<T> ref(y.p(), y.p() + n);
        // Tiles: one outer block and one column at a time.
        Arr<T> y2(std::vector<T>(n), at_end);
        for (size_t o = 0; o < s.outer; ++o) {
          for (size_t c = 0; c < s.inner; ++c) {
            const size_t off = o * s.len * s.inner + c;
            k.softmax(x.p() + off, y2.p() + off, 1, s.len, s.inner, 1, log);
          }
        }
        check(same_range(y2.p(), ref.data(), n), "tiles differ from the whole call");
        // Streamed output (the flag large calls set): the same bits, stores within the array.
        Arr<T> y3(std::vector<T>(n), at_end);
        k.softmax(x.p(), y3.p(), s.outer, s.len, s.inner, s.inner, static_cast<unsigned>(log) | ak::kSoftmaxStream);
        check(same_range(y3.p(), ref.data(), n), "streamed output differs from the whole call");
        k.softmax(x.p(), x.p(), s.outer, s.len, s.inner, s.inner, log);  // in place
        check(same_range(x.p(), ref.data(), n), "in place differs");
        // Backward from y and from x; in place into dy.
        Arr<T> dy(dyv, at_end), yv(ref, at_end), xx(xv, at_end), dx(std::vector<T>(n), at_end);
        k.softmax_bwd(dy.p(), yv.p(), nullptr, dx.p(), s.outer, s.len, s.inner, s.inner, log);
        const std::vector<T> refy(dx.p(), dx.p() + n);
        k.softmax_bwd(dy.p(), nullptr, xx.p(), dx.p(), s.outer, s.len, s.inner, s.inner, log);
        const std::vector<T> refx(dx.p(), dx.p() + n);
        k.softmax_bwd(dy.p(), yv.p(), nullptr, dy.p(), s.outer, s.len, s.inner, s.inner, log);
        check(same_range(dy.p(), refy.data(), n), "backward from y in place (dx = dy) differs");
        k.softmax_bwd(Arr<T>(dyv, at_end).p(), nullptr, xx.p(), xx.p(), s.outer, s.len, s.inner, s.inner, log);
        check(same_range(xx.p(), refx.data(), n), "backward from x in place (dx = x) differs");
      }
    }
  }
}

template <class T>
void test_prelu(const ak::Kernels<T>& k, const char* level, const char* dtype) {
  for (const Shape& s : kShapes) {
    const size_t n = s.outer * s.len * s.inner;
    for (int scalar = 0; scalar < 2; ++scalar) {
      for (int at_end = 0; at_end < 2; ++at_end) {
        std::snprintf(g_case, sizeof g_case, "%s %s prelu%s %zux%zux%zu %s", level, dtype, scalar ? " (scalar)" : "",
                      s.outer, s.len, s.inner, at_end ? "end-guarded" : "start-guarded");
        const std::vector<T> xv = data<T>(n, 10), dyv = data<T>(n, 4), av = data<T>(s.len, 1);
        Arr<T> x(xv, at_end), y(std::vector<T>(n), at_end), alpha(av, at_end);
        const T* a = scalar ? nullptr : alpha.p();
        const T as = T(0.25);
        const Box whole{0, s.len, 0, s.outer, 0, s.inner};
        k.prelu(x.p(), y.p(), a, as, s.len, s.inner, whole);
        for (size_t j = 0; j < n; ++j) {
          const size_t c = (j / s.inner) % s.len;
          const T al = a ? av[c] : as;
          const T want = xv[j] > 0 ? xv[j] : xv[j] * al;
          if (!same(y.p()[j], want)) { fail("prelu value"); break; }
        }
        ++g_passed;
        // Backward over the whole box and as one box per (channel, outer block).
        Arr<T> dy(dyv, at_end), dx(std::vector<T>(n), at_end);
        Guarded<double> part(2 * s.len, at_end);
        k.prelu_bwd(dy.p(), x.p(), a, as, dx.p(), s.len, s.inner, whole, part.get());
        const std::vector<T> refdx(dx.p(), dx.p() + n);
        std::vector<double> sums(s.len);
        for (size_t c = 0; c < s.len; ++c) {
          const double hi = part.get()[c];
          sums[c] = std::isfinite(hi) ? hi + part.get()[s.len + c] : hi;
        }
        std::vector<double> want(s.len, 0.0);
        for (size_t j = 0; j < n; ++j) {
          const size_t c = (j / s.inner) % s.len;
          if (!(xv[j] > 0)) want[c] += static_cast<double>(xv[j]) * dyv[j];
        }
        for (size_t c = 0; c < s.len; ++c) {
          const bool ok = (want[c] != want[c] && sums[c] != sums[c]) || want[c] == sums[c] ||
                          std::fabs(want[c] - sums[c]) <= 1e-12 * std::fabs(want[c]);
          if (!ok) { fail("dalpha partial"); break; }
        }
        ++g_passed;
        Arr<T> dx2(std::vector<T>(n), at_end);
        for (size_t c = 0; c < s.len; ++c) {
          for (size_t o = 0; o < s.outer; ++o) {
            Guarded<double> p1(2, at_end);
            k.prelu_bwd(dy.p(), x.p(), a, as, dx2.p(), s.len, s.inner, Box{c, c + 1, o, o + 1, 0, s.inner}, p1.get());
          }
        }
        check(same_range(dx2.p(), refdx.data(), n), "prelu backward boxes differ from the whole call");
      }
    }
  }
}

template <class T>
void test_maxout(const ak::Kernels<T>& k, const char* level, const char* dtype) {
  for (const Shape& s : kShapes) {
    for (size_t pieces = 1; pieces <= s.len; ++pieces) {
      if (s.len % pieces) continue;
      const size_t n = s.outer * s.len * s.inner, m = n / pieces, rows = s.outer * (s.len / pieces);
      for (int at_end = 0; at_end < 2; ++at_end) {
        std::snprintf(g_case, sizeof g_case, "%s %s maxout/%zu %zux%zux%zu %s", level, dtype, pieces, s.outer, s.len,
                      s.inner, at_end ? "end-guarded" : "start-guarded");
        const std::vector<T> xv = data<T>(n, 10), dyv = data<T>(m, 4);
        Arr<T> x(xv, at_end), y(std::vector<T>(m), at_end), y2(std::vector<T>(m), at_end);
        k.maxout(x.p(), y.p(), s.inner, pieces, 0, rows);
        for (size_t r = 0; r < rows; ++r) k.maxout(x.p(), y2.p(), s.inner, pieces, r, r + 1);
        check(same_range(y.p(), y2.p(), m), "maxout rows differ from the whole call");
        Arr<T> dy(dyv, at_end), dx(std::vector<T>(n), at_end);
        k.maxout_bwd(dy.p(), x.p(), dx.p(), s.inner, pieces, 0, rows);
        const std::vector<T> ref(dx.p(), dx.p() + n);
        k.maxout_bwd(dy.p(), x.p(), x.p(), s.inner, pieces, 0, rows);  // dx = x
        check(same_range(x.p(), ref.data(), n), "maxout backward in place differs");
        // Each group: dy at exactly one position, zeros elsewhere.
        bool ok = true;
        for (size_t r = 0; r < rows && ok; ++r) {
          for (size_t i = 0; i < s.inner; ++i) {
            size_t hits = 0;
            for (size_t j = 0; j < pieces; ++j) {
              const T v = ref[(r * pieces + j) * s.inner + i];
              if (!(v == 0 && !std::signbit(v))) ++hits;
            }
            const T g = dyv[r * s.inner + i];
            if (hits > 1 || (hits == 0 && !(g == 0 && !std::signbit(g)))) ok = false;
          }
        }
        check(ok, "maxout backward routes dy to more than one position");
      }
    }
  }
}

template <class T>
void test_level(const ak::KernelTable& t, const char* level, const char* dtype) {
  const ak::Kernels<T>& k = t.of<T>();
  test_backward<T>(k, level, dtype);
  test_softmax<T>(k, level, dtype);
  test_prelu<T>(k, level, dtype);
  test_maxout<T>(k, level, dtype);
}

}  // namespace

int main() {
#if defined(AK_GUARD_PAGES)
  std::signal(SIGSEGV, on_fault);
  std::signal(SIGBUS, on_fault);
  std::printf("guard pages on\n");
#endif
  for (int l = 0; l < ak::kNumIsas; ++l) {
    const ak::KernelTable* t = ak::kernel_table(static_cast<ak::Isa>(l));
    if (t == nullptr) continue;
    size_t kernels = 0;
    for (unsigned id = 0; id < ak::kNumUnaryOps; ++id) kernels += (t->f32.bwd_x[id] != nullptr) + (t->f64.bwd_x[id] != nullptr);
    std::printf("level %s: %zu backward kernels\n", ak::isa_name(t->isa), kernels);
    test_level<float>(*t, ak::isa_name(t->isa), "float32");
    test_level<double>(*t, ak::isa_name(t->isa), "float64");
  }
  std::printf("%ld passed, %ld failed\n", g_passed, g_failed);
  return g_failed ? 1 : 0;
}

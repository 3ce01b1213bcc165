// native/tests/guard_test.cc -- memory-safety and floating-point-environment test of
// every kernel, run by test/native-guard.test.ts (built by node-gyp and CMake).
//
// For every ISA level this CPU runs x every op x float32/float64 x every length
// 0..3*64 (64 = the widest unroll: 4 vectors of 16 floats) x two parameter sets:
//   - the input (and, separately, the output) array ends exactly where an
//     mprotect(PROT_NONE) page begins, or starts exactly where one ends: any read or
//     write past [0, n) faults (the SIGSEGV handler names the case);
//   - bytes of the same page outside [0, n) keep their canary pattern;
//   - out of place and in place, every y[i] equals the same kernel's result for x[i]
//     in one long call (the masked tail computes what the main loop computes).
// Then, with the caller's MXCSR set to flush-to-zero + denormals-are-zero + round
// toward zero + a sticky flag, a call made as the addon makes it (FpEnvGuard around
// the kernel) gives the default-environment results on subnormal inputs and leaves
// the caller's MXCSR bit for bit as it was.
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

#include "../runtime/cpu.h"
#include "../dispatch/table.h"
#include "../runtime/fpenv.h"

#if defined(__linux__) || defined(__APPLE__)
#include <sys/mman.h>
#include <unistd.h>
#define AK_GUARD_PAGES 1
#endif

namespace {

const char* const kOpNames[] = {
#define AK_UNARY_OP(name, np, p0, p1) #name,
#include "../registry/ops.inc"
};

constexpr size_t kMaxLen = 3 * 64;
long g_passed = 0, g_failed = 0;
char g_case[256] = "setup";

void fail(const std::string& what) {
  ++g_failed;
  if (g_failed <= 30) std::printf("FAIL %s: %s\n", g_case, what.c_str());
}

#if defined(AK_GUARD_PAGES)
void on_fault(int sig) {
  // async-signal-safe: write + _exit only.
  const char pre[] = "\nFAULT (out-of-bounds access) in case: ";
  (void)!write(2, pre, sizeof(pre) - 1);
  (void)!write(2, g_case, std::strlen(g_case));
  (void)!write(2, "\n", 1);
  _exit(128 + sig);
}

// One readable/writable page between two PROT_NONE pages.
struct GuardedPage {
  size_t page;
  char* base;
  char* lo;  // first usable byte
  char* hi;  // one past the last usable byte (the next byte faults)
  GuardedPage() {
    page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    void* m = mmap(nullptr, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) { std::perror("mmap"); std::exit(2); }
    base = static_cast<char*>(m);
    if (mprotect(base, page, PROT_NONE) != 0 || mprotect(base + 2 * page, page, PROT_NONE) != 0) {
      std::perror("mprotect");
      std::exit(2);
    }
    lo = base + page;
    hi = base + 2 * page;
  }
  ~GuardedPage() { munmap(base, 3 * page); }
};
#else
// Elsewhere: same checks (canaries, tail consistency) without the faulting pages.
struct GuardedPage {
  std::vector<char> mem;
  char* lo;
  char* hi;
  GuardedPage() : mem(8192 + 64) {
    lo = reinterpret_cast<char*>((reinterpret_cast<uintptr_t>(mem.data()) + 63) & ~uintptr_t(63));
    hi = lo + 8192;
  }
};
#endif

constexpr unsigned char kCanary = 0xA5;

template <class T>
std::vector<T> make_inputs(size_t n) {
  const T inf = std::numeric_limits<T>::infinity();
  const T specials[] = {T(0), T(-0.0), T(1), T(-1), inf, -inf, std::numeric_limits<T>::quiet_NaN(),
                        std::numeric_limits<T>::denorm_min(), -std::numeric_limits<T>::denorm_min(),
                        std::numeric_limits<T>::min(), std::numeric_limits<T>::max(),
                        -std::numeric_limits<T>::max(), T(3), T(-3), T(6), T(0.5)};
  const size_t ns = sizeof(specials) / sizeof(specials[0]);
  std::vector<T> v(n);
  uint64_t s = 0x9e3779b97f4a7c15ull;
  for (size_t i = 0; i < n; ++i) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    if (i % 3 == 0) {
      v[i] = specials[(s >> 33) % ns];
    } else {
      // roughly uniform over [-40, 40): covers every branch of every op
      v[i] = T(static_cast<double>(s >> 11) * 0x1p-53 * 80.0 - 40.0);
    }
  }
  return v;
}

template <class T>
bool same(T a, T b) {
  if (std::isnan(a) && std::isnan(b)) return true;
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <class T>
void check_page(const GuardedPage& g, const char* from, const char* to, const char* which) {
  for (const char* c = g.lo; c < g.hi; ++c) {
    if ((c < from || c >= to) && static_cast<unsigned char>(*c) != kCanary) {
      fail(std::string("byte ") + std::to_string(c - g.lo) + " of the " + which + " page outside the array changed");
      return;
    }
  }
}

template <class T>
void run_case(ak::UnaryKernel<T> k, const ak::Params& p, const std::vector<T>& in, const std::vector<T>& ref,
              size_t n, bool at_end, bool in_place, GuardedPage& gx, GuardedPage& gy) {
  const size_t bytes = n * sizeof(T);
  std::memset(gx.lo, kCanary, gx.hi - gx.lo);
  std::memset(gy.lo, kCanary, gy.hi - gy.lo);
  T* x = reinterpret_cast<T*>(at_end ? gx.hi - bytes : gx.lo);
  T* y = in_place ? x : reinterpret_cast<T*>(at_end ? gy.hi - bytes : gy.lo);
  if (n) std::memcpy(x, in.data(), bytes);
  {
    ak::FpEnvGuard fp;
    k(x, y, n, p);
  }
  bool ok = true;
  for (size_t i = 0; i < n && ok; ++i) {
    if (!same(y[i], ref[i])) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "y[%zu] = %.17g, the long call gave %.17g (x = %.17g)", i, double(y[i]),
                    double(ref[i]), double(in[i]));
      fail(buf);
      ok = false;
    }
  }
  if (!in_place) {
    for (size_t i = 0; i < n && ok; ++i) {
      if (!same(x[i], in[i])) { fail("the input changed"); ok = false; }
    }
    check_page<T>(gy, reinterpret_cast<char*>(y), reinterpret_cast<char*>(y) + bytes, "output");
  }
  check_page<T>(gx, reinterpret_cast<char*>(x), reinterpret_cast<char*>(x) + bytes, "input");
  if (ok) ++g_passed;
}

template <class T>
void test_kernel(const ak::KernelTable& t, unsigned id, const ak::Params& p, GuardedPage& gx, GuardedPage& gy) {
  const ak::UnaryKernel<T> k = ak::unary_kernel<T>(t, id);
  if (k == nullptr) return;  // no native kernel for this op/dtype: the JS twin runs it
  const std::vector<T> in = make_inputs<T>(kMaxLen);
  std::vector<T> ref(kMaxLen);
  {
    ak::FpEnvGuard fp;
    ak::Params plain = p;  // the streamed form must give the plain form's bits
    plain.stream = false;
    k(in.data(), ref.data(), kMaxLen, plain);
  }
  for (size_t n = 0; n <= kMaxLen; ++n) {
    for (int pos = 0; pos < 2; ++pos) {
      for (int inplace = 0; inplace < 2; ++inplace) {
        std::snprintf(g_case, sizeof g_case, "isa=%s op=%s dtype=%s n=%zu a=%g b=%g%s %s %s",
                      ak::isa_name(t.isa), kOpNames[id], sizeof(T) == 4 ? "float32" : "float64", n, p.a, p.b,
                      p.stream ? " streamed" : "", pos ? "ending at a guard page" : "starting after a guard page",
                      inplace ? "in place" : "out of place");
        run_case<T>(k, p, in, ref, n, pos == 1, inplace == 1, gx, gy);
      }
    }
  }
}

// The caller's floating-point environment (x86: MXCSR; arm64: FPCR and FPSR), and a
// hostile one: flush-to-zero, denormals-are-zero where it exists, round toward zero, a
// sticky inexact flag already raised.
#if defined(__x86_64__) || defined(_M_X64)
#define AK_TEST_FP_ENV 1
using FpEnv = unsigned;
FpEnv get_env() { return _mm_getcsr(); }
void set_env(FpEnv e) { _mm_setcsr(e); }
unsigned env_word(FpEnv e) { return e; }
const FpEnv kHostile = 0x1f80u | 0x8000u /*FTZ*/ | 0x0040u /*DAZ*/ | 0x6000u /*RZ*/ | 0x0020u /*PE*/;
#elif (defined(__aarch64__) || defined(_M_ARM64)) && (defined(__GNUC__) || defined(__clang__))
#define AK_TEST_FP_ENV 1
struct FpEnv {
  uint64_t fpcr, fpsr;
  bool operator==(const FpEnv& o) const { return fpcr == o.fpcr && fpsr == o.fpsr; }
};
unsigned env_word(FpEnv e) { return static_cast<unsigned>(e.fpcr | e.fpsr); }
FpEnv get_env() { return {ak::FpEnvGuard::fpcr(), ak::FpEnvGuard::fpsr()}; }
void set_env(FpEnv e) { ak::FpEnvGuard::set_fpcr(e.fpcr); ak::FpEnvGuard::set_fpsr(e.fpsr); }
const FpEnv kHostile = {(1u << 24) /*FZ*/ | (3u << 22) /*RZ*/, 1u << 4 /*IXC*/};
#endif

#if defined(AK_TEST_FP_ENV)

// Subnormal inputs under a hostile caller environment.
template <class T>
void test_fp_env(const ak::KernelTable& t, unsigned id) {
  const ak::UnaryKernel<T> k = ak::unary_kernel<T>(t, id);
  if (k == nullptr) return;
  std::snprintf(g_case, sizeof g_case, "isa=%s op=%s dtype=%s under FTZ+DAZ+RZ (arm64: FZ+RZ)", ak::isa_name(t.isa),
                kOpNames[id], sizeof(T) == 4 ? "float32" : "float64");
  const size_t n = 37;
  std::vector<T> in(n), want(n), got(n);
  for (size_t i = 0; i < n; ++i) {
    T d = std::numeric_limits<T>::denorm_min() * T(1 + 3 * i);
    in[i] = (i & 1) ? -d : d;
  }
  in[5] = std::numeric_limits<T>::min() * T(0.75);
  in[6] = T(1) + std::numeric_limits<T>::epsilon();  // rounding-mode sensitive
  ak::Params p;
  p.a = 1;
  p.b = 2;
  {
    ak::FpEnvGuard fp;
    k(in.data(), want.data(), n, p);
  }
  const FpEnv before = get_env();
  set_env(kHostile);
  {
    ak::FpEnvGuard fp;
    k(in.data(), got.data(), n, p);
  }
  const FpEnv after = get_env();
  set_env(before);
  bool ok = after == kHostile;
  if (!ok) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "caller FP environment 0x%08x came back as 0x%08x", env_word(kHostile),
                  env_word(after));
    fail(buf);
  }
  for (size_t i = 0; i < n && ok; ++i) {
    if (!same(got[i], want[i])) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "x = %.17g gave %.17g, in the default environment %.17g", double(in[i]),
                    double(got[i]), double(want[i]));
      fail(buf);
      ok = false;
    }
  }
  if (ok) ++g_passed;
}
#endif

}  // namespace

int main() {
#if defined(AK_GUARD_PAGES)
  std::signal(SIGSEGV, on_fault);
  std::signal(SIGBUS, on_fault);
#endif
  GuardedPage gx, gy;
  const ak::Params params[3] = {{1.0, 2.0, false}, {0.25, 0.5, false}, {0.25, 0.5, true}};
  int levels = 0;
  for (int l = 0; l < ak::kNumIsas; ++l) {
    const ak::KernelTable* t = ak::kernel_table(static_cast<ak::Isa>(l));
    if (t == nullptr) continue;
    ++levels;
    int kernels = 0;
    for (unsigned id = 0; id < ak::kNumUnaryOps; ++id) {
      kernels += (t->f32.unary[id] != nullptr) + (t->f64.unary[id] != nullptr);
      for (const ak::Params& p : params) {
        test_kernel<float>(*t, id, p, gx, gy);
        test_kernel<double>(*t, id, p, gx, gy);
      }
#if defined(AK_TEST_FP_ENV)
      test_fp_env<float>(*t, id);
      test_fp_env<double>(*t, id);
#endif
    }
    std::printf("level %s: %d kernels\n", ak::isa_name(t->isa), kernels);
  }
  std::printf("%d ISA levels, guard pages %s\n", levels,
#if defined(AK_GUARD_PAGES)
              "on"
#else
              "off (not supported on this OS)"
#endif
  );
  std::printf("%ld passed, %ld failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}

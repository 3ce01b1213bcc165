// native/tests/math_sweep.cc -- accuracy sweep for native/math on every ISA.
//
// Build (no cmake needed; from the repository root):
//   g++ -std=c++17 -O2 -c native/tests/math_isa_scalar.cc -o /tmp/mis.o
//   g++ -std=c++17 -O2 -mavx2 -mfma -c native/tests/math_isa_avx2.cc -o /tmp/mia.o
//   g++ -std=c++17 -O2 -mavx512f -mavx512dq -mavx512bw -mavx512vl -c native/tests/math_isa_avx512.cc -o /tmp/mi5.o
//   g++ -std=c++17 -O2 native/tests/math_sweep.cc /tmp/mis.o /tmp/mia.o /tmp/mi5.o -o /tmp/math_sweep -pthread
// On arm64 (or cross: aarch64-linux-gnu-g++, run with qemu-aarch64 -L /usr/aarch64-linux-gnu)
// the ISA units are math_isa_scalar.cc and math_isa_neon.cc, with no flags.
// (or the `math_sweep` target of native/tests/math.cmake).
//
// Usage: math_sweep [--quick | --stride N] [--fn a,b,..] [--isa scalar,avx2,avx512,neon]
//                   [--threads T] [--samples K] [--selftest-only] [--no-f64] [--no-f32]
//   float32: every N-th bit pattern of all 2^32 (stride 1 = exhaustive; --quick = 4099),
//            reference = the double-precision libm function rounded nowhere.
//   float64: K random bit patterns + K uniform in a function-specific range + specials,
//            reference = long double libm.
// Error per SPEC: |y - ref| / ulp(ref) in the result type; |ref| < smallest normal passes
// when |y - ref| <= smallest normal; NaN must give NaN; an infinite (or overflowing)
// ref must give the same infinity. Exits 1 if any function exceeds its stated bound.
#include "math_common.h"

#include <atomic>
#include <chrono>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace {

using akt::IsaTable;

// ---- references --------------------------------------------------------------------
// double reference for float sweeps, long double for double tests.
template <class R> R softplus_ref(R x) { return x > 0 ? x + std::log1p(std::exp(-x)) : std::log1p(std::exp(x)); }
template <class R> R sigmoid_ref(R x) { return R(1) / (R(1) + std::exp(-x)); }
template <class R> R gelu_ref(R x) { return R(0.5) * x * std::erfc(-x * R(0.707106781186547524400844362104849039L)); }
template <class R> R mish_ref(R x) { return std::isinf(x) && x < 0 ? -R(0) : x * std::tanh(softplus_ref(x)); }

template <class R>
R reference(int fn, R x) {
  switch (fn) {
    case akt::k_exp: return std::exp(x);
    case akt::k_expm1: return std::expm1(x);
    case akt::k_sigmoid: return sigmoid_ref(x);
    case akt::k_tanh: return std::tanh(x);
    case akt::k_log1p: return std::log1p(x);
    case akt::k_softplus: return softplus_ref(x);
    case akt::k_erf: return std::erf(x);
    case akt::k_erfc: return std::erfc(x);
    case akt::k_mish: return mish_ref(x);
    case akt::k_log: return std::log(x);
    case akt::k_swish: return std::isinf(x) && x < 0 ? R(0) : x / (R(1) + std::exp(-R(1.7) * x));
    case akt::k_gelutanh: {
      if (std::isinf(x)) return x < 0 ? R(0) : x;
      R u2 = R(2) * std::sqrt(R(2) / R(3.14159265358979323846264338327950288L)) * (x + R(0.044715L) * x * x * x);
      return x / (R(1) + std::exp(-u2));
    }
    case akt::k_sigmoidgrad: { R e = std::exp(-std::fabs(x)); return e / ((R(1) + e) * (R(1) + e)); }
    case akt::k_tanhgrad: { R e = std::exp(-R(2) * std::fabs(x)); return R(4) * e / ((R(1) + e) * (R(1) + e)); }
    case akt::k_rbf: { R d = x - R(0.375); return std::exp(-R(0.75) * d * d); }
    case akt::k_gelu: return std::isinf(x) && x < 0 ? -R(0) : gelu_ref(x);
  }
  return R(0);
}

const char* kFnNames[] = {
#define AK_MATH_BOUND(n, f32, f64) #n,
#include "../math/bounds.inc"
};

// The stated max-ULP bounds: native/math/bounds.inc.
const double kBoundF32[] = {
#define AK_MATH_BOUND(n, f32, f64) f32,
#include "../math/bounds.inc"
};
const double kBoundF64[] = {
#define AK_MATH_BOUND(n, f32, f64) f64,
#include "../math/bounds.inc"
};
double bound_f32(int fn) { return kBoundF32[fn]; }
double bound_f64(int fn) { return kBoundF64[fn]; }

// Error of y against ref in ULPs of the type T (float or double).
template <class T>
double ulp_error(T y, long double ref) {
  const bool ynan = y != y, rnan = ref != ref;
  if (ynan || rnan) return (ynan && rnan) ? 0.0 : INFINITY;
  const long double maxv = std::numeric_limits<T>::max();
  const int mant = std::numeric_limits<T>::digits;  // 24 / 53
  if (std::isinf(ref) || std::fabs(ref) > maxv) {
    // overflowing reference: correct rounding gives inf beyond max + ulp/2.
    long double lim = maxv + std::ldexp((long double)1, std::numeric_limits<T>::max_exponent - mant - 1);
    if (std::fabs(ref) >= lim) return (y == (T)ref || (std::isinf(y) && (y > 0) == (ref > 0))) ? 0.0 : INFINITY;
  }
  if (std::isinf(y)) return INFINITY;
  const long double d = std::fabs((long double)y - ref);
  const long double minn = std::numeric_limits<T>::min();
  if (std::fabs(ref) < minn) return d <= minn ? 0.0 : (double)(d / std::ldexp((long double)1, std::numeric_limits<T>::min_exponent - mant));
  int e;
  std::frexp(ref, &e);  // |ref| in [2^(e-1), 2^e)
  long double ulp = std::ldexp((long double)1, e - mant);
  return (double)(d / ulp);
}

// Fast float specialisation (same rules, in double arithmetic, no libm calls): the
// exhaustive sweep spends most of its time here and in the reference.
double ulp_error_f32(float y, double ref) {
  if (y != y || ref != ref) return (y != y && ref != ref) ? 0.0 : INFINITY;
  const double aref = std::fabs(ref);
  if (aref >= 340282356779733661637539395458142568448.0) {  // FLT_MAX + ulp/2: rounds to inf
    return (std::isinf(y) && (y > 0) == (ref > 0)) ? 0.0 : INFINITY;
  }
  if (std::isinf(y)) return INFINITY;
  const double d = std::fabs((double)y - ref);
  if (aref < (double)FLT_MIN) return d <= (double)FLT_MIN ? 0.0 : d / 1.401298464324817e-45;
  uint64_t b;
  std::memcpy(&b, &aref, 8);
  int e = (int)((b >> 52) & 0x7ff) - 1023;      // |ref| in [2^e, 2^(e+1))
  uint64_t ub = (uint64_t)(e - 23 + 1023) << 52;  // 2^(e-23)
  double ulp;
  std::memcpy(&ulp, &ub, 8);
  return d / ulp;
}

struct Result {
  double max_ulp = 0;
  double worst_x = 0;
  double worst_y = 0, worst_ref = 0;
  uint64_t n = 0, over = 0;
  void merge(const Result& o) {
    if (o.max_ulp > max_ulp || (max_ulp == 0 && o.max_ulp == 0 && n == 0)) {
      max_ulp = o.max_ulp; worst_x = o.worst_x; worst_y = o.worst_y; worst_ref = o.worst_ref;
    }
    n += o.n; over += o.over;
  }
};

float bits2f(uint32_t u) { float f; std::memcpy(&f, &u, 4); return f; }
double bits2d(uint64_t u) { double f; std::memcpy(&f, &u, 8); return f; }

// All ISAs in one pass: the reference (double libm) is computed once per input.
std::vector<Result> sweep_f32(const std::vector<const IsaTable*>& isas, int fn, uint64_t stride, int nthreads,
                              std::vector<bool>* implemented) {
  const uint64_t total = (uint64_t(1) << 32);
  const uint64_t count = (total + stride - 1) / stride;
  const size_t K = isas.size();
  std::vector<std::vector<Result>> res(nthreads, std::vector<Result>(K));
  std::vector<std::atomic<bool>> impl(K);
  for (auto& b : impl) b = true;
  std::atomic<uint64_t> next{0};
  const double bound = bound_f32(fn);
  auto worker = [&](int t) {
    const size_t B = 4096;
    std::vector<float> in(B), out(B * K);
    std::vector<double> ref(B);
    std::vector<Result>& r = res[t];
    for (;;) {
      uint64_t start = next.fetch_add(B);
      if (start >= count) break;
      size_t m = (size_t)std::min<uint64_t>(B, count - start);
      for (size_t i = 0; i < m; ++i) in[i] = bits2f((uint32_t)((start + i) * stride));
      for (size_t i = 0; i < m; ++i) ref[i] = reference<double>(fn, (double)in[i]);
      for (size_t j = 0; j < K; ++j) {
        if (!impl[j]) continue;
        float* o = out.data() + j * B;
        if (!isas[j]->run_f32(fn, in.data(), o, m)) { impl[j] = false; continue; }
        Result& rj = r[j];
        for (size_t i = 0; i < m; ++i) {
          double e = ulp_error_f32(o[i], ref[i]);
          ++rj.n;
          if (e > bound) ++rj.over;
          if (e > rj.max_ulp) { rj.max_ulp = e; rj.worst_x = in[i]; rj.worst_y = o[i]; rj.worst_ref = ref[i]; }
        }
      }
    }
  };
  std::vector<std::thread> th;
  for (int t = 0; t < nthreads; ++t) th.emplace_back(worker, t);
  for (auto& x : th) x.join();
  std::vector<Result> all(K);
  implemented->assign(K, true);
  for (size_t j = 0; j < K; ++j) {
    for (int t = 0; t < nthreads; ++t) all[j].merge(res[t][j]);
    (*implemented)[j] = impl[j];
  }
  return all;
}

// Inputs for the double tests: specials, random bit patterns, uniform in [lo, hi].
void range_f64(int fn, double* lo, double* hi) {
  switch (fn) {
    case akt::k_exp: *lo = -760; *hi = 720; break;
    case akt::k_expm1: *lo = -40; *hi = 720; break;
    case akt::k_log1p: *lo = -1; *hi = 10; break;
    case akt::k_log: *lo = 0; *hi = 10; break;
    case akt::k_erf: case akt::k_erfc: *lo = -7; *hi = 28; break;
    case akt::k_gelu: *lo = -40; *hi = 10; break;
    default: *lo = -60; *hi = 60; break;
  }
}

Result test_f64(const IsaTable& isa, int fn, uint64_t samples, bool* implemented) {
  std::mt19937_64 rng(12345 + fn);
  std::vector<double> in;
  const double sp[] = {0.0, -0.0, 1.0, -1.0, INFINITY, -INFINITY, NAN, DBL_MIN, -DBL_MIN, DBL_TRUE_MIN,
                       -DBL_TRUE_MIN, DBL_MAX, -DBL_MAX, 0.5, -0.5, 1e-300, -1e-300, 709.78, 709.79, -745.1,
                       -745.2, -708.4, 20, -20, 40, -40, 1e-8, -1e-8, 0.34657359, -0.34657359, 0.9999999, -0.9999999};
  for (double x : sp) in.push_back(x);
  double lo, hi;
  range_f64(fn, &lo, &hi);
  std::uniform_real_distribution<double> uni(lo, hi), u11(-1, 1);
  for (uint64_t i = 0; i < samples; ++i) {
    in.push_back(bits2d(rng()));
    in.push_back(uni(rng));
    in.push_back(u11(rng) * std::ldexp(1.0, -(int)(rng() % 60)));
  }
  std::vector<double> out(in.size());
  Result r;
  if (!isa.run_f64(fn, in.data(), out.data(), in.size())) { *implemented = false; return r; }
  *implemented = true;
  const double bound = bound_f64(fn);
  for (size_t i = 0; i < in.size(); ++i) {
    long double ref = reference<long double>(fn, (long double)in[i]);
    double e = ulp_error<double>(out[i], ref);
    ++r.n;
    if (e > bound) ++r.over;
    if (e > r.max_ulp) { r.max_ulp = e; r.worst_x = in[i]; r.worst_y = out[i]; r.worst_ref = (double)ref; }
  }
  return r;
}

bool cpu_has(const char* isa) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
  if (!std::strcmp(isa, "scalar")) return true;
  if (!std::strcmp(isa, "avx2")) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (!std::strcmp(isa, "avx512"))
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
  return false;
#elif defined(__aarch64__) || defined(_M_ARM64)
  return !std::strcmp(isa, "scalar") || !std::strcmp(isa, "neon");  // AdvSIMD: AArch64 baseline
#else
  return !std::strcmp(isa, "scalar");
#endif
}

bool listed(const std::string& list, const char* name) {
  if (list.empty()) return true;
  std::string l = "," + list + ",";
  return l.find("," + std::string(name) + ",") != std::string::npos;
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t stride = 4099, samples = 200000;
  int nthreads = 2;
  std::string fns, isas;
  bool selftest_only = false, do_f32 = true, do_f64 = true;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&]() -> std::string { if (i + 1 >= argc) { std::fprintf(stderr, "missing value for %s\n", a.c_str()); std::exit(2); } return argv[++i]; };
    if (a == "--quick") stride = 4099;
    else if (a == "--stride") stride = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--fn") fns = next();
    else if (a == "--isa") isas = next();
    else if (a == "--threads") nthreads = std::atoi(next().c_str());
    else if (a == "--samples") samples = std::strtoull(next().c_str(), nullptr, 10);
    else if (a == "--selftest-only") selftest_only = true;
    else if (a == "--no-f64") do_f64 = false;
    else if (a == "--no-f32") do_f32 = false;
    else { std::fprintf(stderr, "unknown argument %s\n", a.c_str()); return 2; }
  }
  if (stride == 0) stride = 1;
  if (nthreads < 1) nthreads = 1;
#if defined(__x86_64__) || defined(_M_X64)
  const IsaTable* tables[] = {&ak::scalar::kTestTable, &ak::avx2::kTestTable, &ak::avx512::kTestTable};
#elif defined(__aarch64__) || defined(_M_ARM64)
  const IsaTable* tables[] = {&ak::scalar::kTestTable, &ak::neon::kTestTable};
#else
  const IsaTable* tables[] = {&ak::scalar::kTestTable};
#endif
  int failures = 0;
  for (const IsaTable* t : tables) {
    if (!listed(isas, t->name)) continue;
    if (!cpu_has(t->name)) { std::printf("[%s] skipped: CPU lacks it\n", t->name); continue; }
    int f = t->vec_selftest();
    std::printf("[%s] vec self-test: %s\n", t->name, f ? "FAILED" : "ok");
    failures += f;
  }
  if (selftest_only) return failures ? 1 : 0;
  std::printf("float32 stride %llu (%s), float64 %llu x3 samples + specials, %d threads\n",
              (unsigned long long)stride, stride == 1 ? "exhaustive" : "strided", (unsigned long long)samples, nthreads);
  std::vector<const IsaTable*> active;
  for (const IsaTable* t : tables)
    if (listed(isas, t->name) && cpu_has(t->name)) active.push_back(t);
  for (int fn = 0; fn < akt::kNumFns; ++fn) {
    if (!listed(fns, kFnNames[fn])) continue;
    if (do_f32) {
      auto t0 = std::chrono::steady_clock::now();
      std::vector<bool> impl;
      std::vector<Result> rs = sweep_f32(active, fn, stride, nthreads, &impl);
      double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      for (size_t j = 0; j < active.size(); ++j) {
        if (!impl[j]) continue;
        const Result& r = rs[j];
        bool bad = r.over > 0;
        failures += bad;
        std::printf("%-9s %-7s f32: max %.3f ulp (bound %.1f) at x=%.9g (0x%08x) y=%.9g ref=%.17g; %llu/%llu over; %.1fs (all ISAs)%s\n",
                    kFnNames[fn], active[j]->name, r.max_ulp, bound_f32(fn), r.worst_x,
                    [](float f) { uint32_t u; std::memcpy(&u, &f, 4); return u; }((float)r.worst_x),
                    r.worst_y, r.worst_ref, (unsigned long long)r.over, (unsigned long long)r.n, secs,
                    bad ? "  FAIL" : "");
      }
      std::fflush(stdout);
    }
    for (const IsaTable* t : active) {
      if (do_f64) {
        bool impl = true;
        Result r = test_f64(*t, fn, samples, &impl);
        if (impl) {
          bool bad = r.over > 0;
          failures += bad;
          std::printf("%-9s %-7s f64: max %.3f ulp (bound %.1f) at x=%.17g y=%.17g ref=%.17g; %llu/%llu over%s\n",
                      kFnNames[fn], t->name, r.max_ulp, bound_f64(fn), r.worst_x, r.worst_y, r.worst_ref,
                      (unsigned long long)r.over, (unsigned long long)r.n, bad ? "  FAIL" : "");
        }
      }
    }
  }
  std::printf("%s\n", failures ? "FAILED" : "all ok");
  return failures ? 1 : 0;
}

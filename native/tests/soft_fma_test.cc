// native/tests/soft_fma_test.cc -- native/vec/soft_fma.h against the C library's fma,
// bit for bit (glibc's is correctly rounded), float and double, on random operands
// over the whole exponent range (subnormals, overflow, cancellation, ties) and on
// the special values. Run by test/native-soft-fma.test.ts; the win32 build of
// hardSigmoid (the caller through kernels/widen.h) is checked under Wine by
// npm run test:win32. Usage: soft_fma_test [count]; exit 1 on any difference.
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "../vec/soft_fma.h"

namespace {

uint64_t g_state = 0x9e3779b97f4a7c15ull;
uint64_t next() {
  g_state ^= g_state << 13;
  g_state ^= g_state >> 7;
  g_state ^= g_state << 17;
  return g_state;
}

template <class T, class U>
T from_bits(U u) {
  T x;
  std::memcpy(&x, &u, sizeof x);
  return x;
}

// Random bit patterns, a third of them steered so that c is near -a*b (cancellation)
// or a*b near a tie.
double rnd_d() { return from_bits<double>(next()); }
float rnd_f() { return from_bits<float>(static_cast<uint32_t>(next() >> 32)); }

long g_fail = 0, g_checks = 0;

template <class T>
void check(T a, T b, T c) {
  ++g_checks;
  const T want = std::fma(a, b, c);
  const T got = ak::soft_fma::fma(a, b, c);
  const bool same = std::isnan(want) ? std::isnan(got) : std::memcmp(&want, &got, sizeof want) == 0;
  if (!same && ++g_fail <= 20) {
    std::printf("FAIL %s fma(%a, %a, %a): %a, want %a\n", sizeof(T) == 4 ? "float" : "double", double(a), double(b),
                double(c), double(got), double(want));
  }
}

template <class T>
void specials() {
  const T inf = std::numeric_limits<T>::infinity(), nan = std::numeric_limits<T>::quiet_NaN();
  const T mx = std::numeric_limits<T>::max(), mn = std::numeric_limits<T>::min(), dn = std::numeric_limits<T>::denorm_min();
  const T v[] = {0, -T(0), 1, -1, T(0.5), T(1.5), 3, inf, -inf, nan, mx, -mx, mn, -mn, dn, -dn, T(1) + std::numeric_limits<T>::epsilon(), 1 - std::numeric_limits<T>::epsilon() / 2, mx / 2, mn * 3, dn * 7};
  for (T a : v)
    for (T b : v)
      for (T c : v) check(a, b, c);
}

}  // namespace

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::atol(argv[1]) : 2000000;
  specials<float>();
  specials<double>();
  for (long i = 0; i < n; ++i) {
    const double a = rnd_d(), b = rnd_d();
    double c = rnd_d();
    if (i % 3 == 1) c = -(a * b) * (1 + std::ldexp(double(int64_t(next() % 2001) - 1000), -60));
    if (i % 3 == 2) c = std::ldexp(a * b, -int(next() % 60));
    check(a, b, c);
    const float fa = rnd_f(), fb = rnd_f();
    float fc = rnd_f();
    if (i % 3 == 1) fc = -(fa * fb) * (1 + std::ldexp(float(int(next() % 201) - 100), -30));
    check(fa, fb, fc);
    // Narrow exponent ranges too, where the products neither overflow nor vanish.
    const double m = std::ldexp(double(next() >> 11), -53);
    check(std::ldexp(1 + m, int(next() % 40) - 20), std::ldexp(1 + std::ldexp(double(next() >> 11), -53), int(next() % 40) - 20), std::ldexp(double(int64_t(next() >> 20)), int(next() % 60) - 60));
  }
  std::printf("%ld checks, %ld failed\n", g_checks, g_fail);
  return g_fail ? 1 : 0;
}

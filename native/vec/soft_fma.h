// native/vec/soft_fma.h -- a*b + c rounded once (to nearest, ties to even), in integer
// arithmetic, for C libraries whose std::fma is not: MinGW-w64 up to version 10 (Debian
// bookworm's, which builds the win32-x64 prebuild) computes a*b + c with two roundings
// there, one result in four off by an ulp. kernels/widen.h's fma_exact() uses it on
// such targets; native/tests/soft_fma_test.cc holds it to glibc's fma bit for bit.
// Needs unsigned __int128 (GCC and clang on 64-bit targets; MSVC's UCRT fma is exact).
#ifndef AK_VEC_SOFT_FMA_H_
#define AK_VEC_SOFT_FMA_H_

#include <cmath>
#include <cstdint>
#include <limits>

namespace ak {
namespace soft_fma {

using u128 = unsigned __int128;

// m >> s keeping a sticky bit: the lowest bit of the result is set when any bit
// shifted out was, so rounding later still sees "above the halfway point".
inline u128 shr_sticky(u128 m, int s) {
  if (s <= 0) return m;
  if (s >= 128) return m != 0;
  const u128 out = m & ((static_cast<u128>(1) << s) - 1);
  return (m >> s) | (out != 0);
}

inline int top_bit(u128 m) {
  const uint64_t hi = static_cast<uint64_t>(m >> 64);
  return hi ? 127 - __builtin_clzll(hi) : 63 - __builtin_clzll(static_cast<uint64_t>(m));
}

// T = float or double. Finite nonzero a, b; finite c (the caller handles the rest).
template <class T>
T fma_finite(T a, T b, T c) {
  constexpr int kP = std::numeric_limits<T>::digits;      // 24 or 53
  constexpr int kEmin = std::numeric_limits<T>::min_exponent - 1;  // -126 or -1022
  constexpr int kEmax = std::numeric_limits<T>::max_exponent - 1;  // 127 or 1023
  // x = m·2^e with m an integer of at most kP bits (frexp normalises subnormals too).
  auto split = [](T x, uint64_t* m, int* e) {
    int ex;
    const T f = std::frexp(std::fabs(x), &ex);
    *m = static_cast<uint64_t>(std::ldexp(f, kP));
    *e = ex - kP;
  };
  uint64_t ma, mb, mc;
  int ea, eb, ec;
  split(a, &ma, &ea);
  split(b, &mb, &eb);
  const bool sp = std::signbit(a) != std::signbit(b);
  // The exact product, its top bit moved to bit 125 (two bits of headroom for the sum).
  u128 mp = static_cast<u128>(ma) * mb;
  int ep = ea + eb;
  const int up = 125 - top_bit(mp);
  mp <<= up;
  ep -= up;
  u128 mx = mp, my = 0;
  int ex = ep, ey = 0;
  bool sx = sp, sy = false;
  if (c != 0) {  // c = ±0: the product alone, with its sign
    split(c, &mc, &ec);
    u128 m = mc;
    const int uc = 125 - top_bit(m);
    m <<= uc;
    ec -= uc;
    // x: the operand with the larger magnitude (equal exponents: compare mantissas).
    if (ec > ep || (ec == ep && m > mp)) {
      mx = m, ex = ec, sx = std::signbit(c);
      my = mp, ey = ep, sy = sp;
    } else {
      my = m, ey = ec, sy = std::signbit(c);
    }
  }
  u128 m = mx;
  if (my != 0) {
    const u128 y = shr_sticky(my, ex - ey);
    m = sx == sy ? mx + y : mx - y;
  }
  if (m == 0) return T(0);  // exact cancellation: +0 when rounding to nearest
  // Round m·2^ex to kP bits, fewer below the normal range.
  const int t = top_bit(m);
  int e = t + ex;  // the result's binary exponent before rounding
  int keep = kP;
  if (e < kEmin) keep = kP - (kEmin - e);
  const int drop = t + 1 - keep;  // bits of m below the result's last place
  u128 q;
  if (drop <= 0) {
    q = m << -drop;
  } else if (drop > 127) {
    q = 0;  // far below half the smallest subnormal (m != 0 but tiny): rounds to 0
  } else {
    q = m >> drop;
    const u128 rest = m & ((static_cast<u128>(1) << drop) - 1);
    const u128 half = static_cast<u128>(1) << (drop - 1);
    if (rest > half || (rest == half && (q & 1))) ++q;
  }
  const int scale = ex + (drop > 127 ? 0 : drop);
  // q < 2^(kP+1) (a carry may have added a bit): exact as T, and so is the scaling.
  if (e > kEmax || ((q >> kP) != 0 && e + 1 > kEmax)) {
    const T inf = std::numeric_limits<T>::infinity();
    return sx ? -inf : inf;
  }
  const T r = std::ldexp(static_cast<T>(static_cast<uint64_t>(q)), scale);
  return sx ? -r : r;
}

// fma(a, b, c) for every input: the IEEE special cases first, then the integer path.
template <class T>
inline T fma(T a, T b, T c) {
  if (!std::isfinite(a) || !std::isfinite(b)) return a * b + c;  // Inf·0 = NaN, Inf·x + c as fma
  if (!std::isfinite(c)) return c;                                // a·b finite: ±Inf or NaN as c
  if (a == 0 || b == 0) return a * b + c;                        // exact zero product: one rounding
  return fma_finite(a, b, c);
}

}  // namespace soft_fma
}  // namespace ak

#endif  // AK_VEC_SOFT_FMA_H_

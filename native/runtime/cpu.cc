// native/runtime/cpu.cc -- cpuid + xgetbv. A CPU may advertise AVX/AVX-512 while the OS does
// not save YMM/ZMM state on context switch (old kernels, some hypervisors, masked
// XCR0); executing those instructions then faults or corrupts registers, so every
// AVX level requires both the cpuid bit and the matching XCR0 bits.
#include "cpu.h"

#include <cstring>

#if defined(__x86_64__) || defined(_M_X64)
#define AK_X86_64 1
#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#include <immintrin.h>
#else
#include <cpuid.h>
#endif
#endif

namespace ak {

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return "scalar";
    case Isa::kAvx2: return "avx2";
    case Isa::kAvx512: return "avx512";
    case Isa::kNeon: return "neon";
  }
  return "unknown";
}

bool isa_from_name(const char* name, Isa* out) {
  for (int i = 0; i < kNumIsas; ++i) {
    if (std::strcmp(name, isa_name(static_cast<Isa>(i))) == 0) {
      *out = static_cast<Isa>(i);
      return true;
    }
  }
  return false;
}

namespace {

#if defined(AK_X86_64)
struct Regs { unsigned a, b, c, d; };

Regs cpuid(unsigned leaf, unsigned sub) {
  Regs r{0, 0, 0, 0};
#if defined(_MSC_VER) && !defined(__clang__)
  int v[4];
  __cpuidex(v, static_cast<int>(leaf), static_cast<int>(sub));
  r = Regs{static_cast<unsigned>(v[0]), static_cast<unsigned>(v[1]), static_cast<unsigned>(v[2]),
           static_cast<unsigned>(v[3])};
#else
  __cpuid_count(leaf, sub, r.a, r.b, r.c, r.d);
#endif
  return r;
}

// XCR0 via xgetbv; only valid to execute when cpuid.1:ECX.OSXSAVE is set. Inline asm
// (not _xgetbv) so this TU needs no -mxsave flag.
unsigned long long xcr0() {
#if defined(_MSC_VER) && !defined(__clang__)
  return _xgetbv(0);
#else
  unsigned lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<unsigned long long>(hi) << 32) | lo;
#endif
}

CpuFeatures detect() {
  CpuFeatures f;
  const unsigned max_leaf = cpuid(0, 0).a;
  if (max_leaf < 7) return f;
  const Regs l1 = cpuid(1, 0);
  const Regs l7 = cpuid(7, 0);
  const bool osxsave = (l1.c >> 27) & 1;
  if (!osxsave) return f;  // xgetbv itself would fault
  const unsigned long long x = xcr0();
  // XCR0 bit 1 = SSE (XMM), bit 2 = AVX (upper YMM halves).
  const bool os_ymm = (x & 0x6) == 0x6;
  // Bits 5..7 = opmask k0-k7, upper halves of ZMM0-15, ZMM16-31.
  const bool os_zmm = (x & 0xe0) == 0xe0;
  const bool avx = (l1.c >> 28) & 1;
  const bool fma = (l1.c >> 12) & 1;
  const bool f16c = (l1.c >> 29) & 1;
  const bool avx2 = (l7.b >> 5) & 1;
  const bool avx512f = (l7.b >> 16) & 1;
  const bool avx512dq = (l7.b >> 17) & 1;
  const bool avx512bw = (l7.b >> 30) & 1;
  const bool avx512vl = (l7.b >> 31) & 1;
  // F16C (the float16 conversions, kernels/half_tile.h) is part of the avx2 level: the
  // TU is built with -mf16c, and every CPU with AVX2 and FMA also has it (Intel from
  // Ivy Bridge, AMD from Piledriver), so requiring it turns no real AVX2 machine away
  // and spares the level a second, separately checked float16 path.
  f.avx2_fma = os_ymm && avx && avx2 && fma && f16c;
  // The avx512 TU is compiled with -mavx512f -mavx512dq -mavx512bw -mavx512vl (the
  // compiler may use any of them), so every one of those is required here.
  f.avx512 = f.avx2_fma && os_zmm && avx512f && avx512dq && avx512bw && avx512vl;
  return f;
}
#else
CpuFeatures detect() { return CpuFeatures{}; }
#endif

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures f = detect();  // C++11 magic static: thread-safe, once
  return f;
}

bool isa_supported(Isa isa) {
  switch (isa) {
    case Isa::kScalar: return true;
#if defined(AK_X86_64)
    case Isa::kAvx2: return cpu_features().avx2_fma;
    case Isa::kAvx512: return cpu_features().avx512;
#elif defined(__aarch64__) || defined(_M_ARM64)
    case Isa::kNeon: return true;  // AdvSIMD (with float64 lanes, FMA) is AArch64 baseline
#endif
    default: return false;
  }
  return false;
}

bool isa_compiled(Isa isa) {
#if defined(AK_X86_64)
  return isa != Isa::kNeon;
#elif defined(__aarch64__) || defined(_M_ARM64)
  return isa == Isa::kScalar || isa == Isa::kNeon;
#else
  return isa == Isa::kScalar;
#endif
}

Isa best_isa() {
  for (int i = kNumIsas - 1; i > 0; --i) {
    if (isa_supported(static_cast<Isa>(i))) return static_cast<Isa>(i);
  }
  return Isa::kScalar;
}

}  // namespace ak

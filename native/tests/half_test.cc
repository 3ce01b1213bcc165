// native/tests/half_test.cc -- the float16 / bfloat16 conversions of native/vec/half.h.
//
//   half_test [--stride N] [--isa a,b]
//
// 1. The scalar forms against the definition: every one of the 65,536 patterns of each
//    format widens to the value it encodes, and a float32 narrows to the nearest
//    representable value, ties to the even pattern, Inf past the rounding limit
//    (checked by comparing with both neighbours in double arithmetic, exact here).
// 2. Every level this CPU runs against the scalar forms, bit for bit (NaNs included):
//    all 65,536 widenings, and the narrowing of every N-th float32 bit pattern (N = 1:
//    all 2^32), at odd offsets and lengths so that vector bodies and tails both run.
// Build: g++ -std=c++17 -O2 half_test.cc half_isa_scalar.cc half_isa_avx2.cc (-mavx2
// -mfma -mf16c) half_isa_avx512.cc (-mavx512f ...) -- test/native-half.test.ts does.
#define AK_ISA_SCALAR 1
#include "../vec/vec.h"
#include "../vec/half.h"
#include "half_common.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using ak::scalar::f16_to_f32_scalar;
using ak::scalar::f32_to_f16_scalar;
using ak::scalar::bf16_to_f32_scalar;
using ak::scalar::f32_to_bf16_scalar;

int failures = 0;
void fail(const char* what, uint32_t in, uint32_t got, uint32_t want) {
  if (++failures <= 20) std::printf("FAIL %s: input 0x%08x gave 0x%08x, want 0x%08x\n", what, in, got, want);
}

uint32_t bits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}
float fl(uint32_t u) {
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

// The value a pattern encodes, from the format's definition.
double def_value(uint16_t h, int frac, int emin, int expbits) {
  const int emask = (1 << expbits) - 1;
  const int e = (h >> frac) & emask, m = h & ((1 << frac) - 1);
  const double s = (h & 0x8000) ? -1 : 1;
  if (e == emask) return m ? NAN : s * INFINITY;
  if (e == 0) return s * std::ldexp(m, emin - frac);
  return s * std::ldexp((1 << frac) + m, e - 1 + emin - frac);
}

// Is h the correctly rounded (nearest, ties to even) pattern of x? Non-NaN finite x.
bool nearest(float x, uint16_t h, double (*val)(uint16_t), uint16_t inf_bits, double limit) {
  const double a = std::fabs(double(x));
  const uint16_t sign = std::signbit(x) ? 0x8000 : 0;
  if ((h & 0x8000) != sign) return false;
  const uint16_t mag = h & 0x7fff;
  if (a >= limit) return mag == inf_bits;
  if (mag >= inf_bits) return false;
  const double v = val(mag);
  const double lo = mag ? val(uint16_t(mag - 1)) : -1.0;
  const double hi = val(uint16_t(mag + 1));  // the next pattern (Inf above the largest: never nearer)
  const double d = std::fabs(a - v);
  if (mag && std::fabs(a - lo) < d) return false;
  if (std::isfinite(hi) && std::fabs(hi - a) < d) return false;
  // A tie goes to the even pattern.
  if (mag && std::fabs(a - lo) == d && (mag & 1)) return false;
  if (std::isfinite(hi) && std::fabs(hi - a) == d && (mag & 1)) return false;
  return true;
}
double f16v(uint16_t h) { return def_value(h, 10, -14, 5); }
double bf16v(uint16_t h) { return def_value(h, 7, -126, 8); }

void check_definition(uint64_t stride) {
  for (uint32_t h = 0; h < 65536; ++h) {
    const double d16 = f16v(uint16_t(h)), db = bf16v(uint16_t(h));
    const float w16 = f16_to_f32_scalar(uint16_t(h)), wb = bf16_to_f32_scalar(uint16_t(h));
    if (std::isnan(d16) ? !std::isnan(w16) : (double(w16) != d16 || std::signbit(w16) != bool(h & 0x8000)))
      fail("widen_f16 vs definition", h, bits(w16), 0);
    if (std::isnan(db) ? !std::isnan(wb) : (double(wb) != db || std::signbit(wb) != bool(h & 0x8000)))
      fail("widen_bf16 vs definition", h, bits(wb), 0);
  }
  // 65520 = 65504 + half an ulp (2^5 / 2): the tie between the largest half and 2^16 goes
  // to the even 2^16, i.e. Inf. For bfloat16 the limit is FLT_MAX rounded: 2^128 - 2^119.
  const double lim16 = 65520.0, limb = std::ldexp(1.0, 128) - std::ldexp(1.0, 119);
  for (uint64_t b = 0; b < (uint64_t(1) << 32); b += stride) {
    const float x = fl(uint32_t(b));
    if (std::isnan(x)) {
      const uint16_t h = f32_to_f16_scalar(x), hb = f32_to_bf16_scalar(x);
      if ((h & 0x7e00) != 0x7e00 || (h & 0x8000) != ((b >> 16) & 0x8000)) fail("narrow_f16 NaN", uint32_t(b), h, 0x7e00);
      if ((hb & 0x7fc0) != 0x7fc0 || (hb & 0x8000) != ((b >> 16) & 0x8000)) fail("narrow_bf16 NaN", uint32_t(b), hb, 0x7fc0);
      continue;
    }
    const uint16_t h = f32_to_f16_scalar(x);
    if (!nearest(x, h, f16v, 0x7c00, lim16)) fail("narrow_f16 vs nearest", uint32_t(b), h, 0);
    const uint16_t hb = f32_to_bf16_scalar(x);
    if (!nearest(x, hb, bf16v, 0x7f80, limb)) fail("narrow_bf16 vs nearest", uint32_t(b), hb, 0);
  }
}

void check_level(const akt::HalfTable& t, uint64_t stride) {
  const char* n = t.name;
  std::vector<uint16_t> h(65536 + 64);
  std::vector<float> w(65536 + 64);
  for (uint32_t i = 0; i < 65536; ++i) h[i + 3] = uint16_t(i);
  std::string what;
  for (int f = 0; f < 2; ++f) {
    (f ? t.widen_bf16 : t.widen_f16)(h.data() + 3, w.data() + 1, 65536);
    for (uint32_t i = 0; i < 65536; ++i) {
      const float want = f ? bf16_to_f32_scalar(uint16_t(i)) : f16_to_f32_scalar(uint16_t(i));
      if (bits(w[i + 1]) != bits(want)) fail((what = std::string(n) + (f ? " widen_bf16" : " widen_f16")).c_str(), i, bits(w[i + 1]), bits(want));
    }
  }
  // Narrowing, in blocks of odd lengths at odd offsets.
  const size_t block = 4093;
  std::vector<float> x(block + 8);
  std::vector<uint16_t> y(block + 8);
  uint64_t b = 0;
  while (b < (uint64_t(1) << 32)) {
    size_t k = 0;
    std::vector<uint32_t> in;
    for (; k < block && b < (uint64_t(1) << 32); ++k, b += stride) x[k + 5] = fl(uint32_t(b));
    for (int f = 0; f < 2; ++f) {
      (f ? t.narrow_bf16 : t.narrow_f16)(x.data() + 5, y.data() + 1, k);
      for (size_t i = 0; i < k; ++i) {
        const uint16_t want = f ? f32_to_bf16_scalar(x[i + 5]) : f32_to_f16_scalar(x[i + 5]);
        if (y[i + 1] != want) fail((what = std::string(n) + (f ? " narrow_bf16" : " narrow_f16")).c_str(), bits(x[i + 5]), y[i + 1], want);
      }
    }
  }
}

bool cpu_has(const std::string& isa) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  if (isa == "avx2") return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("f16c");
  if (isa == "avx512")
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512bw") &&
           __builtin_cpu_supports("avx512vl");
#endif
  return isa == "scalar" || isa == "neon";
}

}  // namespace

int main(int argc, char** argv) {
  uint64_t stride = 257;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--stride") && i + 1 < argc) stride = std::strtoull(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--isa") && i + 1 < argc) only = argv[++i];
    else {
      std::fprintf(stderr, "usage: half_test [--stride N] [--isa a,b]\n");
      return 2;
    }
  }
  if (stride == 0) stride = 1;
  check_definition(stride);
  std::printf("[definition] %s\n", failures ? "FAILED" : "ok");
  const akt::HalfTable* levels[] = {
      &ak::scalar::kHalfTable,
#if defined(__x86_64__) || defined(_M_X64)
      &ak::avx2::kHalfTable, &ak::avx512::kHalfTable,
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
      &ak::neon::kHalfTable,
#endif
  };
  for (const akt::HalfTable* t : levels) {
    if (!only.empty() && ("," + only + ",").find("," + std::string(t->name) + ",") == std::string::npos) continue;
    if (!cpu_has(t->name)) {
      std::printf("[%s] skipped: CPU lacks it\n", t->name);
      continue;
    }
    const int before = failures;
    check_level(*t, stride);
    std::printf("[%s] %s\n", t->name, failures == before ? "ok" : "FAILED");
  }
  std::printf(failures ? "%d failures\n" : "all ok\n", failures);
  return failures ? 1 : 0;
}

// native/tests/half_common.h -- declarations shared by half_test.cc and its per-ISA TUs.
#ifndef AK_TESTS_HALF_COMMON_H_
#define AK_TESTS_HALF_COMMON_H_
#include <cstddef>
#include <cstdint>

namespace akt {
struct HalfTable {
  const char* name;
  void (*widen_f16)(const uint16_t*, float*, size_t);
  void (*narrow_f16)(const float*, uint16_t*, size_t);
  void (*widen_bf16)(const uint16_t*, float*, size_t);
  void (*narrow_bf16)(const float*, uint16_t*, size_t);
};
}  // namespace akt

namespace ak { namespace scalar { extern const akt::HalfTable kHalfTable; } }
#if defined(__x86_64__) || defined(_M_X64)
namespace ak { namespace avx2 { extern const akt::HalfTable kHalfTable; } }
namespace ak { namespace avx512 { extern const akt::HalfTable kHalfTable; } }
#endif
#if defined(__aarch64__) || defined(_M_ARM64)
namespace ak { namespace neon { extern const akt::HalfTable kHalfTable; } }
#endif
#endif

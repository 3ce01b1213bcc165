// native/tests/math_common.h -- shared between math_sweep.cc and the per-ISA TUs.
// Plain declarations only (no inline bodies), so it is ODR-safe across ISA flags.
#ifndef AK_TESTS_MATH_COMMON_H_
#define AK_TESTS_MATH_COMMON_H_
#include <cstddef>

// Every math function under test is a row of native/math/bounds.inc (with its bounds).
// Adding a function: its row there, one line in math_isa.inc (the call), one reference
// in math_sweep.cc.
namespace akt {
enum Fn {
#define AK_MATH_BOUND(n, f32, f64) k_##n,
#include "../math/bounds.inc"
  kNumFns
};

struct IsaTable {
  const char* name;
  // Evaluate fn on n inputs (any n: full vectors then one partial); returns false if
  // the function is not implemented yet.
  bool (*run_f32)(int fn, const float* in, float* out, size_t n);
  bool (*run_f64)(int fn, const double* in, double* out, size_t n);
  // Self-test of the vec/ primitives; prints failures, returns the number of failures.
  int (*vec_selftest)();
};
}  // namespace akt

namespace ak { namespace scalar { extern const akt::IsaTable kTestTable; } }
namespace ak { namespace avx2 { extern const akt::IsaTable kTestTable; } }
namespace ak { namespace avx512 { extern const akt::IsaTable kTestTable; } }
namespace ak { namespace neon { extern const akt::IsaTable kTestTable; } }

#endif

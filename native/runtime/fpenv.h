// native/runtime/fpenv.h -- the floating-point environment the kernels are written for,
// held around every kernel call. ISA-independent (the base instruction set only).
#ifndef AK_RUNTIME_FPENV_H_
#define AK_RUNTIME_FPENV_H_

#if defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>  // _mm_getcsr/_mm_setcsr: SSE, part of the x86-64 baseline
#endif

namespace ak {

// Runs the kernels under the floating-point environment they are written for
// (round to nearest, no flush-to-zero, no denormals-are-zero, exceptions masked)
// whatever the caller's thread had, and gives the caller back its control register bit
// for bit, status flags included. Cost when the caller's environment is already the
// default: one read at entry and at exit, plus a write only if our arithmetic raised a
// flag the caller did not have. Every thread that calls a kernel (the JS thread, a
// pool worker running a tile) must hold one of these around the call.
class FpEnvGuard {
 public:
#if defined(__x86_64__) || defined(_M_X64)
  FpEnvGuard() : saved_(_mm_getcsr()) {
    // Bits 6..15: DAZ, exception masks, rounding control, FTZ. 0x1f80 = all masked, RN.
    if ((saved_ & 0xffc0u) != 0x1f80u) _mm_setcsr((saved_ & 0x3fu) | 0x1f80u);
  }
  ~FpEnvGuard() {
    if (_mm_getcsr() != saved_) _mm_setcsr(saved_);
  }

 private:
  unsigned saved_;
#elif defined(__aarch64__) || defined(_M_ARM64)
  // arm64 (the NEON level): the same contract with FPCR (round to nearest: RMode 0; FZ,
  // FZ16 and AH clear; no trap enables), saved here and restored in the destructor
  // only when it differed, and FPSR's cumulative flags handed back as the caller had
  // them. Until that is written, the caller's FPCR is used as it is.
  FpEnvGuard() = default;
#else
  // Other architectures run the scalar level only, in the caller's environment.
  FpEnvGuard() = default;
#endif
 public:
  FpEnvGuard(const FpEnvGuard&) = delete;
  FpEnvGuard& operator=(const FpEnvGuard&) = delete;
};

}  // namespace ak

#endif  // AK_RUNTIME_FPENV_H_

// native/runtime/fpenv.h -- the floating-point environment the kernels are written for,
// held around every kernel call. ISA-independent (the base instruction set only).
#ifndef AK_RUNTIME_FPENV_H_
#define AK_RUNTIME_FPENV_H_

#include <cstdint>

#if defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>  // _mm_getcsr/_mm_setcsr: SSE, part of the x86-64 baseline
#endif

namespace ak {

// Runs the kernels under the floating-point environment they are written for
// (round to nearest, no flush-to-zero, no denormals-are-zero, exceptions masked)
// whatever the caller's thread had, and gives the caller back its control register bit
// for bit, status flags included. Cost when the caller's environment is already the
// default: one read at entry and one write at exit. Every thread that calls a kernel
// (the JS thread, a pool worker running a tile) must hold one of these around the call.
class FpEnvGuard {
 public:
#if defined(__x86_64__) || defined(_M_X64)
  FpEnvGuard() : saved_(_mm_getcsr()) {
    // Bits 6..15: DAZ, exception masks, rounding control, FTZ. 0x1f80 = all masked, RN.
    if ((saved_ & 0xffc0u) != 0x1f80u) _mm_setcsr((saved_ & 0x3fu) | 0x1f80u);
  }
  // Written back unconditionally: nearly every kernel raises the inexact flag, so a
  // compare would almost always find a difference, and on AMD cores reading MXCSR
  // (stmxcsr, microcoded) costs several times writing it.
  ~FpEnvGuard() { _mm_setcsr(saved_); }

 private:
  unsigned saved_;
#elif (defined(__aarch64__) || defined(_M_ARM64)) && (defined(__GNUC__) || defined(__clang__))
  // arm64 (the NEON level): the same contract with FPCR. RMode (bits 22-23), FZ (24),
  // DN (25), FZ16 (19), trap enables (8-12, 15) and, on Armv8.7, AH/FIZ (1, 0): 0 is
  // round to nearest, IEEE subnormals, no traps. FPSR holds the cumulative exception
  // flags: the caller's come back as they were.
  FpEnvGuard() : fpcr_(fpcr()), fpsr_(fpsr()) {
    if (fpcr_ != 0) set_fpcr(0);
  }
  ~FpEnvGuard() {
    if (fpcr_ != 0) set_fpcr(fpcr_);
    if (fpsr() != fpsr_) set_fpsr(fpsr_);
  }
  static uint64_t fpcr() { uint64_t v; __asm__ volatile("mrs %0, fpcr" : "=r"(v)); return v; }
  static uint64_t fpsr() { uint64_t v; __asm__ volatile("mrs %0, fpsr" : "=r"(v)); return v; }
  static void set_fpcr(uint64_t v) { __asm__ volatile("msr fpcr, %0" : : "r"(v)); }
  static void set_fpsr(uint64_t v) { __asm__ volatile("msr fpsr, %0" : : "r"(v)); }

 private:
  uint64_t fpcr_, fpsr_;
#else
  // Other targets (MSVC arm64 included) run in the caller's environment, which their
  // ABIs default to round to nearest with IEEE subnormals.
  FpEnvGuard() = default;
#endif
 public:
  FpEnvGuard(const FpEnvGuard&) = delete;
  FpEnvGuard& operator=(const FpEnvGuard&) = delete;
};

}  // namespace ak

#endif  // AK_RUNTIME_FPENV_H_

// native/dispatch.h -- the per-ISA kernel tables and how a call reaches one.
// ISA-independent: included by addon.cc (no ISA flags) and by each isa/*.cc.
#ifndef AK_DISPATCH_H_
#define AK_DISPATCH_H_

#include <cstddef>
#include <cstdint>

#include "cpu.h"
#include "params.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <xmmintrin.h>  // _mm_getcsr/_mm_setcsr: SSE, part of the x86-64 baseline
#endif

namespace ak {

// One ISA level's kernels, filled once at static-initialisation time by its
// isa/<level>.cc (the only translation units compiled with ISA flags) and never
// written again. An entry is null when that op/dtype has no native kernel yet; the
// JS side then runs the pure-JS twin.
//
// Growth plan: each new kernel family gets its own array here, indexed the same way
// (backward passes: `unary_bwd_f32[kNumUnaryOps]` of a backward signature; the custom
// expression interpreter: one more UnaryKernel entry that reads Params::ext), filled
// by the same isa/table.inc. Callers that split work into tiles (thread pool) call
// the same pointers on sub-ranges: kernels are stateless and range-local.
struct KernelTable {
  Isa isa;
  UnaryKernel<float> unary_f32[kNumUnaryOps];
  UnaryKernel<double> unary_f64[kNumUnaryOps];
};

// The table for `isa`, or null when that level is not compiled into this build or
// this CPU/OS cannot run it. Never returns a table whose code would fault.
const KernelTable* kernel_table(Isa isa);

template <class T> inline UnaryKernel<T> unary_kernel(const KernelTable& t, unsigned id);
template <> inline UnaryKernel<float> unary_kernel<float>(const KernelTable& t, unsigned id) {
  return id < kNumUnaryOps ? t.unary_f32[id] : nullptr;
}
template <> inline UnaryKernel<double> unary_kernel<double>(const KernelTable& t, unsigned id) {
  return id < kNumUnaryOps ? t.unary_f64[id] : nullptr;
}

// Runs the kernels under the floating-point environment they are written for
// (round to nearest, no flush-to-zero, no denormals-are-zero, exceptions masked)
// whatever the caller's thread had, and gives the caller back its MXCSR bit for bit,
// status flags included. Cost when the caller's environment is already the default:
// one stmxcsr at entry and at exit, plus an ldmxcsr only if our arithmetic raised a
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
#elif (defined(__aarch64__) || defined(_M_ARM64)) && (defined(__GNUC__) || defined(__clang__))
  // FPCR: RMode (bits 22-23), FZ (24), DN (25), FZ16 (19), trap enables (8-12, 15) and,
  // on Armv8.7, AH/FIZ (1, 0); 0 is round to nearest, IEEE subnormals, no traps. FPSR
  // holds the sticky exception flags: the caller's come back as they were.
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
  FpEnvGuard(const FpEnvGuard&) = delete;
  FpEnvGuard& operator=(const FpEnvGuard&) = delete;
};

}  // namespace ak

#endif  // AK_DISPATCH_H_

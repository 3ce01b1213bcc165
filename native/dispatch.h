// native/dispatch.h -- the per-ISA kernel tables and how a call reaches one.
// ISA-independent: included by addon.cc (no ISA flags) and by each isa/*.cc.
#ifndef AK_DISPATCH_H_
#define AK_DISPATCH_H_

#include <cstddef>
#include <cstdint>

#include "runtime/cpu.h"
#include "kernels/signatures.h"

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

}  // namespace ak

#endif  // AK_DISPATCH_H_

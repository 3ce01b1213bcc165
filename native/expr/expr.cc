// native/expr/expr.cc -- checks a compiled expression program and hands it to the
// interpreter of the requested ISA level. Compiled without ISA flags.
#include <cmath>

#include "../dispatch.h"
#include "program.h"

namespace ak {

#define AK_EXPR_DECLARE(ns)                                                                          \
  namespace ns {                                                                                     \
  namespace exprk {                                                                                  \
  bool run_f32(const expr::Program&, const float* const*, float*, size_t, const KernelTable&);       \
  bool run_f64(const expr::Program&, const double* const*, double*, size_t, const KernelTable&);     \
  void stats_f32(const float*, size_t, size_t, size_t, bool, double, double, double, expr::Moments*);  \
  void stats_f64(const double*, size_t, size_t, size_t, bool, double, double, double, expr::Moments*); \
  }                                                                                                  \
  }
AK_EXPR_DECLARE(scalar)
#if defined(__x86_64__) || defined(_M_X64)
AK_EXPR_DECLARE(avx2)
AK_EXPR_DECLARE(avx512)
#elif defined(__aarch64__) || defined(_M_ARM64)
AK_EXPR_DECLARE(neon)
#endif
#undef AK_EXPR_DECLARE

namespace expr {

const char* check(const int32_t* code, size_t n_words, const double* consts, size_t n_consts,
                  int n_inputs_given, Program* out) {
  if (n_words < 4 || (n_words - 4) % 4 != 0) return "the code is not a header plus whole instructions";
  if (code[0] != kFormatVersion) return "unknown format version";
  const int n_regs = code[1], n_inputs = code[2], result = code[3];
  if (n_regs < 1 || n_regs > kMaxRegs) return "register count out of range";
  if (n_inputs < 1 || n_inputs > kMaxInputs || n_inputs > n_regs || n_inputs != n_inputs_given) {
    return "input count does not match";
  }
  if (result < 0 || result >= n_regs) return "result register out of range";
  const auto reg_ok = [&](int32_t r) { return r >= 0 && r < n_regs; };
  const auto const_ok = [&](int32_t k, int32_t count) {
    return k >= 0 && static_cast<size_t>(k) + static_cast<size_t>(count) <= n_consts;
  };
  for (size_t i = 4; i < n_words; i += 4) {
    const int32_t op = code[i], d = code[i + 1], a = code[i + 2], b = code[i + 3];
    if (op < 0 || op >= OP_COUNT) return "unknown opcode";
    if (!reg_ok(d)) return "destination register out of range";
    switch (kForm[op]) {
      case kRR:
      case kSel:
        if (!reg_ok(a) || !reg_ok(b)) return "source register out of range";
        break;
      case kRK:
        if (!reg_ok(a) || !const_ok(b, 1)) return "operand out of range";
        break;
      case kR:
        if (!reg_ok(a)) return "source register out of range";
        break;
      case kRI:
        if (!reg_ok(a) || b < -1024 || b > 1024) return "operand out of range";
        break;
      case kK:
        if (!const_ok(a, 1)) return "constant index out of range";
        break;
      case kCall: {
        if (!reg_ok(a) || !const_ok(b, 3)) return "operand out of range";
        const double id = consts[b];
        if (!(id >= 0 && id < kNumUnaryOps && std::floor(id) == id)) return "CALL names no registry op";
        break;
      }
    }
  }
  out->code = code + 4;
  out->n_instr = (n_words - 4) / 4;
  out->consts = consts;
  out->n_consts = n_consts;
  out->n_regs = n_regs;
  out->n_inputs = n_inputs;
  out->result = result;
  return nullptr;
}

bool run_f32(Isa isa, const Program& p, const float* const* in, float* out, size_t n) {
  const KernelTable* t = kernel_table(isa);
  if (t == nullptr) return false;
  FpEnvGuard guard;
  switch (isa) {
    case Isa::kScalar: return scalar::exprk::run_f32(p, in, out, n, *t);
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::kAvx2: return avx2::exprk::run_f32(p, in, out, n, *t);
    case Isa::kAvx512: return avx512::exprk::run_f32(p, in, out, n, *t);
#elif defined(__aarch64__) || defined(_M_ARM64)
    case Isa::kNeon: return neon::exprk::run_f32(p, in, out, n, *t);
#endif
    default: return false;
  }
}

bool run_f64(Isa isa, const Program& p, const double* const* in, double* out, size_t n) {
  const KernelTable* t = kernel_table(isa);
  if (t == nullptr) return false;
  FpEnvGuard guard;
  switch (isa) {
    case Isa::kScalar: return scalar::exprk::run_f64(p, in, out, n, *t);
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::kAvx2: return avx2::exprk::run_f64(p, in, out, n, *t);
    case Isa::kAvx512: return avx512::exprk::run_f64(p, in, out, n, *t);
#elif defined(__aarch64__) || defined(_M_ARM64)
    case Isa::kNeon: return neon::exprk::run_f64(p, in, out, n, *t);
#endif
    default: return false;
  }
}

bool stats_f32(Isa isa, const float* x, size_t outer, size_t C, size_t inner, bool has_shape, double dead_max,
               double lo, double hi, Moments* out) {
  if (kernel_table(isa) == nullptr) return false;
  FpEnvGuard guard;
  switch (isa) {
    case Isa::kScalar: scalar::exprk::stats_f32(x, outer, C, inner, has_shape, dead_max, lo, hi, out); return true;
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::kAvx2: avx2::exprk::stats_f32(x, outer, C, inner, has_shape, dead_max, lo, hi, out); return true;
    case Isa::kAvx512: avx512::exprk::stats_f32(x, outer, C, inner, has_shape, dead_max, lo, hi, out); return true;
#elif defined(__aarch64__) || defined(_M_ARM64)
    case Isa::kNeon: neon::exprk::stats_f32(x, outer, C, inner, has_shape, dead_max, lo, hi, out); return true;
#endif
    default: return false;
  }
}

bool stats_f64(Isa isa, const double* x, size_t outer, size_t C, size_t inner, bool has_shape, double dead_max,
               double lo, double hi, Moments* out) {
  if (kernel_table(isa) == nullptr) return false;
  FpEnvGuard guard;
  switch (isa) {
    case Isa::kScalar: scalar::exprk::stats_f64(x, outer, C, inner, has_shape, dead_max, lo, hi, out); return true;
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::kAvx2: avx2::exprk::stats_f64(x, outer, C, inner, has_shape, dead_max, lo, hi, out); return true;
    case Isa::kAvx512: avx512::exprk::stats_f64(x, outer, C, inner, has_shape, dead_max, lo, hi, out); return true;
#elif defined(__aarch64__) || defined(_M_ARM64)
    case Isa::kNeon: neon::exprk::stats_f64(x, outer, C, inner, has_shape, dead_max, lo, hi, out); return true;
#endif
    default: return false;
  }
}

}  // namespace expr
}  // namespace ak

// native/expr/expr.cc -- checks a compiled expression program and hands it to the
// interpreter of a level's table. Compiled without ISA flags.
#include <cmath>

#include "../runtime/fpenv.h"
#include "program.h"

namespace ak {

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

template <class T>
bool runnable(const KernelTable& t, const Program& p) {
  for (size_t j = 0; j < p.n_instr; ++j) {
    const int32_t* w = p.code + 4 * j;
    if (w[0] == OP_CALL && unary_kernel<T>(t, static_cast<unsigned>(p.consts[w[3]])) == nullptr) return false;
  }
  return true;
}

template <class T>
bool run(const KernelTable& t, const Program& p, const T* const* in, T* out, size_t n) {
  if (!runnable<T>(t, p)) return false;
  FpEnvGuard guard;
  t.of<T>().expr(p, in, out, n, t);
  return true;
}

template <class T>
void stats(const KernelTable& t, const T* x, size_t outer, size_t C, size_t inner, bool has_shape, double dead_max,
           double lo, double hi, Moments* out) {
  FpEnvGuard guard;
  t.of<T>().stats(x, outer, C, inner, has_shape, dead_max, lo, hi, out);
}

template bool runnable<float>(const KernelTable&, const Program&);
template bool runnable<double>(const KernelTable&, const Program&);
template bool run<float>(const KernelTable&, const Program&, const float* const*, float*, size_t);
template bool run<double>(const KernelTable&, const Program&, const double* const*, double*, size_t);
template void stats<float>(const KernelTable&, const float*, size_t, size_t, size_t, bool, double, double, double,
                           Moments*);
template void stats<double>(const KernelTable&, const double*, size_t, size_t, size_t, bool, double, double, double,
                            Moments*);

}  // namespace expr
}  // namespace ak

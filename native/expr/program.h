// native/expr/program.h -- a compiled custom activation (lib/expr, issue 9) as the
// native side receives it: the Int32Array `code` and Float64Array `consts` of
// lib/expr/codegen.ts, checked once here so the ISA interpreters can trust it.
// ISA-independent (no vector code): included by expr.cc, the entry points and every
// isa/<level>.cc (the interpreter and stats).
#ifndef AK_EXPR_PROGRAM_H_
#define AK_EXPR_PROGRAM_H_

#include <cmath>
#include <cstddef>
#include <cstdint>

#include "../dispatch/table.h"
#include "opcodes.h"

namespace ak {
namespace expr {

// Elements per tile: a register is kTile lanes of the array's type, so a program's
// registers (at most kMaxRegs) stay in L1/L2 while every instruction sweeps its tile.
constexpr size_t kTile = 1024;
constexpr int kMaxRegs = 64;
constexpr int kMaxInputs = 2;

struct Program {
  const int32_t* code = nullptr;  // instructions only (header stripped), 4 words each
  size_t n_instr = 0;
  const double* consts = nullptr;
  size_t n_consts = 0;
  int n_regs = 0;
  int n_inputs = 0;
  int result = 0;
};

// Validates the header and every instruction: known opcode, registers below nRegs,
// constant and CALL descriptor indices inside consts, CALL op ids below the number of
// registry ops, integer exponents. Returns null and fills *out when the program is
// well formed, else a static message naming the first problem.
const char* check(const int32_t* code, size_t n_words, const double* consts, size_t n_consts,
                  int n_inputs_given, Program* out);

// Whether table t has a native kernel for every CALL of p (in type T).
template <class T>
bool runnable(const KernelTable& t, const Program& p);

// ---- stats() (lib/expr/stats.ts): moments of a group of elements.
constexpr size_t kSegment = 4096;  // elements per segment, as the JS twin

struct Moments {
  double n = 0;  // non-NaN elements
  double nan = 0;
  double min = INFINITY;
  double max = -INFINITY;
  double mean = 0;
  double m2 = 0;  // centred sum of squares
  double dead = 0;
  double sat = 0;
};

// Chan et al.: a += b, exact in exact arithmetic.
inline void merge(Moments* a, const Moments& b) {
  a->nan += b.nan;
  a->dead += b.dead;
  a->sat += b.sat;
  if (b.min < a->min) a->min = b.min;
  if (b.max > a->max) a->max = b.max;
  if (b.n == 0) return;
  if (a->n == 0) {
    a->n = b.n;
    a->mean = b.mean;
    a->m2 = b.m2;
    return;
  }
  const double n = a->n + b.n;
  const double d = b.mean - a->mean;
  a->mean += d * (b.n / n);
  a->m2 += b.m2 + d * d * ((a->n / n) * b.n);
  a->n = n;
}

// x seen as outer x C x inner (no channel axis: has_shape false, 1 x 1 x n). Fills
// out[0..C) per channel and out[C] for the whole array; dead: x <= dead_max,
// saturated: x <= lo or x >= hi (NaN thresholds never match). With table t's kernels,
// under ak::FpEnvGuard.
template <class T>
void stats(const KernelTable& t, const T* x, size_t outer, size_t C, size_t inner, bool has_shape, double dead_max,
           double lo, double hi, Moments* out);

// Runs p over n elements with table t's interpreter: inputs[k] for k < p.n_inputs, out
// of the same type (out may be one of the inputs itself). Returns false, having written
// nothing, when t lacks a native kernel for one of the program's CALLs (the JS
// interpreter then runs it). Runs under ak::FpEnvGuard.
template <class T>
bool run(const KernelTable& t, const Program& p, const T* const* inputs, T* out, size_t n);

}  // namespace expr
}  // namespace ak

#endif  // AK_EXPR_PROGRAM_H_

// native/expr/interp.h -- the bytecode interpreter of compiled custom activations,
// written once over the vector type V (Vf or Vd of the translation unit's ISA).
// Included by isa/table.inc after vec/vec.h and math/all.h.
//
// The input is cut into tiles of kTile elements; each instruction sweeps its tile
// in whole vectors (registers are padded to kTile, a multiple of every V::N, so only
// loading the inputs and storing the result see a partial tile). Dispatch costs one
// switch per instruction per tile. Arithmetic is in the array's type with the
// package's vector math (exp_, log1p_, sigmoid_, tanh_, erf_, ...); the few units
// without a vector routine yet (sin, cos, tan, sinh, cosh, asinh, atan, sinc) run
// lane by lane through the C library in double. Semantics: lib/expr/opcodes.ts.
#ifndef AK_EXPR_INTERP_H_
#define AK_EXPR_INTERP_H_

#include <cmath>
#include <cstring>
#include <vector>

#include "../dispatch/table.h"
#include "program.h"

namespace ak {
namespace AK_ISA_NS {
namespace exprk {

template <class V> using T_ = typename V::T;

template <class V, class F>
AK_INLINE V per_lane(V x, F f) {
  alignas(64) T_<V> buf[V::N];
  store(buf, x);
  for (size_t i = 0; i < V::N; ++i) buf[i] = static_cast<T_<V>>(f(static_cast<double>(buf[i])));
  return load(buf);
}

inline double sinc_d(double x) {
  if (x == 0) return 1;
  if (std::isinf(x)) return 0;
  return std::sin(x) / x;
}

// Same series and cut-over as lib/expr/opcodes.ts's dsinc.
inline double dsinc_d(double x) {
  const double a = std::fabs(x);
  if (a < 1) {
    static const double c[10] = {
        -1.0 / 3, 4.0 / 120, -6.0 / 5040, 8.0 / 362880, -10.0 / 39916800, 12.0 / 6227020800.0,
        -14.0 / 1307674368000.0, 16.0 / 355687428096000.0, -18.0 / 121645100408832000.0,
        20.0 / 51090942171709440000.0};
    const double x2 = x * x;
    double s = 0;
    for (int k = 9; k >= 0; --k) s = c[k] + x2 * s;
    return x * s;
  }
  if (std::isinf(x)) return 0;
  return (x * std::cos(x) - std::sin(x)) / (x * x);
}

// NaN from either operand, as Math.max/Math.min (vec max/min only watch the first).
template <class V> AK_INLINE V max2(V a, V b) { return select(isnan(b), b, max(a, b)); }
template <class V> AK_INLINE V min2(V a, V b) { return select(isnan(b), b, min(a, b)); }

template <class V>
AK_INLINE V powi_v(V x, int n) {
  if (n == 2) return x * x;
  if (n == 3) return x * x * x;
  unsigned e = n < 0 ? 0u - static_cast<unsigned>(n) : static_cast<unsigned>(n);
  V r = splat<V>(T_<V>(1));
  V b = x;
  while (e) {
    if (e & 1u) r = r * b;
    b = b * b;
    e >>= 1;
  }
  return n < 0 ? splat<V>(T_<V>(1)) / r : r;
}

// Two vectors per iteration (kTile is a multiple of 2 * V::N on every ISA): two
// independent dependency chains per iteration, as the built-in kernels' unrolled loops.
template <class V, class F>
AK_INLINE void map1(T_<V>* d, const T_<V>* a, F f) {
  for (size_t i = 0; i < expr::kTile; i += 2 * V::N) {
    const V x0 = load(a + i), x1 = load(a + i + V::N);
    const V y0 = f(x0), y1 = f(x1);
    store(d + i, y0);
    store(d + i + V::N, y1);
  }
}
template <class V, class F>
AK_INLINE void map2(T_<V>* d, const T_<V>* a, const T_<V>* b, F f) {
  for (size_t i = 0; i < expr::kTile; i += 2 * V::N) {
    const V y0 = f(load(a + i), load(b + i)), y1 = f(load(a + i + V::N), load(b + i + V::N));
    store(d + i, y0);
    store(d + i + V::N, y1);
  }
}

template <class V>
void exec(int op, T_<V>* d, const T_<V>* a, const T_<V>* b, int imm, const double* consts, const KernelTable& calls) {
  using namespace expr;
  using T = T_<V>;
  const V zero_v = zero<V>();
  const V one = splat<V>(T(1));
  switch (op) {
    case OP_MOV:
      if (d != a) std::memcpy(d, a, sizeof(T) * kTile);  // d == a: an in-place call's last MOV
      return;
    case OP_CONST: {
      const V k = splat<V>(T(consts[imm]));
      for (size_t i = 0; i < kTile; i += V::N) store(d + i, k);
      return;
    }
    case OP_ADD: map2<V>(d, a, b, [](V x, V y) { return x + y; }); return;
    case OP_SUB: map2<V>(d, a, b, [](V x, V y) { return x - y; }); return;
    case OP_MUL: map2<V>(d, a, b, [](V x, V y) { return x * y; }); return;
    case OP_DIV: map2<V>(d, a, b, [](V x, V y) { return x / y; }); return;
    case OP_MAX: map2<V>(d, a, b, [](V x, V y) { return max2(x, y); }); return;
    case OP_MIN: map2<V>(d, a, b, [](V x, V y) { return min2(x, y); }); return;
    case OP_ADDK: { const V k = splat<V>(T(consts[imm])); map1<V>(d, a, [k](V x) { return x + k; }); return; }
    case OP_MULK: { const V k = splat<V>(T(consts[imm])); map1<V>(d, a, [k](V x) { return x * k; }); return; }
    case OP_RSUBK: { const V k = splat<V>(T(consts[imm])); map1<V>(d, a, [k](V x) { return k - x; }); return; }
    case OP_DIVK: { const V k = splat<V>(T(consts[imm])); map1<V>(d, a, [k](V x) { return x / k; }); return; }
    case OP_RDIVK: { const V k = splat<V>(T(consts[imm])); map1<V>(d, a, [k](V x) { return k / x; }); return; }
    case OP_MAXK: { const V k = splat<V>(T(consts[imm])); map1<V>(d, a, [k](V x) { return max2(x, k); }); return; }
    case OP_MINK: { const V k = splat<V>(T(consts[imm])); map1<V>(d, a, [k](V x) { return min2(x, k); }); return; }
    case OP_POWI: map1<V>(d, a, [imm](V x) { return powi_v(x, imm); }); return;
    case OP_NEG: map1<V>(d, a, [](V x) { return -x; }); return;
    case OP_ABS: map1<V>(d, a, [](V x) { return abs(x); }); return;
    case OP_SIGN:
      map1<V>(d, a, [&](V x) {
        return select(gt(x, zero_v), one, select(lt(x, zero_v), -one, select(isnan(x), x, zero_v)));
      });
      return;
    case OP_STEP: map1<V>(d, a, [&](V x) { return select(gt(x, zero_v), one, select(isnan(x), x, zero_v)); }); return;
    case OP_SQRT: map1<V>(d, a, [](V x) { return sqrt(x); }); return;
    case OP_EXP: map1<V>(d, a, [](V x) { return exp_(x); }); return;
    case OP_EXPM1: map1<V>(d, a, [](V x) { return expm1_(x); }); return;
    case OP_LOG: map1<V>(d, a, [](V x) { return log_(x); }); return;
    case OP_LOG1P: map1<V>(d, a, [](V x) { return log1p_(x); }); return;
    case OP_SIN: map1<V>(d, a, [](V x) { return per_lane(x, [](double v) { return std::sin(v); }); }); return;
    case OP_COS: map1<V>(d, a, [](V x) { return per_lane(x, [](double v) { return std::cos(v); }); }); return;
    case OP_TAN: map1<V>(d, a, [](V x) { return per_lane(x, [](double v) { return std::tan(v); }); }); return;
    case OP_SINH: map1<V>(d, a, [](V x) { return per_lane(x, [](double v) { return std::sinh(v); }); }); return;
    case OP_COSH: map1<V>(d, a, [](V x) { return per_lane(x, [](double v) { return std::cosh(v); }); }); return;
    case OP_TANH: map1<V>(d, a, [](V x) { return tanh_(x); }); return;
    case OP_ASINH: map1<V>(d, a, [](V x) { return per_lane(x, [](double v) { return std::asinh(v); }); }); return;
    case OP_ATAN: map1<V>(d, a, [](V x) { return per_lane(x, [](double v) { return std::atan(v); }); }); return;
    case OP_ERF: map1<V>(d, a, [](V x) { return erf_(x); }); return;
    case OP_ERFC: map1<V>(d, a, [](V x) { return erfc_(x); }); return;
    case OP_SINC: map1<V>(d, a, [](V x) { return per_lane(x, sinc_d); }); return;
    case OP_DSINC: map1<V>(d, a, [](V x) { return per_lane(x, dsinc_d); }); return;
    case OP_SIGMOID: map1<V>(d, a, [](V x) { return sigmoid_(x); }); return;
    case OP_SOFTPLUS: map1<V>(d, a, [](V x) { return softplus_(x); }); return;
    case OP_SELPOS:
      for (size_t i = 0; i < kTile; i += V::N) {
        const V c = load(a + i);
        store(d + i, select(gt(c, zero_v), load(b + i), select(isnan(c), c, load(d + i))));
      }
      return;
    case OP_CALL: {
      Params p;
      p.a = consts[imm + 1];
      p.b = consts[imm + 2];
      unary_kernel<T>(calls, static_cast<unsigned>(consts[imm]))(a, d, kTile, p);
      return;
    }
    default: return;  // unreachable: expr::check refused unknown opcodes
  }
}

// Tile copies in whole vectors: gcc inlines a 1 KiB memcpy as `rep movsq`, whose start-up
// cost is a large part of a short program's time (bench/figures/native-design-choices.md).
template <class V>
AK_INLINE void copy_in(T_<V>* dst, const T_<V>* src, size_t m) {
  size_t i = 0;
  for (; i + V::N <= m; i += V::N) store(dst + i, load(src + i));
  if (i < m) {
    store(dst + i, loadPartial(src + i, m - i));  // lanes past m read as 0
    i += V::N;
  }
  for (; i < expr::kTile; i += V::N) store(dst + i, zero<V>());
}
template <class V>
AK_INLINE void copy_out(T_<V>* dst, const T_<V>* src, size_t m) {
  size_t i = 0;
  for (; i + V::N <= m; i += V::N) store(dst + i, load(src + i));
  if (i < m) storePartial(dst + i, load(src + i), m - i);
}

// The whole program over [0, n); every CALL has a kernel in `calls` (expr::run checked).
template <class V>
void run(const expr::Program& p, const T_<V>* const* in, T_<V>* out, size_t n, const KernelTable& calls) {
  using namespace expr;
  using T = T_<V>;
  // The register file: on the stack for programs of up to kStackRegs registers (most
  // are), else one per thread, kept. A thread_local in a shared library costs a
  // __tls_get_addr per call, and glibc's takes a read lock there that two threads
  // contending on every 16 KiB tile made slower than one
  // (bench/figures/native-design-choices.md).
  constexpr size_t kStackRegs = 64 * 1024 / (kTile * sizeof(T));
  alignas(64) T stack_regs[kStackRegs * kTile];
  T* base = stack_regs;
  if (static_cast<size_t>(p.n_regs) > kStackRegs) {
    thread_local std::vector<T> storage;
    const size_t need = static_cast<size_t>(p.n_regs) * kTile + 64 / sizeof(T);
    if (storage.size() < need) storage.resize(need);
    // 64-byte alignment for the register file (the vectors use unaligned loads anyway).
    base = storage.data();
    while (reinterpret_cast<uintptr_t>(base) % 64 != 0) ++base;
  }
  auto reg = [&](int r) { return base + static_cast<size_t>(r) * kTile; };
  // Where each register's current value lives. In a whole tile an input register reads
  // the input array itself until an instruction writes it, and the last instruction
  // writes the result straight into out: no copy-in/copy-out phase, so the tile's
  // memory traffic overlaps the arithmetic as in the built-in kernels (the copies were a
  // large part of a short program's time). Partial tiles go through zero-padded registers.
  // In-place calls (out == an input) are safe: only the last instruction writes out,
  // element by element after reading the same element.
  const T* src[kMaxRegs];
  const size_t last = p.n_instr - 1;  // no instructions: wraps, never matched; copy_out copies
  for (size_t t0 = 0; t0 < n; t0 += kTile) {
    const size_t m = n - t0 < kTile ? n - t0 : kTile;
    const bool whole = m == kTile;
    for (int r = 0; r < p.n_regs; ++r) src[r] = reg(r);
    for (int k = 0; k < p.n_inputs; ++k) {
      if (whole) {
        src[k] = in[k] + t0;
      } else {
        copy_in<V>(reg(k), in[k] + t0, m);
      }
    }
    bool wrote_out = false;
    for (size_t j = 0; j < p.n_instr; ++j) {
      const int32_t* w = p.code + 4 * j;
      const Form f = kForm[w[0]];
      const T* a = (f == kK) ? reg(0) : src[w[2]];
      const T* b = (f == kRR || f == kSel) ? src[w[3]] : reg(0);
      const int imm = (f == kK) ? w[2] : w[3];
      T* d = reg(w[1]);
      if (f == kSel) {
        // SELPOS keeps d's old value in some lanes: it must be in the register.
        if (src[w[1]] != d) std::memcpy(d, src[w[1]], sizeof(T) * kTile);
      } else if (whole && j == last && w[1] == p.result) {
        d = out + t0;
        wrote_out = true;
      }
      exec<V>(w[0], d, a, b, imm, p.consts, calls);
      src[w[1]] = d;
    }
    if (!wrote_out) copy_out<V>(out + t0, src[p.result], m);
  }
}

}  // namespace exprk
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_EXPR_INTERP_H_

// Generated from lib/expr/opcodes.ts by opcodesHeader(): do not edit.
// The bytecode of compiled activations: see lib/expr/opcodes.ts for the format.
#pragma once

namespace ak::expr {

constexpr int kFormatVersion = 1;
constexpr int kHeaderWords = 4;
constexpr int kInstrWords = 4;

enum Form : int { kRR, kRK, kR, kRI, kK, kSel, kCall };

enum Op : int {
  OP_MOV = 0,  // kR copy
  OP_CONST = 1,  // kK broadcast consts[a]
  OP_ADD = 2,  // kRR a + b
  OP_SUB = 3,  // kRR a - b
  OP_MUL = 4,  // kRR a * b
  OP_DIV = 5,  // kRR a / b
  OP_MAX = 6,  // kRR max(a, b); NaN if either is NaN
  OP_MIN = 7,  // kRR min(a, b); NaN if either is NaN
  OP_ADDK = 8,  // kRK a + k
  OP_MULK = 9,  // kRK a * k
  OP_RSUBK = 10,  // kRK k - a
  OP_DIVK = 11,  // kRK a / k
  OP_RDIVK = 12,  // kRK k / a
  OP_MAXK = 13,  // kRK max(a, k)
  OP_MINK = 14,  // kRK min(a, k)
  OP_POWI = 15,  // kRI a^b for the integer immediate b (b = 2, 3: a·a, a·a·a; else binary powering, 1/… for b < 0)
  OP_NEG = 16,  // kR -a
  OP_ABS = 17,  // kR |a|
  OP_SIGN = 18,  // kR -1, 0 or 1 (0 for ±0), NaN for NaN
  OP_STEP = 19,  // kR 1 for a > 0, 0 for a ≤ 0, NaN for NaN
  OP_SQRT = 20,  // kR sqrt(a)
  OP_EXP = 21,  // kR e^a
  OP_EXPM1 = 22,  // kR e^a - 1
  OP_LOG = 23,  // kR ln a
  OP_LOG1P = 24,  // kR ln(1 + a)
  OP_SIN = 25,  // kR sin a
  OP_COS = 26,  // kR cos a
  OP_TAN = 27,  // kR tan a
  OP_SINH = 28,  // kR sinh a
  OP_COSH = 29,  // kR cosh a
  OP_TANH = 30,  // kR tanh a
  OP_ASINH = 31,  // kR asinh a
  OP_ATAN = 32,  // kR atan a
  OP_ERF = 33,  // kR erf a
  OP_ERFC = 34,  // kR 1 - erf a, without cancellation
  OP_SINC = 35,  // kR sin(a)/a; 1 at 0, 0 at ±Inf
  OP_DSINC = 36,  // kR sinc'(a) = (a cos a - sin a)/a²; series below |a| = 1; 0 at 0 and ±Inf
  OP_SIGMOID = 37,  // kR 1 / (1 + e^-a)
  OP_SOFTPLUS = 38,  // kR max(a, 0) + log1p(e^-|a|)
  OP_SELPOS = 39,  // kSel a > 0 ? b : a ≤ 0 ? dst : NaN
  OP_CALL = 40,  // kCall registry op consts[b] on a, parameters consts[b+1], consts[b+2]
  OP_COUNT = 41
};

constexpr Form kForm[OP_COUNT] = {
  kR,  // MOV
  kK,  // CONST
  kRR,  // ADD
  kRR,  // SUB
  kRR,  // MUL
  kRR,  // DIV
  kRR,  // MAX
  kRR,  // MIN
  kRK,  // ADDK
  kRK,  // MULK
  kRK,  // RSUBK
  kRK,  // DIVK
  kRK,  // RDIVK
  kRK,  // MAXK
  kRK,  // MINK
  kRI,  // POWI
  kR,  // NEG
  kR,  // ABS
  kR,  // SIGN
  kR,  // STEP
  kR,  // SQRT
  kR,  // EXP
  kR,  // EXPM1
  kR,  // LOG
  kR,  // LOG1P
  kR,  // SIN
  kR,  // COS
  kR,  // TAN
  kR,  // SINH
  kR,  // COSH
  kR,  // TANH
  kR,  // ASINH
  kR,  // ATAN
  kR,  // ERF
  kR,  // ERFC
  kR,  // SINC
  kR,  // DSINC
  kR,  // SIGMOID
  kR,  // SOFTPLUS
  kSel,  // SELPOS
  kCall,  // CALL
};

}  // namespace ak::expr

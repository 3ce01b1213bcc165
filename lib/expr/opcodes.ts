/**
 * THE opcode table of the expression bytecode. Every consumer (the compiler,
 * the JS interpreter, the constant folder, the reference evaluator, a native
 * interpreter) takes opcode numbers and semantics from here; the native twin
 * is generated from this table by `opcodesHeader()` and checked by a test.
 *
 * Program format (all little integers in one Int32Array `code`, plus a
 * Float64Array `consts`):
 *
 *   code[0..3]   header: FORMAT_VERSION, nRegs, nInputs, result register
 *   code[4k..]   instructions of 4 words: opcode, dst, a, b
 *
 * Registers are tiles of TILE float64 values. Before the first instruction of
 * every tile, registers 0 .. nInputs-1 hold the inputs of that tile converted
 * to float64 (forward programs: r0 = x; backward programs: r0 = x, r1 = dy).
 * After the last instruction the result register is rounded once into the
 * output array's type. All arithmetic is float64; an implementation that
 * computes a float32 output in float32 lanes must still meet the accuracy
 * contract of each opcode (≤ 4 ULP of the float64 value per opcode).
 *
 * Operand kinds, by the opcode's `form`:
 *   rr    dst[i] = f(r[a][i], r[b][i])
 *   rk    dst[i] = f(r[a][i], consts[b])          (a constant second operand)
 *   r     dst[i] = f(r[a][i])                     (b unused, 0)
 *   ri    dst[i] = f(r[a][i], b)                  (b an integer immediate)
 *   k     dst[i] = consts[a]                      (broadcast)
 *   sel   dst[i] = r[a][i] > 0 ? r[b][i] : r[a][i] <= 0 ? dst[i] : NaN
 *         (dst is read: the compiler first moves the "else" value into dst)
 *   call  dst[i] = registry op number consts[b] applied to r[a][i] with its
 *         parameters consts[b+1], consts[b+2] (already in float64; enums as
 *         the index of their value), as the op's float64 kernel computes it
 *
 * dst may equal a or b (every element is read before it is written).
 * Opcode numbers are the positions in `opcodeTable`: append, never reorder.
 */
import { erf, erfc } from '../fallback/erf';

export const FORMAT_VERSION = 1;
export const HEADER_WORDS = 4;
export const INSTR_WORDS = 4;
/** Elements per tile in the JS interpreter (2 KiB per register: a dozen registers stay in L1). */
export const TILE = 256;

export type OpForm = 'rr' | 'rk' | 'r' | 'ri' | 'k' | 'sel' | 'call';

export interface OpcodeDef {
  readonly name: string;
  readonly form: OpForm;
  /** Float64 semantics on scalars; for rk/ri forms `b` is the constant or immediate. */
  readonly f: (a: number, b: number) => number;
  readonly doc: string;
}

/** sigmoid without overflow of exp: e^-x only overflows to +Inf where 1/(1+Inf) = 0 is the limit anyway. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow, no cancellation. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** sin(x)/x with its limits: 1 at 0, 0 at ±Inf. sin(x) = x exactly for |x| < 2^-26, so no cancellation below. */
export function sinc(x: number): number {
  if (x === 0) return 1;
  if (x === Infinity || x === -Infinity) return 0;
  return Math.sin(x) / x;
}

/** Taylor coefficients of sinc'(x)/x in x²: (-1)^k·2k/(2k+1)!, k = 1..10. */
const DSINC_C: readonly number[] = (() => {
  const c: number[] = [];
  let fact = 1; // (2k+1)!
  for (let k = 1; k <= 10; k++) {
    fact *= 2 * k * (2 * k + 1);
    c.push(((k & 1 ? -1 : 1) * 2 * k) / fact);
  }
  return c;
})();

/**
 * d/dx sinc(x) = (x·cos x − sin x)/x². The numerator cancels as |x| → 0, so
 * below |x| = 1 the Taylor series is summed instead (10 terms: the first
 * omitted one is 22/23!·x²¹ < 1e-21, far below an ULP of |x|/3).
 */
export function dsinc(x: number): number {
  const a = Math.abs(x);
  if (a < 1) {
    const x2 = x * x;
    let s = 0;
    for (let k = DSINC_C.length - 1; k >= 0; k--) s = DSINC_C[k] + x2 * s;
    return x * s;
  }
  if (a === Infinity) return 0;
  return (x * Math.cos(x) - Math.sin(x)) / (x * x);
}

/** 1 for x > 0, 0 for x ≤ 0 (so relu'(0) = 0, as PyTorch), NaN for NaN. */
export function step(x: number): number {
  return x > 0 ? 1 : x <= 0 ? 0 : x;
}

/** Math.sign with sign(-0) = 0 (the derivative convention of abs at 0). */
export function sign(x: number): number {
  return x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : x;
}

/** x^n for an integer n by repeated squaring: exact for n = 2, one rounding per multiply otherwise. */
export function powi(x: number, n: number): number {
  if (n === 2) return x * x;
  if (n === 3) return x * x * x;
  let e = n < 0 ? -n : n;
  let r = 1;
  let b = x;
  while (e > 0) {
    if (e & 1) r *= b;
    b *= b;
    e >>>= 1;
  }
  return n < 0 ? 1 / r : r;
}

const noB = (f: (a: number) => number) => (a: number): number => f(a);

/** Opcode number = index. Append only. */
export const opcodeTable: readonly OpcodeDef[] = [
  { name: 'MOV', form: 'r', f: (a) => a, doc: 'copy' },
  { name: 'CONST', form: 'k', f: (a) => a, doc: 'broadcast consts[a]' },
  { name: 'ADD', form: 'rr', f: (a, b) => a + b, doc: 'a + b' },
  { name: 'SUB', form: 'rr', f: (a, b) => a - b, doc: 'a - b' },
  { name: 'MUL', form: 'rr', f: (a, b) => a * b, doc: 'a * b' },
  { name: 'DIV', form: 'rr', f: (a, b) => a / b, doc: 'a / b' },
  { name: 'MAX', form: 'rr', f: Math.max, doc: 'max(a, b); NaN if either is NaN' },
  { name: 'MIN', form: 'rr', f: Math.min, doc: 'min(a, b); NaN if either is NaN' },
  { name: 'ADDK', form: 'rk', f: (a, k) => a + k, doc: 'a + k' },
  { name: 'MULK', form: 'rk', f: (a, k) => a * k, doc: 'a * k' },
  { name: 'RSUBK', form: 'rk', f: (a, k) => k - a, doc: 'k - a' },
  { name: 'DIVK', form: 'rk', f: (a, k) => a / k, doc: 'a / k' },
  { name: 'RDIVK', form: 'rk', f: (a, k) => k / a, doc: 'k / a' },
  { name: 'MAXK', form: 'rk', f: Math.max, doc: 'max(a, k)' },
  { name: 'MINK', form: 'rk', f: Math.min, doc: 'min(a, k)' },
  { name: 'POWI', form: 'ri', f: powi, doc: 'a^b for the integer immediate b (b = 2, 3: a·a, a·a·a; else binary powering, 1/… for b < 0)' },
  { name: 'NEG', form: 'r', f: (a) => -a, doc: '-a' },
  { name: 'ABS', form: 'r', f: noB(Math.abs), doc: '|a|' },
  { name: 'SIGN', form: 'r', f: sign, doc: '-1, 0 or 1 (0 for ±0), NaN for NaN' },
  { name: 'STEP', form: 'r', f: step, doc: '1 for a > 0, 0 for a ≤ 0, NaN for NaN' },
  { name: 'SQRT', form: 'r', f: noB(Math.sqrt), doc: 'sqrt(a)' },
  { name: 'EXP', form: 'r', f: noB(Math.exp), doc: 'e^a' },
  { name: 'EXPM1', form: 'r', f: noB(Math.expm1), doc: 'e^a - 1' },
  { name: 'LOG', form: 'r', f: noB(Math.log), doc: 'ln a' },
  { name: 'LOG1P', form: 'r', f: noB(Math.log1p), doc: 'ln(1 + a)' },
  { name: 'SIN', form: 'r', f: noB(Math.sin), doc: 'sin a' },
  { name: 'COS', form: 'r', f: noB(Math.cos), doc: 'cos a' },
  { name: 'TAN', form: 'r', f: noB(Math.tan), doc: 'tan a' },
  { name: 'SINH', form: 'r', f: noB(Math.sinh), doc: 'sinh a' },
  { name: 'COSH', form: 'r', f: noB(Math.cosh), doc: 'cosh a' },
  { name: 'TANH', form: 'r', f: noB(Math.tanh), doc: 'tanh a' },
  { name: 'ASINH', form: 'r', f: noB(Math.asinh), doc: 'asinh a' },
  { name: 'ATAN', form: 'r', f: noB(Math.atan), doc: 'atan a' },
  { name: 'ERF', form: 'r', f: noB(erf), doc: 'erf a' },
  { name: 'ERFC', form: 'r', f: noB(erfc), doc: '1 - erf a, without cancellation' },
  { name: 'SINC', form: 'r', f: sinc, doc: 'sin(a)/a; 1 at 0, 0 at ±Inf' },
  { name: 'DSINC', form: 'r', f: dsinc, doc: "sinc'(a) = (a cos a - sin a)/a²; series below |a| = 1; 0 at 0 and ±Inf" },
  { name: 'SIGMOID', form: 'r', f: sigmoid, doc: '1 / (1 + e^-a)' },
  { name: 'SOFTPLUS', form: 'r', f: softplus, doc: 'max(a, 0) + log1p(e^-|a|)' },
  { name: 'SELPOS', form: 'sel', f: (c, t) => (c > 0 ? t : NaN), doc: 'a > 0 ? b : a ≤ 0 ? dst : NaN' },
  { name: 'CALL', form: 'call', f: () => NaN, doc: 'registry op consts[b] on a, parameters consts[b+1], consts[b+2]' },
];

/** Opcode numbers by name: OP.ADD, OP.SIGMOID, ... */
export const OP: Readonly<Record<string, number>> = Object.freeze(
  Object.fromEntries(opcodeTable.map((d, i) => [d.name, i])),
);

/**
 * The C++ twin of this table (native/expr/opcodes.h is this text; a test
 * keeps them equal). A native interpreter switches on these numbers.
 */
export function opcodesHeader(): string {
  const lines = [
    '// Generated from lib/expr/opcodes.ts by opcodesHeader(): do not edit.',
    '// The bytecode of compiled activations: see lib/expr/opcodes.ts for the format.',
    '#pragma once',
    '',
    'namespace ak::expr {',
    '',
    `constexpr int kFormatVersion = ${FORMAT_VERSION};`,
    `constexpr int kHeaderWords = ${HEADER_WORDS};`,
    `constexpr int kInstrWords = ${INSTR_WORDS};`,
    '',
    'enum Form : int { kRR, kRK, kR, kRI, kK, kSel, kCall };',
    '',
    'enum Op : int {',
    ...opcodeTable.map((d, i) => `  OP_${d.name} = ${i},  // ${formTag(d.form)} ${d.doc}`),
    `  OP_COUNT = ${opcodeTable.length}`,
    '};',
    '',
    'constexpr Form kForm[OP_COUNT] = {',
    ...opcodeTable.map((d) => `  ${formTag(d.form)},  // ${d.name}`),
    '};',
    '',
    '}  // namespace ak::expr',
    '',
  ];
  return lines.join('\n');
}

function formTag(f: OpForm): string {
  return { rr: 'kRR', rk: 'kRK', r: 'kR', ri: 'kRI', k: 'kK', sel: 'kSel', call: 'kCall' }[f];
}

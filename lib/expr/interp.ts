/**
 * The JS interpreter of expression bytecode. It walks the input tile by tile
 * (TILE elements, registers are preallocated Float64Array tiles that stay in
 * L1), and for each instruction runs one tight loop over the tile: dispatch
 * costs once per instruction per tile, never per element. Everything is
 * float64; the result is rounded once when stored into the output's type.
 */
import type { FloatArray } from '../types';
import { dtypeOf } from '../validate/values';
import { HEADER_WORDS, INSTR_WORDS, OP, TILE, dsinc, opcodeTable, powi, sinc, sign, step, softplus } from './opcodes';
import { erf, erfc } from '../fallback/erf';
import { callTile } from './registry-ops';
import type { Program } from './codegen';

/** The register file, grown on demand and shared by every program (the interpreter never re-enters). */
const regs: Float64Array[] = [];

/**
 * A program's registers beyond its inputs are written by its instructions, so
 * a well-formed one never has more than inputs + instructions: a larger nRegs
 * (a corrupted program) is refused before the register file grows.
 */
function checkRegisters(p: Program, m: number): void {
  if (!Number.isInteger(p.nRegs) || p.nRegs < 1 || p.nRegs > Math.max(1, p.nInputs) + m) {
    throw new RangeError(`compiled program: Expected at most ${Math.max(1, p.nInputs) + m} registers (its inputs and instructions) for nRegs but received ${String(p.nRegs)}`);
  }
}

function registers(n: number): Float64Array[] {
  while (regs.length < n) regs.push(new Float64Array(TILE));
  return regs;
}

const { MOV, CONST, ADD, SUB, MUL, DIV, MAX, MIN, ADDK, MULK, RSUBK, DIVK, RDIVK, MAXK, MINK, POWI, NEG, ABS, SIGN, STEP, SQRT, EXP, EXPM1, LOG, LOG1P, SIN, COS, TAN, SINH, COSH, TANH, ASINH, ATAN, ERF, ERFC, SINC, DSINC, SIGMOID, SOFTPLUS, SELPOS, CALL } = OP;

/** One instruction over elements [0, n) of the tile. */
function exec(op: number, d: Float64Array, A: Float64Array, B: Float64Array, k: number, n: number, consts: Float64Array, b: number): void {
  let i = 0;
  switch (op) {
    case MOV: for (; i < n; i++) d[i] = A[i]; return;
    case CONST: d.fill(k, 0, n); return;
    case ADD: for (; i < n; i++) d[i] = A[i] + B[i]; return;
    case SUB: for (; i < n; i++) d[i] = A[i] - B[i]; return;
    case MUL: for (; i < n; i++) d[i] = A[i] * B[i]; return;
    case DIV: for (; i < n; i++) d[i] = A[i] / B[i]; return;
    case MAX: for (; i < n; i++) d[i] = Math.max(A[i], B[i]); return;
    case MIN: for (; i < n; i++) d[i] = Math.min(A[i], B[i]); return;
    case ADDK: for (; i < n; i++) d[i] = A[i] + k; return;
    case MULK: for (; i < n; i++) d[i] = A[i] * k; return;
    case RSUBK: for (; i < n; i++) d[i] = k - A[i]; return;
    case DIVK: for (; i < n; i++) d[i] = A[i] / k; return;
    case RDIVK: for (; i < n; i++) d[i] = k / A[i]; return;
    case MAXK: for (; i < n; i++) d[i] = Math.max(A[i], k); return;
    case MINK: for (; i < n; i++) d[i] = Math.min(A[i], k); return;
    case POWI:
      if (b === 2) for (; i < n; i++) { const v = A[i]; d[i] = v * v; }
      else if (b === 3) for (; i < n; i++) { const v = A[i]; d[i] = v * v * v; }
      else for (; i < n; i++) d[i] = powi(A[i], b);
      return;
    case NEG: for (; i < n; i++) d[i] = -A[i]; return;
    case ABS: for (; i < n; i++) d[i] = Math.abs(A[i]); return;
    case SIGN: for (; i < n; i++) d[i] = sign(A[i]); return;
    case STEP: for (; i < n; i++) d[i] = step(A[i]); return;
    case SQRT: for (; i < n; i++) d[i] = Math.sqrt(A[i]); return;
    case EXP: for (; i < n; i++) d[i] = Math.exp(A[i]); return;
    case EXPM1: for (; i < n; i++) d[i] = Math.expm1(A[i]); return;
    case LOG: for (; i < n; i++) d[i] = Math.log(A[i]); return;
    case LOG1P: for (; i < n; i++) d[i] = Math.log1p(A[i]); return;
    case SIN: for (; i < n; i++) d[i] = Math.sin(A[i]); return;
    case COS: for (; i < n; i++) d[i] = Math.cos(A[i]); return;
    case TAN: for (; i < n; i++) d[i] = Math.tan(A[i]); return;
    case SINH: for (; i < n; i++) d[i] = Math.sinh(A[i]); return;
    case COSH: for (; i < n; i++) d[i] = Math.cosh(A[i]); return;
    case TANH: for (; i < n; i++) d[i] = Math.tanh(A[i]); return;
    case ASINH: for (; i < n; i++) d[i] = Math.asinh(A[i]); return;
    case ATAN: for (; i < n; i++) d[i] = Math.atan(A[i]); return;
    case ERF: for (; i < n; i++) d[i] = erf(A[i]); return;
    case ERFC: for (; i < n; i++) d[i] = erfc(A[i]); return;
    case SINC: for (; i < n; i++) d[i] = sinc(A[i]); return;
    case DSINC: for (; i < n; i++) d[i] = dsinc(A[i]); return;
    // Inlined: the same formula as opcodes.ts's sigmoid (a test checks every opcode bit for bit).
    case SIGMOID: for (; i < n; i++) d[i] = 1 / (1 + Math.exp(-A[i])); return;
    case SOFTPLUS: for (; i < n; i++) d[i] = softplus(A[i]); return;
    case SELPOS:
      for (; i < n; i++) {
        const c = A[i];
        d[i] = c > 0 ? B[i] : c <= 0 ? d[i] : c;
      }
      return;
    case CALL: callTile(consts[b], consts[b + 1], consts[b + 2], A, d); return;
    default: throw new Error(`internal: opcode ${op} has no interpreter loop`);
  }
}

function load(dst: Float64Array, src: FloatArray, off: number, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[off + i];
}
function store(dst: FloatArray, src: Float64Array, off: number, n: number): void {
  for (let i = 0; i < n; i++) dst[off + i] = src[i];
}
// Monomorphic twins per dtype: V8 then keeps each loop on one element kind.
function load32(dst: Float64Array, src: Float32Array, off: number, n: number): void {
  for (let i = 0; i < n; i++) dst[i] = src[off + i];
}
function store32(dst: Float32Array, src: Float64Array, off: number, n: number): void {
  for (let i = 0; i < n; i++) dst[off + i] = src[i];
}

/**
 * Runs `p` over inputs[k] (same length, any float type; output may alias an
 * input exactly, since each tile is read completely before it is written).
 */
export function runProgram(p: Program, inputs: readonly FloatArray[], out: FloatArray): void {
  const { code, nInputs, result } = p;
  const N = out.length;
  const in32 = inputs.map((a) => dtypeOf(a) === 'float32');
  const out32 = dtypeOf(out) === 'float32';
  // float64 constants and CALL parameters in every run, float32 ones included (one rounding, at
  // the store); a constant float32 cannot hold makes the native float32 interpreter decline the
  // program to this one (native/napi/expr.cc), so both backends give this answer.
  const consts = p.consts;
  // Decode once per call: per tile, each instruction is then one call with its operands ready.
  const m = (code.length - HEADER_WORDS) / INSTR_WORDS;
  checkRegisters(p, m);
  const R = registers(p.nRegs);
  const ops = new Int32Array(m);
  const imm = new Int32Array(m);
  const kv = new Float64Array(m);
  const D: Float64Array[] = [];
  const A: Float64Array[] = [];
  const B: Float64Array[] = [];
  for (let j = 0; j < m; j++) {
    const pc = HEADER_WORDS + j * INSTR_WORDS;
    const op = code[pc], a = code[pc + 2], b = code[pc + 3];
    const form = opcodeTable[op].form;
    ops[j] = op;
    imm[j] = b;
    D.push(R[code[pc + 1]]);
    A.push(form === 'k' ? R[0] : R[a]);
    B.push(form === 'rr' || form === 'sel' ? R[b] : R[0]);
    kv[j] = form === 'rk' ? consts[b] : form === 'k' ? consts[a] : 0;
  }
  for (let t0 = 0; t0 < N; t0 += TILE) {
    const n = Math.min(TILE, N - t0);
    for (let k = 0; k < nInputs; k++) {
      if (in32[k]) load32(R[k], inputs[k] as Float32Array, t0, n);
      else load(R[k], inputs[k], t0, n);
    }
    for (let j = 0; j < m; j++) exec(ops[j], D[j], A[j], B[j], kv[j], n, consts, imm[j]);
    if (out32) store32(out as Float32Array, R[result], t0, n);
    else store(out, R[result], t0, n);
  }
}

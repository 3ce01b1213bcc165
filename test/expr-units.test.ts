import { describe, expect, it } from 'vitest';
import * as ak from '../lib/index';
import { api as jsApi } from '../lib/instance-js';
import { OP, opcodeTable, HEADER_WORDS, FORMAT_VERSION, TILE } from '../lib/expr/opcodes';
import { runProgram } from '../lib/expr/interp';
import type { Program } from '../lib/expr/codegen';
import { unaryNames } from '../lib/registry/ops';
import { ulpError } from './ulp.cjs';
import * as ref from './reference.cjs';
import { rng } from './numerics/helpers';

function uniform(n: number, lo: number, hi: number, seed: number): Float64Array {
  const r = rng(seed);
  const a = new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * r();
  return a;
}

const erf = (x: number): number => ref.math.erf(x)[0];
const PARAMS = { beta: 1.37, eps: 1e-3 };

/** The unary units of the search space, each with an independent float64 formula and a well-conditioned range. */
const unaryUnits: [string, (x: number) => number, number, number][] = [
  ['x', (x) => x, -10, 10],
  ['-x', (x) => -x, -10, 10],
  ['abs(x)', (x) => Math.abs(x), -10, 10],
  ['x^2', (x) => x * x, -10, 10],
  ['x^3', (x) => x * x * x, -10, 10],
  ['sqrt(x)', (x) => Math.sqrt(x), 0, 100],
  ['beta * x', (x) => PARAMS.beta * x, -10, 10],
  ['x + beta', (x) => x + PARAMS.beta, 0, 10],
  ['log(abs(x) + eps)', (x) => Math.log(Math.abs(x) + PARAMS.eps), 2, 10],
  ['exp(x)', (x) => Math.exp(x), -20, 20],
  ['sin(x)', (x) => Math.sin(x), 0.1, 3],
  ['cos(x)', (x) => Math.cos(x), -1.4, 1.4],
  ['sinh(x)', (x) => Math.sinh(x), 0.1, 10],
  ['cosh(x)', (x) => Math.cosh(x), -10, 10],
  ['tanh(x)', (x) => Math.tanh(x), 0.05, 10],
  ['asinh(x)', (x) => Math.asinh(x), 0.1, 100],
  ['atan(x)', (x) => Math.atan(x), 0.1, 100],
  ['sinc(x)', (x) => Math.sin(x) / x, 0.1, 3],
  ['max(x, 0)', (x) => Math.max(x, 0), -10, 10],
  ['min(x, 0)', (x) => Math.min(x, 0), -10, 10],
  ['sigmoid(x)', (x) => 1 / (1 + Math.exp(-x)), -20, 20],
  ['softplus(x)', (x) => Math.log1p(Math.exp(x)), -5, 20],
  ['exp(-x^2)', (x) => Math.exp(-x * x), -3, 3],
  ['erf(x)', erf, 0.1, 4],
];

/** Binary units g(x1, x2) on x1 = sin(x), x2 = x (both well conditioned on the range used). */
const binaryUnits: [string, (a: number, b: number) => number][] = [
  ['x1 + x2', (a, b) => a + b],
  ['x1 * x2', (a, b) => a * b],
  ['x1 - x2', (a, b) => a - b],
  ['x1 / (x2 + eps)', (a, b) => a / (b + PARAMS.eps)],
  ['max(x1, x2)', (a, b) => Math.max(a, b)],
  ['min(x1, x2)', (a, b) => Math.min(a, b)],
  ['sigmoid(x1) * x2', (a, b) => b / (1 + Math.exp(-a))],
  ['exp(-beta * (x1 - x2)^2)', (a, b) => Math.exp(-PARAMS.beta * (a - b) * (a - b))],
  ['exp(-beta * abs(x1 - x2))', (a, b) => Math.exp(-PARAMS.beta * Math.abs(a - b))],
  ['beta * x1 + (1 - beta) * x2', (a, b) => PARAMS.beta * a + (1 - PARAMS.beta) * b],
];

/** Where a binary unit cancels (β·x1 + (1 − β)·x2 crosses zero on the range), its error is measured in ULPs of its terms' size. */
const termScale: Record<string, (a: number, b: number) => number> = {
  'beta * x1 + (1 - beta) * x2': (a, b) => Math.abs(PARAMS.beta * a) + Math.abs((1 - PARAMS.beta) * b),
};

function ulpOf(v: number, dtype: 'float32' | 'float64'): number {
  return 2 ** (Math.floor(Math.log2(v)) - (dtype === 'float32' ? 23 : 52));
}

/** Only the parameters the expression names (compile refuses the others). */
function paramsFor(src: string): Record<string, number> {
  return Object.fromEntries(Object.entries(PARAMS).filter(([k]) => new RegExp(`\\b${k}\\b`).test(src)));
}

function units(src: string): number {
  // Operators and calls: the number of rounding steps the 4-ULP-per-unit contract allows for.
  return Math.max(1, (src.match(/[-+*/^(]/g) ?? []).length);
}

/**
 * The twin (JS interpreter) computes in float64 and rounds once; the native interpreter runs float32
 * programs in float32 lanes, each unit within 4 ULP of its float64 value (native/expr/README.md).
 * `inner` (binary units): the float64 formula takes x1 as the same backend computed it, in the array's
 * type, so what is measured is the binary unit alone, not sin's error magnified where x1 − x2 cancels.
 */
function checkAgainst(compile: typeof ak.compile, src: string, f: (x: number, x1?: number) => number, x64: Float64Array, inner?: string, scale?: (x: number, x1?: number) => number): void {
  const twin = compile === jsApi.compile || ak.info().backend === 'js';
  const act = compile(src, { params: paramsFor(src) });
  const y64 = act(x64);
  const x32 = Float32Array.from(x64);
  const y32 = act(x32);
  const in64 = inner && !twin ? compile(inner)(x64) : undefined;
  const in32 = inner && !twin ? compile(inner)(x32) : undefined;
  const bound = 4 * units(src);
  let worst64 = 0, worst32 = 0;
  for (let i = 0; i < x64.length; i++) {
    const r64 = f(x64[i], in64?.[i]), r32 = f(x32[i], in32?.[i]);
    if (scale && !twin) {
      worst64 = Math.max(worst64, Math.abs(y64[i] - r64) / ulpOf(scale(x64[i], in64?.[i]), 'float64'));
      worst32 = Math.max(worst32, Math.abs(y32[i] - r32) / ulpOf(scale(x32[i], in32?.[i]), 'float32'));
    } else {
      worst64 = Math.max(worst64, ulpError(y64[i], r64, 'float64'));
      worst32 = Math.max(worst32, ulpError(y32[i], r32, 'float32'));
    }
  }
  expect(worst64, `${src} float64 worst ULP`).toBeLessThanOrEqual(bound);
  // The twin: computed in float64 and rounded once, so within 0.5 ULP plus the float64 error.
  expect(worst32, `${src} float32 worst ULP`).toBeLessThanOrEqual(twin ? 0.5001 : bound);
}

describe.each([['public API', ak.compile], ['pure-JS API', jsApi.compile]] as const)('units of the search space (%s)', (_n, compile) => {
  it.each(unaryUnits)('%s matches its float64 formula', (src, f, lo, hi) => {
    checkAgainst(compile, src, f, uniform(3000, lo, hi, src.length * 7919));
  });

  it.each(binaryUnits)('%s matches its float64 formula', (src, g) => {
    const expr = src.replace(/x1/g, '(sin(x))').replace(/x2/g, '(x)');
    const x = uniform(3000, 0.2, 3, src.length * 104729);
    if (compile === jsApi.compile || ak.info().backend === 'js') checkAgainst(compile, expr, (v) => g(Math.sin(v), v), x);
    else {
      const sc = termScale[src];
      checkAgainst(compile, expr, (v, x1) => g(x1!, v), x, 'sin(x)', sc && ((v, x1) => sc(x1!, v)));
    }
  });

  it('keeps NaN and the limits at ±Inf of the unary units', () => {
    const x = new Float64Array([NaN, Infinity, -Infinity]);
    for (const [src] of unaryUnits) {
      const y = compile(src, { params: paramsFor(src) })(x);
      expect(Number.isNaN(y[0]), `${src}(NaN)`).toBe(true);
    }
    const at = (src: string) => Array.from(compile(src)(x).subarray(1));
    expect(at('sigmoid(x)')).toEqual([1, 0]);
    expect(at('softplus(x)')).toEqual([Infinity, 0]);
    expect(at('sinc(x)')).toEqual([0, 0]);
    expect(at('tanh(x)')).toEqual([1, -1]);
    expect(at('erf(x)')).toEqual([1, -1]);
    expect(at('exp(-x^2)')).toEqual([0, 0]);
    expect(compile('sinc(x)')(new Float64Array([0]))[0]).toBe(1);
  });
});

describe('the interpreter runs every opcode as the table defines it', () => {
  // Inputs covering signs, zero, tiny, huge, ±Inf and NaN, more than one tile long.
  const special = [0, -0, 1, -1, 0.5, -0.5, 1e-300, -1e-300, 5e-324, 700, -700, 1e300, -1e300, Infinity, -Infinity, NaN, 3, -3, 6, 20];
  const n = 2 * TILE + 37;
  const r = rng(12345);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    a[i] = i < special.length ? special[i] : (r() - 0.5) * 10 ** (r() * 8 - 4);
    b[i] = special[(i * 7) % special.length] * (i % 3 === 0 ? 1 : r());
  }
  const K = 0.75;

  function program(words: number[], consts: number[], nRegs: number, nInputs: number, result: number): Program {
    return { code: Int32Array.from([FORMAT_VERSION, nRegs, nInputs, result, ...words]), consts: Float64Array.from(consts), nRegs, nInputs, result };
  }

  it.each(opcodeTable.map((d, i) => [d.name, i] as const).filter(([, i]) => opcodeTable[i].form !== 'call'))('%s', (name, op) => {
    const def = opcodeTable[op];
    const out = new Float64Array(n);
    let p: Program;
    let want: (i: number) => number;
    switch (def.form) {
      case 'rr': p = program([op, 2, 0, 1], [], 3, 2, 2); want = (i) => def.f(a[i], b[i]); break;
      case 'rk': p = program([op, 1, 0, 0], [K], 2, 1, 1); want = (i) => def.f(a[i], K); break;
      case 'r': p = program([op, 1, 0, 0], [], 2, 1, 1); want = (i) => def.f(a[i], 0); break;
      case 'ri': p = program([op, 1, 0, 5], [], 2, 1, 1); want = (i) => def.f(a[i], 5); break;
      case 'k': p = program([op, 1, 0, 0], [K], 2, 1, 1); want = () => K; break;
      // dst preloaded with b (r1), condition a (r0), value K via r2.
      case 'sel': p = program([OP.CONST, 2, 0, 0, OP.MOV, 3, 1, 0, op, 3, 0, 2], [K], 4, 2, 3);
        want = (i) => (a[i] > 0 ? K : a[i] <= 0 ? b[i] : NaN); break;
      default: throw new Error(def.form);
    }
    runProgram(p, [a, b].slice(0, p.nInputs), out);
    for (let i = 0; i < n; i++) expect(Object.is(out[i], want(i)) || (out[i] === 0 && want(i) === 0), `${name} at a=${a[i]}, b=${b[i]}: ${out[i]} vs ${want(i)}`).toBe(true);
  });

  it('POWI loops agree with the scalar for the special exponents 2 and 3 and others', () => {
    for (const e of [2, 3, -1, -2, 4, 7, 0, 1]) {
      const p = program([OP.POWI, 1, 0, e], [], 2, 1, 1);
      const out = new Float64Array(n);
      runProgram(p, [a], out);
      for (let i = 0; i < n; i++) expect(Object.is(out[i], opcodeTable[OP.POWI].f(a[i], e)), `x^${e} at ${a[i]}`).toBe(true);
    }
  });

  it('CALL runs each registry op through its own kernel', () => {
    unaryNames.forEach((name, id) => {
      const def = ak.unaryOps[name];
      const pa = def.params.map((q) => (q.kind === 'enum' ? 0 : q.default));
      const p = program([OP.CALL, 1, 0, 0], [id, pa[0] ?? 0, pa[1] ?? 0], 2, 1, 1);
      const out = new Float64Array(n);
      runProgram(p, [a], out);
      const want = jsApi[name](a as Float64Array, ak.requiredOptions(def)) as Float64Array;
      for (let i = 0; i < n; i++) expect(Object.is(out[i], want[i]), `${name}(${a[i]})`).toBe(true);
    });
  });
});

/**
 * THE op registry: every element-wise op is declared here once, and this
 * declaration drives the public functions, option validation, the JS twin,
 * the native dispatch (op ids are the key order; native/ops.inc is checked
 * against this table by a test), the tests and the benchmarks.
 */
import * as fwd from './fallback/unary';
import type { UnaryKernel } from './fallback/unary';

export interface NumberParam {
  readonly kind: 'number';
  readonly name: string;
  readonly default: number;
  /** Inclusive lower bound, or exclusive when minExclusive. Parameters are always finite. */
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  readonly doc: string;
}

export interface EnumParam {
  readonly kind: 'enum';
  readonly name: string;
  readonly default: string;
  /** Passed to kernels as the index of the value in this list. */
  readonly values: readonly string[];
  readonly doc: string;
}

export type ParamDef = NumberParam | EnumParam;

export interface UnaryOpDef {
  readonly formula: string;
  readonly params: readonly ParamDef[];
  /**
   * Exact ops give the correctly rounded value of the formula in the array's
   * type; the others are held to `ulp` (float32) and `ulp64` (float64).
   */
  readonly exact: boolean;
  /** Max error in float32 ULPs every backend must meet over all 2^32 inputs (0.5 for exact ops). */
  readonly ulp: number;
  /** Max error in float64 ULPs on random and special inputs. */
  readonly ulp64: number;
  /** Cross-parameter rule, returning [parameter name, message] when broken. */
  readonly check?: (p: readonly number[]) => readonly [string, string] | null;
  /** The backward pass can take the forward output y instead of recomputing f(x). */
  readonly backwardUsesY: boolean;
  /** The pure-JS forward kernel. */
  readonly js: UnaryKernel;
}

function num<N extends string>(
  name: N, def: number, doc: string, range: { min?: number; minExclusive?: boolean; max?: number } = {},
): NumberParam & { readonly name: N } {
  return { kind: 'number', name, default: def, doc, ...range };
}

const EXACT = { exact: true, ulp: 0.5, ulp64: 0.5 } as const;
const SMOOTH = { exact: false, ulp: 4, ulp64: 4 } as const;

/**
 * The unary element-wise ops, in native op-id order. Parameters are converted
 * to the array's type before use (a float32 call computes with
 * Math.fround(alpha)), which is what makes the "exact" ops exact.
 */
export const unaryOps = {
  relu: { formula: 'max(x, 0)', params: [], ...EXACT, backwardUsesY: false, js: fwd.relu },
  leakyRelu: {
    formula: 'x ≥ 0 ? x : αx',
    params: [num('alpha', 0.01, 'slope for x < 0')],
    ...EXACT, backwardUsesY: false, js: fwd.leakyRelu,
  },
  relu6: { formula: 'min(max(x, 0), 6)', params: [], ...EXACT, backwardUsesY: false, js: fwd.relu6 },
  hardTanh: {
    formula: 'min(max(x, min), max)',
    params: [num('min', -1, 'lower clamp'), num('max', 1, 'upper clamp')],
    check: (p: readonly number[]) => (p[0] > p[1] ? ['min', `min (${p[0]}) must not exceed max (${p[1]})`] as const : null),
    ...EXACT, backwardUsesY: false, js: fwd.hardTanh,
  },
  elu: {
    formula: 'x > 0 ? x : α·expm1(x)',
    params: [num('alpha', 1, 'saturation value -α for x → -∞', { min: 0 })],
    ...SMOOTH, backwardUsesY: true, js: fwd.elu,
  },
  selu: {
    formula: 'λ·(x > 0 ? x : α·expm1(x)), α = 1.6732632423543772848, λ = 1.0507009873554804934',
    params: [], ...SMOOTH, backwardUsesY: true, js: fwd.selu,
  },
  celu: {
    formula: 'max(0, x) + min(0, α·expm1(x/α))',
    params: [num('alpha', 1, 'scale, > 0', { min: 0, minExclusive: true })],
    ...SMOOTH, backwardUsesY: false, js: fwd.celu,
  },
  sigmoid: { formula: '1 / (1 + e^-x)', params: [], ...SMOOTH, backwardUsesY: true, js: fwd.sigmoid },
  tanh: { formula: 'tanh(x)', params: [], ...SMOOTH, backwardUsesY: true, js: fwd.tanh },
  softplus: {
    formula: 'βx > threshold ? x : log1p(e^(βx)) / β',
    params: [
      num('beta', 1, 'sharpness, > 0', { min: 0, minExclusive: true }),
      num('threshold', 20, 'βx above which the result is x'),
    ],
    ...SMOOTH, backwardUsesY: false, js: fwd.softplus,
  },
  swish: {
    formula: 'x·sigmoid(βx)',
    params: [num('beta', 1, 'β = 1 is SiLU')],
    ...SMOOTH, backwardUsesY: false, js: fwd.swish,
  },
  silu: { formula: 'x·sigmoid(x)', params: [], ...SMOOTH, backwardUsesY: false, js: fwd.silu },
  gelu: {
    formula: "0.5x(1 + erf(x/√2)); 'tanh': 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))",
    params: [{ kind: 'enum', name: 'approximate', default: 'none', values: ['none', 'tanh'], doc: "'none' (erf form) or 'tanh'" }],
    ...SMOOTH, backwardUsesY: false, js: fwd.gelu,
  },
  mish: { formula: 'x·tanh(softplus(x))', params: [], ...SMOOTH, backwardUsesY: false, js: fwd.mish },
  hardSigmoid: {
    formula: 'max(0, min(1, αx + β))',
    params: [num('alpha', 1 / 6, 'slope'), num('beta', 0.5, 'offset')],
    ...EXACT, backwardUsesY: false, js: fwd.hardSigmoid,
  },
  hardSwish: { formula: 'x·min(max(x + 3, 0), 6) / 6', params: [], ...EXACT, backwardUsesY: false, js: fwd.hardSwish },
  softsign: { formula: 'x / (1 + |x|)', params: [], ...SMOOTH, backwardUsesY: false, js: fwd.softsign },
  rbf: {
    formula: 'exp(-γ(x - c)²)',
    params: [num('gamma', 1, 'width γ ≥ 0', { min: 0 }), num('center', 0, 'center c')],
    ...SMOOTH, backwardUsesY: false, js: fwd.rbf,
  },
} as const satisfies Record<string, UnaryOpDef>;

export type UnaryName = keyof typeof unaryOps;

/** Op names in id order: the native side's ops.inc lists them in this order. */
export const unaryNames = Object.keys(unaryOps) as UnaryName[];

/** The parameters an op accepts as options, typed from its declaration. */
export type ParamOptions<P extends readonly ParamDef[]> = {
  [K in P[number] as K['name']]?: K extends { kind: 'enum'; values: readonly (infer V)[] } ? V : number;
};
export type UnaryParams<N extends UnaryName> = ParamOptions<(typeof unaryOps)[N]['params']>;

/**
 * THE op registry: every element-wise op is declared here once, and this
 * declaration drives the public functions, option validation, the JS twin,
 * the native dispatch (op ids are the key order; the lists the C++ side needs
 * come from ./native-lists.ts), the tests and the benchmarks.
 */
import * as fwd from '../fallback/unary';
import { twoProdErr, twoSumErr } from '../fallback/dd';
import { erfc } from '../fallback/erf';
import * as bwd from '../fallback/unary-backward';
import * as more from '../fallback/shrink';
import * as moreBwd from '../fallback/shrink-backward';
import type { UnaryKernel } from '../fallback/unary';
import type { UnaryBackwardFromYKernel, UnaryBackwardKernel } from '../fallback/unary-backward';

// The constants of gelu's derivative in the expression language (BackwardDef.expr).
const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_TANH_C = 0.044715;

export interface NumberParam {
  readonly kind: 'number';
  readonly name: string;
  readonly default: number;
  /** Inclusive lower bound, or exclusive when minExclusive. Parameters are always finite. */
  readonly min?: number;
  readonly minExclusive?: boolean;
  readonly max?: number;
  /**
   * The call must give it (PyTorch's threshold and value). `default` is then no default,
   * only the value tests and benchmarks use.
   */
  readonly required?: boolean;
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
  /**
   * Cross-parameter rule on the resolved parameters: null, or when broken the
   * parameter to blame, what it should have been and its value.
   */
  readonly check?: (p: readonly number[]) => readonly [string, string, number] | null;
  /** The backward pass can take the forward output y instead of recomputing f(x). */
  readonly backwardUsesY: boolean;
  /** The pure-JS forward kernel. */
  readonly js: UnaryKernel;
  /**
   * Elements from which the native backend splits a call over the thread pool
   * (below: one thread, the caller's). Measured per op by
   * `node bench/threads-quick.cjs --thresholds` (where two threads first beat
   * one by 10%); cheap ops need far more elements than costly ones.
   */
  readonly parallelMin: number;
  /** The backward pass dx = dy·f'(x). */
  readonly backward: BackwardDef;
}

/**
 * An op's backward pass: what f' is, its convention at kinks, its accuracy
 * bound and its pure-JS kernels. dx = dy·f'(x) is the IEEE product of dy and
 * f'(x) (so NaN in dy or x gives NaN, and an infinite dy at a zero derivative
 * gives NaN).
 *
 * Accuracy (every backend, float32 and float64): with ε the type's machine
 * epsilon (2^-23, 2^-52) and S(x) the sum of the magnitudes of the terms of f'
 * as `terms` writes them,
 *   |dx − dy·f'(x)| ≤ ulp·ulp(dy·f'(x)) + eps·ε·|dy|·S(x),
 * so that near a zero of f' that comes from cancelling terms (gelu' = Φ(x) +
 * xφ(x) at x ≈ −0.7518) the bound is relative to the terms, not to their sum.
 * Where f' is one term, S = |f'|. Exact ops: the correctly rounded dy·f'(x).
 * Below the type's smallest normal, SPEC's rule for tiny results applies.
 */
export interface BackwardDef {
  /**
   * f'(x) in the expression language, with `x` and the op's parameter names: what
   * compile() differentiates a call of the op into (lib/expr/diff.ts), for the
   * resolved parameters p (enum: index). Forms are chosen to stay accurate where
   * the naive one cancels: σ(x)σ(−x) for σ(1 − σ), 1/cosh² for 1 − tanh², erfc
   * for gelu's left tail; kinks follow PyTorch, as `kink` says.
   */
  readonly expr: (p: readonly number[]) => string;
  /** f'(x), as the kernels compute it. */
  readonly derivative: string;
  /** The value taken at each kink and whose convention it is (PyTorch's), for the README table. */
  readonly kink: string;
  /** The kinks as data, for parameters a, b (converted to the array's type): [x, f'(x)] pairs. */
  readonly kinks: (a: number, b: number) => readonly (readonly [number, number])[];
  /** The correctly rounded dy·f'(x) in the array's type. */
  readonly exact: boolean;
  /** The factor of ulp(dx) in the bound, float32 and float64 (0.5 for exact ops). */
  readonly ulp: number;
  readonly ulp64: number;
  /** The factor of ε·|dy|·S(x) in the bound (0 for exact ops). */
  readonly eps: number;
  /** The terms of f' whose magnitudes make S(x) (and of g(y) for the form from y), for the README. */
  readonly terms: string;
  /**
   * S(x) for parameters a, b, in float64 (a scale: a few digits suffice). Absent:
   * f' is one term and S = |f'(x)|. Checks use max(S, |f'|), which S never is below.
   */
  readonly scale?: (x: number, a: number, b: number) => number;
  /** S of the form from y, g(y) (absent: one term, |g(y)|). */
  readonly scaleY?: (y: number, a: number, b: number) => number;
  /** The pure-JS kernel from x. */
  readonly js: UnaryBackwardKernel;
  /** The pure-JS kernel from y = f(x) (present exactly when backwardUsesY). */
  readonly jsFromY?: UnaryBackwardFromYKernel;
}

/** A number parameter; `range` keeps its literal type, so `required: true` reaches the option types (ParamOptions). */
function num<N extends string, const R extends { min?: number; minExclusive?: boolean; max?: number; required?: boolean } = {}>(
  name: N, def: number, doc: string, range: R = {} as R,
): NumberParam & { readonly name: N } & Readonly<R> {
  return { kind: 'number', name, default: def, doc, ...range };
}

const EXACT = { exact: true, ulp: 0.5, ulp64: 0.5 } as const;
const SMOOTH = { exact: false, ulp: 4, ulp64: 4 } as const;
/** Backward bounds: exact, or 4 ulp(dx) + 4ε·|dy|·S(x). */
const EXACT_BW = { ...EXACT, eps: 0, terms: 'exact' } as const;
const SMOOTH_BW = { ...SMOOTH, eps: 4 } as const;
const ONE_TERM = 'one term: S = |f\'|';

/** σ(t) and σ(−t) without cancellation (for the scales S below). */
function sig(t: number): number {
  return t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
}
/** S of s(1 + w(1 − s)), s = σ(t): the terms s and w·s(1 − s). */
function sigmoidTerms(t: number, w: number): number {
  if (t !== t || w !== w) return NaN;
  if (Math.abs(t) === Infinity) return t > 0 ? 1 : 0;
  return sig(t) + Math.abs(w) * sig(t) * sig(-t);
}
/** gelu 'tanh': z = 2u = 2√(2/π)(x + 0.044715x³), w = x·dz/dx. */
function geluTanhScale(x: number): number {
  if (Math.abs(x) > 1e30) return x > 0 ? 1 : 0;
  const k = 2 * Math.sqrt(2 / Math.PI);
  return sigmoidTerms(k * (x + 0.044715 * x * x * x), k * x * (1 + 3 * 0.044715 * x * x));
}
/** gelu: Φ(x) + |x|φ(x). */
function geluScale(x: number): number {
  if (Math.abs(x) === Infinity) return x > 0 ? 1 : 0;
  return 0.5 * erfc(-x / Math.SQRT2) + Math.abs(x) * Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}
/** mish: tanh(sp(x)) + |x|σ(x)sech²(sp(x)); with e = e^x, tanh(sp) = m/D, the second term 4|x|e(1 + e)/D², m = e(2 + e), D = 2 + m. */
function mishScale(x: number): number {
  if (x > 40) return 1;
  if (x === -Infinity) return 0;
  const e = Math.exp(x), m = e * (2 + e), D = 2 + m;
  return m / D + (4 * Math.abs(x) * e * (1 + e)) / (D * D);
}
const NO_KINK = { kink: 'none (smooth)', kinks: () => [] } as const;

/**
 * The x with αx + β = target exactly, if it is a double (the kinks of
 * hardSigmoid are where the exact αx + β leaves (0, 1); for most α they fall
 * between doubles and no input sits on them).
 */
function exactRoot(alpha: number, beta: number, target: number): number | null {
  if (alpha === 0) return null;
  const x = (target - beta) / alpha;
  const p = alpha * x;
  const s = p + beta;
  return Number.isFinite(x) && s === target && twoProdErr(alpha, x, p) === 0 && twoSumErr(p, beta, s) === 0 ? x : null;
}

/**
 * The unary element-wise ops, in native op-id order. Parameters are converted
 * to the array's type before use (a float32 call computes with
 * Math.fround(alpha)), which is what makes the "exact" ops exact.
 */
export const unaryOps = {
  relu: {
    parallelMin: 262144,
    formula: 'max(x, 0)', params: [], ...EXACT, backwardUsesY: false, js: fwd.relu,
    backward: {
      expr: () => 'step(x)',
      derivative: 'x > 0 ? 1 : 0', kink: "f'(0) = 0 (PyTorch's threshold_backward)", kinks: () => [[0, 0]],
      ...EXACT_BW, js: bwd.relu,
    },
  },
  leakyRelu: {
    parallelMin: 262144,
    formula: 'x ≥ 0 ? x : αx',
    params: [num('alpha', 0.01, 'slope for x < 0')],
    ...EXACT, backwardUsesY: false, js: fwd.leakyRelu,
    backward: {
      expr: () => 'select(x, 1, alpha)',
      derivative: 'x > 0 ? 1 : α', kink: "f'(0) = α (PyTorch's leaky_relu_backward tests x > 0)", kinks: (a) => [[0, a]],
      ...EXACT_BW, js: bwd.leakyRelu,
    },
  },
  relu6: {
    parallelMin: 262144,
    formula: 'min(max(x, 0), 6)', params: [], ...EXACT, backwardUsesY: false, js: fwd.relu6,
    backward: {
      expr: () => 'step(x) * step(6 - x)',
      derivative: '0 < x < 6 ? 1 : 0', kink: "f'(0) = f'(6) = 0 (PyTorch's relu6 is hardtanh(0, 6))", kinks: () => [[0, 0], [6, 0]],
      ...EXACT_BW, js: bwd.relu6,
    },
  },
  hardTanh: {
    parallelMin: 131072,
    formula: 'min(max(x, min), max)',
    params: [num('min', -1, 'lower clamp'), num('max', 1, 'upper clamp')],
    check: (p: readonly number[]) => (p[0] > p[1] ? ['min', `a number ≤ max (${p[1]})`, p[0]] as const : null),
    ...EXACT, backwardUsesY: false, js: fwd.hardTanh,
    backward: {
      expr: () => 'step(x - min) * step(max - x)',
      derivative: 'min < x < max ? 1 : 0', kink: "f'(min) = f'(max) = 0 (PyTorch's hardtanh_backward)", kinks: (a, b) => [[a, 0], [b, 0]],
      ...EXACT_BW, js: bwd.hardTanh,
    },
  },
  elu: {
    parallelMin: 131072,
    formula: 'x > 0 ? x : α·expm1(x)',
    params: [num('alpha', 1, 'saturation value -α for x → -∞', { min: 0 })],
    ...SMOOTH, backwardUsesY: true, js: fwd.elu,
    backward: {
      expr: () => 'select(x, 1, alpha * exp(x))',
      derivative: 'x > 0 ? 1 : α·e^x; from y: y > 0 ? 1 : y + α', kink: "f'(0) = α (PyTorch's elu_backward takes the x ≤ 0 branch)", kinks: (a) => [[0, a]],
      ...SMOOTH_BW, terms: `${ONE_TERM}; from y: y and α`, scaleY: (y, a) => (y > 0 ? 1 : Math.abs(y) + Math.abs(a)),
      js: bwd.elu, jsFromY: bwd.eluFromY,
    },
  },
  selu: {
    parallelMin: 8192,
    formula: 'γ·(x > 0 ? x : α·expm1(x)); the defaults are the real constants α = 1.6732632423543772848, γ = λ = 1.0507009873554804934',
    params: [
      num('alpha', fwd.SELU_ALPHA, 'ONNX alpha (other values: in the array\'s type)', { min: 0 }),
      num('gamma', fwd.SELU_LAMBDA, 'ONNX gamma, PyTorch\'s scale λ (other values: in the array\'s type)', { min: 0, minExclusive: true }),
    ],
    ...SMOOTH, backwardUsesY: true, js: fwd.selu,
    backward: {
      expr: (p) => (fwd.isSeluDefault(p[0], p[1]) ? `select(x, ${fwd.SELU_LAMBDA}, ${fwd.SELU_LAMBDA_ALPHA} * exp(x))` : 'select(x, gamma, gamma * alpha * exp(x))'),
      derivative: 'x > 0 ? γ : γα·e^x; from y: y > 0 ? γ : y + S, S = −selu(−∞) = γα rounded to the array\'s type (the value the forward saturates to, so dx = 0 there)',
      kink: "f'(0) = γα (PyTorch's elu_backward takes the x ≤ 0 branch)",
      kinks: (a, b) => [[0, fwd.isSeluDefault(a, b) ? fwd.SELU_LAMBDA_ALPHA : a * b]],
      ...SMOOTH_BW, terms: `${ONE_TERM}; from y: y and S`, scaleY: (y, a, b) => (y > 0 ? b : Math.abs(y) + a * b),
      js: bwd.selu, jsFromY: bwd.seluFromY,
    },
  },
  celu: {
    parallelMin: 8192,
    formula: 'max(0, x) + min(0, α·expm1(x/α))',
    params: [num('alpha', 1, 'scale, > 0', { min: 0, minExclusive: true })],
    ...SMOOTH, backwardUsesY: false, js: fwd.celu,
    backward: {
      expr: () => 'select(x, 1, exp(x / alpha))',
      derivative: 'x > 0 ? 1 : e^(x/α)', kink: "f'(0) = 1 (both sides agree)", kinks: () => [[0, 1]], ...SMOOTH_BW, terms: ONE_TERM, js: bwd.celu },
  },
  sigmoid: {
    parallelMin: 131072,
    formula: '1 / (1 + e^-x)', params: [], ...SMOOTH, backwardUsesY: true, js: fwd.sigmoid,
    backward: {
      expr: () => 'sigmoid(x) * sigmoid(-x)',
      derivative: 'σ(x)(1 − σ(x)); from y: y(1 − y)', ...NO_KINK, ...SMOOTH_BW, terms: `${ONE_TERM} (from y too)`,
      js: bwd.sigmoid, jsFromY: bwd.sigmoidFromY,
    },
  },
  tanh: {
    parallelMin: 65536,
    formula: 'tanh(x)', params: [], ...SMOOTH, backwardUsesY: true, js: fwd.tanh,
    backward: {
      expr: () => '1 / cosh(x)^2',
      derivative: 'sech²(x) = 1 − tanh²(x); from y: (1 − y)(1 + y)', ...NO_KINK, ...SMOOTH_BW, terms: `${ONE_TERM} (sech²; from y, the product)`,
      js: bwd.tanh, jsFromY: bwd.tanhFromY,
    },
  },
  softplus: {
    parallelMin: 8192,
    formula: 'βx > threshold ? x : log1p(e^(βx)) / β',
    params: [
      num('beta', 1, 'sharpness, > 0', { min: 0, minExclusive: true }),
      num('threshold', 20, 'βx above which the result is x'),
    ],
    ...SMOOTH, backwardUsesY: false, js: fwd.softplus,
    backward: {
      // PyTorch: βx > threshold ? 1 : σ(βx). (βx − threshold > 0) ⇔ (βx > threshold) exactly in IEEE arithmetic.
      expr: () => 'select(beta * x - threshold, 1, sigmoid(beta * x))',
      derivative: 'βx > threshold ? 1 : σ(βx)', kink: "f' jumps to 1 where βx > threshold (PyTorch's softplus_backward)",
      kinks: (a, b) => [[b / a, 1 / (1 + Math.exp(-b))]],
      ...SMOOTH_BW, terms: ONE_TERM, js: bwd.softplus,
    },
  },
  swish: {
    parallelMin: 65536,
    formula: 'x·sigmoid(βx)',
    params: [num('beta', 1, 'β = 1 is SiLU')],
    ...SMOOTH, backwardUsesY: false, js: fwd.swish,
    backward: {
      expr: () => 'sigmoid(beta * x) * (1 + beta * x * sigmoid(-beta * x))',
      derivative: 's(1 + βx(1 − s)), s = σ(βx)', ...NO_KINK, ...SMOOTH_BW,
      terms: 's and βx·s(1 − s)', scale: (x, a) => (a === 0 ? 0.5 : sigmoidTerms(a * x, a * x)),
      js: bwd.swish,
    },
  },
  silu: {
    parallelMin: 65536,
    formula: 'x·sigmoid(x)', params: [], ...SMOOTH, backwardUsesY: false, js: fwd.silu,
    backward: {
      expr: () => 'sigmoid(x) * (1 + x * sigmoid(-x))',
      derivative: 's(1 + x(1 − s)), s = σ(x)', ...NO_KINK, ...SMOOTH_BW,
      terms: 's and x·s(1 − s)', scale: (x) => sigmoidTerms(x, x), js: bwd.silu,
    },
  },
  gelu: {
    parallelMin: 8192,
    formula: "0.5x(1 + erf(x/√2)); 'tanh': 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))",
    params: [{ kind: 'enum', name: 'approximate', default: 'none', values: ['none', 'tanh'], doc: "'none' (erf form) or 'tanh'" }],
    ...SMOOTH, backwardUsesY: false, js: fwd.gelu,
    backward: {
      expr: (p) => {
        if (p[0] === 1) {
          // u = √(2/π)(x + c·x³); f = x·σ(2u); f' = σ(2u) + 2x·σ(2u)σ(−2u)·√(2/π)(1 + 3c·x²)
          const u = `(${SQRT_2_OVER_PI} * (x + ${GELU_TANH_C} * x^3))`;
          return `sigmoid(2 * ${u}) * (1 + 2 * x * sigmoid(-2 * ${u}) * ${SQRT_2_OVER_PI} * (1 + ${3 * GELU_TANH_C} * x^2))`;
        }
        // Φ(x) + x·φ(x), with Φ(x) = erfc(−x/√2)/2: no cancellation for x < 0.
        return `0.5 * erfc(-x * ${SQRT1_2}) + x * exp(-0.5 * x^2) * ${INV_SQRT_2PI}`;
      },
      derivative: "Φ(x) + xφ(x); 'tanh': s(1 + w(1 − s)), s = σ(2u), w = 2x·du/dx, u = √(2/π)(x + 0.044715x³)",
      ...NO_KINK, ...SMOOTH_BW, terms: "Φ(x) and xφ(x); 'tanh': s and w·s(1 − s)",
      scale: (x, a) => (a ? geluTanhScale(x) : geluScale(x)), js: bwd.gelu,
    },
  },
  mish: {
    parallelMin: 8192,
    formula: 'x·tanh(softplus(x))', params: [], ...SMOOTH, backwardUsesY: false, js: fwd.mish,
    backward: {
      expr: () => 'tanh(softplus(x)) + x * sigmoid(x) / cosh(softplus(x))^2',
      derivative: 'tanh(sp(x)) + x·σ(x)·sech²(sp(x)), sp = softplus', ...NO_KINK, ...SMOOTH_BW,
      terms: 'tanh(sp(x)) and x·σ(x)·sech²(sp(x))', scale: mishScale, js: bwd.mish,
    },
  },
  hardSigmoid: {
    parallelMin: 65536,
    formula: 'max(0, min(1, αx + β)); with the default α and β: x/6 + 1/2 exactly (PyTorch\'s relu6(x + 3)/6), other values: ONNX\'s αx + β with α and β in the array\'s type',
    params: [num('alpha', 1 / 6, 'slope'), num('beta', 0.5, 'offset')],
    ...EXACT, backwardUsesY: false, js: fwd.hardSigmoid,
    backward: {
      // The defaults are PyTorch's exact x/6 + 1/2 (slope 1/6 on (−3, 3)); others ONNX's αx + β.
      expr: (p) => (fwd.isHardSigmoidDefault(p[0], p[1]) ? 'step(x + 3) * step(3 - x) / 6' : 'alpha * step(alpha * x + beta) * step(1 - (alpha * x + beta))'),
      derivative: 'defaults: −3 < x < 3 ? 1/6 : 0 (dx = dy/6 rounded once); others: 0 < αx + β < 1 ? α : 0',
      kink: "f' = 0 at both kinks, the slope strictly between (PyTorch's hardsigmoid_backward: 1/6 on the open interval (−3, 3)). " +
        'With the defaults the kinks are ±3 on every type; with other α, β they are where the exact αx + β, with α and β in the array\'s type, reaches 0 and 1',
      kinks: (a, b) => (fwd.isHardSigmoidDefault(a, b)
        ? [[-3, 0], [3, 0]]
        : [exactRoot(a, b, 0), exactRoot(a, b, 1)].filter((x): x is number => x !== null).map((x) => [x, 0] as const)),
      ...EXACT_BW, js: bwd.hardSigmoid,
    },
  },
  hardSwish: {
    parallelMin: 8192,
    formula: 'x·min(max(x + 3, 0), 6) / 6', params: [], ...EXACT, backwardUsesY: false, js: fwd.hardSwish,
    backward: {
      // PyTorch: x < -3 → 0; x ≤ 3 → x/3 + 1/2; else 1.
      expr: () => 'select(-3 - x, 0, select(x - 3, 1, x / 3 + 0.5))',
      derivative: 'x < −3 ? 0 : x ≤ 3 ? (2x + 3)/6 : 1',
      kink: "f'(−3) = −0.5, f'(3) = 1.5 (PyTorch's scalar hardswish_backward; its vectorized CPU path gives 1 at 3)",
      kinks: () => [[-3, -0.5], [3, 1.5]],
      ...EXACT_BW, js: bwd.hardSwish,
    },
  },
  softsign: {
    parallelMin: 131072,
    formula: 'x / (1 + |x|)', params: [], ...SMOOTH, backwardUsesY: false, js: fwd.softsign,
    backward: {
      expr: () => '1 / (1 + abs(x))^2',
      derivative: '1 / (1 + |x|)²', ...NO_KINK, ...SMOOTH_BW, terms: ONE_TERM, js: bwd.softsign },
  },
  rbf: {
    parallelMin: 8192,
    formula: 'exp(-γ(x - c)²)',
    params: [num('gamma', 1, 'width γ ≥ 0', { min: 0 }), num('center', 0, 'center c')],
    ...SMOOTH, backwardUsesY: false, js: fwd.rbf,
    backward: {
      expr: () => '-2 * gamma * (x - center) * rbf(x, gamma, center)',
      derivative: '−2γ(x − c)·exp(−γ(x − c)²)', ...NO_KINK, ...SMOOTH_BW, terms: ONE_TERM, js: bwd.rbf },
  },
  // ---- issue 17: PyTorch's and ONNX's remaining element-wise activations (one block).
  logSigmoid: {
    parallelMin: 8192,
    formula: 'log σ(x) = −softplus(−x)', params: [], ...SMOOTH, backwardUsesY: false, js: more.logSigmoid,
    backward: {
      expr: () => 'sigmoid(-x)',
      derivative: 'σ(−x) = 1 / (1 + e^x)', ...NO_KINK, ...SMOOTH_BW, terms: ONE_TERM, js: moreBwd.logSigmoid },
  },
  hardShrink: {
    parallelMin: 262144,
    formula: '|x| > λ ? x : 0',
    params: [num('lambda', 0.5, 'half-width λ ≥ 0 of the band set to 0', { min: 0 })],
    ...EXACT, backwardUsesY: false, js: more.hardShrink,
    backward: {
      expr: () => 'step(abs(x) - lambda)',
      derivative: '|x| > λ ? 1 : 0', kink: "f'(±λ) = 0 (PyTorch's hardshrink_backward)", kinks: (a) => [[-a, 0], [a, 0]],
      ...EXACT_BW, js: moreBwd.shrink,
    },
  },
  softShrink: {
    parallelMin: 262144,
    formula: 'x > λ ? x − λ : x < −λ ? x + λ : 0',
    params: [num('lambda', 0.5, 'half-width λ ≥ 0 of the band set to 0', { min: 0 })],
    ...EXACT, backwardUsesY: false, js: more.softShrink,
    backward: {
      expr: () => 'step(abs(x) - lambda)',
      derivative: '|x| > λ ? 1 : 0', kink: "f'(±λ) = 0 (PyTorch's softshrink_backward)", kinks: (a) => [[-a, 0], [a, 0]],
      ...EXACT_BW, js: moreBwd.shrink,
    },
  },
  tanhShrink: {
    parallelMin: 8192,
    formula: 'x − tanh(x)', params: [], ...SMOOTH, backwardUsesY: false, js: more.tanhShrink,
    backward: {
      expr: () => 'tanh(x)^2',
      derivative: 'tanh²(x)', ...NO_KINK, ...SMOOTH_BW, terms: ONE_TERM, js: moreBwd.tanhShrink },
  },
  threshold: {
    parallelMin: 262144,
    formula: 'x > threshold ? x : value',
    params: [
      num('threshold', 0.5, 'the x at and below which the result is value', { required: true }),
      num('value', -1, 'the result at and below threshold', { required: true }),
    ],
    ...EXACT, backwardUsesY: false, js: more.threshold,
    backward: {
      expr: () => 'step(x - threshold)',
      derivative: 'x > threshold ? 1 : 0', kink: "f'(threshold) = 0 (PyTorch's threshold_backward)", kinks: (a) => [[a, 0]],
      ...EXACT_BW, js: moreBwd.threshold,
    },
  },
  thresholdedRelu: {
    parallelMin: 262144,
    formula: 'x > α ? x : 0',
    params: [num('alpha', 1, 'threshold α')],
    ...EXACT, backwardUsesY: false, js: more.threshold,
    backward: {
      expr: () => 'step(x - alpha)',
      derivative: 'x > α ? 1 : 0', kink: "f'(α) = 0 (as relu'(0), the x > α side decides)", kinks: (a) => [[a, 0]],
      ...EXACT_BW, js: moreBwd.threshold,
    },
  },
} as const satisfies Record<string, UnaryOpDef>;

export type UnaryName = keyof typeof unaryOps;

/**
 * The options a call of the op must carry (its required parameters, at the registry's
 * example value), for code that calls every op generically: tests, benches, scripts.
 */
export function requiredOptions(def: UnaryOpDef): Record<string, number> {
  const o: Record<string, number> = {};
  for (const p of def.params) if (p.kind === 'number' && p.required) o[p.name] = p.default;
  return o;
}

/** Op names in id order: scripts/gen-native.cjs writes them in this order into native/registry/ops.inc. */
export const unaryNames = Object.keys(unaryOps) as UnaryName[];

/** The parameters an op accepts as options, typed from its declaration; `required` ones must be given. */
type ParamValue<K> = K extends { kind: 'enum'; values: readonly (infer V)[] } ? V : number;
export type ParamOptions<P extends readonly ParamDef[]> = {
  [K in P[number] as K extends { required: true } ? never : K['name']]?: ParamValue<K>;
} & {
  [K in P[number] as K extends { required: true } ? K['name'] : never]: ParamValue<K>;
};
export type UnaryParams<N extends UnaryName> = ParamOptions<(typeof unaryOps)[N]['params']>;

/**
 * The shaped ops: each sees its array through a shape and an axis. Declared
 * once here (the public functions, their option names, the generated exports
 * and the README table come from this block); the kernels take a ShapedCall
 * (lib/types.ts) named by `call` / `backwardCall`.
 */
export interface ShapedOpDef {
  /** What the forward computes. */
  readonly formula: string;
  /** The public call forms. */
  readonly usage: string;
  readonly backwardUsage: string;
  /** Options besides `out` (and `signal` of .async); the backward accepts the same plus `backwardOptions`. */
  readonly options: readonly string[];
  readonly backwardOptions: readonly string[];
  /** What the backward computes, and its convention where the forward is not differentiable. */
  readonly derivative: string;
  readonly kink: string;
  readonly exact: boolean;
  /** Max error of the forward in ULPs of the type (0.5: correctly rounded). */
  readonly ulp: number;
  readonly ulp64: number;
  /** The ShapedCall ops a backend receives. */
  readonly call: 'softmax' | 'logSoftmax' | 'prelu' | 'maxout' | 'softmin' | 'hardmax';
  readonly backwardCall: 'softmaxBackward' | 'logSoftmaxBackward' | 'preluBackward' | 'maxoutBackward' | 'softminBackward' | 'hardmaxBackward';
}

export const shapedOps = {
  prelu: {
    formula: 'x > 0 ? x : α_c·x, α per channel (or one α)',
    usage: 'prelu(x, alpha, { shape, channelAxis, out })',
    backwardUsage: 'prelu.backward(dy, x, alpha, { shape, channelAxis, out }) → { dx, dalpha }',
    options: ['shape', 'channelAxis'], backwardOptions: [],
    derivative: 'dx = x > 0 ? dy : α_c·dy; dα_c = Σ over channel c of (x > 0 ? 0 : x·dy), accumulated in float64 (compensated)',
    kink: "dx at x = 0 is α_c·dy (PyTorch's prelu backward tests x > 0)",
    ...EXACT, call: 'prelu', backwardCall: 'preluBackward',
  },
  maxout: {
    formula: 'max over groups of `pieces` consecutive entries along an axis; the axis shrinks `pieces` times',
    usage: 'maxout(x, { shape, axis, pieces, out })',
    backwardUsage: 'maxout.backward(dy, x, { shape, axis, pieces, out }) (shape, axis: of x)',
    options: ['shape', 'axis', 'pieces'], backwardOptions: [],
    derivative: 'dx = dy at the first maximum of each group, 0 elsewhere',
    kink: 'ties: the first maximum takes dy; a NaN counts as the maximum (its group gives NaN forward)',
    ...EXACT, call: 'maxout', backwardCall: 'maxoutBackward',
  },
  softmax: {
    formula: 'e^(x − max) / Σ e^(x − max) along an axis',
    usage: 'softmax(x, { shape, axis, out })',
    backwardUsage: 'softmax.backward(dy, x, { y, shape, axis, out }) (x may be null when y is given)',
    options: ['shape', 'axis'], backwardOptions: ['y'],
    derivative: 'dx = y ⊙ (dy − Σ dy⊙y)',
    kink: 'none (smooth); rows holding NaN or +Inf, or only −Inf, give NaN (as PyTorch)',
    ...SMOOTH, call: 'softmax', backwardCall: 'softmaxBackward',
  },
  logSoftmax: {
    formula: '(x − max) − log Σ e^(x − max) along an axis',
    usage: 'logSoftmax(x, { shape, axis, out })',
    backwardUsage: 'logSoftmax.backward(dy, x, { y, shape, axis, out }) (x may be null when y is given)',
    options: ['shape', 'axis'], backwardOptions: ['y'],
    derivative: 'dx = dy − softmax(x)·Σ dy',
    kink: 'none (smooth); rows holding NaN or +Inf, or only −Inf, give NaN (as PyTorch)',
    ...SMOOTH, call: 'logSoftmax', backwardCall: 'logSoftmaxBackward',
  },
  // ---- issue 17: softmin, hardmax (one block).
  softmin: {
    formula: 'softmax(−x) = e^(min − x) / Σ e^(min − x) along an axis (PyTorch F.softmin)',
    usage: 'softmin(x, { shape, axis, out })',
    backwardUsage: 'softmin.backward(dy, x, { y, shape, axis, out }) (x may be null when y is given)',
    options: ['shape', 'axis'], backwardOptions: ['y'],
    derivative: 'dx = −y ⊙ (dy − Σ dy⊙y), y = softmin(x) (softmax\'s gradient at −x, negated)',
    kink: 'none (smooth); rows holding NaN or −Inf, or only +Inf, give NaN (softmax\'s rule at −x, as PyTorch)',
    ...SMOOTH, call: 'softmin', backwardCall: 'softminBackward',
  },
  hardmax: {
    formula: 'one-hot of the first maximum along an axis: 1 there, +0 elsewhere (ONNX Hardmax)',
    usage: 'hardmax(x, { shape, axis, out })',
    backwardUsage: 'hardmax.backward(dy, x, { shape, axis, out })',
    options: ['shape', 'axis'], backwardOptions: [],
    derivative: 'dx = +0 everywhere: the output is piecewise constant (PyTorch\'s zeros_like convention for such ops, as round and sign: NaN or infinite dy give 0 too)',
    kink: 'ties: the first maximum; a NaN counts as the maximum, the first NaN of a row takes the 1 (numpy argmax, the ONNX reference); rows of −Inf only: the first',
    ...EXACT, call: 'hardmax', backwardCall: 'hardmaxBackward',
  },
} as const satisfies Record<string, ShapedOpDef>;

export type ShapedName = keyof typeof shapedOps;
export const shapedNames = Object.keys(shapedOps) as ShapedName[];

/**
 * The op names stats() takes besides the unary ones, each read as the unary op
 * with the same regions (PReLU is leakyRelu with a learned α per channel: the
 * same dead, negative side).
 */
export const statsAliases = { prelu: 'leakyRelu' } as const satisfies Record<string, UnaryName>;

/** What stats()'s options.op accepts by name. */
export type StatsOpName = UnaryName | keyof typeof statsAliases;

/**
 * 16-bit storage (float16 and bfloat16, every op): computed as the float32 op
 * and rounded once to the output's type. Since a float32 result is within 4
 * float32 ULP (2^-11 float16 ULP, 2^-14 bfloat16 ULP), the 16-bit result is the
 * correctly rounded value except within 2^-10 of a tie: the bound, in ULPs of
 * the 16-bit type, that the exhaustive sweep over all 65,536 inputs of each
 * format enforces (test/numerics/half.test.ts). Subnormal results are kept.
 * A bias and the gated ops round each step to the 16-bit type instead (x + b,
 * act(gate) before its product), as in the float types: lib/api/half-fused.ts.
 */
export const halfAccuracy = { ulp: 0.5 + 2 ** -10, text: '≤ 0.5 + 2^-10 half ULP' } as const;

/**
 * The gated units: x split in two halves a, b along an axis, one half (the
 * gate) through a unary op of the registry, times the other. Declared by that
 * op (`act`, whose parameters they accept) and by which half is the gate, so
 * the JS twin and the native path are the unary kernels of `act` on tiles,
 * then one product: y = round(round(act(gate)) · up), as a framework that
 * activates then multiplies. The two-array forms f(gate, up) take the halves
 * as separate arrays of one shape.
 */
export interface GatedOpDef {
  readonly formula: string;
  /** The activation of the gate: a unary op, with its parameters. */
  readonly act: UnaryName;
  /** The half of x that goes through `act` (glu: the second, b; the others: the first, a). */
  readonly gate: 'first' | 'second';
  /** f(gate, up, { out }) exists besides f(x, { shape, axis }). */
  readonly pair: boolean;
  readonly usage: string;
  readonly backwardUsage: string;
  /** What the backward computes and how it rounds. */
  readonly derivative: string;
  /** act is exact (relu): y and both gradients are then one correctly rounded product each. */
  readonly exact: boolean;
  /**
   * Max error of the forward and of each gradient in ULPs of the type, from
   * `node scripts/sweep-gated.cjs` (every level): act's error carried through
   * one product (e ULPs of act(gate) can be up to 2e ULPs of the product) and
   * its rounding. d(gate) is held to act's backward bound with dy·up for dy:
   * backwardUlp·ulp + (eps + 1)·ε·|dy·up|·S(gate) (eps, S: act's BackwardDef;
   * the 1: dy·up is rounded first).
   */
  readonly ulp: number;
  readonly ulp64: number;
  readonly backwardUlp: number;
  readonly backwardUlp64: number;
}

const GATED_DERIVATIVE = (h: string, gate: string, up: string): string =>
  `d${up} = dy·${h}(${gate}), d${gate} = (dy·${up})·${h}′(${gate}), each product rounded to the array's type (PyTorch's autograd order); ` +
  `d${gate} within its ULP bound + (eps + 1)·ε·|dy·${up}|·S(${gate}), eps and S those of ${h}'s backward`;

export const gatedOps = {
  glu: {
    formula: 'a ⊗ σ(b), x split in halves a, b along `axis` (PyTorch F.glu)', act: 'sigmoid', gate: 'second', pair: false,
    usage: 'glu(x, { shape, axis, bias, out })', backwardUsage: 'glu.backward(dy, x, { shape, axis, bias, out }) → dx (x\'s shape; { dx, dbias } with bias)',
    derivative: GATED_DERIVATIVE('σ', 'b', 'a'), exact: false, ulp: 3, ulp64: 3, backwardUlp: 3, backwardUlp64: 3,
  },
  swiglu: {
    formula: 'silu(a) ⊗ b (LLaMA, PaLM)', act: 'silu', gate: 'first', pair: true,
    usage: 'swiglu(x, { shape, axis, bias, out }) or swiglu(gate, up, { out })',
    backwardUsage: 'swiglu.backward(dy, x, { shape, axis, bias, out }) → dx; swiglu.backward(dy, gate, up, { dgate, dup }) → { dgate, dup }',
    derivative: GATED_DERIVATIVE('silu', 'a', 'b'), exact: false, ulp: 3.5, ulp64: 4, backwardUlp: 3.5, backwardUlp64: 4,
  },
  geglu: {
    formula: 'gelu(a) ⊗ b (T5 v1.1), with gelu\'s `approximate`', act: 'gelu', gate: 'first', pair: true,
    usage: 'geglu(x, { shape, axis, approximate, bias, out }) or geglu(gate, up, { approximate, out })',
    backwardUsage: 'geglu.backward(dy, x, { shape, axis, approximate, bias, out }) → dx; geglu.backward(dy, gate, up, { approximate, dgate, dup }) → { dgate, dup }',
    derivative: GATED_DERIVATIVE('gelu', 'a', 'b'), exact: false, ulp: 4, ulp64: 4.5, backwardUlp: 3.5, backwardUlp64: 4.5,
  },
  reglu: {
    formula: 'relu(a) ⊗ b', act: 'relu', gate: 'first', pair: true,
    usage: 'reglu(x, { shape, axis, bias, out }) or reglu(gate, up, { out })',
    backwardUsage: 'reglu.backward(dy, x, { shape, axis, bias, out }) → dx; reglu.backward(dy, gate, up, { dgate, dup }) → { dgate, dup }',
    derivative: GATED_DERIVATIVE('relu', 'a', 'b') + "; relu′(0) = 0 (PyTorch's threshold_backward)", exact: true, ulp: 0.5, ulp64: 0.5, backwardUlp: 0.5, backwardUlp64: 0.5,
  },
} as const satisfies Record<string, GatedOpDef>;

export type GatedName = keyof typeof gatedOps;
export const gatedNames = Object.keys(gatedOps) as GatedName[];
export type GatedParams<N extends GatedName> = UnaryParams<(typeof gatedOps)[N]['act']>;

/**
 * The built-in ops of the registry as functions of the expression language:
 * `elu(x, 0.5)`, `elu(x, alpha = 0.5)`, `gelu(x, 'tanh')`. Their forward
 * value is the registry's own float64 kernel (opcode CALL, op id = position in
 * unaryNames); their derivative is a formula in the expression language,
 * below, keyed by registry name. The derivatives follow PyTorch's conventions
 * at kinks (relu'(0) = 0, hardTanh' = 0 at its clamps, leakyRelu'(0) = α).
 */
import { unaryNames, unaryOps, type UnaryName, type UnaryOpDef } from '../registry/ops';
import { SELU_LAMBDA, SELU_LAMBDA_ALPHA, isHardSigmoidDefault, isSeluDefault } from '../fallback/unary';

/** Resolved parameters of a registry op, in declaration order (enum: index). */
export type OpParams = readonly number[];

const SQRT1_2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_TANH_C = 0.044715;

/**
 * f'(x) of each registry op, written with `x` and the op's parameter names.
 * Forms are chosen to keep the derivative accurate where the naive one
 * cancels: σ(x)σ(-x) instead of σ(1-σ), 1/cosh² instead of 1 - tanh², erfc
 * for gelu's left tail. An op missing here can still be called forward; its
 * backward throws (a test requires every registry op to be present).
 */
export const derivativeFormulas: Partial<Record<UnaryName, (p: OpParams) => string>> = {
  relu: () => 'step(x)',
  leakyRelu: () => 'select(x, 1, alpha)',
  relu6: () => 'step(x) * step(6 - x)',
  hardTanh: () => 'step(x - min) * step(max - x)',
  elu: () => 'select(x, 1, alpha * exp(x))',
  selu: (p) => (isSeluDefault(p[0], p[1]) ? `select(x, ${SELU_LAMBDA}, ${SELU_LAMBDA_ALPHA} * exp(x))` : 'select(x, gamma, gamma * alpha * exp(x))'),
  celu: () => 'select(x, 1, exp(x / alpha))',
  sigmoid: () => 'sigmoid(x) * sigmoid(-x)',
  tanh: () => '1 / cosh(x)^2',
  // PyTorch: βx > threshold ? 1 : σ(βx). (βx − threshold > 0) ⇔ (βx > threshold) exactly in IEEE arithmetic.
  softplus: () => 'select(beta * x - threshold, 1, sigmoid(beta * x))',
  swish: () => 'sigmoid(beta * x) * (1 + beta * x * sigmoid(-beta * x))',
  silu: () => 'sigmoid(x) * (1 + x * sigmoid(-x))',
  gelu: (p) => {
    if (p[0] === 1) {
      // u = √(2/π)(x + c·x³); f = x·σ(2u); f' = σ(2u) + 2x·σ(2u)σ(−2u)·√(2/π)(1 + 3c·x²)
      const u = `(${SQRT_2_OVER_PI} * (x + ${GELU_TANH_C} * x^3))`;
      return `sigmoid(2 * ${u}) * (1 + 2 * x * sigmoid(-2 * ${u}) * ${SQRT_2_OVER_PI} * (1 + ${3 * GELU_TANH_C} * x^2))`;
    }
    // Φ(x) + x·φ(x), with Φ(x) = erfc(−x/√2)/2: no cancellation for x < 0.
    return `0.5 * erfc(-x * ${SQRT1_2}) + x * exp(-0.5 * x^2) * ${INV_SQRT_2PI}`;
  },
  mish: () => 'tanh(softplus(x)) + x * sigmoid(x) / cosh(softplus(x))^2',
  // The defaults are PyTorch's exact x/6 + 1/2 (slope 1/6 on (−3, 3)); others ONNX's αx + β.
  hardSigmoid: (p) => (isHardSigmoidDefault(p[0], p[1]) ? 'step(x + 3) * step(3 - x) / 6' : 'alpha * step(alpha * x + beta) * step(1 - (alpha * x + beta))'),
  // PyTorch: x < -3 → 0; x ≤ 3 → x/3 + 1/2; else 1.
  hardSwish: () => 'select(-3 - x, 0, select(x - 3, 1, x / 3 + 0.5))',
  softsign: () => '1 / (1 + abs(x))^2',
  rbf: () => '-2 * gamma * (x - center) * rbf(x, gamma, center)',
  logSigmoid: () => 'sigmoid(-x)',
  hardShrink: () => 'step(abs(x) - lambda)',
  softShrink: () => 'step(abs(x) - lambda)',
  tanhShrink: () => 'tanh(x)^2',
  threshold: () => 'step(x - threshold)',
  thresholdedRelu: () => 'step(x - alpha)',
};

export function isRegistryOp(name: string): name is UnaryName {
  return Object.prototype.hasOwnProperty.call(unaryOps, name);
}

export function registryDef(id: number): { name: UnaryName; def: UnaryOpDef } {
  const name = unaryNames[id];
  return { name, def: unaryOps[name] };
}

export function registryId(name: UnaryName): number {
  return unaryNames.indexOf(name);
}

const one = new Float64Array(1);

/** The registry op `id` on one float64 value, through its own kernel. */
export function callScalar(id: number, a: number, b: number, x: number): number {
  one[0] = x;
  unaryOps[unaryNames[id]].js(one, one, a, b);
  return one[0];
}

/** The registry op `id` on a whole float64 tile: the interpreter's CALL. */
export function callTile(id: number, a: number, b: number, x: Float64Array, y: Float64Array): void {
  unaryOps[unaryNames[id]].js(x, y, a, b);
}

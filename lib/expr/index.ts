/**
 * Custom activations (compile) and activation diagnostics (stats), hooked
 * into each API instance by lib/api.ts's createApi.
 */
import type { Backend } from '../backend';
import { createCompile, type CompileFn } from './compile';
import { createStats, type StatsFn } from './stats';

export type { CompileFn, CompileOptions, CompiledActivation, CompiledBackward, ParamValues } from './compile';
export type { Stats, StatsFn, StatsOptions, Moments } from './stats';
export type { Program } from './codegen';
export { ExpressionError } from './parse';

export interface ExprApi {
  /**
   * Compiles an expression of x into an activation with the built-ins'
   * interface (`act(x, { out })`, `act.backward(dy, x)`, `.async`, float32 and
   * float64); its backward pass is the symbolic derivative.
   *
   * The language: numbers, `x`, named parameters (values in `options.params`,
   * overridable per call as options), `+ - * /`, `^` with an integer exponent,
   * unary minus; the units abs sign step sqrt exp expm1 log log1p sin cos tan
   * sinh cosh tanh asinh atan erf erfc sinc sigmoid softplus, `max(a, b)`,
   * `min(a, b)`, `select(c, a, b)` (a where c > 0, else b); and every built-in
   * op by name with its parameters positional or named:
   * `elu(x, 0.5)`, `gelu(x, approximate = 'tanh')`.
   *
   * @example compile('x * sigmoid(beta * x)', { params: { beta: 1.5 } })
   * @example compile('max(x, sigmoid(x))').backward(dy, x)
   * @throws SyntaxError with `column` (1-based) and `expected` for a bad expression.
   */
  compile: CompileFn;
  /**
   * One pass over x: count, NaN count, min, max, mean, variance; with
   * `op`, the fractions in its dead region (relu: x ≤ 0; leakyRelu/PReLU: the
   * negative side) and saturated tails (|f'| < 1e-3, derived from the op's
   * derivative); with `shape` and `channelAxis`, the same per channel and the
   * channels dead in every sample; for `op: 'selu'`, the mean and variance of
   * the outputs (self-normalization: 0 and 1).
   */
  stats: StatsFn;
}

export function createExprApi(backend: Backend): ExprApi {
  const compile = createCompile(backend);
  return { compile, stats: createStats(backend, compile) };
}

/** Shared by the expression tests: random expressions over the grammar, drawn with a seeded generator (test/numerics/helpers.ts's rng). */
import { requiredOptions, unaryNames, unaryOps } from '../lib/registry/ops';

export const PARAMS = { beta: 0.8, eps: 1e-2 };

// The grammar's units as templates: # is the argument; #1, #2 the two arguments of a binary unit.
export const SMOOTH_UNARY = ['#', '-(#)', '(#)^2', '(#)^3', 'beta * (#)', '(#) + beta', 'sin(#)', 'cos(#)', 'tanh(#)', 'asinh(#)',
  'atan(#)', 'sinc(#)', 'sigmoid(#)', 'softplus(#)', 'exp(-(#)^2)', 'erf(#)', 'sinh(#)', 'exp(#)', 'cosh(#)'];
export const KINKED_UNARY = ['abs(#)', 'sqrt(abs(#))', 'log(abs(#) + eps)', 'max(#, 0)', 'min(#, 0)', '(#)^-1', 'sign(#)', 'step(#)',
  // every registry op, as a function of the language
  ...unaryNames.map((n) => `${n}(${['#', ...Object.entries(requiredOptions(unaryOps[n])).map(([k, v]) => `${k} = ${v}`)].join(', ')})`)];
export const SMOOTH_BINARY = ['(#1) + (#2)', '(#1) * (#2)', '(#1) - (#2)', 'sigmoid(#1) * (#2)', 'exp(-beta * ((#1) - (#2))^2)',
  'beta * (#1) + (1 - beta) * (#2)', '(#1) / ((#2)^2 + 1)'];
export const KINKED_BINARY = ['(#1) / ((#2) + eps)', 'max(#1, #2)', 'min(#1, #2)', 'exp(-beta * abs((#1) - (#2)))', 'select(#1, #2, 2 * (#2))'];

/** A random core-unit composition b(u1(a), u2(b)) of the given depth. */
export function generate(r: () => number, depth: number, smooth: boolean): string {
  const pick = <T>(a: readonly T[]): T => a[Math.floor(r() * a.length)];
  const unary = smooth ? SMOOTH_UNARY : [...SMOOTH_UNARY, ...KINKED_UNARY];
  const binary = smooth ? SMOOTH_BINARY : [...SMOOTH_BINARY, ...KINKED_BINARY];
  const operand = (): string => (depth > 1 && r() < 0.7 ? generate(r, depth - 1, smooth) : 'x');
  // Constants now and then, so folding and the constant-operand forms get exercised.
  const leaf = (): string => (r() < 0.1 ? String(Math.round(r() * 8 - 4) / 2) : operand());
  const a = pick(unary).replace('#', leaf());
  const b = pick(unary).replace('#', leaf());
  return pick(binary).split('#1').join(a).split('#2').join(b);
}

/** Only the parameters the expression names (compile refuses the others). */
export function paramsFor(src: string): Record<string, number> {
  return Object.fromEntries(Object.entries(PARAMS).filter(([k]) => new RegExp(`\\b${k}\\b`).test(src)));
}

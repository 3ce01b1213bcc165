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
  /** Compiles an expression of x (the search space of Ramachandran et al. 2017, and every registry op) into an activation. */
  compile: CompileFn;
  /** Count, NaN count, min, max, mean, variance, dead and saturated fractions, per channel, in one pass. */
  stats: StatsFn;
}

export function createExprApi(backend: Backend): ExprApi {
  const compile = createCompile(backend);
  return { compile, stats: createStats(backend, compile) };
}

/**
 * Builds the public functions from the registry for one backend. Everything
 * a call can get wrong is checked in this layer, once, before the engine
 * (lib/backend/compose.ts over the backend) is touched.
 */
import type { Backend } from '../backend/backend';
import { compose } from '../backend/compose';
import { MAX_THREADS } from '../backend/pool';
import { unaryNames } from '../registry/ops';
import type { Info } from '../types';
import { rangeError, typeError } from '../validate/values';
import { createCompile } from './compile';
import { makeGatedOps } from './gated';
import { makeShaped } from './shaped';
import { createStats } from './stats';
import type { Api } from './types';
import { makeUnary } from './unary';

export type * from './types';
export type { CompileFn, CompileOptions, CompiledActivation, CompiledBackward, ParamValues } from './compile';
export type { Moments, Stats, StatsFn, StatsOp, StatsOptions } from './stats';

export const VERSION: string = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

export function createApi(backend: Backend): Api {
  const engine = compose(backend);
  const api: Record<string, unknown> = {};
  unaryNames.forEach((name, id) => {
    api[name] = makeUnary(name, id, engine);
  });
  Object.assign(api, makeShaped(engine));
  Object.assign(api, makeGatedOps(engine));
  api.info = (): Info => ({
    backend: engine.name,
    isa: engine.isa,
    isas: engine.isas.slice(),
    threads: engine.threads(),
    version: VERSION,
    loadError: engine.loadError,
  });
  /** Resizes the backend's pool (the JS twin has none: it stays at 1). */
  api.setThreads = function setThreads(n: number): void {
    const what = `an integer from 1 to ${MAX_THREADS}`;
    if (typeof n !== 'number') throw typeError('setThreads', what, 'n', n);
    if (!Number.isInteger(n) || n < 1 || n > MAX_THREADS) throw rangeError('setThreads', what, 'n', n);
    engine.setThreads(n);
  };
  const compile = createCompile(engine);
  api.compile = compile;
  api.stats = createStats(engine, compile);
  return api as unknown as Api;
}

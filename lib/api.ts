/**
 * Builds the public functions from the registry for one backend. Everything
 * a call can get wrong is checked here, once, before the backend is touched.
 */
import type { Backend } from './backend';
import { createExprApi, type ExprApi } from './expr';
import { unaryOps, unaryNames, type ParamDef, type UnaryName, type UnaryOpDef, type UnaryParams } from './ops';
import type { AsyncOptions, FloatArray, Info, OutOptions } from './types';
import { checkFloatArray, checkLike, checkNoPartialOverlap, checkOptionsObject, describe, dtypeOf, unknownOption } from './validate';

export interface UnaryActivation<P> {
  /** y = f(x): a new array of x's type, or `options.out` (which may be x itself). */
  <A extends FloatArray>(x: A, options?: OutOptions<A> & P): A;
  /** The same work off the event loop; resolves to the output. */
  async<A extends FloatArray>(x: A, options?: OutOptions<A> & AsyncOptions & P): Promise<A>;
  /** The op's name in the registry. */
  readonly opName: string;
  /** The registry entry: formula, parameters, accuracy bounds. */
  readonly def: UnaryOpDef;
}

export type UnaryApi = { readonly [N in UnaryName]: UnaryActivation<UnaryParams<N>> };

export interface Api extends UnaryApi, ExprApi {
  info(): Info;
}

export const VERSION: string = (() => {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('../package.json') as { version: string }).version;
  } catch {
    return '0.0.0';
  }
})();

/** Resolved parameters of the current call (the API is synchronous up to the backend call). */
const P = [0, 0];

function paramError(fn: string, p: ParamDef, v: unknown, what: string, Ctor: typeof TypeError | typeof RangeError): Error {
  return new Ctor(`${fn}: Expected ${what} for options.${p.name} but received ${describe(v)}`);
}

function rangeText(p: ParamDef & { kind: 'number' }): string {
  const parts: string[] = [];
  if (p.min !== undefined) parts.push(`${p.minExclusive ? '>' : '≥'} ${p.min}`);
  if (p.max !== undefined) parts.push(`≤ ${p.max}`);
  return parts.length ? `a finite number ${parts.join(' and ')}` : 'a finite number';
}

/**
 * Reads the op's parameters from `opts` into P (defaults where absent),
 * converted to the array's type; enums become the index of their value.
 */
function resolveParams(fn: string, def: UnaryOpDef, opts: Record<string, unknown> | undefined, f32: boolean): void {
  const params = def.params;
  P[0] = 0;
  P[1] = 0;
  for (let i = 0; i < params.length; i++) {
    const p = params[i];
    const v = opts === undefined ? undefined : opts[p.name];
    if (p.kind === 'enum') {
      const s = v === undefined ? p.default : v;
      const k = typeof s === 'string' ? p.values.indexOf(s) : -1;
      if (k < 0) {
        const what = `one of ${p.values.map((x) => JSON.stringify(x)).join(', ')}`;
        throw paramError(fn, p, v, what, typeof s === 'string' ? RangeError : TypeError);
      }
      P[i] = k;
      continue;
    }
    let x: number;
    if (v === undefined) {
      x = p.default;
    } else {
      if (typeof v !== 'number') throw paramError(fn, p, v, rangeText(p), TypeError);
      x = v;
    }
    const r = f32 ? Math.fround(x) : x;
    const ok = Number.isFinite(r)
      && (p.min === undefined || (p.minExclusive ? r > p.min : r >= p.min))
      && (p.max === undefined || r <= p.max);
    if (!ok) {
      const note = r !== x ? ` (${x} is ${r} in float32)` : '';
      throw paramError(fn, p, v, rangeText(p) + note, RangeError);
    }
    P[i] = r;
  }
  if (def.check) {
    const bad = def.check(P);
    if (bad) throw new RangeError(`${fn}: Expected valid options.${bad[0]}: ${bad[1]}`);
  }
}

function checkKeys(fn: string, opts: Record<string, unknown>, allowed: ReadonlySet<string>, list: readonly string[]): void {
  for (const k in opts) {
    if (!allowed.has(k)) throw unknownOption(fn, k, 'options', list);
  }
}

function abortError(fn: string, signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const e = new Error(`${fn}: the operation was aborted before it started`, { cause: reason });
  e.name = 'AbortError';
  return e;
}

function makeUnary(name: UnaryName, id: number, backend: Backend): UnaryActivation<object> {
  const def: UnaryOpDef = unaryOps[name];
  const paramNames = def.params.map((p) => p.name);
  const syncKeys = ['out', ...paramNames];
  const asyncKeys = [...syncKeys, 'signal'];
  const syncSet = new Set(syncKeys);
  const asyncSet = new Set(asyncKeys);

  /** Validates a forward call; returns [x, out] with P holding the parameters. */
  function prepare(fn: string, x: unknown, options: unknown, keys: ReadonlySet<string>, list: readonly string[]): [FloatArray, FloatArray] {
    const xa = checkFloatArray(fn, x, 'x');
    const opts = checkOptionsObject(fn, options, 'options');
    let out: FloatArray | undefined;
    if (opts !== undefined) {
      checkKeys(fn, opts, keys, list);
      if (opts.out !== undefined) {
        out = checkLike(fn, opts.out, 'options.out', xa, 'x');
        checkNoPartialOverlap(fn, out, 'options.out', xa, 'x');
      }
    }
    resolveParams(fn, def, opts, dtypeOf(xa) === 'float32');
    if (out === undefined) out = xa instanceof Float64Array || dtypeOf(xa) === 'float64' ? new Float64Array(xa.length) : new Float32Array(xa.length);
    return [xa, out];
  }

  const f = function <A extends FloatArray>(x: A, options?: OutOptions<A>): A {
    const [xa, out] = prepare(name, x, options, syncSet, syncKeys);
    backend.unary(id, xa, out, P[0], P[1]);
    return out as A;
  } as UnaryActivation<object>;

  const fnAsync = `${name}.async`;
  const asyncFn = async function <A extends FloatArray>(x: A, options?: OutOptions<A> & AsyncOptions): Promise<A> {
    const [xa, out] = prepare(fnAsync, x, options, asyncSet, asyncKeys);
    const a = P[0], b = P[1];
    const signal = (options as AsyncOptions | undefined)?.signal;
    if (signal !== undefined && !(signal instanceof AbortSignal)) {
      throw new TypeError(`${fnAsync}: Expected an AbortSignal for options.signal but received ${describe(signal)}`);
    }
    if (signal?.aborted) throw abortError(fnAsync, signal);
    if (backend.unaryAsync) {
      await backend.unaryAsync(id, xa, out, a, b);
    } else {
      // No worker to hand it to: yield once so an abort issued right after the call still wins.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) throw abortError(fnAsync, signal);
      backend.unary(id, xa, out, a, b);
    }
    return out as A;
  };

  Object.defineProperties(f, {
    async: { value: asyncFn, enumerable: true },
    opName: { value: name, enumerable: true },
    def: { value: def, enumerable: true },
    name: { value: name },
  });
  return f;
}

export function createApi(backend: Backend): Api {
  const api: Record<string, unknown> = {};
  unaryNames.forEach((name, id) => {
    api[name] = makeUnary(name, id, backend);
  });
  api.info = (): Info => ({
    backend: backend.name,
    isa: backend.isa,
    isas: backend.isas.slice(),
    threads: backend.threads(),
    version: VERSION,
    loadError: backend.loadError,
  });
  Object.assign(api, createExprApi(backend));
  return api as unknown as Api;
}

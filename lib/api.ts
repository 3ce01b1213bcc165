/**
 * Builds the public functions from the registry for one backend. Everything
 * a call can get wrong is checked here, once, before the backend is touched.
 */
import type { Backend } from './backend';
import { makeSetThreads } from './threads';
import { createExprApi, type ExprApi } from './expr';
import { unaryOps, unaryNames, type ParamDef, type UnaryName, type UnaryOpDef, type UnaryParams } from './ops';
import type { AsyncOptions, FloatArray, Info, OutOptions } from './types';
import { checkFloatArray, checkLike, checkNoPartialOverlap, checkOptionsObject, describe, dtypeOf, unknownOption } from './validate';

/**
 * Options of a unary backward call: `out` (dy itself for in place, x or y
 * itself, or an array sharing no byte with any of them), the op's parameters,
 * and `y` = f(x) for the ops whose derivative is cheaper from it.
 */
export type UnaryBackwardOptions<A extends FloatArray, P, UsesY extends boolean> =
  OutOptions<A> & P & (UsesY extends true ? { /** The forward output f(x); the derivative is then computed from it alone. */ y?: A } : unknown);

export interface UnaryBackward<P, UsesY extends boolean> {
  /**
   * dx = dy · f'(x): a new array of dy's type, or `options.out`. dy and x (and
   * y) have one type and one length. NaN in dy or x gives NaN.
   */
  <A extends FloatArray>(dy: A, x: A, options?: UnaryBackwardOptions<A, P, UsesY>): A;
  /** The same work off the event loop; resolves to dx. */
  async<A extends FloatArray>(dy: A, x: A, options?: UnaryBackwardOptions<A, P, UsesY> & AsyncOptions): Promise<A>;
}

export interface UnaryActivation<P, UsesY extends boolean = boolean> {
  /** y = f(x): a new array of x's type, or `options.out` (which may be x itself). */
  <A extends FloatArray>(x: A, options?: OutOptions<A> & P): A;
  /** The same work off the event loop; resolves to the output. */
  async<A extends FloatArray>(x: A, options?: OutOptions<A> & AsyncOptions & P): Promise<A>;
  /** The backward pass dx = dy · f'(x) (see `def.backward` for f', its kinks and its bound). */
  readonly backward: UnaryBackward<P, UsesY>;
  /** The op's name in the registry. */
  readonly opName: string;
  /** The registry entry: formula, parameters, accuracy bounds, backward. */
  readonly def: UnaryOpDef;
}

export type UnaryApi = {
  readonly [N in UnaryName]: UnaryActivation<UnaryParams<N>, (typeof unaryOps)[N]['backwardUsesY']>;
};

export interface Api extends UnaryApi, ExprApi {
  info(): Info;
  /** Resizes the process-wide thread pool (1 to 256; native backend; the JS twin computes on the calling thread). */
  setThreads(n: number): void;
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

/** Reads and checks options.signal; throws if it has already fired. */
function takeSignal(fn: string, options: unknown): AbortSignal | undefined {
  const signal = (options as AsyncOptions | undefined)?.signal;
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError(`${fn}: Expected an AbortSignal for options.signal but received ${describe(signal)}`);
  }
  if (signal?.aborted) throw abortError(fn, signal);
  return signal;
}

/**
 * Runs validated work for an `.async` call: on the backend's worker when it
 * offers one (`native` returns its promise, or false when it does not handle
 * this call), else on the JS thread after one turn of the event loop, so an
 * abort issued right after the call still wins.
 */
async function runAsync(fn: string, signal: AbortSignal | undefined, native: (() => Promise<void> | false) | undefined, sync: () => void): Promise<void> {
  const p = native ? native() : false;
  if (p !== false) {
    await p;
    return;
  }
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw abortError(fn, signal);
  sync();
}

function newLike(a: FloatArray): FloatArray {
  return dtypeOf(a) === 'float64' ? new Float64Array(a.length) : new Float32Array(a.length);
}

/** `out` given by the caller (checked against `ref` and every input), or a new array like ref. */
function takeOut(fn: string, v: unknown, ref: FloatArray, refName: string, inputs: readonly (readonly [FloatArray, string])[]): FloatArray {
  if (v === undefined) return newLike(ref);
  const out = checkLike(fn, v, 'options.out', ref, refName);
  for (const [a, name] of inputs) checkNoPartialOverlap(fn, out, 'options.out', a, name);
  return out;
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
    if (opts !== undefined) checkKeys(fn, opts, keys, list);
    const out = takeOut(fn, opts?.out, xa, 'x', [[xa, 'x']]);
    resolveParams(fn, def, opts, dtypeOf(xa) === 'float32');
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
    const signal = takeSignal(fnAsync, options);
    await runAsync(fnAsync, signal, backend.unaryAsync && (() => backend.unaryAsync!(id, xa, out, a, b, signal)), () => backend.unary(id, xa, out, a, b));
    return out as A;
  };

  Object.defineProperties(f, {
    async: { value: asyncFn, enumerable: true },
    backward: { value: makeUnaryBackward(name, id, def, backend), enumerable: true },
    opName: { value: name, enumerable: true },
    def: { value: def, enumerable: true },
    name: { value: name },
  });
  return f;
}

function makeUnaryBackward(name: UnaryName, id: number, def: UnaryOpDef, backend: Backend): UnaryBackward<object, boolean> {
  const bw = def.backward;
  const syncKeys = ['out', ...(def.backwardUsesY ? ['y'] : []), ...def.params.map((p) => p.name)];
  const asyncKeys = [...syncKeys, 'signal'];
  const syncSet = new Set(syncKeys);
  const asyncSet = new Set(asyncKeys);

  /** Validates a backward call; returns [dy, x, y | null, dx] with P holding the parameters. */
  function prepare(fn: string, dy: unknown, x: unknown, options: unknown, keys: ReadonlySet<string>, list: readonly string[]): [FloatArray, FloatArray, FloatArray | null, FloatArray] {
    const dya = checkFloatArray(fn, dy, 'dy');
    const xa = checkLike(fn, x, 'x', dya, 'dy');
    const opts = checkOptionsObject(fn, options, 'options');
    if (opts !== undefined) checkKeys(fn, opts, keys, list);
    const ya = opts?.y === undefined ? null : checkLike(fn, opts.y, 'options.y', dya, 'dy');
    const inputs: [FloatArray, string][] = [[dya, 'dy'], [xa, 'x']];
    if (ya) inputs.push([ya, 'options.y']);
    const out = takeOut(fn, opts?.out, dya, 'dy', inputs);
    resolveParams(fn, def, opts, dtypeOf(dya) === 'float32');
    return [dya, xa, ya, out];
  }

  function run(dy: FloatArray, x: FloatArray, y: FloatArray | null, dx: FloatArray, a: number, b: number): void {
    if (backend.unaryBackward?.(id, dy, x, y, dx, a, b)) return;
    if (y) bw.jsFromY!(dy, y, dx, a, b);
    else bw.js(dy, x, dx, a, b);
  }

  const fn = `${name}.backward`;
  const f = function (dy: FloatArray, x: FloatArray, options?: object): FloatArray {
    const [dya, xa, ya, out] = prepare(fn, dy, x, options, syncSet, syncKeys);
    run(dya, xa, ya, out, P[0], P[1]);
    return out;
  } as unknown as UnaryBackward<object, boolean>;

  const fnAsync = `${name}.backward.async`;
  const asyncFn = async function (dy: FloatArray, x: FloatArray, options?: object): Promise<FloatArray> {
    const [dya, xa, ya, out] = prepare(fnAsync, dy, x, options, asyncSet, asyncKeys);
    const a = P[0], b = P[1];
    const signal = takeSignal(fnAsync, options);
    const native = backend.unaryBackwardAsync && (() => backend.unaryBackwardAsync!(id, dya, xa, ya, out, a, b, signal));
    await runAsync(fnAsync, signal, native, () => run(dya, xa, ya, out, a, b));
    return out;
  };

  Object.defineProperties(f, {
    async: { value: asyncFn, enumerable: true },
    name: { value: 'backward' },
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
  api.setThreads = makeSetThreads(backend);
  Object.assign(api, createExprApi(backend));
  return api as unknown as Api;
}

/**
 * How every public function and its `.async` twin run one call: validate it
 * all (throwing before any write), take options.signal (async), check the
 * arrays again (option getters are user code and may have detached one), then
 * hand the call to the engine. One shape for unary, shaped and compiled ops.
 */
import type { FloatArray } from '../types';
import { takeSignal } from '../validate/signal';
import { type LiveArray, checkKeys, checkLike, checkNoPartialOverlap, checkOptionsObject, checkPinnable, checkStillLive, newLike } from '../validate/values';

/** One validated call. */
export interface Call {
  /** The options object as given (options.signal is read from it last). */
  readonly opts: Record<string, unknown> | undefined;
  /** Every array of the call with its name and the length it was accepted with. */
  readonly arrays: readonly (readonly [LiveArray | null, string, number])[];
}

export interface Entry<C extends Call> {
  /** Validates one call of arguments a0..a3; `fn` labels its messages, `keys` are the options it accepts. */
  prepare(fn: string, keys: readonly string[], a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown): C;
  run(c: C): void;
  runAsync(fn: string, c: C, signal: AbortSignal | undefined): Promise<void>;
  /** What the call returns once run. */
  result(c: C): unknown;
}

const RangeErrorCtor = RangeError;
/**
 * The addon's own overlap check (two SharedArrayBuffer objects over one memory, which
 * the JS checks cannot see) names its binding entry (`unary:`, `shaped:`): its RangeError
 * is thrown again under the public function's name, as every other message is.
 */
function relabel(fn: string, err: unknown): unknown {
  if (!(err instanceof RangeErrorCtor) || !err.message.endsWith(' of one memory, through two buffer objects)')) return err;
  const r = new RangeErrorCtor(`${fn}: ${err.message.slice(err.message.indexOf(': ') + 2)}`);
  (r as { code?: unknown }).code = (err as { code?: unknown }).code;
  return r;
}

/** The sync function `name` and its `.async`, over one Entry. */
export function entryPair<C extends Call>(name: string, keys: readonly string[], e: Entry<C>): [(...args: unknown[]) => unknown, (...args: unknown[]) => Promise<unknown>] {
  const asyncName = `${name}.async`;
  const asyncKeys = [...keys, 'signal'];
  // Four positional arguments at most (prelu.backward's dy, x, alpha, options): a fixed
  // arity, passed on as it is, spares an array's allocation in every call.
  const sync = (a0?: unknown, a1?: unknown, a2?: unknown, a3?: unknown): unknown => {
    const c = e.prepare(name, keys, a0, a1, a2, a3);
    checkStillLive(name, c.arrays);
    try {
      e.run(c);
    } catch (err) {
      throw relabel(name, err);
    }
    return e.result(c);
  };
  const later = async (...args: unknown[]): Promise<unknown> => {
    const c = e.prepare(asyncName, asyncKeys, args[0], args[1], args[2], args[3]);
    const signal = takeSignal(asyncName, c.opts?.signal);
    checkStillLive(asyncName, c.arrays); // options.signal's getter ran last
    checkPinnable(asyncName, c.arrays);
    try {
      await e.runAsync(asyncName, c, signal);
    } catch (err) {
      throw relabel(asyncName, err);
    }
    return e.result(c);
  };
  return [sync, later];
}

/** Attaches `props` (async, backward, names, registry entries) to a public function, read-only. */
export function withProps<F>(f: (...args: never[]) => unknown, name: string, props: Record<string, unknown>): F {
  const d: PropertyDescriptorMap = { name: { value: name } };
  for (const k of Object.keys(props)) d[k] = { value: props[k], enumerable: true };
  Object.defineProperties(f, d);
  return f as unknown as F;
}

/**
 * `out` given by the caller (checked against `ref` and every input), or a new
 * array like ref: `view` is what the engine writes (checkFloatArray's plain
 * view), `ret` what the call returns (the caller's own object when given).
 */
export function takeOut(fn: string, v: unknown, ref: FloatArray, refName: string, inputs: readonly (readonly [FloatArray, string])[]): { view: FloatArray; ret: FloatArray } {
  if (v === undefined) {
    const view = newLike(ref);
    return { view, ret: view };
  }
  const view = checkLike(fn, v, 'options.out', ref, refName);
  for (const [a, name] of inputs) checkNoPartialOverlap(fn, view, 'options.out', a, name);
  return { view, ret: v as FloatArray };
}

/** The options object of a call, its keys checked. */
export function takeOpts(fn: string, v: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  const opts = checkOptionsObject(fn, v, 'options');
  if (opts !== undefined) checkKeys(fn, opts, keys);
  return opts;
}

/**
 * What a backward call with a bias returns: dbias summed in float64 (`sums`),
 * a number for a number bias, else an array of the bias's type.
 */
export function withDbias(dx: FloatArray, bias: FloatArray | null, sums: Float64Array): { dx: FloatArray; dbias: number | FloatArray } {
  if (bias === null) return { dx, dbias: sums[0] };
  const d = newLike(bias);
  d.set(sums);
  return { dx, dbias: d };
}

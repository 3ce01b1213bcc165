/**
 * Argument checks, all in one voice:
 *   <fn>: Expected <what> for <name> but received <value>
 * Every check runs before any work starts, so a throw never leaves a partial write.
 */
import { didYouMean } from './suggest';
import type { FloatArray } from '../types';

// The %TypedArray%.prototype[Symbol.toStringTag] getter names a typed array's
// kind even when it comes from another realm (vm context), where instanceof fails.
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag,
)!.get as (this: unknown) => string | undefined;

/** The typed-array kind of v ('Float32Array', 'Uint16Array', ...; any realm), or undefined. */
export function typedArrayKind(v: unknown): string | undefined {
  return typedArrayTag.call(v);
}

/** The indefinite article of a word ("an Int32Array", "a Float32Array"). */
export function article(word: string): string {
  return /^([AEIO]|U(?!int|ni))/i.test(word) ? `an ${word}` : `a ${word}`;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${String(v)} of type ${typeof v}`;
  if (typeof v === 'string') return `${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)} of type string`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an Array of length ${v.length}`;
  const tag = typedArrayTag.call(v);
  if (tag !== undefined) return `${article(tag)} of length ${(v as FloatArray).length}`;
  if (ArrayBuffer.isView(v)) return 'a DataView';
  const ctor = (v as { constructor?: { name?: string } }).constructor;
  return ctor && typeof ctor.name === 'string' && ctor.name !== 'Object' ? `an instance of ${ctor.name}` : 'an object';
}

/**
 * The one message form. `received` is the value (described), or, as
 * `{ text }`, an account of it already written (a detached buffer, a shape and
 * its product).
 */
export function expected(what: string, name: string, received: unknown): string {
  const text = received instanceof Received ? received.text : describe(received);
  return `Expected ${what} for ${name} but received ${text}`;
}

/** What was received, when describing the value alone would not say what is wrong with it. */
export class Received {
  constructor(readonly text: string) {}
}

/** `fn: Expected ...` as a TypeError (the wrong kind of value); `hint` (suggest.ts's didYouMean) ends it. */
export function typeError(fn: string, what: string, name: string, received: unknown, hint = ''): TypeError {
  return new TypeError(`${fn}: ${expected(what, name, received)}${hint}`);
}

/** `fn: Expected ...` as a RangeError (the right kind of value, out of range). */
export function rangeError(fn: string, what: string, name: string, received: unknown, hint = ''): RangeError {
  return new RangeError(`${fn}: ${expected(what, name, received)}${hint}`);
}

/** 'float32' | 'float64' for a Float32Array/Float64Array (any realm), else undefined. */
export function dtypeOf(v: unknown): 'float32' | 'float64' | undefined {
  const tag = typedArrayTag.call(v);
  return tag === 'Float32Array' ? 'float32' : tag === 'Float64Array' ? 'float64' : undefined;
}

/** The constructor name of a dtype, as messages spell it. */
export function ctorName(a: FloatArray): 'Float32Array' | 'Float64Array' {
  return dtypeOf(a) === 'float64' ? 'Float64Array' : 'Float32Array';
}

/** A new zeroed array of a's type, of a's length or `n`. */
export function newLike(a: FloatArray, n: number = a.length): FloatArray {
  return dtypeOf(a) === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

export function isDetached(a: ArrayBufferView & { readonly length: number }): boolean {
  // A view on a detached buffer reports length 0; only then is the buffer worth probing.
  if (a.length !== 0) return false;
  const buf = a.buffer as ArrayBuffer & { detached?: boolean };
  if (typeof buf.detached === 'boolean') return buf.detached;
  try {
    new Uint8Array(buf, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** A Float32Array or Float64Array on a live buffer. */
export function checkFloatArray(fn: string, v: unknown, name: string): FloatArray {
  const dt = dtypeOf(v);
  if (dt === undefined) throw typeError(fn, 'a Float32Array or Float64Array', name, v);
  if (isDetached(v as FloatArray)) {
    throw typeError(fn, `${article(ctorName(v as FloatArray))} on a live buffer`, name, new Received('one whose ArrayBuffer is detached'));
  }
  return v as FloatArray;
}

/** A float array of ref's type (named refName), of any length. */
export function checkSameType(fn: string, v: unknown, name: string, ref: FloatArray, refName: string): FloatArray {
  const a = checkFloatArray(fn, v, name);
  if (dtypeOf(a) !== dtypeOf(ref)) throw typeError(fn, `${article(ctorName(ref))} (the type of ${refName})`, name, v);
  return a;
}

/** Same type and length as `ref` (named refName). */
export function checkLike(fn: string, v: unknown, name: string, ref: FloatArray, refName: string): FloatArray {
  const a = checkSameType(fn, v, name, ref, refName);
  if (a.length !== ref.length) throw rangeError(fn, `length ${ref.length} (the length of ${refName})`, name, v);
  return a;
}

/**
 * Output and input must be the very same view (in place) or not share a byte.
 * A partial overlap would make the result depend on the traversal order.
 */
export function checkNoPartialOverlap(fn: string, out: LiveArray, outName: string, x: LiveArray, xName: string): void {
  if (out.buffer !== x.buffer) return;
  const o0 = out.byteOffset, o1 = o0 + out.byteLength, x0 = x.byteOffset, x1 = x0 + x.byteLength;
  if (o0 === x0 && o1 === x1) return;
  if (o0 < x1 && x0 < o1) {
    throw rangeError(fn, `${xName} itself or an array not overlapping it`, outName,
      new Received(`one that overlaps it partially (bytes ${o0}..${o1} against ${x0}..${x1} of one buffer)`));
  }
}

/** Output and input share no byte at all (for an input read throughout, such as prelu's alpha: even the same view is refused). */
export function checkDisjoint(fn: string, out: LiveArray, outName: string, a: LiveArray, aName: string): void {
  if (out.buffer !== a.buffer) return;
  const o0 = out.byteOffset, o1 = o0 + out.byteLength, a0 = a.byteOffset, a1 = a0 + a.byteLength;
  if (o0 < a1 && a0 < o1) {
    throw rangeError(fn, `an array not overlapping ${aName}`, outName, new Received(`one that does (bytes ${o0}..${o1} against ${a0}..${a1} of one buffer)`));
  }
}

export function checkOptionsObject(fn: string, v: unknown, name: string): Record<string, unknown> | undefined {
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) throw typeError(fn, 'an options object', name, v);
  return v as Record<string, unknown>;
}

/** The second message form, for a key that is not one of the accepted ones (`kind`: what a key names). */
export function unknownOption(fn: string, key: string, name: string, allowed: readonly string[], kind = 'option'): TypeError {
  const list = allowed.length ? `one of: ${allowed.map((k) => JSON.stringify(k)).join(', ')}` : `none (there are no ${kind}s)`;
  return new TypeError(`${fn}: Unknown ${kind} ${JSON.stringify(key)} in ${name}${didYouMean(key, allowed)}; expected ${list}`);
}

/** Every key of `opts` (an options object named `name`) is one of `allowed`. */
export function checkKeys(fn: string, opts: Record<string, unknown>, allowed: readonly string[], name = 'options', kind = 'option'): void {
  for (const k in opts) if (!allowed.includes(k)) throw unknownOption(fn, k, name, allowed, kind);
}

/** Any array a call reads or writes (float arrays, 16-bit storage). */
export type LiveArray = ArrayBufferView & { readonly length: number };

/**
 * Option getters (and shape entries) are user code that runs after the arrays
 * were accepted: one can detach or shrink a buffer already checked. Checked
 * again once every option has been read, right before the backend runs, so
 * such a call throws instead of computing on an emptied view.
 */
export function checkStillLive(fn: string, arrays: readonly (readonly [LiveArray | null, string, number])[]): void {
  for (const [a, name] of arrays) {
    if (a !== null && isDetached(a)) {
      throw typeError(fn, `${article(typedArrayTag.call(a)!)} on a live buffer`, name, new Received('one whose ArrayBuffer is detached'));
    }
  }
  for (const [a, name, n] of arrays) {
    if (a !== null && a.length !== n) {
      throw rangeError(fn, `length ${n}`, name, new Received(`${describe(a)} (its buffer was resized while the options were read)`));
    }
  }
}

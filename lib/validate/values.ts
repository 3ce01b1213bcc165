/**
 * Argument checks, all in one voice:
 *   <fn>: Expected <what> for <name> but received <value>
 * Every check runs before any work starts, so a throw never leaves a partial write.
 */
import { didYouMean } from './suggest';
import type { FloatArray } from '../types';

// The %TypedArray%.prototype[Symbol.toStringTag] getter names a typed array's
// kind even when it comes from another realm (vm context), where instanceof fails.
/**
 * The typed-array constructors as they were when this module loaded: a script that
 * later replaces globalThis.Float32Array (a subclass whose getters lie, a constructor
 * returning another array) reaches neither the plain views the checks make nor the
 * arrays the API allocates.
 */
export const F32: Float32ArrayConstructor = Float32Array;
export const F64: Float64ArrayConstructor = Float64Array;
export const U16: Uint16ArrayConstructor = Uint16Array;
const U8: Uint8ArrayConstructor = Uint8Array;
/** Float16Array where the runtime has one (Node 24), as it was at load. */
export const F16 = (globalThis as { Float16Array?: new (...a: never[]) => ArrayBufferView & { readonly length: number } }).Float16Array;

const TypedArrayProto = Object.getPrototypeOf(U8.prototype) as object;
/** A getter as { call(obj) }, bound at load to the original Function.prototype.call: a script that replaces it later cannot reach the checks. */
type Getter<T> = { readonly call: (obj: unknown) => T };
const callOf = Function.prototype.call;
const uncurry = <T>(get: (this: unknown) => T): Getter<T> => ({ call: callOf.bind(get) as (obj: unknown) => T });
const intrinsic = <T>(proto: object, key: PropertyKey): Getter<T> =>
  uncurry(Object.getOwnPropertyDescriptor(proto, key)!.get as (this: unknown) => T);
const typedArrayTag = intrinsic<string | undefined>(TypedArrayProto, Symbol.toStringTag);
// What a view is, read through the %TypedArray%.prototype getters: a subclass or an
// own property named buffer, byteOffset or length cannot lie to the checks below.
const taBuffer = intrinsic<ArrayBufferLike>(TypedArrayProto, 'buffer');
const taByteOffset = intrinsic<number>(TypedArrayProto, 'byteOffset');
const taLength = intrinsic<number>(TypedArrayProto, 'length');
const taByteLength = intrinsic<number>(TypedArrayProto, 'byteLength');
const abResizable = intrinsic<boolean | undefined>(ArrayBuffer.prototype, 'resizable');
const abDetachedGet = Object.getOwnPropertyDescriptor(ArrayBuffer.prototype, 'detached')?.get as ((this: unknown) => boolean) | undefined;
const abDetached = abDetachedGet ? uncurry(abDetachedGet) : undefined;

/** A typed array's buffer, byte offset, byte length and length, through the intrinsic getters. */
export function viewOf(a: ArrayBufferView): { buffer: ArrayBufferLike; byteOffset: number; byteLength: number; length: number } {
  return { buffer: taBuffer.call(a), byteOffset: taByteOffset.call(a), byteLength: taByteLength.call(a), length: taLength.call(a) };
}

/** A typed array's length through the intrinsic getter. */
export function lengthOf(a: ArrayBufferView): number {
  return taLength.call(a);
}

/** viewOf's buffer alone (no object made per call). */
export function bufferOf(a: ArrayBufferView): ArrayBufferLike {
  return taBuffer.call(a);
}

/** viewOf's byteOffset alone. */
export function byteOffsetOf(a: ArrayBufferView): number {
  return taByteOffset.call(a);
}

/**
 * A resizable (non-shared) ArrayBuffer: one that can shrink under a call that
 * runs later. A growable SharedArrayBuffer only grows, so it is not one.
 */
export function isResizable(buf: ArrayBufferLike): boolean {
  try {
    return abResizable.call(buf) === true;
  } catch {
    return false; // a SharedArrayBuffer: the ArrayBuffer getter refuses it
  }
}

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
  if (tag !== undefined) return `${article(tag)} of length ${taLength.call(v)}`;
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
export function newLike(a: FloatArray, n: number = taLength.call(a)): FloatArray {
  return dtypeOf(a) === 'float64' ? new F64(n) : new F32(n);
}

export function isDetached(a: ArrayBufferView & { readonly length: number }): boolean {
  // A view on a detached buffer reports length 0; only then is the buffer worth probing.
  if (taLength.call(a) !== 0) return false;
  const buf = taBuffer.call(a);
  if (abDetached !== undefined) {
    try {
      return abDetached.call(buf);
    } catch {
      return false; // a SharedArrayBuffer never detaches
    }
  }
  try {
    new U8(buf, 0, 0);
    return false;
  } catch {
    return true;
  }
}

function checkLive(fn: string, a: LiveArray, name: string): void {
  if (isDetached(a)) {
    throw typeError(fn, `${article(typedArrayTag.call(a)!)} on a live buffer`, name, new Received('one whose ArrayBuffer is detached'));
  }
}

/**
 * A Float32Array or Float64Array on a live buffer, returned as a plain view
 * of this realm made from its intrinsic buffer, byteOffset and length: every
 * later layer (the checks, the twin's loops, the binding) reads that view,
 * never the caller's object, whose class or own properties may lie.
 */
export function checkFloatArray(fn: string, v: unknown, name: string): FloatArray {
  const dt = dtypeOf(v);
  if (dt === undefined) throw typeError(fn, 'a Float32Array or Float64Array', name, v);
  const a = v as FloatArray;
  checkLive(fn, a, name);
  const buf = taBuffer.call(a), off = taByteOffset.call(a), n = taLength.call(a);
  return dt === 'float64' ? new F64(buf, off, n) : new F32(buf, off, n);
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
  if (taLength.call(a) !== taLength.call(ref)) throw rangeError(fn, `length ${taLength.call(ref)} (the length of ${refName})`, name, v);
  return a;
}

/**
 * Output and input must be the very same view (in place) or not share a byte.
 * A partial overlap would make the result depend on the traversal order.
 * outBuf, xBuf: their buffers, when the caller has them already.
 */
export function checkNoPartialOverlap(
  fn: string, out: LiveArray, outName: string, x: LiveArray, xName: string, outBuf = taBuffer.call(out), xBuf = taBuffer.call(x),
): void {
  if (outBuf !== xBuf) return;
  const o0 = taByteOffset.call(out), o1 = o0 + taByteLength.call(out), x0 = taByteOffset.call(x), x1 = x0 + taByteLength.call(x);
  if (o0 === x0 && o1 === x1) return;
  if (o0 < x1 && x0 < o1) {
    throw rangeError(fn, `${xName} itself or an array not overlapping it`, outName,
      new Received(`one that overlaps it partially (bytes ${o0}..${o1} against ${x0}..${x1} of one buffer)`));
  }
}

/** Output and input share no byte at all (for an input read throughout, such as prelu's alpha: even the same view is refused). */
export function checkDisjoint(fn: string, out: LiveArray, outName: string, a: LiveArray, aName: string): void {
  if (taBuffer.call(out) !== taBuffer.call(a)) return;
  const o0 = taByteOffset.call(out), o1 = o0 + taByteLength.call(out), a0 = taByteOffset.call(a), a1 = a0 + taByteLength.call(a);
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
  // Every array at its accepted length n > 0 is live (a detached view has length 0) and not
  // resized: the passes below would find nothing. They run, in their order, if one is not.
  let same = true;
  for (let i = 0; i < arrays.length && same; i++) {
    const e = arrays[i], a = e[0];
    same = a === null || (e[2] > 0 && taLength.call(a) === e[2]);
  }
  if (same) return;
  for (const [a, name] of arrays) if (a !== null) checkLive(fn, a, name);
  for (const [a, name, n] of arrays) {
    if (a !== null && taLength.call(a) !== n) {
      throw rangeError(fn, `length ${n}`, name, new Received(`${describe(a)} (its buffer was resized while the options were read)`));
    }
  }
}

/**
 * An `.async` call's arrays are read after it returns: a resizable ArrayBuffer
 * could shrink under the work, so it is refused (a growable SharedArrayBuffer
 * only grows, and stays allowed).
 */
export function checkPinnable(fn: string, arrays: readonly (readonly [LiveArray | null, string, number])[]): void {
  for (const [a, name] of arrays) {
    if (a !== null && isResizable(taBuffer.call(a))) {
      throw typeError(fn, `${article(typedArrayTag.call(a)!)} on a fixed-length buffer (an .async call cannot pin a resizable ArrayBuffer)`, name, new Received('one on a resizable ArrayBuffer'));
    }
  }
}

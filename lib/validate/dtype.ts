/**
 * Storage types of element-wise calls: Float32Array and Float64Array, and 16-bit
 * storage computed in float32: float16 or bfloat16 bits in a Uint16Array (then
 * options.dtype is required: the bits do not say which), or a Float16Array
 * where the runtime has one (float16 implied; never required).
 *
 * A call's inputs share one storage type; its output is of that type too
 * (the default), or, for 16-bit inputs, a Float32Array ("widen on the way
 * out"). Backends receive 16-bit arrays as Uint16Array bits (a Float16Array
 * through a Uint16Array view of its bytes) and the format's number.
 */
import type { FloatArray, HalfDtype, StorageArray } from '../types';
import { roundToBfloat16, roundToFloat16 } from '../fallback/half';
import { F16, F32, F64, Received, U16, article, bufferOf, byteOffsetOf, checkNoPartialOverlap, isDetached, lengthOf as viewLength, rangeError, typeError, typedArrayKind, type LiveArray } from './values';

export type StorageDtype = 'float32' | 'float64' | HalfDtype;

/** Every storage dtype, as messages list them. */
export const DTYPES: readonly StorageDtype[] = ['float32', 'float64', 'float16', 'bfloat16'];

/** The native format number of a 16-bit dtype (native/kernels/signatures.h HalfFormat). */
export const HALF_FORMAT: Readonly<Record<HalfDtype, number>> = { float16: 0, bfloat16: 1 };

/** An array of a call as the API accepted it: the array given, its dtype, and what a backend receives. */
export interface Stored {
  readonly a: LiveArray;
  /** options.out as the caller gave it (a is a plain view of it), for the call to return; absent for arrays the call made. */
  readonly ret?: LiveArray;
  readonly dtype: StorageDtype;
  /** The array itself, or the Uint16Array view of a Float16Array. */
  readonly bits: StorageArray;
  /** a's buffer, when the check that made a read it (the intrinsic getter is a C++ builtin: read once). */
  readonly buf?: ArrayBufferLike;
}

const KIND_DTYPE: Readonly<Record<string, StorageDtype | null>> = {
  Float32Array: 'float32',
  Float64Array: 'float64',
  Float16Array: 'float16',
  Uint16Array: null, // the option says which
};

type ViewCtor = new (b: ArrayBufferLike, o: number, n: number) => LiveArray;
/** The constructors of the plain views, as they were at load (values.ts F32...; never globalThis at call time). */
const VIEW_CTORS: Readonly<Record<string, ViewCtor | undefined>> = { Float32Array: F32, Float64Array: F64, Uint16Array: U16, Float16Array: F16 as ViewCtor | undefined };

/** The array kinds that hold a storage type. */
export const STORAGE_KINDS: readonly string[] = Object.keys(KIND_DTYPE);

const WHAT = 'a Float32Array, Float64Array, Float16Array or Uint16Array (with options.dtype)';

export function isHalf(d: StorageDtype): d is HalfDtype {
  return d === 'float16' || d === 'bfloat16';
}

function list(ds: readonly string[]): string {
  return ds.map((d) => JSON.stringify(d)).join(', ');
}

function bitsOf(a: LiveArray, kind: string): StorageArray {
  if (kind !== 'Float16Array') return a as StorageArray;
  return new U16(bufferOf(a), byteOffsetOf(a), viewLength(a));
}

/** A live array of a storage type, without its dtype resolved (options come after the arrays are checked). */
export function checkStorageArray(fn: string, v: unknown, name: string): LiveArray {
  return checkStorageView(fn, v, name).a;
}

/** checkStorageArray's view `a` and the buffer it views, for resolveDtype. */
export function checkStorageView(fn: string, v: unknown, name: string): { a: LiveArray; buf: ArrayBufferLike } {
  const kind = typedArrayKind(v);
  if (kind === undefined || !(kind in KIND_DTYPE)) throw typeError(fn, WHAT, name, v);
  const given = v as LiveArray;
  if (isDetached(given)) throw typeError(fn, `${article(kind)} on a live buffer`, name, new Received('one whose ArrayBuffer is detached'));
  // A plain view of this realm made from the intrinsic buffer, byteOffset and length
  // (values.ts viewOf): later layers read it, never the caller's object, whose class or
  // own properties may lie. A Float16Array of a runtime that has one keeps its kind.
  const buffer = bufferOf(given), byteOffset = byteOffsetOf(given), length = viewLength(given);
  const Ctor = VIEW_CTORS[kind];
  return { a: Ctor === undefined ? given : new Ctor(buffer, byteOffset, length), buf: buffer };
}

/**
 * The dtype of a (checked by checkStorageArray, named `name`) given options.dtype `d`:
 * required for a Uint16Array, and when given it must say what the array is. `buf`: a's
 * buffer, when checkStorageView gave it.
 */
export function resolveDtype(fn: string, a: LiveArray, name: string, d: unknown, buf?: ArrayBufferLike): Stored {
  const kind = typedArrayKind(a)!;
  const implied = KIND_DTYPE[kind];
  if (d !== undefined && !(DTYPES as readonly unknown[]).includes(d)) {
    throw (typeof d === 'string' ? rangeError : typeError)(fn, `one of ${list(DTYPES)}`, 'options.dtype', d);
  }
  if (implied === null) {
    if (d !== 'float16' && d !== 'bfloat16') {
      throw typeError(fn, `"float16" or "bfloat16" (what the Uint16Array ${name} holds; it is required)`, 'options.dtype', d);
    }
    return { a, dtype: d, bits: a as Uint16Array, buf };
  }
  if (d !== undefined && d !== implied) {
    throw typeError(fn, `${JSON.stringify(implied)} (${name} is ${article(kind)}) or no dtype`, 'options.dtype', d);
  }
  return { a, dtype: implied, bits: bitsOf(a, kind), buf };
}

/** The kinds that hold a dtype, as messages say them. */
function holders(d: StorageDtype): string {
  if (d === 'float16') return 'a Uint16Array or Float16Array of float16';
  if (d === 'bfloat16') return 'a Uint16Array of bfloat16';
  return article(d === 'float32' ? 'Float32Array' : 'Float64Array');
}

/** Whether array kind `kind` can hold dtype d. */
function holds(kind: string, d: StorageDtype): boolean {
  return kind === 'Uint16Array' ? isHalf(d) : KIND_DTYPE[kind] === d;
}

/** Another array of the call (alpha, dy of maxout): the same dtype as ref (named refName), any length. */
export function checkSameStored(fn: string, v: unknown, name: string, ref: Stored, refName: string): Stored {
  const { a, buf } = checkStorageView(fn, v, name);
  const kind = typedArrayKind(a)!;
  if (!holds(kind, ref.dtype)) throw typeError(fn, `${holders(ref.dtype)} (the type of ${refName})`, name, v);
  return { a, dtype: ref.dtype, bits: bitsOf(a, kind), buf };
}

/** Another input of the call (dy, x, y): the same dtype and length as ref (named refName). */
export function checkLikeStored(fn: string, v: unknown, name: string, ref: Stored, refName: string): Stored {
  const s = checkSameStored(fn, v, name, ref, refName);
  if (s.a.length !== ref.a.length) throw rangeError(fn, `length ${ref.a.length} (the length of ${refName})`, name, v);
  return s;
}

/** A new array of ref's storage type, of ref's length or n. */
export function newStored(ref: Stored, n = ref.a.length): Stored {
  if (!isHalf(ref.dtype)) {
    const a = ref.dtype === 'float64' ? new F64(n) : new F32(n);
    return { a, dtype: ref.dtype, bits: a };
  }
  if (typedArrayKind(ref.a) === 'Float16Array') {
    const a = new (F16 as unknown as new (n: number) => LiveArray)(n);
    return { a, dtype: 'float16', bits: bitsOf(a, 'Float16Array') };
  }
  const a = new U16(n);
  return { a, dtype: ref.dtype, bits: a };
}

/**
 * options.out of an element-wise call: ref's storage type, or a Float32Array for
 * 16-bit inputs; ref's length (or n, `lengthOf` saying why); the very same view as
 * an input or disjoint from every input. Absent: a new array like ref.
 */
export function takeOutStored(
  fn: string, v: unknown, ref: Stored, refName: string, inputs: readonly (readonly [Stored, string])[],
  n = ref.a.length, lengthOf?: string, name = 'options.out',
): Stored {
  if (v === undefined) return newStored(ref, n);
  const { a, buf } = checkStorageView(fn, v, name);
  const kind = typedArrayKind(a)!;
  const wide = isHalf(ref.dtype) && kind === 'Float32Array';
  if (!wide && !holds(kind, ref.dtype)) {
    const what = isHalf(ref.dtype) ? `${holders(ref.dtype)} or a Float32Array (the type of ${refName}, or float32 to widen)` : `${holders(ref.dtype)} (the type of ${refName})`;
    throw typeError(fn, what, name, v);
  }
  if (a.length !== n) throw rangeError(fn, `length ${n} (${lengthOf ?? `the length of ${refName}`})`, name, v);
  for (let i = 0; i < inputs.length; i++) checkNoPartialOverlap(fn, a, name, inputs[i][0].a, inputs[i][1], buf, inputs[i][0].buf);
  return { a, dtype: wide ? 'float32' : ref.dtype, bits: bitsOf(a, kind), ret: v as LiveArray, buf };
}

/** What a call returns for s: the caller's own array, or the one the call made. */
export function returned(s: Stored): LiveArray {
  return s.ret ?? s.a;
}

/** The format number backends take for a call whose inputs are `d` (0 for float arrays, where it is not read). */
export function formatOf(d: StorageDtype): number {
  return isHalf(d) ? HALF_FORMAT[d] : 0;
}

/** For the float-only paths: the float array of s, when s is one. */
export function floatOf(s: Stored): FloatArray | null {
  return isHalf(s.dtype) ? null : (s.bits as FloatArray);
}

/** v rounded to dtype d (float64: v itself), as a number given for an array of that type is read. */
export function roundToDtype(v: number, d: StorageDtype): number {
  if (d === 'float64') return v;
  if (d === 'float32') return Math.fround(v);
  return d === 'float16' ? roundToFloat16(v) : roundToBfloat16(v);
}

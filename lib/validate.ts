/**
 * Argument checks, all in one voice:
 *   Expected <what> for <name> but received <value>
 * Every check runs before any work starts, so a throw never leaves a partial write.
 */
import type { FloatArray } from './types';

// The %TypedArray%.prototype[Symbol.toStringTag] getter names a typed array's
// kind even when it comes from another realm (vm context), where instanceof fails.
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag,
)!.get as (this: unknown) => string | undefined;

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `${String(v)} of type ${typeof v}`;
  if (typeof v === 'string') return `${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)} of type string`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return `an Array of length ${v.length}`;
  const tag = typedArrayTag.call(v);
  if (tag !== undefined) return `a ${tag} of length ${(v as FloatArray).length}`;
  if (ArrayBuffer.isView(v)) return 'a DataView';
  const ctor = (v as { constructor?: { name?: string } }).constructor;
  return ctor && typeof ctor.name === 'string' && ctor.name !== 'Object' ? `an instance of ${ctor.name}` : 'an object';
}

export function expected(what: string, name: string, v: unknown): string {
  return `Expected ${what} for ${name} but received ${describe(v)}`;
}

/** 'float32' | 'float64' for a Float32Array/Float64Array (any realm), else undefined. */
export function dtypeOf(v: unknown): 'float32' | 'float64' | undefined {
  const tag = typedArrayTag.call(v);
  return tag === 'Float32Array' ? 'float32' : tag === 'Float64Array' ? 'float64' : undefined;
}

function isDetached(a: FloatArray): boolean {
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
  if (dt === undefined) throw new TypeError(`${fn}: ` + expected('a Float32Array or Float64Array', name, v));
  if (isDetached(v as FloatArray)) {
    throw new TypeError(`${fn}: Expected a ${dt === 'float32' ? 'Float32Array' : 'Float64Array'} on a live buffer for ${name} but received one whose ArrayBuffer is detached`);
  }
  return v as FloatArray;
}

/** Same type and length as `ref` (named refName). */
export function checkLike(fn: string, v: unknown, name: string, ref: FloatArray, refName: string): FloatArray {
  const a = checkFloatArray(fn, v, name);
  const refTag = typedArrayTag.call(ref)!;
  if (typedArrayTag.call(a) !== refTag) {
    throw new TypeError(`${fn}: ` + expected(`a ${refTag} (the type of ${refName})`, name, v));
  }
  if (a.length !== ref.length) {
    throw new RangeError(`${fn}: ` + expected(`length ${ref.length} (the length of ${refName})`, name, v));
  }
  return a;
}

/**
 * Output and input must be the very same view (in place) or not share a byte.
 * A partial overlap would make the result depend on the traversal order.
 */
export function checkNoPartialOverlap(fn: string, out: FloatArray, outName: string, x: FloatArray, xName: string): void {
  if (out.buffer !== x.buffer) return;
  const o0 = out.byteOffset, o1 = o0 + out.byteLength;
  const x0 = x.byteOffset, x1 = x0 + x.byteLength;
  if (o0 === x0 && o1 === x1) return;
  if (o0 < x1 && x0 < o1) {
    throw new RangeError(
      `${fn}: Expected ${outName} to be ${xName} itself or not to overlap it, but it overlaps it partially ` +
        `(bytes ${o0}..${o1} against ${x0}..${x1} of one buffer)`,
    );
  }
}

export function checkOptionsObject(fn: string, v: unknown, name: string): Record<string, unknown> | undefined {
  if (v === undefined) return undefined;
  if (v === null || typeof v !== 'object' || Array.isArray(v) || ArrayBuffer.isView(v)) {
    throw new TypeError(`${fn}: ` + expected('an options object', name, v));
  }
  return v as Record<string, unknown>;
}

export function unknownOption(fn: string, key: string, name: string, allowed: readonly string[]): TypeError {
  return new TypeError(
    `${fn}: Unknown option ${JSON.stringify(key)} in ${name}; expected one of: ${allowed.map((k) => JSON.stringify(k)).join(', ')}`,
  );
}

/**
 * Shape and axis checks of the shaped ops, in the voice of validate.ts:
 *   <fn>: Expected <what> for <name> but received <value>
 * A shaped op sees its contiguous (row-major) array as outer × len × inner
 * around one axis; these helpers produce that split after checking
 * everything, so the kernels trust it.
 */
import { describe } from './validate';

/** The array viewed around one axis: element (o, k, i) is at (o·len + k)·inner + i. */
export interface Split {
  readonly outer: number;
  readonly len: number;
  readonly inner: number;
}

/**
 * A shape: an array of non-negative integers whose product is `length`.
 * `undefined` gives the default [length]. The product is checked as it is
 * formed, so a shape whose product passes 2^53 is refused before it loses
 * precision (it could not be any array's length anyway).
 */
export function checkShape(fn: string, v: unknown, length: number, name = 'options.shape', lengthOf = 'x'): number[] {
  if (v === undefined) return [length];
  if (!Array.isArray(v)) throw new TypeError(`${fn}: Expected an array of non-negative integers for ${name} but received ${describe(v)}`);
  const shape: number[] = [];
  let product = 1;
  for (let i = 0; i < v.length; i++) {
    const d = v[i] as unknown;
    if (typeof d !== 'number') {
      throw new TypeError(`${fn}: Expected a non-negative integer for ${name}[${i}] but received ${describe(d)}`);
    }
    if (!Number.isInteger(d) || d < 0) {
      throw new RangeError(`${fn}: Expected a non-negative integer for ${name}[${i}] but received ${describe(d)}`);
    }
    product *= d;
    if (product > Number.MAX_SAFE_INTEGER) {
      throw new RangeError(`${fn}: Expected ${name} to have a product of at most 2^53 - 1 (it must equal the length of ${lengthOf}, ${length}) but received [${v.join(', ')}]`);
    }
    shape.push(d);
  }
  if (product !== length) {
    throw new RangeError(`${fn}: Expected ${name} to multiply to ${length} (the length of ${lengthOf}) but received [${shape.join(', ')}], whose product is ${product}`);
  }
  return shape;
}

/**
 * An axis of a shape of rank `rank`: an integer in [-rank, rank - 1],
 * negative counting from the end. Returns it in [0, rank - 1].
 */
export function checkAxis(fn: string, v: unknown, rank: number, name: string, dflt: number): number {
  if (v === undefined) v = dflt;
  const what = rank === 0 ? 'no axis (the shape has rank 0)' : `an integer from ${-rank} to ${rank - 1} (the shape has rank ${rank})`;
  if (typeof v !== 'number') throw new TypeError(`${fn}: Expected ${what} for ${name} but received ${describe(v)}`);
  if (!Number.isInteger(v) || v < -rank || v >= rank) throw new RangeError(`${fn}: Expected ${what} for ${name} but received ${describe(v)}`);
  return v < 0 ? v + rank : v;
}

/** outer × len × inner around `axis` of `shape`. */
export function splitAt(shape: readonly number[], axis: number): Split {
  let outer = 1, inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, len: shape[axis], inner };
}

/** A positive integer option (maxout's pieces). */
export function checkPositiveInt(fn: string, v: unknown, name: string): number {
  if (typeof v !== 'number') throw new TypeError(`${fn}: Expected a positive integer for ${name} but received ${describe(v)}`);
  if (!Number.isInteger(v) || v < 1) throw new RangeError(`${fn}: Expected a positive integer for ${name} but received ${describe(v)}`);
  return v;
}

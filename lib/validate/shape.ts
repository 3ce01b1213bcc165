/**
 * Shape and axis checks of the shaped ops and of stats(), in the voice of
 * ./values.ts. An op that reads its contiguous (row-major) array through a
 * shape sees it as outer × len × inner around one axis; these helpers produce
 * that split after checking everything (reading the user's shape once), so
 * the kernels trust it.
 */
import { Received, rangeError, typeError } from './values';

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
 * precision (it could not be any array's length anyway). Returns a copy: the
 * caller never reads the user's array again.
 */
export function checkShape(fn: string, v: unknown, length: number, name = 'options.shape', lengthOf = 'x'): number[] {
  if (v === undefined) return [length];
  if (!Array.isArray(v)) throw typeError(fn, 'an array of non-negative integers', name, v);
  const shape: number[] = [];
  let product = 1;
  for (let i = 0; i < v.length; i++) {
    const d = v[i] as unknown;
    if (typeof d !== 'number') throw typeError(fn, 'a non-negative integer', `${name}[${i}]`, d);
    if (!Number.isInteger(d) || d < 0) throw rangeError(fn, 'a non-negative integer', `${name}[${i}]`, d);
    product *= d;
    shape.push(d);
    if (product > Number.MAX_SAFE_INTEGER) {
      throw rangeError(fn, `a shape whose product is at most 2^53 - 1 (it must equal the length of ${lengthOf}, ${length})`, name, new Received(`[${shape.join(', ')}, …]`));
    }
  }
  if (product !== length) {
    throw rangeError(fn, `a shape that multiplies to ${length} (the length of ${lengthOf})`, name, new Received(`[${shape.join(', ')}], whose product is ${product}`));
  }
  return shape;
}

/**
 * An axis of a shape of rank `rank`: an integer in [-rank, rank - 1],
 * negative counting from the end (absent: `dflt`). Returns it in [0, rank - 1].
 */
export function checkAxis(fn: string, v: unknown, rank: number, name: string, dflt: number): number {
  if (v === undefined) v = dflt;
  const what = rank === 0 ? 'no axis (the shape has rank 0)' : `an integer from ${-rank} to ${rank - 1} (the shape has rank ${rank})`;
  if (typeof v !== 'number') throw typeError(fn, what, name, v);
  if (!Number.isInteger(v) || v < -rank || v >= rank) throw rangeError(fn, what, name, v);
  return v < 0 ? v + rank : v;
}

/** outer × len × inner around `axis` of `shape`. */
export function splitAt(shape: readonly number[], axis: number): Split {
  let outer = 1, inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, len: shape[axis], inner };
}

/** options.shape (of an array of `length`) and the axis named `axisName`, as a split around that axis. */
export function checkSplit(fn: string, shapeV: unknown, axisV: unknown, length: number, axisName: string, dflt: (rank: number) => number, lengthOf = 'x'): Split & { shape: number[]; axis: number } {
  const shape = checkShape(fn, shapeV, length, 'options.shape', lengthOf);
  const axis = checkAxis(fn, axisV, shape.length, axisName, dflt(shape.length));
  const { outer, len, inner } = splitAt(shape, axis);
  return { outer, len, inner, shape, axis };
}

/** A positive integer option (maxout's pieces). */
export function checkPositiveInt(fn: string, v: unknown, name: string): number {
  if (typeof v !== 'number') throw typeError(fn, 'a positive integer', name, v);
  if (!Number.isInteger(v) || v < 1) throw rangeError(fn, 'a positive integer', name, v);
  return v;
}

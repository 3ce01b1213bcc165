/**
 * How an `.async` call that no backend runs off the thread (the JS twin, a
 * pinned native level) keeps the event loop alive: the work is cut into
 * slices along its independent dimension (elements, or rows for the shaped
 * ops) and run for about SLICE_MS at a time on the calling thread, with one
 * turn of the event loop (setImmediate: timers and I/O run) between bursts.
 * A worker pool would also free the thread, but it would have to copy every
 * non-shared buffer twice; slicing copies nothing and gives bit-identical
 * results, because every slice computes the same values the whole call would.
 *
 * The rules match the native pool's: an abort before the first slice rejects
 * with an AbortError and writes nothing; once slices run, the call completes.
 * Between bursts user code runs, so the arrays are checked again: one that
 * was detached or resized rejects the call with a TypeError (the output is
 * then partly written, which the message says).
 */
import type { FloatArray, FusedBackwardCall, FusedCall, ShapedCall, StorageArray } from '../types';
import { abortError } from '../validate/signal';
import { Received, typeError } from '../validate/values';

/** Time one burst of slices may hold the thread. */
export const SLICE_MS = 4;
/** Elements per slice: small enough to check the clock often, large enough that the check costs nothing. */
const GRAIN = 1 << 14;

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Runs step(i, j) over [0, total) in slices of `grain` items, yielding to the
 * event loop between bursts. `arrays` are re-checked after each yield.
 */
export async function runSliced(
  fn: string,
  signal: AbortSignal | undefined,
  arrays: readonly (StorageArray | null)[],
  total: number,
  grain: number,
  unit: string,
  step: (i: number, j: number) => void,
): Promise<void> {
  await turn();
  if (signal?.aborted) throw abortError(fn, signal);
  const live = arrays.filter((a): a is StorageArray => a !== null);
  const lengths = live.map((a) => a.length);
  let i = 0;
  for (;;) {
    const t0 = performance.now();
    do {
      const j = Math.min(total, i + grain);
      step(i, j);
      i = j;
    } while (i < total && performance.now() - t0 < SLICE_MS);
    if (i >= total) return;
    await turn();
    for (let k = 0; k < live.length; k++) {
      if (live[k].length !== lengths[k]) {
        const what = `arrays that stay attached and keep their size until the promise settles (${i} of ${total} ${unit} were written)`;
        throw typeError(fn, what, "the call's arrays", new Received('one detached or resized while the call ran'));
      }
    }
  }
}

/** An element-wise call: every array has one value per element. */
export function sliceElements<T extends StorageArray>(
  fn: string,
  signal: AbortSignal | undefined,
  arrays: readonly (T | null)[],
  run: (part: (T | null)[]) => void,
): Promise<void> {
  const n = arrays.find((a) => a !== null)!.length;
  return runSliced(fn, signal, arrays, n, GRAIN, 'elements', (i, j) => run(arrays.map((a) => (a === null ? null : (a.subarray(i, j) as T)))));
}

/** The view of rows [r0, r1) of an array laid out rows × width. */
const rows = (a: FloatArray, width: number, r0: number, r1: number): FloatArray => a.subarray(r0 * width, r1 * width);
const rowsOrNull = (a: FloatArray | null, width: number, r0: number, r1: number): FloatArray | null =>
  a === null ? null : rows(a, width, r0, r1);

/**
 * The same shaped call restricted to outer rows [r0, r1): the rows are
 * independent for every op but preluBackward, whose dalpha sums over all of
 * them (slicing it would change the summation order, so it is never sliced).
 */
export function shapedRows(c: ShapedCall, r0: number, r1: number): ShapedCall {
  const w = c.len * c.inner;
  const o = { outer: r1 - r0 };
  switch (c.op) {
    case 'softmax':
    case 'logSoftmax':
    case 'softmin':
    case 'hardmax':
    case 'prelu':
      return { ...c, ...o, x: rows(c.x, w, r0, r1), y: rows(c.y, w, r0, r1) };
    case 'softmaxBackward':
    case 'logSoftmaxBackward':
    case 'softminBackward':
      return { ...c, ...o, dy: rows(c.dy, w, r0, r1), x: rowsOrNull(c.x, w, r0, r1), y: rowsOrNull(c.y, w, r0, r1), dx: rows(c.dx, w, r0, r1) };
    case 'maxout':
      return { ...c, ...o, x: rows(c.x, w, r0, r1), y: rows(c.y, w / c.pieces, r0, r1) };
    case 'hardmaxBackward':
      return { ...c, ...o, dy: rows(c.dy, w, r0, r1), x: rows(c.x, w, r0, r1), dx: rows(c.dx, w, r0, r1) };
    case 'maxoutBackward':
      return { ...c, ...o, dy: rows(c.dy, w / c.pieces, r0, r1), x: rows(c.x, w, r0, r1), dx: rows(c.dx, w, r0, r1) };
    case 'preluBackward':
      throw new Error('preluBackward is not sliced');
  }
}

/**
 * A shaped call in row slices (preluBackward: in one slice). Rows of no
 * element (len or inner 0) are no work however many there are: such a call is
 * one slice too, not outer / GRAIN empty ones (2^53 rows of [2^53 - 1, 0]
 * were 2^39 slices).
 */
export function sliceShaped(fn: string, signal: AbortSignal | undefined, c: ShapedCall, run: (c: ShapedCall) => void): Promise<void> {
  const arrays = Object.values(c).filter((v): v is FloatArray => ArrayBuffer.isView(v));
  if (c.op === 'preluBackward' || c.outer <= 1 || c.len * c.inner === 0) return runSliced(fn, signal, arrays, 1, 1, 'calls', () => run(c));
  const grain = Math.max(1, Math.floor(GRAIN / Math.max(1, c.len * c.inner)));
  return runSliced(fn, signal, arrays, c.outer, grain, 'rows', (r0, r1) => run(shapedRows(c, r0, r1)));
}

/**
 * A fused call (a bias, a gate) in one slice: its blocks are independent but
 * dbias sums over all of them, and a slice of its geometry is not written yet.
 */
export function sliceFused(fn: string, signal: AbortSignal | undefined, c: FusedCall | FusedBackwardCall, run: (c: FusedCall | FusedBackwardCall) => void): Promise<void> {
  const arrays = Object.values(c).filter((v): v is FloatArray => ArrayBuffer.isView(v) && !(v instanceof Float64Array && v === (c as FusedBackwardCall).dbias));
  return runSliced(fn, signal, arrays, 1, 1, 'calls', () => run(c));
}

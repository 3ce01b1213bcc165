/**
 * Values given per channel: prelu's alpha and every element-wise op's bias.
 * One number, or an array of x's type with one value per channel of the
 * layout options.shape and options.channelAxis describe; and what the fused
 * element-wise pass needs to know of that layout.
 */
import type { FloatArray, FusedGeom } from '../types';
import { checkAxis, checkShape, splitAt, type Split } from './shape';
import { checkSameStored, isHalf, roundToDtype, type Stored } from './dtype';
import { ctorName, rangeError, typeError, typedArrayKind } from './values';

export interface PerChannel {
  /** x seen as outer × channels × inner (one channel, len 1, for a number). */
  readonly sp: Split;
  /** The per-channel array, or null for one number (`scalar`, rounded to x's type). */
  readonly values: Stored | null;
  readonly scalar: number;
}

/**
 * `v` (named `name`): a finite number or one value per channel. Channels: the
 * axis options.channelAxis of options.shape (negative from the end; default 1
 * for rank ≥ 2, NCHW), and for rank < 2 without a channelAxis a single channel
 * (PyTorch's nn.PReLU convention).
 */
export function checkPerChannel(fn: string, x: Stored, v: unknown, name: string, opts: Record<string, unknown>): PerChannel {
  const length = x.a.length;
  const oneChannel = { outer: length, len: 1, inner: 1 };
  const shape = checkShape(fn, opts.shape, length);
  const implicit = opts.channelAxis === undefined && shape.length < 2;
  const sp: Split = implicit ? oneChannel : splitAt(shape, checkAxis(fn, opts.channelAxis, shape.length, 'options.channelAxis', 1));
  if (typeof v === 'number') return { sp: oneChannel, values: null, scalar: finiteOfType(fn, x, v, name, 'channel') };
  if (typedArrayKind(v) === undefined) throw typeError(fn, `a finite number or ${arrayOfType(x)}`, name, v);
  const arr = checkSameStored(fn, v, name, x, 'x');
  if (arr.a.length !== sp.len) {
    const axisNote = implicit ? 'one channel: the shape has rank < 2 and no options.channelAxis' : `the length of the channel axis of [${shape.join(', ')}]`;
    throw rangeError(fn, `length ${sp.len} (${axisNote})`, name, v);
  }
  return { sp, values: arr, scalar: 0 };
}

/** "a Float32Array (the type of x)", or for 16-bit x "an array of x's type (float16)". */
function arrayOfType(x: Stored): string {
  return isHalf(x.dtype) ? `an array of x's type (${x.dtype})` : `a ${ctorName(x.bits as FloatArray)} (the type of x)`;
}

/** A finite number or one value per feature along an axis of length `len` (the gated ops' bias, before the split). */
export function checkFeatureBias(fn: string, x: Stored, v: unknown, len: number, axisNote: string): { values: Stored | null; scalar: number } {
  if (typeof v === 'number') return { values: null, scalar: finiteOfType(fn, x, v, 'options.bias', 'feature') };
  if (typedArrayKind(v) === undefined) throw typeError(fn, `a finite number or ${arrayOfType(x)}`, 'options.bias', v);
  const arr = checkSameStored(fn, v, 'options.bias', x, 'x');
  if (arr.a.length !== len) throw rangeError(fn, `length ${len} (${axisNote})`, 'options.bias', v);
  return { values: arr, scalar: 0 };
}

/** v (a number given for every channel or feature) in x's type: finite there, or a RangeError saying what it became. */
function finiteOfType(fn: string, x: Stored, v: number, name: string, per: string): number {
  const a = roundToDtype(v, x.dtype);
  const note = Object.is(a, v) ? '' : ` (${v} is ${a} in ${x.dtype})`;
  if (!Number.isFinite(a)) throw rangeError(fn, `a finite number or an array of one value per ${per}${note}`, name, v);
  return a;
}

/** The fused pass's geometry of a unary op over x with a per-channel bias: blocks of one run of channels. */
export function unaryBiasGeom(pc: PerChannel): FusedGeom {
  const { outer, len, inner } = pc.sp;
  const m = len * inner;
  return { outer, m, stride: m, gOff: 0, uOff: 0, inner: Math.max(inner, 1), gC0: 0, uC0: 0, sOuter: outer, sC: len, sInner: inner };
}

/** One block of n elements, one channel: the geometry of a number bias, and of the gated ops' two-array form. */
export function flatGeom(n: number): FusedGeom {
  return { outer: 1, m: n, stride: n, gOff: 0, uOff: 0, inner: Math.max(n, 1), gC0: 0, uC0: 0, sOuter: 1, sC: 1, sInner: n };
}

/**
 * 16-bit storage for the ops without 16-bit kernels of their own (softmax,
 * logSoftmax): the call runs as the float32 op on widened copies of its
 * 16-bit inputs, and its float32 output is rounded once into the 16-bit
 * output when the call completes (or written straight into a Float32Array
 * out). The inputs are read when the call is made, also for `.async`.
 */
import { narrowBits, toBfloat16Bits, toFloat16Bits, widenBits } from '../fallback/half';
import { formatOf, isHalf, newStored, type Stored } from '../validate/dtype';
import type { FloatArray } from '../types';
import type { LiveArray } from '../validate/values';

/** The float array a backend reads for input s: s itself, or its values widened into a new Float32Array. */
export function widened(s: Stored): FloatArray {
  if (!isHalf(s.dtype)) return s.bits as FloatArray;
  const w = new Float32Array(s.a.length);
  widenBits(s.bits as Uint16Array, formatOf(s.dtype), w);
  return w;
}

/**
 * The float array a backend writes for output `out` of a call on inputs of
 * dtype `of`, and what completes the call: rounding it into out when out is
 * 16-bit storage.
 */
export function outputFor(out: Stored, of: Stored): [FloatArray, () => void] {
  if (out.dtype !== of.dtype || !isHalf(of.dtype)) return [out.bits as FloatArray, () => {}];
  const y = new Float32Array(out.a.length);
  return [y, () => narrowBits(y, formatOf(of.dtype), out.bits as Uint16Array)];
}

/** A new array of ref's type holding the float64 sums (dalpha, dbias), each rounded once to that type. */
export function storedFromSums(ref: Stored, sums: Float64Array): LiveArray {
  const d = newStored(ref, sums.length);
  if (isHalf(ref.dtype)) {
    const to = ref.dtype === 'float16' ? toFloat16Bits : toBfloat16Bits;
    const bits = d.bits as Uint16Array;
    for (let c = 0; c < sums.length; c++) bits[c] = to(sums[c]);
  } else {
    (d.bits as FloatArray).set(sums);
  }
  return d.a;
}

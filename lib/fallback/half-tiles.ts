/**
 * The twin over 16-bit storage: each float32 kernel runs on tiles widened
 * exactly from the 16-bit input, and its float32 results are rounded once to
 * the output format (or kept, for a Float32Array output), as the native
 * kernels do (native/kernels/half_tile.h). So 16-bit results are the float32
 * op's results rounded once, on every backend.
 */
import type { StorageArray } from '../types';
import { narrowBits, widenBits } from './half';

const TILE = 4096;
// Module-level tiles: the kernels never call back into user code, so no call can
// start while another is using them.
const ta = new Float32Array(TILE);
const tb = new Float32Array(TILE);

type Forward = (x: Float32Array, y: Float32Array) => void;
type Backward = (dy: Float32Array, inp: Float32Array, dx: Float32Array) => void;

/** y = k(x) for 16-bit x of format fmt; y 16-bit (the same format) or a Float32Array. */
export function halfForward(k: Forward, x: Uint16Array, y: StorageArray, fmt: number): void {
  const n = x.length;
  for (let i = 0; i < n; i += TILE) {
    const m = Math.min(TILE, n - i);
    const xs = x.subarray(i, i + m);
    if (y.BYTES_PER_ELEMENT === 2) {
      const t = ta.subarray(0, m);
      widenBits(xs, fmt, t);
      k(t, t);
      narrowBits(t, fmt, (y as Uint16Array).subarray(i, i + m));
    } else {
      const t = (y as Float32Array).subarray(i, i + m);
      widenBits(xs, fmt, t);
      k(t, t);
    }
  }
}

/** dx = k(dy, in) for 16-bit dy and in of format fmt; dx 16-bit or a Float32Array (dx may be dy or in). */
export function halfBackward(k: Backward, dy: Uint16Array, inp: Uint16Array, dx: StorageArray, fmt: number): void {
  const n = dy.length;
  for (let i = 0; i < n; i += TILE) {
    const m = Math.min(TILE, n - i);
    const b = tb.subarray(0, m);
    widenBits(inp.subarray(i, i + m), fmt, b);
    const half = dx.BYTES_PER_ELEMENT === 2; // a Uint16Array of any realm
    const a = half ? ta.subarray(0, m) : (dx as Float32Array).subarray(i, i + m);
    widenBits(dy.subarray(i, i + m), fmt, a);
    k(a, b, a);
    if (half) narrowBits(a, fmt, (dx as Uint16Array).subarray(i, i + m));
  }
}

/**
 * Exact conversions between JavaScript numbers and the two 16-bit storage
 * formats, as bit patterns in a Uint16Array:
 *   float16  (IEEE binary16: 1 sign, 5 exponent, 10 fraction bits),
 *   bfloat16 (the top half of a float32: 1 sign, 8 exponent, 7 fraction bits).
 * Widening is exact. Narrowing rounds the float64 value once, to nearest with
 * ties to even, as IEEE 754 says: overflow goes to ±Inf, subnormal results are
 * kept (never flushed), NaN stays a quiet NaN with its sign, -0 stays -0.
 * The twin computes in float64, so rounding straight from float64 (not through
 * float32) gives the correctly rounded half of its float64 result.
 */

/** Number of fraction bits, the smallest normal exponent and the largest exponent of a format. */
interface HalfFormat {
  readonly frac: number;
  readonly emin: number;
  readonly emax: number;
  readonly expBits: number;
}

const F16: HalfFormat = { frac: 10, emin: -14, emax: 15, expBits: 5 };
const BF16: HalfFormat = { frac: 7, emin: -126, emax: 127, expBits: 8 };

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// The index of the high word of a float64 on this platform's byte order.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** The binary exponent of a finite nonzero |x|: 2^e ≤ |x| < 2^(e+1) (float64 subnormals included). */
function exponentOf(a: number): number {
  f64[0] = a;
  const e = (u32[HI] >>> 20) & 0x7ff;
  if (e !== 0) return e - 1023;
  f64[0] = a * 2 ** 64;
  return ((u32[HI] >>> 20) & 0x7ff) - 1023 - 64;
}

/** Rounds a nonnegative m (an integer plus a fraction, m < 2^53) to an integer, ties to even. */
function roundHalfEven(m: number): number {
  const r = Math.floor(m);
  const d = m - r; // exact: m and r share their exponent range
  if (d > 0.5 || (d === 0.5 && r % 2 === 1)) return r + 1;
  return r;
}

function narrow(x: number, f: HalfFormat): number {
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const expField = (1 << f.expBits) - 1;
  const inf = sign | (expField << f.frac);
  if (Number.isNaN(x)) return sign | (expField << f.frac) | (1 << (f.frac - 1));
  const a = Math.abs(x);
  if (a === Infinity) return inf;
  if (a === 0) return sign;
  // Quantum of the result's binade; below the smallest normal, the subnormal quantum.
  const e = Math.max(exponentOf(a), f.emin);
  const q = 2 ** (e - f.frac);
  const m = roundHalfEven(a / q); // a / q is exact: q is a power of two and a's bits fit
  // m in [2^frac, 2^(frac+1)] for normals (2^(frac+1) when rounding carried into the next
  // binade), m in [0, 2^frac] for subnormals (2^frac is the smallest normal).
  let bits: number;
  if (m >= 2 ** (f.frac + 1)) {
    const e1 = e + 1;
    if (e1 > f.emax) return inf;
    bits = ((e1 - f.emin + 1) << f.frac) | 0;
  } else if (m < 2 ** f.frac) {
    bits = m; // subnormal (or zero after rounding)
  } else {
    if (e > f.emax) return inf;
    bits = ((e - f.emin + 1) << f.frac) | (m - 2 ** f.frac);
  }
  return sign | bits;
}

function widen(h: number, f: HalfFormat): number {
  const sign = h & 0x8000 ? -1 : 1;
  const expField = (1 << f.expBits) - 1;
  const e = (h >>> f.frac) & expField;
  const m = h & ((1 << f.frac) - 1);
  if (e === expField) return m ? NaN : sign * Infinity;
  if (e === 0) return sign * m * 2 ** (f.emin - f.frac);
  return sign * (2 ** f.frac + m) * 2 ** (e - 1 + f.emin - f.frac);
}

type F16Round = (x: number) => number;
const f16round: F16Round | undefined = (Math as unknown as { f16round?: F16Round }).f16round;

/** float64 → float16 bits, rounded once to nearest even. */
export function toFloat16Bits(x: number): number {
  return narrow(x, F16);
}

/** float16 bits → the exact number. */
export function fromFloat16Bits(h: number): number {
  return widen(h, F16);
}

/** float64 → bfloat16 bits, rounded once to nearest even. */
export function toBfloat16Bits(x: number): number {
  return narrow(x, BF16);
}

/** bfloat16 bits → the exact number. */
export function fromBfloat16Bits(h: number): number {
  return widen(h, BF16);
}

/** x rounded to the nearest float16 value, as a number (Math.f16round where the runtime has it). */
export const roundToFloat16: F16Round = f16round ?? ((x: number) => widen(narrow(x, F16), F16));

/** x rounded to the nearest bfloat16 value, as a number. */
export function roundToBfloat16(x: number): number {
  return widen(narrow(x, BF16), BF16);
}

// ------------------------------------------------------------ arrays of bits
// The twin's conversions of whole arrays, for computing 16-bit storage in float32:
// widening is exact; narrowing a float32 value rounds it once (the float64 routines
// above are exact on float32 values too). A runtime Float16Array converts float16 in
// native code, with the same IEEE rounding.

type F16Ctor = new (buffer: ArrayBufferLike, byteOffset?: number, length?: number) => ArrayLike<number> & { set(a: ArrayLike<number>, offset?: number): void };
const F16Array: F16Ctor | undefined = (globalThis as unknown as { Float16Array?: F16Ctor }).Float16Array;

let f16Values: Float32Array | null = null;

/** Every float16 value by its bits, built on first use (256 KiB). */
function f16Table(): Float32Array {
  if (f16Values === null) {
    f16Values = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Values[h] = fromFloat16Bits(h);
  }
  return f16Values;
}

/**
 * The float16 bits of the float32 whose bits are u, rounded to nearest even with
 * integer steps (the same as toFloat16Bits on that value; NaN keeps its sign and
 * top payload bits and comes out quiet).
 */
function f16OfF32Bits(u: number): number {
  const sign = (u >>> 16) & 0x8000;
  const a = u & 0x7fffffff;
  if (a > 0x7f800000) return sign | 0x7e00 | ((a >>> 13) & 0x3ff);
  if (a >= 0x477ff000) return sign | 0x7c00; // >= 65520 rounds to Inf
  if (a >= 0x38800000) {
    const r = a - 0x38000000; // a normal half: rebias the exponent, round off 13 bits
    return sign | ((r + 0x0fff + ((r >>> 13) & 1)) >>> 13);
  }
  const e = a >>> 23;
  if (e < 102) return sign; // below 2^-25 (a tie at 2^-25 goes to the even 0)
  const m = (a & 0x7fffff) | 0x800000;
  const shift = 126 - e; // 14 .. 24: a subnormal half, m * 2^(e-150) in units of 2^-24
  let q = m >>> shift;
  const rem = m & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  if (rem > half || (rem === half && (q & 1) === 1)) q++;
  return sign | q;
}

/** dst[off + i] = the value of src[i] in format fmt (0 float16, 1 bfloat16), i < src.length. */
export function widenBits(src: Uint16Array, fmt: number, dst: Float32Array, off = 0): void {
  const n = src.length;
  if (fmt === 1) {
    const u = new Uint32Array(dst.buffer, dst.byteOffset + 4 * off, n);
    for (let i = 0; i < n; i++) u[i] = src[i] << 16;
  } else if (F16Array) {
    dst.set(new F16Array(src.buffer, src.byteOffset, n), off);
  } else {
    const t = f16Table();
    for (let i = 0; i < n; i++) dst[off + i] = t[src[i]];
  }
}

/** dst[i] = the bits of src[i] rounded once to format fmt, i < dst.length. */
export function narrowBits(src: Float32Array, fmt: number, dst: Uint16Array): void {
  const n = dst.length;
  if (fmt === 0 && F16Array) {
    new F16Array(dst.buffer, dst.byteOffset, n).set(src.length === n ? src : src.subarray(0, n));
    return;
  }
  const u = new Uint32Array(src.buffer, src.byteOffset, n);
  if (fmt === 0) {
    for (let i = 0; i < n; i++) dst[i] = f16OfF32Bits(u[i]);
    return;
  }
  for (let i = 0; i < n; i++) {
    const b = u[i];
    // NaN: keep the sign and top payload bits, set the quiet bit. Else round to
    // nearest even on the low 16 bits (the sum stays below 2^32 for every non-NaN).
    dst[i] = (b & 0x7fffffff) > 0x7f800000 ? (b >>> 16) | 0x40 : (b + 0x7fff + ((b >>> 16) & 1)) >>> 16;
  }
}

'use strict';
/**
 * SPEC's error measure: |y - ref| / ulp(ref) in the result's type.
 *
 * - ref NaN: y must be NaN (error 0), else the error is Infinity; a NaN y for
 *   a non-NaN ref is Infinity.
 * - ref ±Infinity: y must be the same infinity.
 * - |ref| below the smallest normal of the type: any y within that smallest
 *   normal of ref passes with error 0 (a subnormal result may be flushed),
 *   except for float16, whose subnormals lie far above float32's and must be
 *   kept: there the error is counted in the subnormal spacing 2^-24.
 * - Otherwise ulp(ref) is the spacing of the type's numbers at |ref|:
 *   2^(e - 23) for float32, 2^(e - 52) for float64, 2^(e - 10) for float16 and
 *   2^(e - 7) for bfloat16, 2^e <= |ref| < 2^(e+1), with e capped at the type's
 *   largest exponent. A finite ref beyond the type's largest finite number
 *   (float32 overflow of a float64 value) is measured against y = ±Infinity as
 *   if Infinity were 2^(largest exponent + 1), so a correctly rounded overflow
 *   scores at most 0.5.
 *
 * `refLo` is the low part of a double-double reference (test/reference.cjs
 * lastLo()): the error is then measured against the exact value ref + refLo,
 * which is what lets "exact" float64 ops be held to 0.5 ULP.
 */

const TYPES = {
  float32: { mant: 23, minNormal: 2 ** -126, subUlp: 2 ** -149, maxExp: 127 },
  float64: { mant: 52, minNormal: 2 ** -1022, subUlp: 2 ** -1074, maxExp: 1023 },
  float16: { mant: 10, minNormal: 2 ** -14, subUlp: 2 ** -24, maxExp: 15, keepSubnormals: true },
  bfloat16: { mant: 7, minNormal: 2 ** -126, subUlp: 2 ** -133, maxExp: 127 },
};

// Exponent bits of a double, without Math.log2's rounding near powers of two.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/** floor(log2(a)) for a normal positive double a. */
function exponentOf(a) {
  f64[0] = a;
  return ((u32[HI] >>> 20) & 0x7ff) - 1023;
}

/** 2^k, exactly, for integer k in [-1074, 1023]. */
function pow2(k) {
  return k >= -1022 ? 2 ** k : 2 ** (k + 200) * 2 ** -200;
}

/**
 * @param {number} y the computed value (already in the result's type)
 * @param {number} ref the reference (float64, or high part of a double-double)
 * @param {'float32'|'float64'|'float16'|'bfloat16'} dtype the result's type
 * @param {number} [refLo] low part of the reference (default 0)
 * @returns {number} the error in ULPs of the result's type
 */
function ulpError(y, ref, dtype, refLo = 0) {
  const T = TYPES[dtype];
  if (T === undefined) throw new TypeError(`ulpError: unknown dtype ${String(dtype)}`);
  if (ref !== ref) return y !== y ? 0 : Infinity;
  if (y !== y) return Infinity;
  if (ref === Infinity || ref === -Infinity) return y === ref ? 0 : Infinity;
  const a = Math.abs(ref);
  if (a < T.minNormal) {
    if (y === Infinity || y === -Infinity) return Infinity;
    const d = Math.abs((y - ref) - refLo);
    return d <= T.minNormal && !T.keepSubnormals ? 0 : d / T.subUlp;
  }
  const e = Math.min(exponentOf(a), T.maxExp);
  const ulp = pow2(e - T.mant);
  if (y === Infinity || y === -Infinity) {
    if ((y > 0) !== (ref > 0)) return Infinity;
    // Infinity stands for 2^(maxExp+1), the value an unbounded exponent would give;
    // a reference at or beyond it rounds to Infinity in the type, so that is exact.
    if (dtype !== 'float64') {
      const inf = 2 ** (T.maxExp + 1);
      return a >= inf ? 0 : (inf - a) / ulp;
    }
    // 2^1024 is not a double: measure (2^1023 - a/2) in half-ULPs.
    return (2 ** 1023 - a / 2 - refLo / 2) / (ulp / 2);
  }
  return Math.abs((y - ref) - refLo) / ulp;
}

/** ulp(v) in the type as defined above (for messages and for tests that build inputs). */
function ulpOf(v, dtype) {
  const T = TYPES[dtype];
  const a = Math.abs(v);
  if (!(a >= T.minNormal)) return T.subUlp;
  return pow2(Math.min(exponentOf(a), T.maxExp) - T.mant);
}

/** Slack over 0.5 ULP for "exact" ops, for the reference's own float64 rounding. */
const EXACT_SLACK = 1e-9;

/** Machine epsilon of each type (2^-23, 2^-52): the ε of the backward bound. */
const EPS = { float32: 2 ** -23, float64: 2 ** -52 };

/**
 * The backward pass's error in units of its bound (lib/ops.ts BackwardDef):
 * |dx − ref| / (ulpCoef·ulp(ref) + epsCoef·ε·|dy|·S), SPEC's specials and its
 * rule below the smallest normal as in ulpError (the numerator is ulpError's).
 * At most 1 passes. `ref` (+ `refLo`) is dy·f'(x), S the sum of the magnitudes
 * of the terms of f' (NaN or absent: 0). Exact ops: ulpCoef = 0.5 + EXACT_SLACK,
 * epsCoef = 0.
 */
function backwardError(dx, ref, dtype, dy, S, ulpCoef, epsCoef, refLo = 0) {
  const e = ulpError(dx, ref, dtype, refLo);
  if (e === 0 || e === Infinity) return e;
  const s = S === S && S !== undefined ? Math.abs(S) : 0;
  return e / (ulpCoef + (epsCoef * EPS[dtype] * Math.abs(dy) * s) / ulpOf(ref, dtype));
}

module.exports = { ulpError, ulpOf, backwardError, EXACT_SLACK, EPS, TYPES };

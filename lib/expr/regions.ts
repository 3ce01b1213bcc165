/**
 * The dead and saturated regions of an activation, derived from its
 * derivative (the symbolic one of ./diff, evaluated by the interpreter) rather
 * than from per-op tables:
 *
 *  - dead: the op's derivative is one constant on the whole negative
 *    half-line and smaller there than just right of 0 (relu: 0; leakyRelu and
 *    PReLU: α). The region is x < 0, or x ≤ 0 when f'(0) takes the negative
 *    side's value (relu'(0) = 0).
 *  - saturated: the tails beyond which |f'| stays below 1e-3 (sigmoid:
 *    |x| ≥ 6.9058…, tanh: |x| ≥ 4.1468…, relu6: x ≥ 6). Each tail is located on
 *    a power-of-two grid, then to the last double by bisection. Where an op
 *    has a dead region, its negative tail counts as dead, not saturated.
 */
import type { Program } from './codegen';
import { runProgram } from './interp';

export const SATURATION_SLOPE = 1e-3;

export interface Regions {
  /** x ≤ deadMax is dead (deadMax = -Number.MIN_VALUE encodes x < 0); null: no dead region. */
  readonly deadMax: number | null;
  /** x ≤ satBelow or x ≥ satAbove is saturated (±Infinity: that side never saturates). */
  readonly satBelow: number;
  readonly satAbove: number;
}

const xs = new Float64Array(1);
const ones = new Float64Array([1]);
const out = new Float64Array(1);

/** f'(v) from a backward program (dx = dy·f'(x) with dy = 1). */
function slope(backward: Program, v: number): number {
  xs[0] = v;
  runProgram(backward, [xs, ones], out);
  return out[0];
}

/** Not steep: |f'| below the criterion (or NaN, which only formulas overflowing far out produce). */
function flat(backward: Program, v: number): boolean {
  return !(Math.abs(slope(backward, v)) >= SATURATION_SLOPE);
}

/**
 * The boundary of the tail on one side (sign = +1: x → +Inf, -1: x → -Inf):
 * the innermost x (as a double) from which the derivative stays flat, or
 * ±Infinity when the far end itself is not flat, 0 when the whole side is.
 */
/** The grid 2^1023, 2^1022, ..., 2^-1074, outward to inward. */
const GRID = Float64Array.from({ length: 1023 + 1074 + 1 }, (_, i) => 2 ** (1023 - i));
const gridOnes = new Float64Array(GRID.length).fill(1);
const gridOut = new Float64Array(GRID.length);
const gridX = new Float64Array(GRID.length);

/**
 * The boundary of the tail on one side (sign = +1: x → +Inf, -1: x → -Inf):
 * the innermost x (as a double) from which the derivative stays flat, or
 * ±Infinity when the far end itself is not flat, 0 when the whole side is.
 */
function tail(backward: Program, sign: 1 | -1): number {
  for (let i = 0; i < GRID.length; i++) gridX[i] = sign * GRID[i];
  runProgram(backward, [gridX, gridOnes], gridOut);
  // NaN slopes (Inf·0 where a formula overflows far out) are neither flat nor steep: they are skipped.
  const steep = (s: number): boolean => Math.abs(s) >= SATURATION_SLOPE;
  let k = 0;
  while (k < GRID.length && gridOut[k] !== gridOut[k]) k++;
  if (k === GRID.length || steep(gridOut[k])) return sign * Infinity;
  // The first steep grid point going inward bounds the tail.
  while (k < GRID.length && !steep(gridOut[k])) k++;
  if (k === GRID.length) return flat(backward, 0) ? 0 : sign * Number.MIN_VALUE;
  let outer = GRID[k - 1];
  let inner = GRID[k];
  // inner is not flat, outer is: bisect to adjacent doubles.
  for (;;) {
    const mid = inner + (outer - inner) / 2;
    if (mid === inner || mid === outer) break;
    if (flat(backward, sign * mid)) outer = mid;
    else inner = mid;
  }
  return sign * outer;
}

const NEG_PROBES = [-1e300, -1e10, -1000, -7.5, -1, -0.25, -1e-3, -1e-10, -1e-300, -Number.MIN_VALUE];

export function deriveRegions(backward: Program): Regions {
  const s = slope(backward, -1);
  const constantLeft = NEG_PROBES.every((v) => slope(backward, v) === s);
  const right = slope(backward, Number.MIN_VALUE);
  const dead = constantLeft && Number.isFinite(s) && right > s;
  const deadMax = dead ? (slope(backward, 0) === s ? 0 : -Number.MIN_VALUE) : null;
  return {
    deadMax,
    satBelow: dead ? -Infinity : tail(backward, -1),
    satAbove: tail(backward, 1),
  };
}

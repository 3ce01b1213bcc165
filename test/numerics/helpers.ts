/**
 * Inputs, parameter sets and the accuracy check of the numerics suite, all
 * derived from the registry (lib/registry/ops.ts) and the float64 reference
 * (test/reference.cjs): nothing here names an op.
 */
import type { ParamDef, UnaryOpDef } from '../../lib/registry/ops';
import { ops as refOps, lastLo } from '../reference.cjs';
import { ulpError, EXACT_SLACK } from '../ulp.cjs';
import { rng } from '../rng.cjs';

export type Dtype = 'float32' | 'float64';
export type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
export type Params = Record<string, number | string>;

export const DTYPES: readonly { dtype: Dtype; Ctor: Ctor; round: (v: number) => number }[] = [
  { dtype: 'float32', Ctor: Float32Array, round: Math.fround },
  { dtype: 'float64', Ctor: Float64Array, round: (v: number) => v },
];

/** A view of Ctor's type on any buffer (the constructors' overloads do not accept the ArrayBuffer | SharedArrayBuffer union). */
export function viewOn(Ctor: Ctor, buf: ArrayBufferLike, byteOffset: number, length: number): Float32Array | Float64Array {
  return Ctor === Float32Array ? new Float32Array(buf, byteOffset, length) : new Float64Array(buf, byteOffset, length);
}

/** Seed of every random input; NUMERICS_SEED=n reproduces a failure reported with seed n. */
export const SEED = Number(process.env.NUMERICS_SEED ?? 0x5eed1) >>> 0;

/** mulberry32 (test/rng.cjs): small, fast, good enough for test inputs. */
export { rng };

/** The op's accuracy bound in the result's type (exact ops: 0.5 ULP plus the reference's rounding slack). */
export function boundOf(def: UnaryOpDef, dtype: Dtype): number {
  if (def.exact) return 0.5 + EXACT_SLACK;
  return dtype === 'float32' ? def.ulp : def.ulp64;
}

// ---------------------------------------------------------------- parameters

function inRange(p: ParamDef & { kind: 'number' }, v: number): boolean {
  return Number.isFinite(v)
    && (p.min === undefined || (p.minExclusive ? v > p.min : v >= p.min))
    && (p.max === undefined || v <= p.max);
}

function passesCheck(def: UnaryOpDef, set: Params): boolean {
  if (!def.check) return true;
  return def.check(def.params.map((p) => set[p.name] as number)) === null;
}

/** Candidate values of a number parameter: its bounds (or just inside an exclusive one), a random value of its range, 0 and a negative value where allowed. */
function numberCandidates(p: ParamDef & { kind: 'number' }, r: () => number): number[] {
  const lo = p.min, hi = p.max;
  const out: number[] = [];
  if (lo !== undefined) out.push(p.minExclusive ? lo + 2 ** -10 : lo);
  if (hi !== undefined) out.push(hi);
  const a = lo !== undefined ? lo : hi !== undefined ? hi - 4 : -3;
  const b = hi !== undefined ? hi : lo !== undefined ? lo + 4 : 3;
  // Plain doubles, mostly not float32 numbers: float32 calls must use Math.fround(value), as the reference does.
  out.push(a + (b - a) * r());
  out.push(a + (b - a) * r());
  if (lo === undefined) out.push(0, -0.25 - 2 * r());
  return [...new Set(out)].filter((v) => inRange(p, v) && v !== p.default);
}

/**
 * The parameter sets an op is tested with: the defaults, each parameter moved
 * alone through its candidates (each enum value), and one set with every
 * number parameter random. Sets that break the op's cross-parameter rule are
 * dropped. The same set serves both dtypes (converted per dtype by typedParams).
 */
export function paramSets(def: UnaryOpDef, seed: number): Params[] {
  const r = rng(seed);
  const base: Params = {};
  for (const p of def.params) base[p.name] = p.default;
  const sets: Params[] = [base];
  for (const p of def.params) {
    const values = p.kind === 'enum' ? p.values.filter((v) => v !== p.default) : numberCandidates(p, r);
    for (const v of values) sets.push({ ...base, [p.name]: v });
  }
  const numbers = def.params.filter((p): p is ParamDef & { kind: 'number' } => p.kind === 'number');
  if (numbers.length > 1) {
    for (let tries = 0; tries < 20; tries++) {
      const set: Params = { ...base };
      for (const p of numbers) {
        const c = numberCandidates(p, r);
        set[p.name] = c[Math.floor(r() * c.length)] ?? p.default;
      }
      if (passesCheck(def, set)) {
        sets.push(set);
        break;
      }
    }
  }
  return sets.filter((s) => passesCheck(def, s));
}

/**
 * A fixed (seedless) parameter list: the defaults, each other enum value
 * alone, and one set with every number parameter moved to another value of
 * its range (x 1.75, or 0.75 for a default of 0).
 */
export function movedParamSets(def: UnaryOpDef): Params[] {
  const base: Params = {};
  for (const p of def.params) base[p.name] = p.default;
  const sets: Params[] = [base];
  const moved: Params = { ...base };
  for (const p of def.params) {
    if (p.kind === 'enum') {
      for (const v of p.values) if (v !== p.default) sets.push({ ...base, [p.name]: v });
    } else {
      moved[p.name] = p.default === 0 ? 0.75 : p.default * 1.75;
    }
  }
  if (def.params.some((p) => p.kind === 'number')) sets.push(moved);
  return sets;
}

/** Parameters as the array's type sees them (the API converts with Math.fround for float32). */
export function typedParams(set: Params, dtype: Dtype): Params {
  const out: Params = {};
  for (const k of Object.keys(set)) {
    const v = set[k];
    out[k] = typeof v === 'number' && dtype === 'float32' ? Math.fround(v) : v;
  }
  return out;
}

// ---------------------------------------------------------------- inputs

const F32_SPECIALS = [
  0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, -(2 ** -126), 3.4028234663852886e38, -3.4028234663852886e38,
  87.3, -87.3, 88.7, -88.7, 103.97, -103.97, 88.72283935546875, -87.33654022216797, -103.97207641601562,
  1, -1, 0.5, -0.5, 2, -2, 3, -3, 6, -6, 20, -20, 1e-7, -1e-7, 1e-20, -1e-20, 1e10, -1e10, 1e30, -1e30,
];
const F64_SPECIALS = [
  5e-324, -5e-324, 2 ** -1022, -(2 ** -1022), 1.7976931348623157e308, -1.7976931348623157e308,
  709.78, -709.78, 709.782712893384, -745.13, -745.1332191019411, -708.3964185322641, 1e-300, -1e-300, 1e300, -1e300,
];

export function specials(dtype: Dtype): number[] {
  return dtype === 'float32' ? F32_SPECIALS.map(Math.fround) : [...F32_SPECIALS, ...F64_SPECIALS];
}

/** Evenly spaced over [-20, 20] (not only dyadic points), rounded to the type. */
export function grid(dtype: Dtype, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i <= n; i++) out.push(-20 + (40 * i) / n);
  return dtype === 'float32' ? out.map(Math.fround) : out;
}

/** Random bit patterns: every exponent, NaN payloads and infinities included. */
export function randomBits(dtype: Dtype, n: number, r: () => number): number[] {
  if (dtype === 'float32') {
    const u = new Uint32Array(n);
    for (let i = 0; i < n; i++) u[i] = (r() * 4294967296) >>> 0;
    return Array.from(new Float32Array(u.buffer));
  }
  const u = new Uint32Array(2 * n);
  for (let i = 0; i < 2 * n; i++) u[i] = (r() * 4294967296) >>> 0;
  return Array.from(new Float64Array(u.buffer));
}

/** Random values where the ops are interesting: uniform in [-50, 50] and log-uniform magnitudes 2^-40..2^12. */
export function randomValues(dtype: Dtype, n: number, r: () => number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = r() < 0.5 ? -1 : 1;
    out.push(i % 2 === 0 ? -50 + 100 * r() : s * 2 ** (-40 + 52 * r()));
  }
  return dtype === 'float32' ? out.map(Math.fround) : out;
}

/** The next value of the type away from zero (toward zero for steps < 0), by bit pattern. */
function stepBits(x: number, steps: number, dtype: Dtype): number {
  if (dtype === 'float32') {
    const f = new Float32Array([x]);
    const u = new Int32Array(f.buffer);
    u[0] += steps;
    return f[0];
  }
  const f = new Float64Array([x]);
  const u = new BigInt64Array(f.buffer);
  u[0] += BigInt(steps);
  return f[0];
}

function fromMagnitudeBits(b: bigint, dtype: Dtype): number {
  if (dtype === 'float32') return new Float32Array(new Uint32Array([Number(b)]).buffer)[0];
  return new Float64Array(new BigUint64Array([b]).buffer)[0];
}

/**
 * The saturation points of an op on each side: the smallest |x| from which
 * the result, rounded to the type, is the op's limit at that infinity (or x
 * itself, for ops whose tail is the identity), found by bisection on the
 * reference, with the values around it. Derived, not listed, so every op and
 * parameter set gets its own.
 */
export function saturationPoints(name: string, params: Params, dtype: Dtype): number[] {
  const round = dtype === 'float32' ? Math.fround : (v: number) => v;
  const ref = refOps[name];
  const maxBits = dtype === 'float32' ? 0x7f7fffffn : 0x7fefffffffffffffn;
  const out: number[] = [];
  for (const s of [1, -1]) {
    const limit = round(ref(s * Infinity, params));
    if (Number.isNaN(limit)) continue;
    const sat = Number.isFinite(limit)
      ? (x: number) => round(ref(x, params)) === limit
      : (x: number) => round(ref(x, params)) === x;
    const at = (b: bigint) => s * fromMagnitudeBits(b, dtype);
    if (!sat(at(maxBits)) || sat(at(0n))) continue;
    let lo = 0n, hi = maxBits; // sat(lo) false, sat(hi) true
    while (hi - lo > 1n) {
      const mid = (lo + hi) >> 1n;
      if (sat(at(mid))) hi = mid;
      else lo = mid;
    }
    const x = at(hi);
    for (const k of [-2, -1, 0, 1, 2]) out.push(stepBits(x, k, dtype));
  }
  return out;
}

// ---------------------------------------------------------------- the check

export interface Worst {
  err: number;
  index: number;
  x: number;
  y: number;
  ref: number;
  over: number;
}

/** Reference values (high and low parts) of xs for one op and parameter set. */
export function referenceOf(name: string, xs: ArrayLike<number>, params: Params): { hi: Float64Array; lo: Float64Array } {
  const f = refOps[name];
  const hi = new Float64Array(xs.length), lo = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) {
    hi[i] = f(xs[i], params);
    lo[i] = lastLo();
  }
  return { hi, lo };
}

/** Worst error of y against the reference, and how many elements exceed the bound. */
export function worstError(y: ArrayLike<number>, x: ArrayLike<number>, hi: Float64Array, lo: Float64Array, dtype: Dtype, bound: number): Worst {
  const w: Worst = { err: -1, index: -1, x: NaN, y: NaN, ref: NaN, over: 0 };
  for (let i = 0; i < y.length; i++) {
    const e = ulpError(y[i], hi[i], dtype, lo[i]);
    if (e > bound) w.over++;
    if (e > w.err || (Number.isNaN(e) && w.index < 0)) {
      w.err = e;
      w.index = i;
      w.x = x[i];
      w.y = y[i];
      w.ref = hi[i];
    }
  }
  return w;
}

export function bitsOf(v: number, dtype: Dtype): string {
  if (dtype === 'float32') return '0x' + new Uint32Array(new Float32Array([v]).buffer)[0].toString(16).padStart(8, '0');
  return '0x' + new BigUint64Array(new Float64Array([v]).buffer)[0].toString(16).padStart(16, '0');
}

export function describeWorst(what: string, w: Worst, dtype: Dtype, bound: number): string {
  return `${what}: max error ${w.err} ULP (bound ${bound}) at x = ${w.x} (${bitsOf(w.x, dtype)}): got ${w.y}, reference ${w.ref}; ` +
    `${w.over} input(s) over the bound; seed ${SEED}`;
}

/**
 * The fused element-wise pass (a unary op with options.bias; the gated ops)
 * over 16-bit storage. Each step is rounded to the storage type, as the float
 * arrays' pass rounds each step to theirs (lib/types.ts FusedCall):
 *   t  = g + bias, u' = u + bias                 (rounded to the 16-bit type)
 *   s  = act(t)                                   (rounded to it, when a gate follows)
 *   y  = s · u'  (or act(t) without a gate)       (rounded once to out's type)
 * and backward
 *   w  = dy · u' (16-bit), dg = w · act'(t), du = dy · s   (rounded once to out's type)
 *   dbias = the float64 channel sums of the gradient as stored, rounded once.
 * act and act' are the engine's float32 op on the widened t, as the 16-bit
 * unary ops compute; so a call costs the float32 op plus JS passes.
 *
 * Sums and products of two 16-bit values are formed in float32, then rounded
 * to 16 bits. A product has at most 22 significant bits, exact in float32
 * except for bfloat16 products below 2^-126 (rounded from float64 here); a sum
 * rounded to float32 and then to the 16-bit type is the correctly rounded sum,
 * float32 having at least twice the 16-bit precision plus two bits.
 */
import type { Engine } from '../backend/backend';
import { narrowBits, roundToBfloat16, widenBits } from '../fallback/half';
import { channelSums } from '../fallback/fused';
import type { FusedBackwardCall, FusedCall, FusedGeom } from '../types';
import { formatOf, isHalf, type Stored } from '../validate/dtype';
import type { LiveArray } from '../validate/values';
import { storedFromSums, widened } from './half-io';

/** How a validated fused call runs: on float arrays the engine's fused pass, on 16-bit storage the steps above. */
export interface FusedPlan {
  run(): void;
  runAsync(fn: string, signal: AbortSignal | undefined): Promise<void>;
}

export function floatPlan(engine: Engine, call: FusedCall | FusedBackwardCall): FusedPlan {
  return { run: () => engine.fused(call), runAsync: (fn, signal) => engine.fusedAsync(fn, call, signal) };
}

/** A fused call over 16-bit storage, as FusedCall describes it (g, u, bias of one 16-bit dtype). */
export interface HalfFusedSpec {
  readonly act: number;
  readonly a: number;
  readonly b: number;
  readonly geom: FusedGeom;
  readonly g: Stored;
  readonly u: Stored | null;
  readonly biased: boolean;
  readonly bias: Stored | null;
  /** In the 16-bit type already. */
  readonly biasScalar: number;
}

/** The exact float32 values of 16-bit s. */
const wide = (s: Stored): Float32Array => widened(s) as Float32Array;

/** a rounded in place to format fmt (0 float16, 1 bfloat16). */
function round16(a: Float32Array, fmt: number): void {
  const bits = new Uint16Array(a.length);
  narrowBits(a, fmt, bits);
  widenBits(bits, fmt, a);
}

/** dst = a · b (dst may be a), rounded to float32, and for a bfloat16 target (fmt 1) exactly once to bfloat16 below 2^-126. */
function mul(a: Float32Array, b: Float32Array, dst: Float32Array, fmt: number): void {
  const n = dst.length;
  for (let k = 0; k < n; k++) {
    const p = a[k] * b[k];
    dst[k] = fmt === 1 && Math.abs(p) < 2 ** -126 ? roundToBfloat16(p) : p;
  }
}

/** src's block elements o·stride + off + j (j < m) into one array of outer·m, plus the bias of channel c0 + ⌊j / inner⌋, rounded to fmt. */
function gather(src: Float32Array, off: number, c0: number, G: FusedGeom, s: HalfFusedSpec, bias: Float32Array | null, fmt: number): Float32Array {
  const { outer, m, stride, inner } = G;
  if (!s.biased && off === 0 && stride === m) return src;
  const t = new Float32Array(outer * m);
  for (let o = 0; o < outer; o++) {
    const from = o * stride + off;
    const to = o * m;
    if (!s.biased) {
      t.set(src.subarray(from, from + m), to);
      continue;
    }
    for (let j = 0; j < m; j++) t[to + j] = src[from + j] + (bias === null ? s.biasScalar : bias[c0 + Math.floor(j / inner)]);
  }
  if (s.biased) round16(t, fmt);
  return t;
}

/** The block values vals (outer·m) into the whole-array positions o·stride + off + j of out. */
function scatter(vals: Float32Array, out: Float32Array, off: number, G: FusedGeom): void {
  for (let o = 0; o < G.outer; o++) out.set(vals.subarray(o * G.m, (o + 1) * G.m), o * G.stride + off);
}

/** vals into out: rounded once into 16-bit storage, or copied into a Float32Array. */
function store(vals: Float32Array, out: Stored, fmt: number): void {
  if (isHalf(out.dtype)) narrowBits(vals, fmt, out.bits as Uint16Array);
  else (out.bits as Float32Array).set(vals);
}

/** out's format number, -1 for a Float32Array. */
const targetOf = (out: Stored): number => (isHalf(out.dtype) ? formatOf(out.dtype) : -1);

interface Inputs {
  readonly fmt: number;
  readonly t: Float32Array;
  readonly up: Float32Array | null;
}

function inputs(s: HalfFusedSpec): Inputs {
  const G = s.geom;
  const fmt = formatOf(s.g.dtype);
  const bias = s.bias && wide(s.bias);
  const g = wide(s.g);
  const t = gather(g, G.gOff, G.gC0, G, s, bias, fmt);
  const up = s.u === null ? null : gather(s.u === s.g ? g : wide(s.u), G.uOff, G.uC0, G, s, bias, fmt);
  return { fmt, t, up };
}

/** y = act(g + bias) (· (u + bias)) into y (outer·m elements), over 16-bit g, u, bias. The inputs are read now. */
export function halfFused(engine: Engine, s: HalfFusedSpec, y: Stored): { plan: FusedPlan; finish: () => void } {
  const { fmt, t, up } = inputs(s);
  const act = new Float32Array(t.length);
  const finish = (): void => {
    if (up !== null) {
      round16(act, fmt);
      mul(act, up, act, targetOf(y));
    }
    store(act, y, fmt);
  };
  const plan: FusedPlan = {
    run: () => engine.unary(s.act, t, act, s.a, s.b),
    runAsync: (fn, signal) => engine.unaryAsync(fn, s.act, t, act, s.a, s.b, signal),
  };
  return { plan, finish };
}

/**
 * The backward of halfFused. `fromY`: g holds y = act(t) (no gate, no bias
 * added). dg and du: where the gradients go; one array (dx of the one-array
 * form, at g's and u's offsets) or two (the two-array form); dbias, when not
 * null, sums over dg's array (FusedBackwardCall's rule). finish() returns
 * dbias: a number for a number bias, else an array of the bias's dtype.
 */
export function halfFusedBackward(
  engine: Engine, s: HalfFusedSpec, dy: Stored, fromY: boolean, dg: Stored, du: Stored | null, dbias: boolean,
): { plan: FusedPlan; finish: () => number | LiveArray | null } {
  const G = s.geom;
  const { fmt, t, up } = fromY ? { fmt: formatOf(s.g.dtype), t: wide(s.g), up: null } : inputs(s);
  const dyw = wide(dy);
  const target = targetOf(dg);
  const dgv = new Float32Array(t.length);
  let w = dyw;
  let act: Float32Array | null = null;
  if (up !== null) {
    w = new Float32Array(t.length);
    mul(dyw, up, w, fmt);
    round16(w, fmt);
    act = new Float32Array(t.length);
  }
  const x = fromY ? null : t;
  const y = fromY ? t : null;
  const finish = (): number | LiveArray | null => {
    if (target >= 0) round16(dgv, fmt);
    const one = du === null || du === dg;
    // The gradient array as stored: dg's whole array (dx of the one-array form).
    const whole = one && (G.stride !== G.m || up !== null) ? new Float32Array(dg.a.length) : dgv;
    if (whole !== dgv) scatter(dgv, whole, G.gOff, G);
    if (act !== null) {
      round16(act, fmt);
      const duv = new Float32Array(t.length);
      mul(dyw, act, duv, target);
      if (target >= 0) round16(duv, fmt);
      if (one) scatter(duv, whole, G.uOff, G);
      else store(duv, du!, fmt);
    }
    store(whole, dg, fmt);
    if (!dbias) return null;
    const sums = new Float64Array(G.sC);
    channelSums(whole, G.sOuter, G.sC, G.sInner, sums);
    return s.bias === null ? sums[0] : storedFromSums(s.bias, sums);
  };
  const plan: FusedPlan = {
    run: () => {
      if (act !== null) engine.unary(s.act, t, act, s.a, s.b);
      engine.unaryBackward(s.act, w, x, y, dgv, s.a, s.b);
    },
    runAsync: async (fn, signal) => {
      if (act !== null) await engine.unaryAsync(fn, s.act, t, act, s.a, s.b, signal);
      await engine.unaryBackwardAsync(fn, s.act, w, x, y, dgv, s.a, s.b, signal);
    },
  };
  return { plan, finish };
}

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
 * act and act' are the engine's 16-bit unary op on t's bits (the float32 op
 * on the widened values, rounded once), so a call costs that op plus JS
 * passes for the bias, the products and dbias.
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

/** The block elements o·stride + off + j (j < m) of 16-bit src, widened into one array of outer·m. */
function widenBlocks(src: Stored, off: number, G: FusedGeom, fmt: number): Float32Array {
  const bits = src.bits as Uint16Array;
  const w = new Float32Array(G.outer * G.m);
  for (let o = 0; o < G.outer; o++) widenBits(bits.subarray(o * G.stride + off, o * G.stride + off + G.m), fmt, w, o * G.m);
  return w;
}

/** w (outer·m block values) += the bias of channel c0 + ⌊j / inner⌋, rounded to float32. */
function addBias(w: Float32Array, c0: number, G: FusedGeom, s: HalfFusedSpec, bias: Float32Array | null): void {
  const { m, inner } = G;
  for (let to = 0; to < w.length; to += m) {
    for (let j0 = 0; j0 < m; j0 += inner) {
      const b = bias === null ? s.biasScalar : bias[c0 + j0 / inner];
      const end = to + Math.min(m, j0 + inner);
      for (let k = to + j0; k < end; k++) w[k] += b;
    }
  }
}

/** The gate's t = g + bias (or g) of every block, as 16-bit bits of g's format: a new array, read now. */
function gateBits(s: HalfFusedSpec, G: FusedGeom, fmt: number, bias: Float32Array | null): Uint16Array {
  const t = new Uint16Array(G.outer * G.m);
  if (!s.biased) {
    const bits = s.g.bits as Uint16Array;
    for (let o = 0; o < G.outer; o++) t.set(bits.subarray(o * G.stride + G.gOff, o * G.stride + G.gOff + G.m), o * G.m);
    return t;
  }
  const w = widenBlocks(s.g, G.gOff, G, fmt);
  addBias(w, G.gC0, G, s, bias);
  narrowBits(w, fmt, t);
  return t;
}

/** u' = u + bias (or u) of every block, rounded to the 16-bit type, as float32 values. */
function upValues(s: HalfFusedSpec, G: FusedGeom, fmt: number, bias: Float32Array | null): Float32Array {
  const w = widenBlocks(s.u!, G.uOff, G, fmt);
  if (s.biased) {
    addBias(w, G.uC0, G, s, bias);
    round16(w, fmt);
  }
  return w;
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

/** The float32 values of bits of format fmt. */
function widenedBits(bits: Uint16Array, fmt: number): Float32Array {
  const w = new Float32Array(bits.length);
  widenBits(bits, fmt, w);
  return w;
}

/**
 * y = act(g + bias) (· (u + bias)) into y (outer·m elements), over 16-bit g, u,
 * bias. The inputs are read now. act runs as the 16-bit unary op on t's bits
 * (the native tiles convert in registers), straight into y without a gate.
 */
export function halfFused(engine: Engine, s: HalfFusedSpec, y: Stored): { plan: FusedPlan; finish: () => void } {
  const G = s.geom;
  const fmt = formatOf(s.g.dtype);
  const bias = s.bias && wide(s.bias);
  const t = gateBits(s, G, fmt, bias);
  const up = s.u === null ? null : upValues(s, G, fmt, bias);
  const act = up === null ? y.bits : new Uint16Array(t.length);
  const finish = (): void => {
    if (up === null) return;
    const v = widenedBits(act as Uint16Array, fmt);
    mul(v, up, v, targetOf(y));
    store(v, y, fmt);
  };
  const plan: FusedPlan = {
    run: () => engine.unary(s.act, t, act, s.a, s.b, fmt),
    runAsync: (fn, signal) => engine.unaryAsync(fn, s.act, t, act, s.a, s.b, signal, fmt),
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
  const fmt = formatOf(s.g.dtype);
  const bias = s.bias && wide(s.bias);
  const target = targetOf(dg);
  const t = fromY ? (s.g.bits as Uint16Array).slice() : gateBits(s, G, fmt, bias);
  const sums = (whole: Float32Array): number | LiveArray | null => {
    if (!dbias) return null;
    const out = new Float64Array(G.sC);
    channelSums(whole, G.sOuter, G.sC, G.sInner, out);
    return s.bias === null ? out[0] : storedFromSums(s.bias, out);
  };
  if (s.u === null) {
    // dx = dy·act'(t) by the 16-bit backward, straight into dg (same layout as t).
    const x = fromY ? null : t;
    const y = fromY ? t : null;
    const plan: FusedPlan = {
      run: () => engine.unaryBackward(s.act, dy.bits, x, y, dg.bits, s.a, s.b, fmt),
      runAsync: (fn, signal) => engine.unaryBackwardAsync(fn, s.act, dy.bits, x, y, dg.bits, s.a, s.b, signal, fmt),
    };
    return { plan, finish: () => sums(target >= 0 ? widenedBits(dg.bits as Uint16Array, fmt) : (dg.bits as Float32Array)) };
  }
  const n = t.length;
  const up = upValues(s, G, fmt, bias);
  const dyw = wide(dy);
  const wv = new Float32Array(n);
  mul(dyw, up, wv, fmt);
  const w = new Uint16Array(n);
  narrowBits(wv, fmt, w);
  const act = new Uint16Array(n);
  const dgv = target >= 0 ? new Uint16Array(n) : new Float32Array(n);
  const finish = (): number | LiveArray | null => {
    const g = target >= 0 ? widenedBits(dgv as Uint16Array, fmt) : (dgv as Float32Array);
    const duv = widenedBits(act, fmt);
    mul(dyw, duv, duv, target);
    if (target >= 0) round16(duv, fmt);
    if (du !== null && du !== dg) {
      store(g, dg, fmt);
      store(duv, du, fmt);
      return null;
    }
    // One array: dx of the one-array form, both halves; dbias sums it as stored.
    const whole = new Float32Array(dg.a.length);
    scatter(g, whole, G.gOff, G);
    scatter(duv, whole, G.uOff, G);
    store(whole, dg, fmt);
    return sums(whole);
  };
  const plan: FusedPlan = {
    run: () => {
      engine.unary(s.act, t, act, s.a, s.b, fmt);
      engine.unaryBackward(s.act, w, t, null, dgv, s.a, s.b, fmt);
    },
    runAsync: async (fn, signal) => {
      await engine.unaryAsync(fn, s.act, t, act, s.a, s.b, signal, fmt);
      await engine.unaryBackwardAsync(fn, s.act, w, t, null, dgv, s.a, s.b, signal, fmt);
    },
  };
  return { plan, finish };
}

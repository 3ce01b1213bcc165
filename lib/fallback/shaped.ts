/**
 * Pure-JS kernels of the shaped ops (prelu, maxout, softmax, logSoftmax and
 * their backward passes). Every array is seen as outer × len × inner around
 * the op's axis (lib/validate/shape.ts): element (o, k, i) at (o·len + k)·inner + i.
 * Rows along the axis are strided by `inner`, so the loops keep one
 * accumulator per inner lane and walk memory contiguously.
 *
 * Everything accumulates in float64 and stores once. The sums that can lose
 * accuracy (softmax's Σe, prelu's dα over millions of positions, the dot
 * products of the backward passes) are compensated (Neumaier), which keeps a
 * float64 result within a few ULPs and a float32 one correctly rounded in
 * practice.
 */
import type { FloatArray, ShapedCall } from '../types';
import { twoSumErr } from './dd';

// ---------------------------------------------------------------- softmax family

/**
 * Per lane i of block o: m[i] = max along the axis (NaN if any element is
 * NaN) and t[i] = Σ e^(x − m) − 1, the sum without the first element equal
 * to the max (whose term is exactly 1). Keeping the 1 out lets logSoftmax
 * take log1p(t), accurate when one element dominates, and the sum itself is
 * compensated. A row with +Inf, or of −Inf only, gets t = NaN (x − m is
 * Inf − Inf there), so its result is NaN as in PyTorch.
 */
function rowStats(x: FloatArray, base: number, len: number, inner: number, m: Float64Array, t: Float64Array): void {
  for (let i = 0; i < inner; i++) m[i] = x[base + i];
  for (let k = 1; k < len; k++) {
    const row = base + k * inner;
    for (let i = 0; i < inner; i++) {
      const v = x[row + i];
      const c = m[i];
      if (v > c || v !== v) m[i] = c !== c ? c : v;
    }
  }
  const comp = new Float64Array(inner);
  const seen = new Uint8Array(inner);
  t.fill(0);
  for (let k = 0; k < len; k++) {
    const row = base + k * inner;
    for (let i = 0; i < inner; i++) {
      const v = x[row + i];
      if (seen[i] === 0 && v === m[i]) {
        seen[i] = 1;
        continue;
      }
      const e = expDiff(v, m[i]);
      const s = t[i] + e;
      comp[i] += Math.abs(t[i]) >= Math.abs(e) ? (t[i] - s) + e : (e - s) + t[i];
      t[i] = s;
    }
  }
  // The skipped max term is e^(Inf − Inf) = NaN when the max is +Inf: the row is NaN.
  for (let i = 0; i < inner; i++) t[i] = m[i] === Infinity ? NaN : t[i] + comp[i];
}

/** The low part of v − m when it is finite (v − m = d + DL exactly). */
let DL = 0;
function diff(v: number, m: number): number {
  const d = v - m;
  DL = d > -Infinity && d < Infinity ? twoSumErr(v, -m, d) : 0;
  return d;
}

/** e^(v − m) with v − m carried exactly: e^d·(1 + DL). */
function expDiff(v: number, m: number): number {
  const d = diff(v, m);
  const e = Math.exp(d);
  return e + e * DL;
}

function softmaxForward(x: FloatArray, y: FloatArray, outer: number, len: number, inner: number, log: boolean): void {
  const m = new Float64Array(inner), t = new Float64Array(inner), ls = new Float64Array(inner);
  const block = len * inner;
  for (let o = 0; o < outer; o++) {
    const base = o * block;
    rowStats(x, base, len, inner, m, t);
    if (log) {
      for (let i = 0; i < inner; i++) ls[i] = Math.log1p(t[i]);
      for (let k = 0; k < len; k++) {
        const row = base + k * inner;
        for (let i = 0; i < inner; i++) {
          // (x − m) − log S: both terms ≤ 0 and ≥ 0 respectively, so no cancellation.
          const d = diff(x[row + i], m[i]);
          y[row + i] = (d - ls[i]) + DL;
        }
      }
    } else {
      for (let i = 0; i < inner; i++) ls[i] = 1 / (1 + t[i]);
      for (let k = 0; k < len; k++) {
        const row = base + k * inner;
        for (let i = 0; i < inner; i++) {
          // Divided, not multiplied by the reciprocal: one rounding fewer.
          y[row + i] = expDiff(x[row + i], m[i]) / (1 + t[i]);
        }
      }
    }
  }
}

/**
 * softmax: dx = y ⊙ (dy − Σ dy⊙y); logSoftmax: dx = dy − softmax ⊙ Σ dy.
 * `y` is the forward output when given (probabilities for softmax, log
 * probabilities for logSoftmax), else the softmax is recomputed from x lane
 * by lane (no temporary of the array's size).
 */
function softmaxBackward(dy: FloatArray, y: FloatArray | null, x: FloatArray | null, dx: FloatArray, outer: number, len: number, inner: number, log: boolean): void {
  const m = new Float64Array(inner), t = new Float64Array(inner);
  const s = new Float64Array(inner), comp = new Float64Array(inner);
  const block = len * inner;
  for (let o = 0; o < outer; o++) {
    const base = o * block;
    if (y === null) rowStats(x!, base, len, inner, m, t);
    // p(k, i): the probability of element (k, i) of this block.
    const p = (j: number, i: number): number =>
      y === null ? expDiff(x![j], m[i]) / (1 + t[i]) : log ? Math.exp(y[j]) : y[j];
    s.fill(0);
    comp.fill(0);
    for (let k = 0; k < len; k++) {
      const row = base + k * inner;
      for (let i = 0; i < inner; i++) {
        const term = log ? dy[row + i] : dy[row + i] * p(row + i, i);
        const u = s[i] + term;
        comp[i] += Math.abs(s[i]) >= Math.abs(term) ? (s[i] - u) + term : (term - u) + s[i];
        s[i] = u;
      }
    }
    for (let i = 0; i < inner; i++) if (Number.isFinite(s[i])) s[i] += comp[i];
    for (let k = 0; k < len; k++) {
      const row = base + k * inner;
      for (let i = 0; i < inner; i++) {
        const j = row + i;
        const q = p(j, i);
        dx[j] = log ? dy[j] - q * s[i] : q * (dy[j] - s[i]);
      }
    }
  }
}

// ---------------------------------------------------------------- prelu

/** y = x > 0 ? x : α_c·x, α_c = alpha[c] (or the one scalar). */
function preluForward(x: FloatArray, y: FloatArray, alpha: FloatArray | null, scalar: number, outer: number, channels: number, inner: number): void {
  let j = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const a = alpha === null ? scalar : alpha[c];
      for (const end = j + inner; j < end; j++) {
        const v = x[j];
        y[j] = v > 0 ? v : v * a;
      }
    }
  }
}

/**
 * dx = dy·(x > 0 ? 1 : α_c) (NaN for NaN x), and dα_c += Σ over the channel
 * of (x > 0 ? 0 : x·dy), accumulated compensated in float64 into `dalpha`
 * (length `channels`), which the caller rounds once to alpha's type.
 * dx is written after x and dy of the same element are read, so dx may be
 * dy or x itself.
 */
function preluBackward(dy: FloatArray, x: FloatArray, alpha: FloatArray | null, scalar: number, dx: FloatArray, dalpha: Float64Array, outer: number, channels: number, inner: number): void {
  const comp = new Float64Array(channels);
  let j = 0;
  for (let o = 0; o < outer; o++) {
    for (let c = 0; c < channels; c++) {
      const a = alpha === null ? scalar : alpha[c];
      let s = dalpha[c], e = comp[c];
      for (const end = j + inner; j < end; j++) {
        const v = x[j];
        const g = dy[j];
        if (v > 0) {
          dx[j] = g;
        } else {
          dx[j] = v === v ? g * a : NaN;
          const term = v * g;
          const u = s + term;
          e += Math.abs(s) >= Math.abs(term) ? (s - u) + term : (term - u) + s;
          s = u;
        }
      }
      dalpha[c] = s;
      comp[c] = e;
    }
  }
  // An infinite sum has a NaN compensation (Inf − Inf): the sum is the answer then.
  for (let c = 0; c < channels; c++) if (Number.isFinite(dalpha[c])) dalpha[c] += comp[c];
}

// ---------------------------------------------------------------- maxout

/**
 * y(o, g, i) = max over j < pieces of x(o, g·pieces + j, i); NaN if the group
 * holds a NaN. `len` is the input axis length (groups = len / pieces).
 */
function maxoutForward(x: FloatArray, y: FloatArray, outer: number, len: number, inner: number, pieces: number): void {
  const groups = len / pieces;
  for (let o = 0; o < outer; o++) {
    for (let g = 0; g < groups; g++) {
      const src = (o * len + g * pieces) * inner;
      const dst = (o * groups + g) * inner;
      for (let i = 0; i < inner; i++) {
        let m = x[src + i];
        for (let j = 1; j < pieces && m === m; j++) {
          const v = x[src + j * inner + i];
          if (v > m || v !== v) m = v;
        }
        y[dst + i] = m;
      }
    }
  }
}

/**
 * dx = dy routed to the first maximum of each group (a NaN counts as the
 * maximum, as in the forward), 0 elsewhere. The group is read whole before
 * any of it is written, so dx may be x itself.
 */
function maxoutBackward(dy: FloatArray, x: FloatArray, dx: FloatArray, outer: number, len: number, inner: number, pieces: number): void {
  const groups = len / pieces;
  for (let o = 0; o < outer; o++) {
    for (let g = 0; g < groups; g++) {
      const src = (o * len + g * pieces) * inner;
      const dst = (o * groups + g) * inner;
      for (let i = 0; i < inner; i++) {
        let m = x[src + i];
        let arg = 0;
        for (let j = 1; j < pieces && m === m; j++) {
          const v = x[src + j * inner + i];
          if (v > m || v !== v) {
            m = v;
            arg = j;
          }
        }
        const grad = dy[dst + i];
        for (let j = 0; j < pieces; j++) dx[src + j * inner + i] = j === arg ? grad : 0;
      }
    }
  }
}

/** a[i] = −b[i] (a may be b). */
function negate(b: FloatArray, a: FloatArray): void {
  for (let i = 0; i < b.length; i++) a[i] = -b[i];
}

/**
 * One-hot of each row's first maximum (a NaN counts as the maximum and ends the
 * search, as maxout's; ties: the first), +0 elsewhere. Each row is scanned before
 * any of it is written, so y may be x.
 */
function hardmaxForward(x: FloatArray, y: FloatArray, outer: number, len: number, inner: number): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let m = x[base];
      let arg = 0;
      for (let k = 1; k < len && m === m; k++) {
        const v = x[base + k * inner];
        if (v > m || v !== v) {
          m = v;
          arg = k;
        }
      }
      for (let k = 0; k < len; k++) y[base + k * inner] = k === arg ? 1 : 0;
    }
  }
}

/** Runs one validated shaped call on the calling thread. */
export function runShaped(c: ShapedCall): void {
  // No element: nothing to write (prelu's dalpha is already zeros), and a zero
  // dimension beside huge ones must not cost a loop or a buffer of the huge ones.
  if (c.outer * c.len * c.inner === 0) return;
  switch (c.op) {
    case 'softmax':
    case 'logSoftmax':
      softmaxForward(c.x, c.y, c.outer, c.len, c.inner, c.op === 'logSoftmax');
      return;
    case 'softmin':  // softmax(−x), exactly: the negation is exact
      negate(c.x, c.y);
      softmaxForward(c.y, c.y, c.outer, c.len, c.inner, false);
      return;
    case 'softmaxBackward':
    case 'logSoftmaxBackward':
      softmaxBackward(c.dy, c.y, c.x, c.dx, c.outer, c.len, c.inner, c.op === 'logSoftmaxBackward');
      return;
    case 'softminBackward': {
      // −softmax.backward(dy, −x), or from y = softmin(x) = softmax(−x) directly.
      let xn: FloatArray | null = null;
      if (c.y === null && c.x !== null) {
        xn = c.x instanceof Float32Array ? new Float32Array(c.x.length) : new Float64Array(c.x.length);
        negate(c.x, xn);
      }
      softmaxBackward(c.dy, c.y, xn, c.dx, c.outer, c.len, c.inner, false);
      negate(c.dx, c.dx);
      return;
    }
    case 'hardmax':
      hardmaxForward(c.x, c.y, c.outer, c.len, c.inner);
      return;
    case 'hardmaxBackward':
      c.dx.fill(0);
      return;
    case 'prelu':
      preluForward(c.x, c.y, c.alpha, c.alphaScalar, c.outer, c.len, c.inner);
      return;
    case 'preluBackward':
      preluBackward(c.dy, c.x, c.alpha, c.alphaScalar, c.dx, c.dalpha, c.outer, c.len, c.inner);
      return;
    case 'maxout':
      maxoutForward(c.x, c.y, c.outer, c.len, c.inner, c.pieces);
      return;
    case 'maxoutBackward':
      maxoutBackward(c.dy, c.x, c.dx, c.outer, c.len, c.inner, c.pieces);
      return;
  }
}

/**
 * The JS scan of stats() (the twin of the native one, Backend.stats): the data
 * is cut into segments of at most SEGMENT elements (of one channel when a
 * channel axis is given); each segment is summed and then re-read from cache
 * for its centred sum of squares (two-pass, so no cancellation), and segments
 * are merged with Chan's formula, pairwise for the whole array: accurate mean
 * and variance at 16M elements and beyond.
 */
import type { FloatArray, Moments } from '../types';
import { SELU_ALPHA, SELU_LAMBDA, selu as seluKernel } from './unary';

/** Elements per segment: 32 KiB of float64 scratch, the segment stays in L1/L2 for its second pass. */
const SEGMENT = 4096;

/** Running moments of one group. */
export class Acc {
  n = 0; // non-NaN elements
  nan = 0;
  min = Infinity;
  max = -Infinity;
  mean = 0;
  m2 = 0;
  dead = 0;
  sat = 0;

  /** Chan et al.: exact merge of two groups' mean and centred sum of squares. */
  merge(o: Acc): void {
    this.nan += o.nan;
    this.dead += o.dead;
    this.sat += o.sat;
    if (o.min < this.min) this.min = o.min;
    if (o.max > this.max) this.max = o.max;
    if (o.n === 0) return;
    if (this.n === 0) {
      this.n = o.n;
      this.mean = o.mean;
      this.m2 = o.m2;
      return;
    }
    const n = this.n + o.n;
    if (!Number.isFinite(this.mean) || !Number.isFinite(o.mean)) {
      // An infinity among the data: the mean is their sum's (±Inf, NaN for both signs)
      // and the variance NaN, whatever the merge order (the formula below would make
      // Inf - Inf out of a single +Inf).
      this.mean += o.mean;
      this.m2 = NaN;
      this.n = n;
      return;
    }
    const d = o.mean - this.mean;
    this.mean += d * (o.n / n);
    this.m2 += o.m2 + d * d * ((this.n / n) * o.n);
    this.n = n;
  }

  reset(): void {
    this.n = 0;
    this.nan = 0;
    this.min = Infinity;
    this.max = -Infinity;
    this.mean = 0;
    this.m2 = 0;
    this.dead = 0;
    this.sat = 0;
  }

  /** Writes the 8 numbers of Backend.stats's layout at out[o..o + 8). */
  store(out: Float64Array, o: number): void {
    out[o] = this.n;
    out[o + 1] = this.nan;
    out[o + 2] = this.min;
    out[o + 3] = this.max;
    out[o + 4] = this.mean;
    out[o + 5] = this.m2;
    out[o + 6] = this.dead;
    out[o + 7] = this.sat;
  }

  /** Reads what store() wrote. */
  static load(out: Float64Array, o: number): Acc {
    const a = new Acc();
    [a.n, a.nan, a.min, a.max, a.mean, a.m2, a.dead, a.sat] = out.subarray(o, o + 8);
    return a;
  }

  moments(hasDead: boolean, hasSat: boolean): Moments {
    const none = this.n === 0;
    return {
      count: this.n + this.nan,
      nanCount: this.nan,
      min: none ? NaN : this.min,
      max: none ? NaN : this.max,
      mean: none ? NaN : this.mean,
      variance: none ? NaN : this.m2 / this.n,
      dead: hasDead ? (none ? NaN : this.dead / this.n) : null,
      saturated: hasSat ? (none ? NaN : this.sat / this.n) : null,
    };
  }
}

/** Pairwise (binary-counter) merging of equal-size groups: error grows with log of the count. */
class PairwiseAcc {
  private readonly levels: (Acc | null)[] = [];
  add(a: Acc): void {
    let cur = a;
    for (let l = 0; ; l++) {
      if (l === this.levels.length) this.levels.push(null);
      const have = this.levels[l];
      if (have === null) {
        this.levels[l] = cur;
        return;
      }
      have.merge(cur);
      cur = have;
      this.levels[l] = null;
    }
  }
  total(): Acc {
    const t = new Acc();
    for (const a of this.levels) if (a !== null) t.merge(a);
    return t;
  }
}

/**
 * Moments of the segment x[base + r·stride + j], r < runs, j < len, into `a`
 * (overwritten). dead: x ≤ deadMax; saturated: x ≤ lo or x ≥ hi (NaN
 * thresholds never match). A contiguous segment without NaN takes the fast
 * path; a NaN anywhere shows in its sum and sends it to the general loop.
 */
function segment(x: FloatArray, base: number, runs: number, len: number, stride: number, deadMax: number, lo: number, hi: number, a: Acc): void {
  if (runs === 1 && contiguous(x, base, base + len, deadMax, lo, hi, a)) return;
  let s = 0, nan = 0, mn = Infinity, mx = -Infinity, dead = 0, sat = 0;
  for (let r = 0, b = base; r < runs; r++, b += stride) {
    for (let i = b, e = b + len; i < e; i++) {
      const v = x[i];
      if (v !== v) {
        nan++;
        continue;
      }
      s += v;
      if (v < mn) mn = v;
      if (v > mx) mx = v;
      if (v <= deadMax) dead++;
      if (v <= lo || v >= hi) sat++;
    }
  }
  const n = runs * len - nan;
  const mean = n > 0 ? s / n : 0;
  let m2 = 0;
  if (n > 0) {
    for (let r = 0, b = base; r < runs; r++, b += stride) {
      for (let i = b, e = b + len; i < e; i++) {
        // NaN elements are left out; an infinity is not (its deviation makes m2 NaN, as natively).
        const v = x[i];
        if (v === v) m2 += (v - mean) * (v - mean);
      }
    }
  }
  a.n = n;
  a.nan = nan;
  a.min = mn;
  a.max = mx;
  a.mean = mean;
  a.m2 = m2;
  a.dead = dead;
  a.sat = sat;
}

/**
 * The NaN-free contiguous case, four elements per step with separate
 * accumulators (the add latency, not memory, bounds a single chain) and
 * branch-free counts. Returns false, having written nothing, when the sum
 * shows a NaN (or +Inf with -Inf): the general loop then sorts it out.
 */
function contiguous(x: FloatArray, b: number, e: number, dM: number, lo: number, hi: number, a: Acc): boolean {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let mn0 = Infinity, mn1 = Infinity, mx0 = -Infinity, mx1 = -Infinity;
  let dead = 0, sat = 0;
  let i = b;
  for (; i + 4 <= e; i += 4) {
    const p = x[i], q = x[i + 1], r = x[i + 2], t = x[i + 3];
    s0 += p;
    s1 += q;
    s2 += r;
    s3 += t;
    mn0 = p < mn0 ? p : mn0;
    mn1 = q < mn1 ? q : mn1;
    mn0 = r < mn0 ? r : mn0;
    mn1 = t < mn1 ? t : mn1;
    mx0 = p > mx0 ? p : mx0;
    mx1 = q > mx1 ? q : mx1;
    mx0 = r > mx0 ? r : mx0;
    mx1 = t > mx1 ? t : mx1;
    dead += (p <= dM ? 1 : 0) + (q <= dM ? 1 : 0) + (r <= dM ? 1 : 0) + (t <= dM ? 1 : 0);
    sat += (p <= lo || p >= hi ? 1 : 0) + (q <= lo || q >= hi ? 1 : 0) + (r <= lo || r >= hi ? 1 : 0) + (t <= lo || t >= hi ? 1 : 0);
  }
  for (; i < e; i++) {
    const p = x[i];
    s0 += p;
    mn0 = p < mn0 ? p : mn0;
    mx0 = p > mx0 ? p : mx0;
    dead += p <= dM ? 1 : 0;
    sat += p <= lo || p >= hi ? 1 : 0;
  }
  const sum = (s0 + s1) + (s2 + s3);
  if (sum !== sum) return false;
  const n = e - b;
  const mean = n > 0 ? sum / n : 0;
  let q0 = 0, q1 = 0, q2 = 0, q3 = 0;
  i = b;
  for (; i + 4 <= e; i += 4) {
    const p = x[i] - mean, q = x[i + 1] - mean, r = x[i + 2] - mean, t = x[i + 3] - mean;
    q0 += p * p;
    q1 += q * q;
    q2 += r * r;
    q3 += t * t;
  }
  for (; i < e; i++) {
    const p = x[i] - mean;
    q0 += p * p;
  }
  a.n = n;
  a.nan = 0;
  a.min = mn0 < mn1 ? mn0 : mn1;
  a.max = mx0 > mx1 ? mx0 : mx1;
  a.mean = mean;
  a.m2 = (q0 + q1) + (q2 + q3);
  a.dead = dead;
  a.sat = sat;
  return true;
}

/**
 * Backend.stats's scan in JS; with `seluOut`, the moments of selu(x) too,
 * computed from each segment while it is still in cache (still one pass over
 * memory), written in the same layout.
 */
export function scanStats(
  xa: FloatArray, outer: number, C: number, inner: number, hasShape: boolean, dM: number, sL: number, sH: number,
  out: Float64Array, seluOut?: Float64Array,
): void {
  const seg = new Acc();
  const whole = new PairwiseAcc();
  const chans = hasShape ? Array.from({ length: C }, () => new Acc()) : null;
  const selu = seluOut ? { buf: new Float64Array(SEGMENT), whole: new PairwiseAcc(), seg: new Acc() } : null;

  const visit = (base: number, runs: number, len: number, stride: number, c: number): void => {
    segment(xa, base, runs, len, stride, dM, sL, sH, seg);
    if (chans) chans[c].merge(seg);
    const a = new Acc();
    a.merge(seg);
    whole.add(a);
    if (selu) {
      const buf = selu.buf;
      let k = 0;
      for (let r = 0, b = base; r < runs; r++, b += stride) for (let i = b, e = b + len; i < e; i++) buf[k++] = xa[i];
      const view = k === SEGMENT ? buf : buf.subarray(0, k);
      seluKernel(view, view, SELU_ALPHA, SELU_LAMBDA);
      segment(view, 0, 1, k, 0, NaN, NaN, NaN, selu.seg);
      const s2 = new Acc();
      s2.merge(selu.seg);
      selu.whole.add(s2);
    }
  };

  if (outer * C * inner === 0) {
    // No element: every channel stays empty (a zero dimension beside huge ones costs nothing).
  } else if (!hasShape || inner >= SEGMENT / 4) {
    // Contiguous runs: a channel's inner block (or the whole array) in chunks of SEGMENT.
    for (let o = 0; o < outer; o++) {
      for (let c = 0; c < C; c++) {
        const base = (o * C + c) * inner;
        for (let j = 0; j < inner; j += SEGMENT) visit(base + j, 1, Math.min(SEGMENT, inner - j), 0, c);
      }
    }
  } else {
    // Short runs (NHWC, or small spatial maps): per channel, a block of rows read with a stride, in cache.
    const rowElems = C * inner;
    const rowsPerBlock = Math.max(1, Math.floor(SEGMENT / rowElems));
    for (let o0 = 0; o0 < outer; o0 += rowsPerBlock) {
      const rows = Math.min(rowsPerBlock, outer - o0);
      for (let c = 0; c < C; c++) visit(o0 * rowElems + c * inner, rows, inner, rowElems, c);
    }
  }
  if (chans) chans.forEach((a, c) => a.store(out, 8 * c));
  whole.total().store(out, 8 * C);
  if (selu) selu.whole.total().store(seluOut!, 0);
}

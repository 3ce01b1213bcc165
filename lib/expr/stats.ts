/**
 * stats(x, { op, shape, channelAxis }): activation diagnostics in one pass
 * over memory. The data is cut into segments of at most SEGMENT elements (of
 * one channel when a channel axis is given); each segment is summed and then
 * re-read from cache for its centred sum of squares (two-pass, so no
 * cancellation), and segments are merged with Chan's formula, pairwise for the
 * whole array: accurate mean and variance at 16M elements and beyond.
 */
import type { Backend } from '../backend';
import type { FloatArray } from '../types';
import { checkFloatArray, checkOptionsObject, expected, unknownOption } from '../validate';
import { unaryOps, unaryNames, type UnaryName, type UnaryOpDef } from '../ops';
import type { CompiledActivation, CompileFn } from './compile';
import { deriveRegions, type Regions } from './regions';
import { isRegistryOp } from './registry-ops';

/** Elements per segment: 32 KiB of float64 scratch, the segment stays in L1/L2 for its second pass. */
const SEGMENT = 4096;

export interface Moments {
  /** Elements, NaN included. */
  count: number;
  nanCount: number;
  /** Over the non-NaN elements (NaN when there are none). */
  min: number;
  max: number;
  mean: number;
  /** Population variance (divided by the number of non-NaN elements). */
  variance: number;
  /** Fraction of the non-NaN elements in the op's dead region; null without one. */
  dead: number | null;
  /** Fraction of the non-NaN elements where |f'(x)| < 1e-3; null without an op. */
  saturated: number | null;
}

export interface Stats extends Moments {
  /** The op whose regions were used (its name, or the compiled expression), or null. */
  op: string | null;
  /** The regions, as derived from the op's derivative. */
  regions: { dead: string | null; saturated: string | null } | null;
  /** With shape and channelAxis: the same per channel. */
  channels?: Moments[];
  /** Channels whose every non-NaN element is in the dead region: the dying-ReLU monitor. */
  deadChannels?: number[];
  /** For op 'selu': mean and variance of selu(x) (self-normalizing when near 0 and 1). */
  selfNormalization?: { mean: number; variance: number; meanError: number; varianceError: number };
}

export interface StatsOptions {
  /** A registry op name ('prelu' reads as leakyRelu: the same regions), an expression, or a compiled activation. */
  op?: string | CompiledActivation;
  /** Parameters of a registry op (as its options), for ops whose regions depend on them. */
  params?: Readonly<Record<string, number | string>>;
  shape?: readonly number[];
  channelAxis?: number;
}

export type StatsFn = (x: FloatArray, options?: StatsOptions) => Stats;

/** Running moments of one group. */
class Acc {
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
        const d = x[i] - mean;
        if (d === d) m2 += d * d;
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

function describeRegions(r: Regions): { dead: string | null; saturated: string | null } {
  const dead = r.deadMax === null ? null : r.deadMax === 0 ? 'x ≤ 0' : 'x < 0';
  const parts: string[] = [];
  if (r.satBelow !== -Infinity) parts.push(r.satBelow === 0 ? 'x ≤ 0' : r.satBelow === -Number.MIN_VALUE ? 'x < 0' : `x ≤ ${r.satBelow}`);
  if (r.satAbove !== Infinity) parts.push(r.satAbove === 0 ? 'x ≥ 0' : r.satAbove === Number.MIN_VALUE ? 'x > 0' : `x ≥ ${r.satAbove}`);
  return { dead, saturated: parts.length ? parts.join(' or ') : null };
}

export function createStats(backend: Backend, compile: CompileFn): StatsFn {
  const regionCache = new Map<string, Regions>();
  const actRegions = new WeakMap<CompiledActivation, Regions>();
  const fn = 'stats';

  /** The compiled form of a registry op with its parameters, as an expression of this package's language. */
  function opExpression(name: UnaryName, params: Readonly<Record<string, unknown>> | undefined): string {
    const def: UnaryOpDef = unaryOps[name];
    const args: string[] = [];
    for (const k in params ?? {}) {
      if (!def.params.some((p) => p.name === k)) throw unknownOption(fn, k, 'options.params', def.params.map((p) => p.name));
    }
    for (const p of def.params) {
      const v = params?.[p.name];
      if (v === undefined) continue;
      if (p.kind === 'enum') {
        if (typeof v !== 'string' || !p.values.includes(v)) {
          throw new TypeError(`${fn}: ${expected(`one of ${p.values.map((s) => JSON.stringify(s)).join(', ')}`, `options.params.${p.name}`, v)}`);
        }
        args.push(`${p.name} = '${v}'`);
      } else {
        if (typeof v !== 'number' || !Number.isFinite(v)) throw new TypeError(`${fn}: ${expected('a finite number', `options.params.${p.name}`, v)}`);
        args.push(`${p.name} = ${v}`);
      }
    }
    return `${name}(${['x', ...args].join(', ')})`;
  }

  function regionsOf(op: unknown, params: Record<string, unknown> | undefined): { label: string; regions: Regions; selu: boolean } {
    let act: CompiledActivation;
    let label: string;
    let selu = false;
    if (typeof op === 'function' && typeof (op as CompiledActivation).backwardProgram === 'object') {
      if (params !== undefined) throw new TypeError(`${fn}: options.params is for registry ops; a compiled activation carries its own parameters`);
      act = op as CompiledActivation;
      label = act.expression;
    } else if (typeof op === 'string') {
      // PReLU is leakyRelu with a learned α per channel: the same dead (negative) side.
      const name = op === 'prelu' && !isRegistryOp(op) ? 'leakyRelu' : op;
      if (/^\s*[A-Za-z_]\w*\s*$/.test(op) && !isRegistryOp(name)) {
        throw new TypeError(`${fn}: ${expected(`an op name (${unaryNames.join(', ')}, prelu), an expression or a compiled activation`, 'options.op', op)}`);
      }
      const expr = isRegistryOp(name) ? opExpression(name, params) : op;
      if (!isRegistryOp(name) && params !== undefined) throw new TypeError(`${fn}: options.params is for registry ops; write an expression's parameters into it`);
      selu = name === 'selu';
      label = op;
      const cached = regionCache.get(expr);
      if (cached) return { label, regions: cached, selu };
      act = compile(expr);
      const r = deriveRegions(act.backwardProgram);
      if (regionCache.size > 64) regionCache.clear();
      regionCache.set(expr, r);
      return { label, regions: r, selu };
    } else {
      throw new TypeError(`${fn}: ${expected(`an op name (${unaryNames.join(', ')}, prelu), an expression or a compiled activation`, 'options.op', op)}`);
    }
    let r = actRegions.get(act);
    if (r === undefined) {
      r = deriveRegions(act.backwardProgram);
      actRegions.set(act, r);
    }
    return { label, regions: r, selu };
  }

  function checkShape(x: FloatArray, shape: unknown, axis: unknown): { outer: number; C: number; inner: number } {
    if (!Array.isArray(shape)) throw new TypeError(`${fn}: ${expected('an array of non-negative integers', 'options.shape', shape)}`);
    let prod = 1;
    shape.forEach((d, i) => {
      if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
        throw new TypeError(`${fn}: ${expected('a non-negative integer', `options.shape[${i}]`, d)}`);
      }
      prod *= d;
    });
    if (prod !== x.length) {
      throw new RangeError(`${fn}: Expected options.shape to describe x's ${x.length} elements but its product is ${prod} ([${shape.join(', ')}])`);
    }
    const rank = shape.length;
    if (typeof axis !== 'number' || !Number.isInteger(axis)) {
      throw new TypeError(`${fn}: ${expected(`an integer in [${-rank}, ${rank - 1}] (the channel axis; NCHW: 1, NHWC: -1)`, 'options.channelAxis', axis)}`);
    }
    if (axis < -rank || axis >= rank) {
      throw new RangeError(`${fn}: ${expected(`an integer in [${-rank}, ${rank - 1}] for a shape of rank ${rank}`, 'options.channelAxis', axis)}`);
    }
    const ax = axis < 0 ? axis + rank : axis;
    const outer = shape.slice(0, ax).reduce((a: number, b: number) => a * b, 1);
    const inner = shape.slice(ax + 1).reduce((a: number, b: number) => a * b, 1);
    return { outer, C: shape[ax] as number, inner };
  }

  return function stats(x: FloatArray, options?: StatsOptions): Stats {
    const xa = checkFloatArray(fn, x, 'x');
    const opts = checkOptionsObject(fn, options, 'options');
    const allowed = ['op', 'params', 'shape', 'channelAxis'];
    if (opts !== undefined) for (const k in opts) if (!allowed.includes(k)) throw unknownOption(fn, k, 'options', allowed);
    const params = checkOptionsObject(fn, opts?.params, 'options.params');
    if (params !== undefined && opts?.op === undefined) throw new TypeError(`${fn}: options.params needs options.op`);
    const hasShape = opts?.shape !== undefined;
    if (hasShape !== (opts?.channelAxis !== undefined)) {
      throw new TypeError(`${fn}: Expected options.shape and options.channelAxis together (per-channel statistics) but received only ${hasShape ? 'shape' : 'channelAxis'}`);
    }
    const geo = hasShape ? checkShape(xa, opts!.shape, opts!.channelAxis) : { outer: 1, C: 1, inner: xa.length };
    const reg = opts?.op !== undefined ? regionsOf(opts.op, params) : null;
    const hasDead = reg !== null && reg.regions.deadMax !== null;
    const hasSat = reg !== null;
    // Thresholds that never match stand in for absent regions, so the scan has no branches on them.
    // NaN thresholds never match: they stand in for absent regions, so the scan has no branches on them.
    const dM = hasDead ? reg!.regions.deadMax! : NaN;
    const sL = reg && reg.regions.satBelow !== -Infinity ? reg.regions.satBelow : NaN;
    const sH = reg && reg.regions.satAbove !== Infinity ? reg.regions.satAbove : NaN;

    const { outer, C, inner } = geo;
    const seg = new Acc();
    const whole = new PairwiseAcc();
    const chans = hasShape ? Array.from({ length: C }, () => new Acc()) : null;
    // SELU's outputs are computed from the segment while it is still in cache: still one pass over memory.
    const selu = reg?.selu ? { buf: new Float64Array(SEGMENT), whole: new PairwiseAcc(), seg: new Acc() } : null;

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
        (unaryOps.selu as UnaryOpDef).js(view, view, 0, 0);
        segment(view, 0, 1, k, 0, NaN, NaN, NaN, selu.seg);
        const s2 = new Acc();
        s2.merge(selu.seg);
        selu.whole.add(s2);
      }
    };

    // The native scan when the backend has one (SELU's outputs need the kernel too: JS does both).
    const native = selu === null && backend.stats !== undefined ? new Float64Array(8 * (C + 1)) : null;
    if (native !== null && backend.stats!(xa, outer, C, inner, hasShape, dM, sL, sH, native)) {
      const fill = (a: Acc, k: number): void => {
        const o = 8 * k;
        [a.n, a.nan, a.min, a.max, a.mean, a.m2, a.dead, a.sat] = native.subarray(o, o + 8);
      };
      if (chans) chans.forEach((a, c) => fill(a, c));
      const t = new Acc();
      fill(t, C);
      whole.add(t);
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

    const total = whole.total();
    const result: Stats = {
      ...total.moments(hasDead, hasSat),
      count: xa.length,
      op: reg ? reg.label : null,
      regions: reg ? describeRegions(reg.regions) : null,
    };
    if (chans) {
      result.channels = chans.map((a) => a.moments(hasDead, hasSat));
      result.deadChannels = hasDead ? chans.flatMap((a, c) => (a.n > 0 && a.dead === a.n ? [c] : [])) : [];
    }
    if (selu) {
      const t = selu.whole.total();
      const mean = t.n ? t.mean : NaN;
      const variance = t.n ? t.m2 / t.n : NaN;
      result.selfNormalization = { mean, variance, meanError: Math.abs(mean), varianceError: Math.abs(variance - 1) };
    }
    return result;
  };
}

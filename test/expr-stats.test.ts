import { describe, expect, it } from 'vitest';
import * as ak from '../lib/index';
import { api } from '../lib/instance-js';
import { requiredOptions, unaryNames, unaryOps } from '../lib/registry/ops';
import { rng } from './numerics/helpers';

function normal(r: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
}

/** Kahan-compensated two-pass moments: the slow, obviously right way. */
function naive(values: ArrayLike<number>): { count: number; nanCount: number; min: number; max: number; mean: number; variance: number } {
  let nan = 0, s = 0, c = 0, mn = Infinity, mx = -Infinity;
  const v: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (Number.isNaN(x)) {
      nan++;
      continue;
    }
    v.push(x);
    const y = x - c;
    const t = s + y;
    c = t - s - y;
    s = t;
    mn = Math.min(mn, x);
    mx = Math.max(mx, x);
  }
  const mean = s / v.length;
  let q = 0;
  c = 0;
  for (const x of v) {
    const y = (x - mean) * (x - mean) - c;
    const t = q + y;
    c = t - q - y;
    q = t;
  }
  return { count: values.length, nanCount: nan, min: v.length ? mn : NaN, max: v.length ? mx : NaN, mean: v.length ? mean : NaN, variance: v.length ? q / v.length : NaN };
}

function close(a: number, b: number, rel: number, what: string): void {
  if (Number.isNaN(b)) {
    expect(a, what).toBeNaN();
    return;
  }
  expect(Math.abs(a - b), `${what}: ${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.max(Math.abs(b), 1e-300));
}

function data(n: number, seed: number, f32: boolean, zeros = true): Float32Array | Float64Array {
  const r = rng(seed);
  const a = f32 ? new Float32Array(n) : new Float64Array(n);
  for (let i = 0; i < n; i++) a[i] = i % 97 === 5 ? NaN : zeros && i % 89 === 3 ? 0 : 12 * (r() - 0.5);
  return a;
}

/** f' by central differences of the registry's forward kernel: independent of the symbolic derivative. */
function numericSlope(name: string, opts: Record<string, number> = {}): (v: number) => number {
  const act = (api as unknown as Record<string, (x: Float64Array, o: object) => Float64Array>)[name];
  return (v) => {
    const h = 1e-7 * Math.max(1, Math.abs(v));
    const y = act(new Float64Array([v - h, v + h]), opts);
    return (y[1] - y[0]) / (2 * h);
  };
}

describe('stats', () => {
  it.each([['float32', true], ['float64', false]] as const)('matches a naive two-pass computation (%s)', (_t, f32) => {
    for (const n of [0, 1, 7, 4095, 4096, 4097, 50_001]) {
      const x = data(n, n + 1, f32);
      const s = ak.stats(x);
      const ref = naive(x);
      expect(s.count).toBe(ref.count);
      expect(s.nanCount).toBe(ref.nanCount);
      close(s.min, ref.min, 0, `min n=${n}`);
      close(s.max, ref.max, 0, `max n=${n}`);
      close(s.mean, ref.mean, 1e-12, `mean n=${n}`);
      close(s.variance, ref.variance, 1e-12, `variance n=${n}`);
      expect(s.dead).toBeNull();
      expect(s.saturated).toBeNull();
      expect(s.op).toBeNull();
    }
  });

  it('stays accurate far from zero where a one-pass sum of squares cancels (4M elements)', () => {
    const r = rng(7);
    const n = 1 << 22;
    const x = new Float64Array(n);
    for (let i = 0; i < n; i++) x[i] = 1e6 + normal(r);
    const s = ak.stats(x);
    const ref = naive(x);
    close(s.mean, ref.mean, 1e-15, 'mean');
    close(s.variance, ref.variance, 1e-9, 'variance');
    let sum = 0, sq = 0;
    for (let i = 0; i < n; i++) {
      sum += x[i];
      sq += x[i] * x[i];
    }
    // What the textbook formula gets, to show the test would catch it.
    expect(Math.abs(sq / n - (sum / n) ** 2 - ref.variance)).toBeGreaterThan(1e-6);
  });

  it('gives the same bits on 1, 2 and 3 threads (large arrays run their segments on the pool), whole and per channel, as the twin', () => {
    const r = rng(11);
    const n = 1 << 21;
    const x32 = new Float32Array(n);
    for (let i = 0; i < n; i++) x32[i] = i % 977 === 0 ? NaN : 3 * normal(r) - 0.5;
    const x64 = Float64Array.from(x32);
    const before = ak.info().threads;
    try {
      for (const x of [x32, x64]) {
        for (const opts of [{ op: 'relu' }, { op: 'sigmoid', shape: [8, 64, 64, 64], channelAxis: 1 }, { op: 'tanh', shape: [2048, 1024], channelAxis: 1 }] as const) {
          const runs = [1, 2, 3].map((t) => {
            ak.setThreads(t);
            return JSON.stringify(ak.stats(x, opts));
          });
          expect(runs[1], `${x.constructor.name} ${opts.op} 2 threads`).toBe(runs[0]);
          expect(runs[2], `${x.constructor.name} ${opts.op} 3 threads`).toBe(runs[0]);
          // The twin's scan: same segmentation and merge order, so the same figures.
          const twin = api.stats(x, opts);
          const mine = JSON.parse(runs[0]);
          expect(mine.count).toBe(twin.count);
          expect(mine.nanCount).toBe(twin.nanCount);
          expect(mine.min).toBe(twin.min);
          expect(mine.max).toBe(twin.max);
          close(mine.mean, twin.mean, 1e-14, 'mean');
          close(mine.variance, twin.variance, 1e-12, 'variance');
        }
      }
    } finally {
      ak.setThreads(before);
    }
  });

  it.each(unaryNames.map((n) => [n]))('%s: dead and saturated fractions agree with a per-element derivative', (name) => {
    // No exact zeros here: at a kink, finite differences straddle two slopes.
    const x = data(20_000, name.length, false, false);
    x[0] = 0; // but one, for the inclusive end of a dead region (relu'(0) = 0)
    // Required parameters at the registry's example values (threshold has no defaults).
    const req = requiredOptions(unaryOps[name]);
    const withReq = Object.keys(req).length ? { params: req } : {};
    const s = ak.stats(x, { op: name, ...withReq });
    const slope = numericSlope(name, req);
    // The dead region by its definition, from finite differences: a constant slope on the whole
    // negative side, below the slope just right of 0.
    const neg = [-1e6, -50, -7.25, -1.5, -0.3, -1e-3].map(slope);
    const hasDead = neg.every((v) => Math.abs(v - neg[0]) <= 1e-6) && slope(1e-3) > neg[0] + 1e-6;
    expect(s.dead !== null, `${name} has a dead region`).toBe(hasDead);
    let nn = 0, dead = 0, sat = 0;
    const src = `${name}(${['x', ...Object.entries(req).map(([k, v]) => `${k} = ${v}`)].join(', ')})`;
    const deadAtZero = hasDead && Math.abs(api.compile(src).backward(new Float64Array([1]), new Float64Array([0]))[0] - neg[0]) < 1e-6;
    for (const v of x) {
      if (Number.isNaN(v)) continue;
      nn++;
      const isDead = hasDead && (v < 0 || (v === 0 && deadAtZero));
      if (isDead) dead++;
      // Saturated: flat here and all the way out (an interior zero of f', as swish's minimum, is not a tail).
      // At 0 itself: saturated when the whole negative side from 0 on is flat (threshold: x ≤ 0 of its flat x ≤ t).
      else if ([0, 0.01, 0.1, 1, 10, 1000].every((t) => Math.abs(slope(v === 0 ? -t : v + Math.sign(v) * t)) < 1e-3)) sat++;
    }
    if (hasDead) expect(s.dead).toBe(dead / nn);
    expect(s.saturated, `${name} saturated ${s.regions?.saturated}`).toBe(sat / nn);
  });

  it('locates the saturation thresholds of sigmoid and tanh where the derivative crosses 1e-3', () => {
    const sig = ak.stats(new Float64Array([0]), { op: 'sigmoid' }).regions!.saturated!;
    const t = Number(/x ≥ ([0-9.e-]+)/.exec(sig)![1]);
    const d = (v: number) => 1 / (1 + Math.exp(-v)) / (1 + Math.exp(v));
    expect(d(t)).toBeLessThan(1e-3);
    expect(d(t - 1e-12)).toBeGreaterThanOrEqual(1e-3 - 1e-15);
    expect(sig).toBe(`x ≤ ${-t} or x ≥ ${t}`);
    const th = ak.stats(new Float64Array([0]), { op: 'tanh' }).regions!.saturated!;
    const u = Number(/x ≥ ([0-9.e-]+)/.exec(th)![1]);
    expect(u).toBeCloseTo(Math.atanh(Math.sqrt(1 - 1e-3)), 10);
    expect(ak.stats(new Float64Array([0]), { op: 'relu' }).regions).toEqual({ dead: 'x ≤ 0', saturated: null });
    expect(ak.stats(new Float64Array([0]), { op: 'prelu' }).regions!.dead).not.toBeNull();
  });

  it.each([
    ['NCHW, short rows (strided path)', [4, 6, 5, 7], 1],
    ['NCHW, long rows (contiguous path)', [2, 3, 40, 40], 1],
    ['NHWC', [3, 5, 4, 6], -1],
    ['channel axis 0', [5, 300], 0],
  ] as const)('per channel, %s, with the dying-ReLU monitor', (_what, shape, axis) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const rank = shape.length;
    const ax = axis < 0 ? axis + rank : axis;
    const C = shape[ax];
    const inner = shape.slice(ax + 1).reduce((a, b) => a * b, 1);
    const x = data(n, 99, true);
    const chan = (i: number) => Math.floor(i / inner) % C;
    // Channel 1 dead in every sample; channel C-1 dead except for one positive value.
    let lastSet = false;
    for (let i = 0; i < n; i++) {
      const c = chan(i);
      if (c === 1 && !Number.isNaN(x[i])) x[i] = -Math.abs(x[i]);
      if (c === C - 1 && !Number.isNaN(x[i])) {
        x[i] = lastSet ? -Math.abs(x[i]) : 1;
        lastSet = true;
      }
    }
    const s = ak.stats(x, { op: 'relu', shape, channelAxis: axis });
    expect(s.channels).toHaveLength(C);
    expect(s.deadChannels).toEqual([1]);
    for (let c = 0; c < C; c++) {
      const vals = Array.from(x).filter((_, i) => chan(i) === c);
      const ref = naive(vals);
      const m = s.channels![c];
      expect(m.count).toBe(ref.count);
      expect(m.nanCount).toBe(ref.nanCount);
      close(m.min, ref.min, 0, `min c=${c}`);
      close(m.max, ref.max, 0, `max c=${c}`);
      close(m.mean, ref.mean, 1e-12, `mean c=${c}`);
      close(m.variance, ref.variance, 1e-12, `variance c=${c}`);
      const nn = vals.filter((v) => !Number.isNaN(v));
      expect(m.dead).toBe(nn.filter((v) => v <= 0).length / nn.length);
    }
    const all = naive(x);
    close(s.mean, all.mean, 1e-12, 'mean');
    close(s.variance, all.variance, 1e-12, 'variance');
  });

  it("reports SELU's self-normalization: mean and variance of its outputs", () => {
    const r = rng(3);
    const x = new Float32Array(200_000);
    for (let i = 0; i < x.length; i++) x[i] = normal(r);
    const s = ak.stats(x, { op: 'selu' });
    const ref = naive(api.selu(Float64Array.from(x)));
    close(s.selfNormalization!.mean, ref.mean, 1e-9, 'mean');
    close(s.selfNormalization!.variance, ref.variance, 1e-12, 'variance');
    // Standard normal inputs: SELU's fixed point, up to sampling noise.
    expect(Math.abs(s.selfNormalization!.mean)).toBeLessThan(0.01);
    expect(s.selfNormalization!.varianceError).toBeLessThan(0.02);
    expect(ak.stats(x, { op: 'relu' }).selfNormalization).toBeUndefined();
  });

  it('takes an expression or a compiled activation as the op', () => {
    const x = data(5000, 11, false);
    const a = ak.stats(x, { op: 'max(x, 0)' });
    const b = ak.stats(x, { op: ak.compile('max(x, 0)') });
    const c = ak.stats(x, { op: 'relu' });
    expect(a.dead).toBe(c.dead);
    expect(b.dead).toBe(c.dead);
    expect(a.op).toBe('max(x, 0)');
    const sp = ak.stats(x, { op: 'softplus', params: { beta: 4 } });
    expect(sp.regions!.saturated).toMatch(/^x ≤ -1\.7/);
  });

  it('validates its arguments before any work', () => {
    const x = new Float32Array(24);
    expect(() => ak.stats([1, 2] as unknown as Float32Array)).toThrow(TypeError);
    expect(() => ak.stats(x, { shape: [2, 3, 4] } as never)).toThrow(/shape and options.channelAxis together/);
    expect(() => ak.stats(x, { shape: [2, 3, 5], channelAxis: 1 })).toThrow(RangeError);
    expect(() => ak.stats(x, { shape: [2, 3, 4], channelAxis: 3 })).toThrow(RangeError);
    // Shapes and axes in the shaped ops' voice (lib/validate/shape.ts): the right type out of range is a RangeError.
    expect(() => ak.stats(x, { shape: [2, 3, 4], channelAxis: 1.5 })).toThrow(RangeError);
    expect(() => ak.stats(x, { shape: [2, -3, 4], channelAxis: 1 })).toThrow(RangeError);
    expect(() => ak.stats(x, { shape: [2, '3', 4] as unknown as number[], channelAxis: 1 })).toThrow(TypeError);
    expect(() => ak.stats(x, { shape: [2, 3, 4], channelAxis: '1' as unknown as number })).toThrow(TypeError);
    expect(() => ak.stats(x, { op: 'nope' })).toThrow(/Expected an op name/);
    expect(() => ak.stats(x, { op: 'x *' })).toThrow(SyntaxError);
    expect(() => ak.stats(x, { op: 42 as unknown as string })).toThrow(TypeError);
    expect(() => ak.stats(x, { op: 'elu', params: { gamma: 1 } })).toThrow(/Unknown option "gamma"/);
    expect(() => ak.stats(x, { params: { alpha: 1 } })).toThrow(/needs options.op/);
    expect(() => ak.stats(x, { axis: 1 } as never)).toThrow(/Unknown option "axis"/);
    const s = ak.stats(x, { shape: [2, 3, 4], channelAxis: -2 });
    expect(s.channels).toHaveLength(3);
    expect(s.deadChannels).toEqual([]);
  });
});

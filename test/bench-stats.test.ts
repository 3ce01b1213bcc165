// The benchmark's statistics (bench/stats.cjs) on synthetic samples from a
// seeded generator, so every assertion is deterministic. Reference values of
// erfc and of the Mann-Whitney p-values come from mpmath and scipy.stats.
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stats = require('../bench/stats.cjs');

/** n log-normal timings with the given median and spread, like a benchmark's samples. */
function timings(seed: number, n: number, med: number, sigma = 0.05): number[] {
  const normal = stats.normalRng(stats.rng(seed));
  return Array.from({ length: n }, () => med * Math.exp(sigma * normal()));
}

describe('erfc and the normal tail', () => {
  it('matches mpmath on both branches and in the far tail', () => {
    const ref: [number, number][] = [
      [0, 1],
      [0.1, 0.887537083981715],
      [1, 0.157299207050285],
      [1.99, 0.004888586800383],
      [2, 0.004677734981047266],
      [3, 2.209049699858544e-5],
      [6, 2.1519736712498913e-17],
      [-1, 1.842700792949715],
    ];
    for (const [x, want] of ref) expect(Math.abs(stats.erfc(x) / want - 1)).toBeLessThan(1e-12);
  });

  it('gives the textbook two-sided critical values', () => {
    expect(stats.normalTwoSided(1.959963984540054)).toBeCloseTo(0.05, 12);
    expect(stats.normalTwoSided(2.5758293035489)).toBeCloseTo(0.01, 12);
  });
});

describe('summaries', () => {
  it('median, range and a CI that brackets the median', () => {
    const s = stats.summarize([5, 1, 4, 2, 3, 100]);
    expect(s.median).toBe(3.5);
    expect(s.min).toBe(1);
    expect(s.max).toBe(100);
    expect(s.ci[0]).toBeLessThanOrEqual(3.5);
    expect(s.ci[1]).toBeGreaterThanOrEqual(3.5);
  });

  it('is reproducible: the same samples and seed give the same interval', () => {
    const a = timings(1, 20, 10);
    expect(stats.bootstrapMedianCI(a)).toEqual(stats.bootstrapMedianCI(a));
  });
});

describe('Mann-Whitney U', () => {
  it('matches scipy: exact for small samples without ties', () => {
    const a = Array.from({ length: 10 }, (_, i) => i + 1);
    const b = a.map((v) => v + 10);
    const r = stats.mannWhitney(a, b);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(0);
    expect(r.p).toBeCloseTo(1.082508822446903e-5, 15);
    // Three against three can never reach p < 0.01: the best possible is 2/20.
    expect(stats.mannWhitney([1, 2, 3], [4, 5, 6]).p).toBeCloseTo(0.1, 12);
  });

  it('matches scipy: normal approximation with continuity correction', () => {
    const a = Array.from({ length: 30 }, (_, i) => i);
    const r = stats.mannWhitney(a, a.map((v) => v + 0.5));
    expect(r.method).toBe('normal');
    expect(r.u).toBe(435);
    expect(r.p).toBeCloseTo(0.8302552839111963, 12);
  });

  it('handles ties with the tie correction, as scipy does', () => {
    const a = [1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4];
    const b = [3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6, 6];
    const r = stats.mannWhitney(a, b);
    expect(r.method).toBe('normal');
    expect(r.u).toBe(14.5);
    expect(r.p).toBeCloseTo(0.000789420672048721, 12);
  });

  it('identical distributions: not significant', () => {
    const a = timings(11, 15, 100);
    const b = timings(12, 15, 100);
    const c = stats.compare(a, b);
    expect(c.significant).toBe(false);
    expect(c.verdict).toBe('n.s.');
    expect(c.ci[0]).toBeLessThan(1);
    expect(c.ci[1]).toBeGreaterThan(1);
  });

  it('identical distributions: false alarms stay near the 1% level over many seeds', () => {
    let alarms = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      if (stats.mannWhitney(timings(1000 + 2 * t, 12, 100), timings(1001 + 2 * t, 12, 100)).p < stats.ALPHA) alarms++;
    }
    expect(alarms / trials).toBeLessThan(0.03);
  });

  it('a 10% shift is significant, in the right direction', () => {
    const fast = timings(21, 15, 90);
    const slow = timings(22, 15, 100);
    const c = stats.compare(fast, slow);
    expect(c.significant).toBe(true);
    expect(c.verdict).toBe('faster');
    expect(c.speedup).toBeGreaterThan(1);
    expect(stats.compare(slow, fast).verdict).toBe('slower');
  });

  it('a small shift drowned in noise is not called a win', () => {
    const c = stats.compare(timings(31, 12, 99, 0.2), timings(32, 12, 100, 0.2));
    expect(c.significant).toBe(false);
    expect(c.verdict).toBe('n.s.');
  });
});

describe('ratio of medians', () => {
  it('the CI covers the true ratio in a synthetic case', () => {
    const a = timings(41, 30, 150);
    const b = timings(42, 30, 100);
    const { ratio, ci } = stats.ratioOfMedians(a, b);
    expect(ratio).toBeGreaterThan(1.4);
    expect(ratio).toBeLessThan(1.6);
    expect(ci[0]).toBeLessThan(1.5);
    expect(ci[1]).toBeGreaterThan(1.5);
  });

  it('the 95% CI covers the true ratio in most repetitions', () => {
    let covered = 0;
    const trials = 150;
    for (let t = 0; t < trials; t++) {
      const { ci } = stats.ratioOfMedians(timings(5000 + 2 * t, 25, 150), timings(5001 + 2 * t, 25, 100), { resamples: 600, seed: t });
      if (ci[0] <= 1.5 && 1.5 <= ci[1]) covered++;
    }
    // Percentile bootstrap of a median undercovers slightly at n = 25; 95% nominal.
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThanOrEqual(1);
  });
});

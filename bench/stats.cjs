'use strict';
/**
 * Statistics for the benchmark: summaries of timing samples, percentile
 * bootstrap confidence intervals (of a median and of a ratio of medians) and
 * the Mann-Whitney U test.
 *
 * Timing samples are skewed (a floor set by the hardware, a long tail from
 * interrupts, other processes and GC), so every figure is a median and every
 * comparison is rank-based: a few slow outliers move neither. Resampling uses
 * a seeded generator so that a run's report (and the unit tests) can be
 * reproduced exactly from its samples.
 *
 * Plain CommonJS with no dependencies: it runs under `node` and under vitest.
 */

/** mulberry32: small, fast, and good enough to drive resampling; returns floats in [0, 1). */
const { rng } = require('../test/rng.cjs');

/** Standard normal deviates by Box-Muller, from a uniform generator. */
function normalRng(uniform) {
  let spare = NaN;
  return function normal() {
    if (spare === spare) {
      const s = spare;
      spare = NaN;
      return s;
    }
    let u = 0;
    while (u === 0) u = uniform();
    const v = uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

function sortedCopy(a) {
  return Float64Array.from(a).sort();
}

/** Linear-interpolation quantile (type 7, as R and numpy default) of a sorted array. */
function quantileSorted(s, q) {
  const n = s.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return s[lo] + (h - lo) * (s[hi] - s[lo]);
}

function median(a) {
  return quantileSorted(sortedCopy(a), 0.5);
}

/**
 * Median of a bootstrap resample of `a`, drawn with `uniform`. `buf` is
 * scratch of a's length, reused across resamples to keep the loop
 * allocation-free.
 */
function resampledMedian(a, buf, uniform) {
  const n = a.length;
  for (let i = 0; i < n; i++) buf[i] = a[(uniform() * n) | 0];
  buf.sort();
  return quantileSorted(buf, 0.5);
}

const DEFAULTS = { resamples: 2000, level: 0.95, seed: 0x5eed };

/** Percentile bootstrap CI of the median of `a`. Returns [lo, hi]. */
function bootstrapMedianCI(a, opts = {}) {
  const { resamples, level, seed } = { ...DEFAULTS, ...opts };
  if (a.length === 0) return [NaN, NaN];
  const uniform = rng(seed);
  const buf = new Float64Array(a.length);
  const meds = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) meds[r] = resampledMedian(a, buf, uniform);
  meds.sort();
  const tail = (1 - level) / 2;
  return [quantileSorted(meds, tail), quantileSorted(meds, 1 - tail)];
}

/**
 * median(a) / median(b) with a percentile bootstrap CI, a and b resampled
 * independently (they are independent series of timings). Returns
 * { ratio, ci: [lo, hi] }.
 */
function ratioOfMedians(a, b, opts = {}) {
  const { resamples, level, seed } = { ...DEFAULTS, ...opts };
  const ratio = median(a) / median(b);
  if (a.length === 0 || b.length === 0) return { ratio, ci: [NaN, NaN] };
  const uniform = rng(seed);
  const bufA = new Float64Array(a.length);
  const bufB = new Float64Array(b.length);
  const rs = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) rs[r] = resampledMedian(a, bufA, uniform) / resampledMedian(b, bufB, uniform);
  rs.sort();
  const tail = (1 - level) / 2;
  return { ratio, ci: [quantileSorted(rs, tail), quantileSorted(rs, 1 - tail)] };
}

/**
 * erfc(x) for x ≥ 0, to about 1e-13 relative: the Maclaurin series of erf
 * below 2 (where 1 - erf cancels at most a factor 1/erfc(2) ≈ 200, harmless
 * for p-values), Lentz's continued fraction above it, where it converges
 * fast and keeps full relative accuracy in the far tail.
 */
function erfc(x) {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2) {
    // erf(x) = 2/√π Σ (-1)^n x^(2n+1) / (n! (2n+1))
    const x2 = x * x;
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= -x2 / n;
      const add = term / (2 * n + 1);
      sum += add;
      if (Math.abs(add) < 1e-17 * Math.abs(sum)) break;
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  // erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...))))),
  // evaluated by the modified Lentz algorithm.
  const tiny = 1e-300;
  let f = x;
  let C = x;
  let D = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    D = x + a * D;
    D = D === 0 ? tiny : D;
    C = x + a / C;
    C = C === 0 ? tiny : C;
    D = 1 / D;
    const delta = C * D;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / f;
}

/** Two-sided tail probability of a standard normal beyond |z|. */
function normalTwoSided(z) {
  return erfc(Math.abs(z) / Math.SQRT2);
}

/**
 * Ranks of the pooled samples (1-based, ties get their average rank).
 * Returns { rankSumA, tieTerm } where tieTerm = Σ (t³ - t) over tie groups.
 */
function pooledRanks(a, b) {
  const n1 = a.length;
  const all = [];
  for (let i = 0; i < n1; i++) all.push([a[i], 0]);
  for (let i = 0; i < b.length; i++) all.push([b[i], 1]);
  all.sort((p, q) => p[0] - q[0]);
  let rankSumA = 0;
  let tieTerm = 0;
  for (let i = 0; i < all.length;) {
    let j = i + 1;
    while (j < all.length && all[j][0] === all[i][0]) j++;
    const t = j - i;
    const avg = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) if (all[k][1] === 0) rankSumA += avg;
    if (t > 1) tieTerm += t * t * t - t;
    i = j;
  }
  return { rankSumA, tieTerm };
}

/**
 * Exact null distribution of U for sizes m, n without ties: counts[u] = the
 * number of the C(m+n, m) orderings with U = u, by the recurrence
 * N(m, n, u) = N(m-1, n, u-n) + N(m, n-1, u). Returned as probabilities.
 */
function exactUDistribution(m, n) {
  // prev[j] holds the distribution for (i-1, j) while row i is built.
  let prev = [];
  for (let j = 0; j <= n; j++) prev.push([1]);
  for (let i = 1; i <= m; i++) {
    const row = [[1]];
    for (let j = 1; j <= n; j++) {
      const len = i * j + 1;
      const cur = new Array(len).fill(0);
      const left = row[j - 1];
      const up = prev[j];
      for (let u = 0; u < left.length; u++) cur[u] += left[u];
      for (let u = 0; u < up.length; u++) cur[u + j] += up[u];
      row.push(cur);
    }
    prev = row;
  }
  const counts = prev[n];
  const total = counts.reduce((s, c) => s + c, 0);
  return counts.map((c) => c / total);
}

/** Above this m·n the exact distribution costs more than it is worth; the normal approximation is excellent there. */
const EXACT_LIMIT = 400;

/**
 * Two-sided Mann-Whitney U test of "a and b come from the same distribution"
 * against a shift. Exact p for small samples without ties, otherwise the
 * normal approximation with tie correction and continuity correction.
 * Returns { u, p, z, method, effect } where u is U of `a` (the count of pairs
 * with a > b, ties counting ½) and effect = u / (n1 n2), the probability that
 * a draw from a exceeds one from b.
 */
function mannWhitney(a, b) {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return { u: NaN, p: NaN, z: NaN, method: 'none', effect: NaN };
  const { rankSumA, tieTerm } = pooledRanks(a, b);
  const u = rankSumA - (n1 * (n1 + 1)) / 2;
  const mean = (n1 * n2) / 2;
  const effect = u / (n1 * n2);
  if (tieTerm === 0 && n1 * n2 <= EXACT_LIMIT) {
    const dist = exactUDistribution(n1, n2);
    // Symmetric distribution: two-sided p = 2 · P(U ≤ min(u, n1n2 - u)).
    const lo = Math.min(u, n1 * n2 - u);
    let tail = 0;
    for (let k = 0; k <= lo; k++) tail += dist[k];
    return { u, p: Math.min(1, 2 * tail), z: NaN, method: 'exact', effect };
  }
  const n = n1 + n2;
  const variance = ((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1)));
  if (variance <= 0) return { u, p: 1, z: 0, method: 'normal', effect };
  const d = Math.abs(u - mean);
  const z = Math.max(0, d - 0.5) / Math.sqrt(variance);
  return { u, p: Math.min(1, normalTwoSided(z)), z: Math.sign(u - mean) * z, method: 'normal', effect };
}

/** The significance level every verdict in the report uses. */
const ALPHA = 0.01;

/**
 * Everything the report says about one implementation against another, on
 * per-call times (smaller is faster): speedup = median(other) / median(self)
 * with its CI, and whether the two differ at p < alpha. A difference that is
 * not significant has `significant: false` and must be reported as such.
 */
function compare(self, other, opts = {}) {
  const alpha = opts.alpha ?? ALPHA;
  const { ratio, ci } = ratioOfMedians(other, self, opts);
  const mw = mannWhitney(self, other);
  const significant = mw.p < alpha;
  return {
    speedup: ratio,
    ci,
    p: mw.p,
    method: mw.method,
    significant,
    verdict: !significant ? 'n.s.' : ratio > 1 ? 'faster' : 'slower',
  };
}

/** Median, range and bootstrap CI of one series. */
function summarize(samples, opts = {}) {
  const s = sortedCopy(samples);
  return {
    n: s.length,
    median: quantileSorted(s, 0.5),
    min: s.length ? s[0] : NaN,
    max: s.length ? s[s.length - 1] : NaN,
    ci: bootstrapMedianCI(samples, opts),
  };
}

module.exports = {
  ALPHA,
  rng,
  normalRng,
  median,
  quantileSorted,
  bootstrapMedianCI,
  ratioOfMedians,
  erfc,
  normalTwoSided,
  mannWhitney,
  exactUDistribution,
  compare,
  summarize,
};

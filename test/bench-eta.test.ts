// bench/eta.cjs: the remaining time of a bench run, predicted from the
// per-call times measured so far (synthetic figures, a fake clock).
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Eta } = require('../bench/eta.cjs');

const config = { samples: 10, minSampleMs: 10, warmupMs: 40 };
const plan = [
  { key: 'relu out', size: 4096 },
  { key: 'gelu out', size: 4096 },
  { key: 'relu out', size: 1 << 20 },
  { key: 'gelu out', size: 1 << 20 },
];

describe('bench ETA', () => {
  it('knows nothing before the first figure ends', () => {
    const e = new Eta(plan, config);
    e.start(0, 0);
    expect(e.remaining(5)).toBeNull();
  });

  it('prices a figure as warm-up, calibration and samples of max(min sample, call)', () => {
    const e = new Eta(plan, config);
    // Short calls: every sample is the 10 ms minimum; warm-up 40 ms; one calibration batch and the check call.
    expect(e.figureMs(0.001)).toBeCloseTo(40 + 10 + 0.001 + 100, 9);
    // Long calls: each sample is one call.
    expect(e.figureMs(50)).toBeCloseTo(100 + 50 + 50 + 500, 9);
  });

  it('extrapolates calls to larger sizes, so a run that starts small does not promise too little', () => {
    const e = new Eta(plan, config);
    e.start(0, 0);
    // 4K calls of 0.01 ms (native) and 0.2 ms (a slow JS loop): both batched up to the 10 ms minimum.
    e.finish(0, new Map([['native', 0.01], ['naive', 0.2]]), 300);
    e.start(1, 300);
    e.finish(1, new Map([['native', 0.05], ['naive', 0.5]]), 600);
    const f = 600 / (e.figureMs(0.01) + e.figureMs(0.2) + e.figureMs(0.05) + e.figureMs(0.5));
    // At 1M (256×) the slow loop's calls last 51 and 128 ms: each sample is a call.
    const want = f * (e.figureMs(2.56) + e.figureMs(51.2) + e.figureMs(12.8) + e.figureMs(128));
    expect(e.remaining(600)).toBeCloseTo(want / 1000, 6);
    // Far more than the 0.6 s the first half took: counting figures would have said 0.6 s.
    expect(e.remaining(600)).toBeGreaterThan(2);
  });

  it('uses the growth measured between two sizes once it has them', () => {
    const e = new Eta([{ key: 'a', size: 1000 }, { key: 'a', size: 2000 }, { key: 'a', size: 8000 }], config);
    e.start(0, 0);
    e.finish(0, new Map([['x', 20]]), 1000);
    e.start(1, 1000);
    // Twice the size, the same time: a fixed cost per call, so 8000 is predicted at 20 ms too.
    e.finish(1, new Map([['x', 20]]), 2000);
    expect(e.callMs('a', 'x', 8000)).toBeCloseTo(20, 9);
  });

  it('counts down inside the running figure and reaches zero at the end', () => {
    const e = new Eta(plan, config);
    e.start(0, 0);
    e.finish(0, new Map([['native', 0.01]]), 200);
    e.start(1, 200);
    const a = e.remaining(200);
    const b = e.remaining(300);
    expect(b).toBeLessThan(a);
    e.finish(1, new Map([['native', 0.01]]), 400);
    e.start(2, 400);
    e.finish(2, new Map([['native', 0.01]]), 600);
    e.start(3, 600);
    e.finish(3, new Map([['native', 0.01]]), 800);
    expect(e.remaining(800)).toBe(0);
  });
});

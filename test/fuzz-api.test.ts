/**
 * The short run of the API fuzzer (scripts/fuzz.cjs; the long one is
 * `npm run fuzz -- --runs 1000000`): random valid calls of every op and form
 * equal the JS twin and write nothing outside their output; random invalid
 * ones throw a TypeError or RangeError (async: reject) and write nothing.
 */
import { describe, expect, it } from 'vitest';
import ak from '../lib/index';
import akjs from '../lib/js';
import { unaryOps, shapedOps } from '../lib/registry/ops';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { makeFuzzer, fc } = require('../scripts/fuzz.cjs') as {
  makeFuzzer: (a: unknown, b: unknown, r: unknown) => { arbitrary: unknown; check: (c: unknown) => Promise<'valid' | 'invalid'>; names: string[] };
  fc: typeof import('fast-check');
};

const RUNS = 3000;

describe('API fuzzing (fast-check)', () => {
  it(`${RUNS} random calls of every op, forward/backward, sync/async, valid and invalid`, async () => {
    const fz = makeFuzzer(ak, akjs, { unaryOps, shapedOps });
    expect(fz.names.length).toBe(Object.keys(unaryOps).length + Object.keys(shapedOps).length);
    const counts = { valid: 0, invalid: 0 };
    await fc.assert(
      fc.asyncProperty(fz.arbitrary as import('fast-check').Arbitrary<unknown>, async (c) => {
        counts[await fz.check(c)]++;
      }),
      { numRuns: RUNS },
    );
    // Both kinds of call took place in numbers (the mutation is an option of the case).
    expect(counts.valid).toBeGreaterThan(RUNS / 4);
    expect(counts.invalid).toBeGreaterThan(RUNS / 4);
  }, 120_000);
});

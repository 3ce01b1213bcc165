/**
 * A short run of every fuzz family of scripts/fuzz-families.cjs (the long run is
 * `npm run fuzz`), on lib/: each family's cases pass on what is here. A family
 * that no longer fits the API (an op added with required options the family
 * does not pass, as threshold's were) fails here, not as a thousand findings of
 * the million-case run.
 */
import { describe, expect, it } from 'vitest';
import ak from '../lib/index';
import akjs from '../lib/js';
import { unaryOps, shapedOps, gatedOps, requiredOptions } from '../lib/registry/ops';
import { loadBinding } from '../lib/backend/native';

type Ctx = Record<string, unknown>;
type Family = { weight: number; run: (ctx: Ctx, r: () => number) => Promise<'valid' | 'invalid'> };
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { families, caseRng, startMutator } = require('../scripts/fuzz-families.cjs') as {
  families: Record<string, Family>;
  caseRng: (seed: number, index: number) => () => number;
  startMutator: () => { stop: () => Promise<number> };
};

const CASES = 200;
const SEED = 20261207;

describe('fuzz families (short run)', () => {
  for (const [name, family] of Object.entries(families)) {
    it(`${name}: ${CASES} cases without a finding`, async () => {
      const b = loadBinding();
      let mutator: ReturnType<typeof startMutator> | null = null;
      let input: unknown = null;
      const ctx: Ctx = {
        ak,
        akjs,
        registry: { unaryOps, shapedOps, gatedOps, requiredOptions },
        binding: 'error' in b ? null : b.binding,
        note: (i: unknown) => {
          input = i;
        },
        mutator: () => (mutator ??= startMutator()),
      };
      const counts = { valid: 0, invalid: 0 };
      try {
        for (let i = 0; i < CASES; i++) {
          input = null;
          try {
            counts[await family.run(ctx, caseRng(SEED, i))]++;
          } catch (e) {
            throw new Error(`${name} case ${i} (${JSON.stringify(input)}): ${(e as Error).message}`);
          }
        }
      } finally {
        if (mutator) await (mutator as { stop: () => Promise<number> }).stop();
      }
      expect(counts.valid + counts.invalid).toBe(CASES);
    }, 60_000);
  }
});

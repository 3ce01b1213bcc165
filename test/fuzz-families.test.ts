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
const { families, caseRng, startMutator, perturbCalls } = require('../scripts/fuzz-families.cjs') as {
  families: Record<string, Family>;
  perturbCalls: (src: string) => string;
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

describe('compile family: rounding amplified by the source is not a finding', () => {
  it('perturbCalls moves every call\'s result, and no other operation', () => {
    expect(perturbCalls('celu(x, alpha = a) + (x*2) - sin(cos(x))')).toBe('(celu(x, alpha = a) * (1 + qd)) + (x*2) - (sin((cos(x) * (1 + qd))) * (1 + qd))');
  });
  it('the million-case run\'s one finding (tanh(x) - x at 2.8e-8, raised to -2) moves by a factor > 2 under a few ULP per call', () => {
    const src = '(tanh(min(x,7)) - relu(x))^-2', x = Float64Array.of(2.847577648679156e-8);
    const at = (qd: number) => akjs.compile(perturbCalls(src), { params: { qd } })(x)[0];
    expect(at(0)).toBe(akjs.compile(src)(x)[0]);
    expect(Math.abs(at(1e-15) / at(0) - 1)).toBeGreaterThan(0.5);
    // A well-conditioned source barely moves.
    const ok = (qd: number) => akjs.compile(perturbCalls('tanh(x) * 3 + sin(x)'), { params: { qd } })(Float64Array.of(0.7))[0];
    expect(Math.abs(ok(1e-15) / ok(0) - 1)).toBeLessThan(1e-14);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unaryNames } from '../lib/registry/ops';
import { ops, lastLo, type RefParams } from './reference.cjs';

// test/fixtures/reference-mpmath.json (made by gen_reference_mpmath.py): each
// op's formula evaluated by mpmath at 300 bits, as a double-double hi + lo.
type Row = [string, RefParams, string, string, string];
const fixture = JSON.parse(readFileSync(join(__dirname, 'fixtures', 'reference-mpmath.json'), 'utf8')) as { rows: Row[] };

/** The reference must be far better than what it judges: 1/1000 of a float64 ULP. */
const MAX_REF_ERR = 1e-3;

function ulp64(v: number): number {
  const f = new Float64Array([Math.abs(v)]);
  const e = Number((new BigUint64Array(f.buffer)[0] >> 52n) & 0x7ffn) - 1023;
  return 2 ** (e - 52);
}

describe('float64 reference (test/reference.cjs)', () => {
  it('has a reference for every registry op and for nothing else', () => {
    expect(Object.keys(ops).sort()).toEqual([...unaryNames].sort());
  });

  it('is checked against mpmath for every registry op', () => {
    const covered = new Set(fixture.rows.map((r) => r[0]));
    for (const name of unaryNames) expect(covered.has(name), `${name} has no mpmath rows`).toBe(true);
  });

  it('matches mpmath (300 bits) to 1e-3 float64 ULP, low part included', () => {
    const worst = new Map<string, { err: number; x: number; want: number; got: number }>();
    for (const [op, p, xs, hs, ls] of fixture.rows) {
      const x = Number(xs), hi = Number(hs), lo = Number(ls);
      const got = ops[op](x, p);
      const gotLo = lastLo();
      let err: number;
      if (Number.isNaN(hi)) err = Number.isNaN(got) ? 0 : Infinity;
      else if (!Number.isFinite(hi)) err = got === hi ? 0 : Infinity;
      // Subnormal results: only their distance matters (SPEC passes anything within the smallest normal).
      else if (Math.abs(hi) < 2 ** -1022) err = Math.abs(got - hi) <= 2 ** -1060 ? 0 : Infinity;
      // Below 2^-969 the reference keeps no low part (twoProd's error terms underflow): half an ULP then.
      else if (Math.abs(hi) < 2 ** -969) err = Math.max(0, Math.abs((got - hi) + (gotLo - lo)) / ulp64(hi) - 0.5);
      else err = Math.abs((got - hi) + (gotLo - lo)) / ulp64(hi);
      const key = `${op} ${JSON.stringify(p)}`;
      if (!(err <= (worst.get(key)?.err ?? -1))) worst.set(key, { err, x, want: hi, got });
    }
    const bad = [...worst].filter(([, w]) => !(w.err <= MAX_REF_ERR));
    expect(bad.map(([k, w]) => `${k}: ${w.err} ULP at x=${w.x} (mpmath ${w.want}, reference ${w.got})`)).toEqual([]);
  });

  it('gives the limits of the formulas at ±Infinity and keeps NaN', () => {
    const p = { alpha: 1, beta: 1, threshold: 20, gamma: 1, center: 0, min: -1, max: 1, approximate: 'none', lambda: 0.5, value: -1 };
    for (const name of unaryNames) {
      expect(Number.isNaN(ops[name](NaN, p)), name).toBe(true);
      expect(Number.isNaN(ops[name](Infinity, p)), `${name}(Inf)`).toBe(false);
      expect(Number.isNaN(ops[name](-Infinity, p)), `${name}(-Inf)`).toBe(false);
    }
    expect(ops.sigmoid(-Infinity, p)).toBe(0);
    expect(ops.elu(-Infinity, { alpha: 0.5 })).toBe(-0.5);
    expect(ops.softplus(Infinity, { beta: 2, threshold: 20 })).toBe(Infinity);
    expect(ops.swish(Infinity, { beta: 0 })).toBe(Infinity);
    expect(ops.leakyRelu(-Infinity, { alpha: 0 })).toBe(0);
    expect(ops.hardSigmoid(Infinity, { alpha: 0, beta: 0.25 })).toBe(0.25);
    expect(ops.rbf(Infinity, { gamma: 0, center: 0 })).toBe(1);
  });
});

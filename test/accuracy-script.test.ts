/**
 * Smoke test of scripts/accuracy.cjs on the built package: a coarse sweep of
 * two ops (one exact, one not) finishes, reports per op and writes its JSON;
 * bad arguments are refused. The full sweeps are run by hand (README).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unaryNames, unaryOps } from '../lib/ops';

const root = join(__dirname, '..');
const script = join(root, 'scripts', 'accuracy.cjs');
const dir = mkdtempSync(join(tmpdir(), 'ak-accuracy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scripts/accuracy.cjs', () => {
  it('sweeps the chosen ops and writes a JSON report', () => {
    const exact = unaryNames.find((n) => unaryOps[n].exact)!;
    const smooth = unaryNames.find((n) => !unaryOps[n].exact)!;
    const json = join(dir, 'r.json');
    const out = execFileSync(process.execPath, [script, exact, smooth, '--stride', '1000003', '--start', '17', '--workers', '1', '--chunk', '1000', '--json', json], {
      cwd: root, encoding: 'utf8', env: { ...process.env, ACTIVATION_KERNELS_BACKEND: '' },
    });
    expect(out).toContain('every op within its bound');
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { complete: boolean; inputsPerOp: number; results: { op: string; inputs: number; maxUlp: number; ok: boolean; bound: number }[] };
    expect(doc.complete).toBe(true);
    expect(doc.inputsPerOp).toBe(Math.floor((2 ** 32 - 1 - 17) / 1000003) + 1);
    expect(doc.results.map((r) => r.op)).toEqual([exact, smooth]);
    for (const r of doc.results) {
      expect(r.inputs).toBe(doc.inputsPerOp);
      expect(r.ok).toBe(true);
      expect(r.maxUlp).toBeGreaterThanOrEqual(0);
      expect(r.maxUlp).toBeLessThanOrEqual(r.bound);
    }
  });

  it('refuses an unknown op, float64 and bad numbers, with exit code 2', () => {
    for (const args of [['noSuchOp'], ['--dtype', 'float64'], ['--stride', '0'], ['--backend', 'gpu'], ['--isa', 'avx2']]) {
      const r = spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('accuracy:');
    }
  });
});

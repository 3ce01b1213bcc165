/**
 * Smoke test of scripts/accuracy.cjs on the built package: a coarse sweep of
 * two ops (one exact, one not) finishes, reports per op and writes its JSON;
 * bad arguments are refused. The two-tier path (scripts/accuracy-fast.cjs)
 * must report exactly what the reference alone reports, also when results are
 * perturbed (then over the bound), and its margin check must hold. The full
 * sweeps are run by hand (README).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unaryNames, unaryOps } from '../lib/registry/ops';

const require = createRequire(import.meta.url);
const { fast, MARGIN } = require('../scripts/accuracy-fast.cjs') as { fast: Record<string, unknown>; MARGIN: number };

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

  type Row = { op: string; params: Record<string, unknown>; maxUlp: number; worstBits: string; overBound: number; inputs: number; settledByTier1: number; perturbed?: number; ok: boolean; bound: number };
  const sweep = (args: string[]): { status: number | null; stdout: string; rows: Row[] } => {
    const json = join(dir, `s${Math.random().toString(36).slice(2)}.json`);
    const r = spawnSync(process.execPath, [script, ...args, '--workers', '1', '--json', json], {
      cwd: root, encoding: 'utf8', env: { ...process.env, ACTIVATION_KERNELS_BACKEND: '' },
    });
    expect(r.stderr).not.toContain('accuracy:');
    return { status: r.status, stdout: r.stdout, rows: (JSON.parse(readFileSync(json, 'utf8')) as { results: Row[] }).results };
  };
  // ~300k inputs per op; the seed of the running maximum takes every 5th, so tier 1 has the rest to settle.
  const sample = ['--stride', '14327', '--start', '5'];
  const fastOps = Object.keys(fast).filter((n) => n in unaryOps);

  it('has tier-1 estimates only under registry op names', () => {
    expect(fastOps.length).toBeGreaterThan(0);
    expect(Object.keys(fast).filter((n) => !(n in unaryOps))).toEqual([]);
  });

  it('reports with tier 1 exactly what the reference alone reports', () => {
    const ops = ['hardSwish', 'gelu', 'softsign', 'relu'];
    const on = sweep([...ops, ...sample]);
    const off = sweep([...ops, ...sample, '--tier1', 'off']);
    expect(on.status).toBe(0);
    expect(off.status).toBe(0);
    for (let i = 0; i < ops.length; i++) {
      const a = on.rows[i], b = off.rows[i];
      expect(a.op).toBe(ops[i]);
      expect(a.maxUlp, a.op).toBe(b.maxUlp);
      expect(a.overBound, a.op).toBe(b.overBound);
      expect(a.inputs).toBe(b.inputs);
      expect((parseInt(a.worstBits, 16) - 5) % 14327, 'the worst input is a swept one').toBe(0);
      expect(b.settledByTier1).toBe(0);
      if (a.op in fast) expect(a.settledByTier1, a.op).toBeGreaterThan(0.9 * a.inputs);
      else expect(a.settledByTier1).toBe(0);
    }
  });

  it('reports results perturbed by 1 ULP (exact op) or 9 ULP (bound 4) over the bound, as the reference alone does', () => {
    for (const [op, k] of [['leakyRelu', '1'], ['hardSigmoid', '1'], ['sigmoid', '9'], ['gelu', '9']] as const) {
      const on = sweep([op, ...sample, '--perturb', k]);
      const off = sweep([op, ...sample, '--perturb', k, '--tier1', 'off']);
      expect(on.status, op).toBe(1);
      expect(on.stdout).toContain('OVER BOUND');
      const a = on.rows[0], b = off.rows[0];
      expect(a.perturbed, op).toBeGreaterThan(100);
      expect(a.perturbed).toBe(b.perturbed);
      expect(a.ok).toBe(false);
      expect(a.overBound, op).toBe(b.overBound);
      expect(a.maxUlp, op).toBe(b.maxUlp);
      expect(a.maxUlp, op).toBeGreaterThanOrEqual(Number(k) - a.bound);
      // A 9-ULP move leaves at least 5 ULP whatever the twin's own error (<= 4): every one is over.
      if (k === '9') expect(a.overBound, op).toBe(a.perturbed);
      else expect(a.overBound, op).toBeGreaterThan(0.5 * a.perturbed!);
      expect(a.settledByTier1, op).toBeGreaterThan(0.9 * a.inputs);
    }
  });

  it('sweeps a --param value and labels it', () => {
    const r = sweep(['gelu', ...sample, '--param', 'approximate=tanh']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('gelu(approximate=tanh) |');
    expect(r.rows[0].params).toEqual({ approximate: 'tanh' });
    expect(r.rows[0].maxUlp).toBeLessThanOrEqual(r.rows[0].bound);
  });

  it('--backward: every op with tier 1 on (its quick margin sample passes, parameters at their float32 defaults) and within its bound', () => {
    const r = sweep(['--backward', '--stride', '1000003', '--start', '11']);
    expect(r.status).toBe(0);
    expect(r.rows.map((x) => x.op).sort()).toEqual(Object.keys(unaryOps).sort());
    for (const row of r.rows) expect(row.ok, row.op).toBe(true);
  });

  it('--check-margin: every tier-1 estimate is within MARGIN / 100 of the reference on a sample', () => {
    const r = spawnSync(process.execPath, [script, '--check-margin', '--stride', '99991', '--start', '3'], { cwd: root, encoding: 'utf8' });
    expect(r.stdout).toContain('margin holds');
    expect(r.status).toBe(0);
    // One line per op with an estimate, gelu once per approximate value.
    expect(r.stdout.split('\n').filter((l) => / \| 42954 \| /.test(l))).toHaveLength(fastOps.length + 1);
    expect(MARGIN).toBe(2 ** -10);
  });

  it('refuses an unknown op, float64 and bad numbers, with exit code 2', () => {
    for (const args of [['noSuchOp'], ['--dtype', 'float64'], ['--stride', '0'], ['--backend', 'gpu'], ['--isa', 'avx2'],
      ['relu', '--param', 'alpha=1'], ['gelu', '--param', 'approximate=fast'], ['elu', '--param', 'alpha=x'], ['--tier1', 'maybe'], ['--param', 'beta']]) {
      const r = spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toContain('accuracy:');
    }
  });
});

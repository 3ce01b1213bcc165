import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unaryOps, unaryNames, type ParamDef } from '../lib/registry/ops';
import * as ak from '../lib/index';
import * as akjs from '../lib/js';

const root = join(__dirname, '..');

function inRange(p: ParamDef, v: number | string): boolean {
  if (p.kind === 'enum') return p.values.includes(v as string);
  const n = v as number;
  if (!Number.isFinite(n)) return false;
  if (p.min !== undefined && (p.minExclusive ? !(n > p.min) : !(n >= p.min))) return false;
  return p.max === undefined || n <= p.max;
}

describe('op registry', () => {
  it('declares every op with sane metadata', () => {
    expect(unaryNames.length).toBeGreaterThan(0);
    for (const name of unaryNames) {
      const op = unaryOps[name];
      expect(typeof op.js, name).toBe('function');
      expect(op.params.length, name).toBeLessThanOrEqual(2); // kernels take two numbers, a and b
      expect(op.ulp, name).toBeGreaterThan(0);
      expect(op.ulp64, name).toBeGreaterThan(0);
      if (op.exact) expect(op.ulp, name).toBe(0.5);
      else expect(op.ulp, name).toBeLessThanOrEqual(4); // SPEC's hard limit
      for (const p of op.params) expect(inRange(p, p.default), `${name}.${p.name} default`).toBe(true);
    }
  });

  it('exposes every registry op (and nothing unknown) from both entries', () => {
    for (const mod of [ak, akjs] as Record<string, unknown>[]) {
      for (const name of unaryNames) {
        const f = mod[name] as { opName?: string; async?: unknown };
        expect(typeof f, name).toBe('function');
        expect(f.opName).toBe(name);
        expect(typeof f.async).toBe('function');
      }
      expect(typeof mod.info).toBe('function');
    }
    expect(akjs.info().backend).toBe('js');
  });

  it('has generated export files in sync with the registry', () => {
    const before = ['index-exports.ts', 'js-exports.ts'].map((f) => readFileSync(join(root, 'lib', 'generated', f), 'utf8'));
    // --check regenerates from dist/ and exits 1 if anything changed.
    execFileSync(process.execPath, [join(root, 'scripts', 'gen-exports.cjs'), '--check'], { cwd: root, stdio: 'pipe' });
    const after = ['index-exports.ts', 'js-exports.ts'].map((f) => readFileSync(join(root, 'lib', 'generated', f), 'utf8'));
    expect(after).toEqual(before);
    for (const name of unaryNames) expect(before[0]).toContain(`export const ${name} = api.${name};`);
  });

  it('has the README op table in sync with the registry', () => {
    execFileSync(process.execPath, [join(root, 'scripts', 'gen-readme.cjs'), '--check'], { cwd: root, stdio: 'pipe' });
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    for (const name of unaryNames) expect(readme).toContain(`| \`${name}\` |`);
  });
});

/**
 * The native side's declarations agree with the TypeScript side's: native/ops.inc
 * (and the built addon's ops()) with the registry, binding.gyp with CMakeLists.txt.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { unaryOps, unaryNames } from '../lib/registry/ops';
import { loadBinding, opsMismatch } from '../lib/backend/native';

const root = join(__dirname, '..');
const read = (f: string): string => readFileSync(join(root, f), 'utf8');

/** native/ops.inc as [name, params] rows, in file order. */
function opsInc(): { name: string; params: string[] }[] {
  const rows: { name: string; params: string[] }[] = [];
  const line = /^AK_UNARY_OP\(\s*(\w+)\s*,\s*(\d+)\s*,\s*"(\w*)"\s*,\s*"(\w*)"\s*\)\s*$/;
  for (const l of read('native/ops.inc').split('\n')) {
    if (!l.startsWith('AK_UNARY_OP(')) continue;
    const m = line.exec(l);
    expect(m, `malformed ops.inc line: ${l}`).not.toBeNull();
    const [, name, np, p0, p1] = m!;
    const params = [p0, p1].filter((p) => p !== '');
    expect(params.length, `${name}: declared count vs names`).toBe(Number(np));
    rows.push({ name, params });
  }
  return rows;
}

const registry = unaryNames.map((name) => ({ name, params: unaryOps[name].params.map((p) => p.name) }));

describe('native/ops.inc', () => {
  it('lists the registry ops, in id order, with the same parameters', () => {
    expect(opsInc()).toEqual(registry);
  });

  it('is what the built addon reports from ops()', () => {
    const b = loadBinding();
    if ('error' in b) throw new Error(b.error);
    expect(b.binding.ops()).toEqual(registry);
    expect(opsMismatch(b.binding.ops())).toBeNull();
  });

  it('a binary with another op list is refused with the first difference named', () => {
    const shifted = registry.slice(1);
    expect(opsMismatch(shifted)).toMatch(/id 0: leakyRelu\(alpha\) instead of relu\(\)/);
    const renamed = registry.map((o, i) => (i === 3 ? { ...o, params: ['lo', 'hi'] } : o));
    expect(opsMismatch(renamed)).toMatch(/id 3: hardTanh\(lo,hi\) instead of hardTanh\(min,max\)/);
  });
});

describe('build files', () => {
  const sources = (text: string): string[] =>
    [...new Set([...text.matchAll(/native\/[\w/.-]+\.cc\b/g)].map((m) => m[0]))].sort();

  it('binding.gyp and CMakeLists.txt compile the same native sources', () => {
    const gyp = sources(read('binding.gyp').replace(/#.*$/gm, ''));
    const cmake = sources(read('CMakeLists.txt').replace(/#.*$/gm, ''));
    expect(gyp.length).toBeGreaterThan(4);
    expect(gyp).toEqual(cmake);
  });

  it('gives ISA flags only to the per-ISA translation units', () => {
    const gyp = read('binding.gyp').replace(/#.*$/gm, '');
    // Each -mavx* flag appears only inside the target whose sources are that ISA's file.
    const targets = gyp.split(/'target_name':/).slice(1);
    for (const t of targets) {
      const src = sources(t);
      const flags = [...t.matchAll(/-mavx\w*|\/arch:\w+/g)].map((m) => m[0]);
      // Per-ISA translation units are named after their level: native/isa/avx2.cc, native/expr/expr_avx2.cc.
      if (flags.length) expect(src.every((s) => /^native\/(isa\/|expr\/expr_)avx(2|512)\.cc$/.test(s)), `flags ${flags} on ${src}`).toBe(true);
    }
    const cmake = read('CMakeLists.txt').replace(/#.*$/gm, '');
    expect(cmake).not.toMatch(/-march=native|CMAKE_CXX_FLAGS.*-mavx/);
    expect(gyp).not.toMatch(/-march=native/);
  });
});

/**
 * The native side's declarations agree with the TypeScript side's: native/registry/*.inc
 * are what scripts/gen-native.cjs generates from the registry (and the built addon's ops()
 * is the registry's op list), binding.gyp compiles what CMakeLists.txt compiles.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { unaryOps, unaryNames } from '../lib/registry/ops';
import { shapedCalls as SHAPED_OPS } from '../lib/registry/shaped-calls';
import { loadBinding, opsMismatch } from '../lib/backend/native';

const root = join(__dirname, '..');
const read = (f: string): string => readFileSync(join(root, f), 'utf8');

/** native/registry/ops.inc as [name, params] rows, in file order. */
function opsInc(): { name: string; params: string[] }[] {
  const rows: { name: string; params: string[] }[] = [];
  const line = /^AK_UNARY_OP\(\s*(\w+)\s*,\s*(\d+)\s*,\s*"(\w*)"\s*,\s*"(\w*)"\s*\)\s*$/;
  for (const l of read('native/registry/ops.inc').split('\n')) {
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

describe('native/registry/*.inc', () => {
  it('are what scripts/gen-native.cjs generates from the registry (dist/)', () => {
    // --check writes nothing and exits 1 naming the stale files.
    execFileSync(process.execPath, [join(root, 'scripts', 'gen-native.cjs'), '--check'], { cwd: root, stdio: 'pipe' });
  });

  it('the generator renders every list of the registry', () => {
    const gen = createRequire(__filename)('../scripts/gen-native.cjs') as {
      render(l: { unary: { name: string; params: string[] }[]; fromY: string[]; shaped: string[] }): Record<string, string>;
    };
    const fromY = unaryNames.filter((n) => unaryOps[n].backwardUsesY);
    const files = gen.render({ unary: registry, fromY, shaped: [...SHAPED_OPS] });
    expect(Object.keys(files).sort()).toEqual(['from_y.inc', 'ops.inc', 'shaped_ops.inc']);
    for (const [f, text] of Object.entries(files)) expect(read(`native/registry/${f}`), f).toBe(text);
    expect(fromY.length).toBeGreaterThan(0);
    for (const n of fromY) expect(files['from_y.inc']).toContain(`AK_FROM_Y_OP(${n})\n`);
    SHAPED_OPS.forEach((n) => expect(files['shaped_ops.inc']).toContain(`AK_SHAPED_OP(${n}, `));
    expect(() => gen.render({ unary: [{ name: 'bad-name', params: [] }], fromY: [], shaped: [] })).toThrow(/identifier/);
  });

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
      // The per-ISA translation units are native/isa/<level>.cc, nothing else.
      if (flags.length) expect(src.every((s) => /^native\/isa\/avx(2|512)\.cc$/.test(s)), `flags ${flags} on ${src}`).toBe(true);
    }
    const cmake = read('CMakeLists.txt').replace(/#.*$/gm, '');
    expect(cmake).not.toMatch(/-march=native|CMAKE_CXX_FLAGS.*-mavx/);
    expect(gyp).not.toMatch(/-march=native/);
  });
});

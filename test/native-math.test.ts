/**
 * The vector math's own sweep (native/tests/math_sweep.cc): the vec layer's self-test
 * (load/store, masks, bit ops, ldexp, lookup32, ...) and every native/math function
 * against long double references, each held to its max-ULP bound in
 * native/math/bounds.inc, on every ISA level this CPU runs. --quick takes every 4099th float32 bit
 * pattern and 20000 float64 samples per range; the exhaustive run
 * (math_sweep --stride 1) is in native/math/README.md. Built here with g++ from the
 * sources, as CMake's math_sweep target is (native/tests/math.cmake).
 */
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { compileUnits, gxx, ISA_FLAGS } from './gxx';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const tests = join(root, 'native', 'tests');
const X86 = process.arch === 'x64';
const ARM64 = process.arch === 'arm64';
const HAVE_GXX = process.platform !== 'win32';

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    p.on('error', reject);
    p.on('close', (code) => resolve({ code, out }));
  });
}

describe.runIf(HAVE_GXX)('native/math sweep (math_sweep --quick)', () => {
  it('passes the vec self-test and every stated ULP bound on every level this CPU runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ak-math-'));
    const common = ['-std=c++17', '-O2', '-ffp-contract=off', '-Wall', '-c'];
    const units: [string, string[]][] = [
      ['math_sweep.cc', []],
      ['math_isa_scalar.cc', []],
      ...(X86
        ? ([
          ['math_isa_avx2.cc', ISA_FLAGS.avx2],
          ['math_isa_avx512.cc', ISA_FLAGS.avx512],
        ] as [string, string[]][])
        : ARM64 ? ([['math_isa_neon.cc', []]] as [string, string[]][]) : []),
    ];
    const objs = await compileUnits(units.map(([src, flags]) => [join(tests, src), flags]), common, dir);
    const exe = join(dir, 'math_sweep');
    await gxx(['-o', exe, ...objs, '-pthread']);

    const r = await run(exe, ['--quick', '--samples', '20000', '--threads', '2']);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^all ok$/m);
    expect(r.out).not.toMatch(/FAIL|not implemented/);
    // Each level either ran its self-test (and then its sweep) or says the CPU lacks it.
    for (const isa of X86 ? ['scalar', 'avx2', 'avx512'] : ARM64 ? ['scalar', 'neon'] : ['scalar']) {
      expect(r.out, isa).toMatch(new RegExp(`^\\[${isa}\\] (vec self-test: ok|skipped: CPU lacks it)$`, 'm'));
    }
    expect(r.out).toMatch(/^\[scalar\] vec self-test: ok$/m);
    // Every function of native/math was swept at float32 and float64 on the scalar level.
    for (const fn of ['exp', 'expm1', 'sigmoid', 'tanh', 'gelu', 'erf', 'erfc', 'log', 'log1p', 'softplus', 'mish']) {
      expect(r.out, fn).toMatch(new RegExp(`^${fn} +scalar +f32: max`, 'm'));
      expect(r.out, fn).toMatch(new RegExp(`^${fn} +scalar +f64: max`, 'm'));
    }
  }, 300_000);
});

describe('native/math/bounds.inc', () => {
  it("is what native/math/README.md's accuracy table states, row for row", () => {
    const rows = [...readFileSync(join(root, 'native', 'math', 'bounds.inc'), 'utf8').matchAll(/^AK_MATH_BOUND\((\w+),\s*([\d.]+),\s*([\d.]+)\)/gm)]
      .map((m) => [m[1], Number(m[2]), Number(m[3])]);
    const table = [...readFileSync(join(root, 'native', 'math', 'README.md'), 'utf8').matchAll(/^\| `(\w+)`[^|]*\| ([\d.]+) \/ ([\d.]+) \|/gm)]
      .map((m) => [m[1].replace(/_/g, '').replace(/T$/, ''), Number(m[2]), Number(m[3])]);
    expect(rows.length).toBeGreaterThan(10);
    expect(table).toEqual(rows);
  });
});

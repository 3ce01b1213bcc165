/**
 * native/vec/half.h, the float16 / bfloat16 <-> float32 conversions every level will
 * use for half-precision storage, through native/tests/half_test.cc: the scalar forms
 * against the formats' definitions (every 16-bit pattern widened; every 257th float32
 * pattern narrowed to the nearest value, ties to even, subnormals kept, Inf past the
 * limit), then each level this CPU runs against the scalar forms bit for bit, NaNs
 * included. `half_test --stride 1` checks all 2^32 float32 inputs (native/math/README.md).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileUnits, gxx, ISA_FLAGS } from './gxx';

const tests = join(__dirname, '..', 'native', 'tests');
const X86 = process.arch === 'x64';

describe.runIf(process.platform !== 'win32')('native half conversions (half_test)', () => {
  it('match the definitions and agree bit for bit on every level', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ak-half-'));
    const units: [string, string[]][] = [
      ['half_test.cc', []],
      ['half_isa_scalar.cc', []],
      ...(X86
        ? ([
          ['half_isa_avx2.cc', ISA_FLAGS.avx2],
          ['half_isa_avx512.cc', ISA_FLAGS.avx512],
        ] as [string, string[]][])
        : []),
    ];
    const objs = await compileUnits(units.map(([s, f]) => [join(tests, s), f]), ['-std=c++17', '-O2', '-ffp-contract=off', '-Wall', '-Werror', '-c'], dir);
    const exe = join(dir, 'half_test');
    await gxx(['-o', exe, ...objs]);
    const r = spawnSync(exe, ['--stride', '257'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\[definition\] ok$/m);
    expect(r.stdout).toMatch(/^\[scalar\] ok$/m);
    for (const isa of X86 ? ['avx2', 'avx512'] : []) expect(r.stdout).toMatch(new RegExp(`^\\[${isa}\\] (ok|skipped: CPU lacks it)$`, 'm'));
    expect(r.stdout).toMatch(/^all ok$/m);
  });
});

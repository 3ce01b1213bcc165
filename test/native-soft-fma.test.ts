/**
 * native/vec/soft_fma.h, the correctly rounded fma that the scalar level uses where
 * the C library's std::fma is not (MinGW-w64, which builds the win32-x64 prebuild),
 * through native/tests/soft_fma_test.cc: bit for bit against glibc's fma on special
 * values and 2M random float and double triples (cancellation, ties, subnormal and
 * overflowing results among them).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gxx } from './gxx';

describe.runIf(process.platform === 'linux')('native soft fma (soft_fma_test)', () => {
  it('equals the C library fma bit for bit', async () => {
    const exe = join(mkdtempSync(join(tmpdir(), 'ak-fma-')), 'soft_fma_test');
    await gxx(['-std=c++17', '-O2', '-ffp-contract=off', '-Wall', '-Werror', join(__dirname, '..', 'native', 'tests', 'soft_fma_test.cc'), '-o', exe]);
    const r = spawnSync(exe, ['2000000'], { encoding: 'utf8' });
    expect(r.status, r.stdout + r.stderr).toBe(0);
    const m = /^(\d+) checks, (\d+) failed$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(6_000_000);
    expect(Number(m![2])).toBe(0);
  });
});

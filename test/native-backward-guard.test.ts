/**
 * Runs the native guard-page test of the backward and shaped kernels
 * (native/tests/shaped_guard_test.cc, built next to the addon by npm run
 * build:native): every unary backward (from x and from y) x ISA level x length
 * 0..192, softmax/logSoftmax, prelu and maxout forward and backward over
 * assorted shapes, with every array against PROT_NONE pages; tiles and in-place
 * calls give the whole out-of-place call's results.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const exe = join(__dirname, '..', 'build', 'Release', process.platform === 'win32' ? 'ak_shaped_test.exe' : 'ak_shaped_test');

describe('native guard-page test of the backward and shaped kernels', () => {
  it('touches no byte outside the arrays for any kernel, level, length and shape', () => {
    expect(existsSync(exe), `${exe} is missing: run npm run build:native`).toBe(true);
    const r = spawnSync(exe, [], { encoding: 'utf8', timeout: 120_000 });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.signal, out).toBeNull();
    expect(r.status, out).toBe(0);
    const m = /^(\d+) passed, (\d+) failed$/m.exec(r.stdout);
    expect(m, out).not.toBeNull();
    expect(Number(m![2])).toBe(0);
    // Every level this machine runs took part, with a backward kernel for every op.
    const levels = [...r.stdout.matchAll(/^level (\w+): (\d+) backward kernels$/gm)];
    expect(levels.length).toBeGreaterThan(0);
    for (const l of levels) expect(Number(l[2]), l[0]).toBeGreaterThan(0);
    if (process.platform === 'linux') expect(r.stdout).toMatch(/guard pages on/);
    expect(Number(m![1])).toBeGreaterThan(10000);
  });
});

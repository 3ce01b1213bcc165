/**
 * Runs the native guard-page test (native/tests/guard_test.cc, built next to the
 * addon by npm run build:native): every kernel x ISA level x length 0..192 with its
 * arrays against PROT_NONE pages, canaries around them, tail = main-loop results,
 * and the caller's MXCSR (FTZ/DAZ/rounding/flags) preserved and not obeyed.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const exe = join(__dirname, '..', 'build', 'Release', process.platform === 'win32' ? 'ak_native_test.exe' : 'ak_native_test');

describe('native guard-page test', () => {
  it('touches no byte outside [0, n) for any kernel, level and length', () => {
    expect(existsSync(exe), `${exe} is missing: run npm run build:native`).toBe(true);
    const r = spawnSync(exe, [], { encoding: 'utf8', timeout: 60_000 });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.signal, out).toBeNull();
    expect(r.status, out).toBe(0);
    const m = /^(\d+) passed, (\d+) failed$/m.exec(r.stdout);
    expect(m, out).not.toBeNull();
    expect(Number(m![2])).toBe(0);
    // Every level this machine runs took part, each with kernels in its table.
    const levels = [...r.stdout.matchAll(/^level (\w+): (\d+) kernels$/gm)];
    expect(levels.length).toBeGreaterThan(0);
    for (const l of levels) expect(Number(l[2]), l[0]).toBeGreaterThan(0);
    if (process.platform === 'linux') expect(r.stdout).toMatch(/guard pages on/);
    expect(Number(m![1])).toBeGreaterThan(1000);
  });
});

/**
 * The shared runner of the native guard-page executables that npm run
 * build:native leaves in build/Release: each prints one "level L: N <what>"
 * line per ISA level it ran and a last "P passed, F failed" line.
 */
import { expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export function runGuardExe(name: string, kernelsWord: string, timeout: number, minPassed: number): void {
  const exe = join(__dirname, '..', 'build', 'Release', process.platform === 'win32' ? `${name}.exe` : name);
  expect(existsSync(exe), `${exe} is missing: run npm run build:native`).toBe(true);
  const r = spawnSync(exe, [], { encoding: 'utf8', timeout });
  const out = `${r.stdout}${r.stderr}`;
  expect(r.signal, out).toBeNull();
  expect(r.status, out).toBe(0);
  const m = /^(\d+) passed, (\d+) failed$/m.exec(r.stdout);
  expect(m, out).not.toBeNull();
  expect(Number(m![2])).toBe(0);
  // Every level this machine runs took part, each with kernels in its table.
  const levels = [...r.stdout.matchAll(new RegExp(`^level (\\w+): (\\d+) ${kernelsWord}$`, 'gm'))];
  expect(levels.length, out).toBeGreaterThan(0);
  for (const l of levels) expect(Number(l[2]), l[0]).toBeGreaterThan(0);
  if (process.platform === 'linux') expect(r.stdout).toMatch(/guard pages on/);
  expect(Number(m![1])).toBeGreaterThan(minPassed);
}

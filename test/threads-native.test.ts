/**
 * The pool's native stress test (native/tests/pool_stress.cc): many threads
 * calling parallel_for at once, nested calls, async jobs with cancellation,
 * resizing under load. Compiled here twice, optimised and under
 * ThreadSanitizer; both must report no failure and no data race.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const sources = ['native/tests/pool_stress.cc', 'native/runtime/pool.cc'].map((f) => join(root, f));
const dir = mkdtempSync(join(tmpdir(), 'ak-pool-'));

function buildAndRun(name: string, flags: string[]): string {
  const exe = join(dir, name);
  const cc = spawnSync(process.env.CXX ?? 'g++', ['-std=c++17', '-pthread', `-I${join(root, 'native')}`, ...flags, ...sources, '-o', exe], {
    encoding: 'utf8',
  });
  expect(cc.status, `compile ${name}:\n${cc.stderr}`).toBe(0);
  const run = spawnSync(exe, ['--quick'], {
    encoding: 'utf8',
    timeout: 300_000,
    env: { ...process.env, TSAN_OPTIONS: 'halt_on_error=1 exitcode=66' },
  });
  const out = `${run.stdout}\n${run.stderr}`;
  expect(run.status, out).toBe(0);
  expect(out).toContain('pool_stress: ok');
  expect(out).not.toContain('ThreadSanitizer');
  return run.stdout;
}

describe('native pool stress test', () => {
  it('optimised build: every tile once, slots bounded, no deadlock, idle pool asleep', () => {
    const out = buildAndRun('pool_stress', ['-O2']);
    console.log(out.trim());
  });

  it('ThreadSanitizer build: no data race', () => {
    buildAndRun('pool_stress_tsan', ['-O1', '-g', '-fsanitize=thread']);
  });
});

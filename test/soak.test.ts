/**
 * The short version of the concurrency soak (scripts/soak.cjs; `npm run soak`
 * runs 4 workers x 10^5 calls and holds the RSS trend under 10 MB): four
 * worker_threads and the main thread calling every op at once on the one
 * pool, sync and async, plain and shared buffers, each result equal to the JS
 * twin, invalid calls refused with nothing written, the common shared input
 * unchanged. The RSS bound is left to the long run (a few hundred calls
 * measure only the warm-up).
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('concurrency soak (short)', () => {
  it('4 workers and the main thread: every result equals the JS twin', () => {
    const script = join(__dirname, '..', 'scripts', 'soak.cjs');
    const r = spawnSync(process.execPath, [script, '--workers', '4', '--calls', '150', '--json'], { encoding: 'utf8', timeout: 110_000 });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.signal, out).toBeNull();
    expect(r.status, out).toBe(0);
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
    expect(res.workerCalls).toBe(600);
    expect(res.valid + res.invalid + res.shared).toBe(600);
    expect(res.valid).toBeGreaterThan(100);
    expect(res.invalid).toBeGreaterThan(30);
    expect(res.shared).toBeGreaterThan(60);
    expect(res.mainCalls).toBeGreaterThan(0);
  });
});

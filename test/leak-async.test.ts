/**
 * The short version of the leak check (scripts/leak.cjs; `npm run leak` makes
 * 10^6 calls and holds RSS growth under 10 MB): mixed calls, a fifth of them
 * throwing or rejecting, complete; and async calls that reject (validation
 * errors, signals aborted before or after the call) leave every array they
 * were given collectable. The RSS bound is left to the long run: over a few
 * thousand calls the GC's timing is all one would measure.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

describe('leak check (short)', () => {
  it('rejected async calls release their arrays', () => {
    const script = join(__dirname, '..', 'scripts', 'leak.cjs');
    const r = spawnSync(process.execPath, [script, '--calls', '5000', '--json'], { encoding: 'utf8', timeout: 110_000 });
    const out = `${r.stdout}${r.stderr}`;
    expect(r.signal, out).toBeNull();
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { calls: number; rejectedCalls: number; collected: number };
    expect(res.calls).toBe(5000);
    expect(res.rejectedCalls).toBeGreaterThan(1000);
    expect(res.collected, out).toBe(res.rejectedCalls);
  });
});

/**
 * Process lifetimes with the pool, each in a child process: exit with work
 * pending, pending work keeping the process alive until it settles, an idle
 * started pool sleeping (CPU time measured), arrays kept alive by a pending
 * call through garbage collections.
 */
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { availableParallelism } from 'node:os';

const entry = join(__dirname, '..', 'dist', 'index.js');

/** Runs `code` in a fresh node; a hang (a pool thread keeping the process) fails the test. */
function node(code: string, args: string[] = [], env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [...args, '-e', code], {
    env: { ...process.env, AK_ENTRY: entry, ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('process lifetime', () => {
  it('process.exit() while async calls run exits at once with its code', () => {
    const r = node(`
      const ak = require(process.env.AK_ENTRY);
      if (ak.info().backend !== 'native') throw new Error('native backend expected');
      const x = new Float32Array(32 * 1024 * 1024).fill(1);
      for (let i = 0; i < 4; i++) ak.mish.async(x);
      setImmediate(() => process.exit(7));`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(7);
  });

  it('pending async work keeps the process alive until it settles, then it exits by itself', () => {
    const r = node(`
      const ak = require(process.env.AK_ENTRY);
      const x = new Float64Array(8 * 1024 * 1024).fill(-2);
      ak.elu.async(x).then((y) => console.log(y[0] === Math.expm1(-2) ? 'ok' : 'wrong ' + y[0]));`);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
    expect(r.status).toBe(0);
  });

  it('an idle started pool sleeps: no CPU time while nothing is asked of it, and the process exits', () => {
    const r = node(`
      const ak = require(process.env.AK_ENTRY);
      ak.setThreads(2);
      const x = new Float32Array(4 * 1024 * 1024).fill(0.5);
      ak.sigmoid(x, { out: x });            // starts the workers
      ak.sigmoid.async(x).then(() => {
        setTimeout(() => {
          const c0 = process.cpuUsage();
          setTimeout(() => {
            const c = process.cpuUsage(c0);
            console.log(JSON.stringify({ cpuMs: (c.user + c.system) / 1000 }));
          }, 1000);
        }, 100);
      });`);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { cpuMs } = JSON.parse(r.stdout) as { cpuMs: number };
    // A polling worker would burn about 1000 ms of CPU here; an idle Node process a few.
    console.log(`idle process with a started pool of 2: ${cpuMs.toFixed(2)} ms CPU over 1 s`);
    expect(cpuMs).toBeLessThan(100);
  });

  it('a pending call keeps its arrays alive through garbage collections', () => {
    const r = node(
      `
      const ak = require(process.env.AK_ENTRY);
      const n = 8 * 1024 * 1024;
      const make = () => { const x = new Float32Array(n); for (let i = 0; i < n; i++) x[i] = (i % 1000) / 100 - 5; return x; };
      const p = ak.tanh.async(make());          // nothing else references the input
      for (let i = 0; i < 5; i++) { global.gc(); new Float32Array(n).fill(9); }
      p.then((y) => {
        const want = ak.tanh(make());
        let bad = 0;
        for (let i = 0; i < n; i++) if (!Object.is(y[i], want[i])) bad++;
        console.log(bad === 0 ? 'ok' : bad + ' wrong');
      });`,
      ['--expose-gc'],
    );
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
  });

  it('ACTIVATION_KERNELS_THREADS sizes the pool at load; an unusable value is reported and ignored', () => {
    const show = `const ak = require(process.env.AK_ENTRY); console.log(ak.info().threads);`;
    const three = node(show, [], { ACTIVATION_KERNELS_THREADS: '3' });
    expect(three.stderr).toBe('');
    expect(three.stdout.trim()).toBe('3');
    const bad = node(show, [], { ACTIVATION_KERNELS_THREADS: 'four' });
    expect(bad.stderr).toMatch(/ACTIVATION_KERNELS_THREADS="four" is not a positive integer; using the available parallelism/);
    expect(bad.stdout.trim()).toBe(String(availableParallelism()));
  });
});

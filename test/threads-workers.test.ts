/**
 * worker_threads and SharedArrayBuffer: four workers calling at once on
 * disjoint slices of one SAB give, call by call, the bits one thread gives;
 * a worker terminated while the pool computes for it leaves the process
 * healthy, the pool empty, and later calls working.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { api as ak } from '../lib/instance';
import { loadNative } from '../lib/backend/native';
import { unaryNames, unaryOps } from '../lib/registry/ops';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { sequence, run } = require('./workers/sequence.cjs') as {
  sequence(seed: number, count: number, lo: number, hi: number, nops: number): unknown[];
  run(api: unknown, ops: { name: string; options: object }[], calls: unknown[], x: Float32Array, y: Float32Array): Promise<number[]>;
};

const native = (() => {
  const r = loadNative('');
  if (!r.backend) throw new Error(r.error);
  return r.backend;
})();
const binding = native.binding;
const entry = join(__dirname, '..', 'dist', 'index.js');
const initialThreads = ak.info().threads;
const registryMins = unaryNames.map((n) => unaryOps[n].parallelMin);

afterAll(() => {
  binding.setParallelMin(registryMins);
  ak.setThreads(initialThreads);
});

function start(file: string, workerData: object): Worker {
  return new Worker(join(__dirname, 'workers', file), { workerData });
}

function message<T>(w: Worker): Promise<T> {
  return new Promise((resolve, reject) => {
    w.once('message', resolve);
    w.once('error', reject);
  });
}

describe('worker_threads on one SharedArrayBuffer', () => {
  it('4 workers x 1000 calls on disjoint slices: every result equals the single-thread result bit for bit', async () => {
    const workers = 4, count = 1000, slice = 1 << 18;
    // Every op, with non-default parameters where the op has some.
    const ops = unaryNames.map((name) => ({
      name,
      options: Object.fromEntries(unaryOps[name].params.map((p) => [p.name, p.kind === 'enum' ? p.values[p.values.length - 1] : p.default])),
    }));
    const sx = new SharedArrayBuffer(workers * slice * 4);
    const sy = new SharedArrayBuffer(workers * slice * 4);
    const x = new Float32Array(sx);
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * (i % 5 === 0 ? 40 : 6);
    const x0 = x.slice();

    ak.setThreads(2);
    const ws = Array.from({ length: workers }, (_, k) =>
      start('sab-calls.cjs', { entry, sx, sy, lo: k * slice, hi: (k + 1) * slice, seed: 1000 + k, count, ops }),
    );
    try {
      const ready = await Promise.all(ws.map((w) => message<{ backend: string }>(w)));
      expect(ready.map((r) => r.backend)).toEqual(ws.map(() => 'native'));
      // After every worker loaded the package (each hands the registry thresholds to
      // the pool): split from 8192 elements on, so many calls go through the pool.
      binding.setParallelMin(unaryNames.map(() => 8192));
      const done = ws.map((w) => message<{ hashes?: number[]; error?: string }>(w));
      ws.forEach((w) => w.postMessage('go'));
      const results = await Promise.all(done);

      // The same sequences on one thread, on private copies of the input.
      ak.setThreads(1);
      for (let k = 0; k < workers; k++) {
        expect(results[k].error).toBeUndefined();
        const calls = sequence(1000 + k, count, k * slice, (k + 1) * slice, ops.length);
        const want = await run(ak, ops, calls, x0.slice(), new Float32Array(x0.length));
        const got = results[k].hashes!;
        const bad = got.findIndex((h, i) => h !== want[i]);
        expect(bad, `worker ${k}: first differing call ${bad}: ${JSON.stringify(calls[bad])}`).toBe(-1);
        expect(got.length).toBe(count);
      }
    } finally {
      await Promise.all(ws.map((w) => w.terminate()));
    }
  });
});

describe('worker termination', () => {
  it('terminating a worker while its async call runs leaves the process healthy and the pool empty', async () => {
    ak.setThreads(2);
    binding.setParallelMin(registryMins);
    const before = binding.poolStats();
    for (let round = 0; round < 3; round++) {
      const w = start('terminate-mid-call.cjs', { entry, op: 'mish', n: 32 * 1024 * 1024 });
      const m = await message<{ started?: boolean }>(w);
      expect(m.started).toBe(true);
      await w.terminate();
    }
    // The terminated workers' calls were stopped and forgotten by the pool.
    const after = binding.poolStats();
    expect(after.submitted - after.retired).toBe(before.submitted - before.retired);
    expect(after.queued).toBe(0);

    // Later calls work: here, and in a new worker.
    const x = Float32Array.from({ length: 100_000 }, (_, i) => (i - 50_000) / 1e4);
    expect(Array.from(await ak.mish.async(x))).toEqual(Array.from(ak.mish(x)));
    const w = new Worker(
      `const { parentPort, workerData } = require('node:worker_threads');
       const ak = require(workerData.entry);
       ak.gelu.async(new Float64Array(300000).fill(1)).then((y) => parentPort.postMessage(y[299999]));`,
      { eval: true, workerData: { entry } },
    );
    const v = await message<number>(w);
    expect(v).toBe(ak.gelu(new Float64Array([1]))[0]);
    await w.terminate();
  });
});

/**
 * `.async` on the native pool: the event loop keeps running while a large call
 * computes, aborts while a call waits for a worker withdraw it (nothing
 * written, AbortError with the caller's stack), an abort once it runs changes
 * nothing, and every call settles and is forgotten.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { api as ak } from '../lib/instance';
import { loadNative } from '../lib/backend/native';

const native = (() => {
  const r = loadNative('');
  if (!r.backend) throw new Error(r.error);
  return r.backend;
})();
const binding = native.binding;
const initialThreads = ak.info().threads;
const entry = join(__dirname, '..', 'dist', 'index.js');

afterAll(() => ak.setThreads(initialThreads));

const sameBits = (a: Float32Array | Float64Array, b: Float32Array | Float64Array): boolean =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

function ramp(n: number): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = ((i % 20011) - 10005) / 1000;
  return x;
}

describe('async on the pool', () => {
  it('keeps the event loop responsive during a call over 64M elements, and the result is right', async () => {
    const n = 64 * 1024 * 1024;
    const x = ramp(n);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const y = await ak.sigmoid.async(x);
      expect(ticks).toBeGreaterThan(0);
      // Any slice computed alone gives the same bits as the same elements of the big call.
      for (const start of [0, 1, 4095, 20011 * 7, n - 5000]) {
        const want = ak.sigmoid(x.subarray(start, start + 5000));
        expect(sameBits(y.subarray(start, start + 5000), want), `elements ${start}...`).toBe(true);
      }
    } finally {
      clearInterval(timer);
    }
  });

  it('an abort while the call waits for a worker withdraws it: AbortError with the caller stack, nothing written', async () => {
    // One slot, held by a worker thread's long synchronous calls: our async call
    // has to wait in the queue until they end. The worker repeats its call until told
    // to stop (flag[1]), so how fast a kernel is does not decide whether the test can
    // queue behind it; each call is long (gelu over 24M floats, ~20 ms) so the slot is
    // almost never free between two of them.
    ak.setThreads(1);
    const sab = new SharedArrayBuffer(8);
    const flag = new Int32Array(sab);
    const w = new Worker(
      `const { workerData } = require('node:worker_threads');
       const ak = require(workerData.entry);
       const x = new Float32Array(24 * 1024 * 1024).fill(0.25);
       const f = new Int32Array(workerData.sab);
       Atomics.store(f, 0, 1);
       while (Atomics.load(f, 1) === 0) ak.gelu(x, { out: x });
       Atomics.store(f, 0, 2);`,
      { eval: true, workerData: { entry, sab } },
    );
    const exited = new Promise((r) => w.once('exit', r));
    try {
      // Wait (without blocking the loop) until the worker's sync call holds the slot.
      while (!(Atomics.load(flag, 0) === 1 && binding.poolStats().active === 1)) {
        await new Promise((r) => setTimeout(r, 1));
        if (Atomics.load(flag, 0) === 2) throw new Error('the worker finished before the test could queue behind it');
      }
      const x = ramp(1 << 20);
      const out = new Float32Array(x.length).fill(7);
      const ac = new AbortController();
      async function callerFrame(): Promise<Float32Array> {
        return ak.tanh.async(x, { out, signal: ac.signal });
      }
      const pending = callerFrame();
      ac.abort();
      const err = await pending.then(
        () => null,
        (e: unknown) => e as Error,
      );
      expect(Atomics.load(flag, 0), 'the slot holder was still running when the abort came').toBe(1);
      expect(err).toBeInstanceOf(Error);
      expect(err!.name).toBe('AbortError');
      expect(err!.message).toMatch(/^tanh\.async: the operation was aborted before it started/);
      expect(err!.stack).toContain('callerFrame');
      expect(out.every((v) => v === 7)).toBe(true);
      expect(binding.poolStats().pending).toBe(0);
    } finally {
      Atomics.store(flag, 1, 1);
      await exited;
    }
  });

  it('an abort after the work started changes nothing: the promise resolves to the complete output', async () => {
    ak.setThreads(2);
    const x = ramp(1 << 22);
    const ac = new AbortController();
    const p = ak.softplus.async(x, { signal: ac.signal });
    // Let the pool pick it up (the abort listener only withdraws calls no tile of which ran).
    while (binding.poolStats().active === 0 && binding.poolStats().pending > 0) {
      await new Promise((r) => setImmediate(r));
    }
    ac.abort();
    const y = await p;
    expect(sameBits(y.subarray(0, 4096), ak.softplus(x.subarray(0, 4096)))).toBe(true);
    expect(sameBits(y.subarray(-4096), ak.softplus(x.subarray(-4096)))).toBe(true);
  });

  it('many concurrent calls all settle with their own results, and the pool forgets them', async () => {
    ak.setThreads(2);
    const before = binding.poolStats();
    const inputs = Array.from({ length: 64 }, (_, k) => ramp(1000 + k * 5000));
    const outs = await Promise.all(inputs.map((x, k) => (k % 2 ? ak.swish.async(x) : ak.elu.async(x))));
    outs.forEach((y, k) => {
      const want = k % 2 ? ak.swish(inputs[k]) : ak.elu(inputs[k]);
      expect(sameBits(y, want), `call ${k}`).toBe(true);
    });
    const after = binding.poolStats();
    expect(after.pending).toBe(0);
    expect(after.submitted - before.submitted).toBe(64);
    expect(after.retired - after.submitted).toBe(before.retired - before.submitted);
  });

  it('an empty array resolves through the same path', async () => {
    const y = await ak.relu.async(new Float64Array(0));
    expect(y).toBeInstanceOf(Float64Array);
    expect(y.length).toBe(0);
  });
});

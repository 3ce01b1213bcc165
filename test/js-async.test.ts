/**
 * Issue 19 item 11: on the JS backend (and wherever no backend takes an
 * .async call off the thread) the call runs in slices with the event loop
 * turning between them (lib/backend/slices.ts). The results must be the sync
 * call's bits; an array detached between slices must reject, not corrupt.
 */
import { describe, expect, it } from 'vitest';
import akjs from '../lib/js';
import { shapedRows } from '../lib/backend/slices';
import type { FloatArray } from '../lib/types';
import { rng } from './numerics/helpers';

const N = 1 << 20;

function data(n: number, seed = 1): Float32Array {
  const r = rng(seed);
  return Float32Array.from({ length: n }, () => (r() - 0.5) * 16);
}

function sameBits(a: FloatArray, b: FloatArray): void {
  expect(a.length).toBe(b.length);
  const u = new Uint32Array(a.buffer, a.byteOffset, (a.byteLength / 4) | 0);
  const v = new Uint32Array(b.buffer, b.byteOffset, (b.byteLength / 4) | 0);
  let bad = -1;
  for (let i = 0; i < u.length && bad < 0; i++) if (u[i] !== v[i]) bad = i;
  expect(bad, 'first differing word').toBe(-1);
}

/** How many times setImmediate callbacks ran while `p` was pending. */
async function turnsDuring<T>(start: () => Promise<T>): Promise<[T, number]> {
  let turns = 0;
  let done = false;
  const spin = (): void => {
    if (done) return;
    turns++;
    setImmediate(spin);
  };
  const p = start();
  setImmediate(spin);
  const v = await p;
  done = true;
  return [v, turns];
}

describe('JS twin .async runs in slices', () => {
  it('a unary forward of 1M elements lets the event loop turn and gives the sync bits', async () => {
    const x = data(N);
    const [y, turns] = await turnsDuring(() => akjs.gelu.async(x));
    expect(turns).toBeGreaterThan(2);
    sameBits(y, akjs.gelu(x));
  });

  it('backward from x and from y, in place and not, equal the sync call', async () => {
    const x = data(N, 2), dy = data(N, 3);
    sameBits(await akjs.tanh.backward.async(dy, x), akjs.tanh.backward(dy, x));
    const y = akjs.sigmoid(x);
    sameBits(await akjs.sigmoid.backward.async(dy, null, { y }), akjs.sigmoid.backward(dy, null, { y }));
    const d1 = dy.slice(), d2 = dy.slice();
    await akjs.elu.backward.async(d1, x, { out: d1 });
    akjs.elu.backward(d2, x, { out: d2 });
    sameBits(d1, d2);
  });

  it('shaped ops sliced by rows equal the sync call', async () => {
    const x = data(512 * 1000, 4);
    const shape = [512, 1000];
    sameBits(await akjs.softmax.async(x, { shape }), akjs.softmax(x, { shape }));
    sameBits(await akjs.logSoftmax.async(x, { shape, axis: 0 }), akjs.logSoftmax(x, { shape, axis: 0 }));
    const dy = data(x.length, 5);
    const y = akjs.softmax(x, { shape });
    sameBits(await akjs.softmax.backward.async(dy, x, { shape, y }), akjs.softmax.backward(dy, x, { shape, y }));
    const mo = { shape, axis: 1, pieces: 4 };
    sameBits(await akjs.maxout.async(x, mo), akjs.maxout(x, mo));
    const dym = data(x.length / 4, 6);
    sameBits(await akjs.maxout.backward.async(dym, x, mo), akjs.maxout.backward(dym, x, mo));
    const alpha = data(1000, 7);
    const po = { shape, channelAxis: 1 };
    sameBits(await akjs.prelu.async(x, alpha, po), akjs.prelu(x, alpha, po));
    const a = await akjs.prelu.backward.async(dy, x, alpha, po);
    const b = akjs.prelu.backward(dy, x, alpha, po);
    sameBits(a.dx, b.dx);
    sameBits(a.dalpha, b.dalpha);
  });

  it('a compiled activation equals its sync call', async () => {
    const act = akjs.compile('x * sigmoid(beta * x)', { params: { beta: 1.5 } });
    const x = data(N, 8);
    sameBits(await act.async(x), act(x));
    const dy = data(N, 9);
    sameBits(await act.backward.async(dy, x), act.backward(dy, x));
  });

  it('an abort after the first slice changes nothing: the call completes', async () => {
    const x = data(N, 10);
    const ac = new AbortController();
    const p = akjs.gelu.async(x, { signal: ac.signal });
    setImmediate(() => setImmediate(() => ac.abort()));
    sameBits(await p, akjs.gelu(x));
  });

  it('an array detached between slices rejects with a TypeError naming the call', async () => {
    const buf = new ArrayBuffer(N * 4);
    const x = new Float32Array(buf);
    x.set(data(N, 11));
    const out = new Float32Array(N);
    const p = akjs.gelu.async(x, { out });
    // The first setImmediate is the call's own start turn; detach after the first burst.
    setImmediate(() => setImmediate(() => structuredClone(buf, { transfer: [buf] })));
    const err = await p.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toMatch(/^gelu\.async: Expected arrays that stay attached and keep their size until the promise settles \(\d+ of 1048576 elements were written\) for the call's arrays but received one detached or resized while the call ran$/);
  });
});

describe('shapedRows', () => {
  it('cuts every array of a maxout call by its own row width', () => {
    const x = new Float32Array(6 * 8), y = new Float32Array(6 * 4);
    const c = shapedRows({ op: 'maxout', x, y, outer: 6, len: 4, inner: 2, pieces: 2 }, 2, 5);
    expect(c.outer).toBe(3);
    if (c.op !== 'maxout') throw new Error(c.op);
    expect([c.x.byteOffset / 4, c.x.length, c.y.byteOffset / 4, c.y.length]).toEqual([16, 24, 8, 12]);
  });
});

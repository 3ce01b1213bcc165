/**
 * The process-wide thread pool as users see it: setThreads / info().threads,
 * and results that do not depend on how a call is split (1, 2 and 7 threads,
 * sync and async, every op with a native kernel, both dtypes, lengths around
 * the tile size).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api as ak } from '../lib/instance';
import { createApi } from '../lib/api/index';
import { createJsBackend } from '../lib/backend/js';
import { loadNative } from '../lib/backend/native';
import { requiredOptions, unaryNames, unaryOps, type UnaryName } from '../lib/registry/ops';
import { MAX_THREADS } from '../lib/backend/pool';
import { availableParallelism } from 'node:os';
import { rng } from './numerics/helpers';

const native = (() => {
  const r = loadNative('');
  if (!r.backend) throw new Error(r.error);
  return r.backend;
})();
const binding = native.binding;
const registryMins = unaryNames.map((n) => unaryOps[n].parallelMin);
const initialThreads = ak.info().threads;

/** Ops with a native kernel for this dtype in this build (the others run the JS twin, unthreaded). */
function nativeOps(Ctor: Float32ArrayConstructor | Float64ArrayConstructor): UnaryName[] {
  return unaryNames.filter((n, id) => binding.unary(id, new Ctor(4), new Ctor(4), 0.5, 1));
}

/** Inputs across every branch of the ops: random spread, specials, subnormals. */
function input<A extends Float32Array | Float64Array>(Ctor: new (n: number) => A, n: number): A {
  const x = new Ctor(n);
  const r = rng(0x9e3779b9);
  for (let i = 0; i < n; i++) x[i] = (r() * 60 - 30) * (i % 7 === 0 ? 1e-3 : 1);
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 6, -6, 20, 88.7, -104, 1e30];
  for (let i = 0; i < n; i += 997) x[i] = specials[(i / 997) % specials.length];
  return x;
}

const bits = (a: Float32Array | Float64Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

function firstDiff(a: Float32Array | Float64Array, b: Float32Array | Float64Array): string {
  for (let i = 0; i < a.length; i++) {
    if (!Object.is(a[i], b[i])) return `element ${i}: ${a[i]} vs ${b[i]}`;
  }
  return 'same';
}

describe('setThreads and info().threads', () => {
  afterAll(() => ak.setThreads(initialThreads));

  it('reports the pool size, the available parallelism by default, and changes it at run time', () => {
    expect(ak.info().backend).toBe('native');
    if (process.env.ACTIVATION_KERNELS_THREADS === undefined) {
      expect(initialThreads).toBe(availableParallelism());
    }
    ak.setThreads(3);
    expect(ak.info().threads).toBe(3);
    expect(binding.poolStats().threads).toBe(3);
    ak.setThreads(1);
    expect(ak.info().threads).toBe(1);
  });

  it('rejects what is not an integer from 1 to the maximum, naming the argument', () => {
    expect(() => ak.setThreads(0)).toThrow(RangeError);
    expect(() => ak.setThreads(2.5)).toThrow(/setThreads: Expected an integer from 1 to 256 for n but received 2.5 of type number/);
    expect(() => ak.setThreads(MAX_THREADS + 1)).toThrow(RangeError);
    expect(() => ak.setThreads(NaN)).toThrow(RangeError);
    expect(() => ak.setThreads('4' as unknown as number)).toThrow(TypeError);
    expect(ak.info().threads).toBe(1); // unchanged by the refused calls
  });
});

describe('setThreads on the pure-JS backend', () => {
  it('validates the same way and leaves the twin at its one thread', () => {
    const js = createApi(createJsBackend(null));
    js.setThreads(4);
    expect(js.info().threads).toBe(1);
    expect(() => js.setThreads(0)).toThrow(RangeError);
  });
});

describe('results do not depend on the number of threads', () => {
  // Splitting starts at 0 elements here, so every call of more than one tile is cut.
  beforeAll(() => binding.setParallelMin(unaryNames.map(() => 0)));
  afterAll(() => {
    binding.setParallelMin(registryMins);
    ak.setThreads(initialThreads);
  });

  // Around one tile (16 KiB: 4096 floats, 2048 doubles), many tiles, and a ragged end.
  const lengths = [1, 2047, 2049, 4095, 4097, 3 * 4096 + 5, 100_003];

  for (const [label, Ctor] of [['float32', Float32Array], ['float64', Float64Array]] as const) {
    it(`${label}: sync and async with 1, 2 and 7 threads are identical bit for bit`, async () => {
      const ops = nativeOps(Ctor);
      expect(ops.length).toBeGreaterThan(0);
      const x = input(Ctor, lengths[lengths.length - 1]);
      for (const name of ops) {
        for (const n of lengths) {
          const xs = x.subarray(0, n);
          const results: [string, Float32Array | Float64Array][] = [];
          for (const threads of [1, 2, 7]) {
            ak.setThreads(threads);
            results.push([`sync, ${threads} threads`, ak[name](xs, requiredOptions(unaryOps[name]))]);
            results.push([`async, ${threads} threads`, await ak[name].async(xs, requiredOptions(unaryOps[name]))]);
          }
          const [, want] = results[0];
          for (const [what, got] of results.slice(1)) {
            if (!Buffer.from(bits(got)).equals(Buffer.from(bits(want)))) {
              expect.fail(`${name} ${label} n=${n}, ${what} differs from sync on 1 thread at ${firstDiff(got, want)}`);
            }
          }
        }
      }
    });
  }

  it('in-place calls split over threads give the out-of-place result', async () => {
    ak.setThreads(2);
    const x = input(Float32Array, 100_003);
    for (const name of nativeOps(Float32Array)) {
      const req = requiredOptions(unaryOps[name]);
      const want = ak[name](x, req);
      const a = x.slice();
      ak[name](a, { ...req, out: a });
      const b = x.slice();
      await ak[name].async(b, { ...req, out: b });
      expect(firstDiff(a, want), `${name} sync in place`).toBe('same');
      expect(firstDiff(b, want), `${name} async in place`).toBe('same');
    }
  });
});

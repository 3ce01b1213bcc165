/**
 * The native Backend as the API uses it: views read in place (byteOffset,
 * SharedArrayBuffer), in-place calls, delegation to the JS twin (lib/backend/compose.ts)
 * for what has no native kernel, defensive TypeErrors in the binding, and loading in worker_threads.
 */
import { describe, expect, it } from 'vitest';
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import { loadBinding, loadNative, wrapBinding, type Binding, type NativeInfo } from '../lib/backend/native';
import { unaryOps, unaryNames } from '../lib/registry/ops';
import { compose } from '../lib/backend/compose';

const native = (() => {
  const r = loadNative('');
  if (!r.backend) throw new Error(r.error);
  return r.backend;
})();
const binding = native.binding;
const id = (name: string): number => (unaryNames as string[]).indexOf(name);

/** The twin's result of op `name` (defaults for parameters). */
function twin<A extends Float32Array | Float64Array>(name: string, x: A): A {
  const y = new (x.constructor as new (n: number) => A)(x.length);
  const ps = unaryOps[name as keyof typeof unaryOps].params.map((p) => (p.kind === 'number' ? p.default : 0));
  const f32 = x instanceof Float32Array;
  const [a, b] = [ps[0] ?? 0, ps[1] ?? 0].map((v) => (f32 ? Math.fround(v) : v));
  unaryOps[name as keyof typeof unaryOps].js(x, y, a, b);
  return y;
}

function mixed(n: number): number[] {
  return Array.from({ length: n }, (_, i) => ((i * 2654435761) % 4001) / 100 - 20);
}

describe('native backend', () => {
  it('reads views at their byteOffset, SharedArrayBuffer-backed too, and writes only the view', () => {
    for (const [Ctor, size] of [[Float32Array, 4], [Float64Array, 8]] as const) {
      const n = 77;
      const sx = new SharedArrayBuffer((n + 5) * size);
      const sy = new ArrayBuffer((n + 9) * size);
      const x = new Ctor(sx, 3 * size, n);
      const y = new Ctor(sy, 4 * size, n);
      new Ctor(sx).fill(-1);
      new Ctor(sy).fill(42);
      x.set(mixed(n));
      native.unary(id('relu'), x, y, 0, 0);
      expect(Array.from(y)).toEqual(Array.from(twin('relu', x)));
      const whole = new Ctor(sy);
      for (let i = 0; i < whole.length; i++) if (i < 4 || i >= 4 + n) expect(whole[i], `element ${i}`).toBe(42);
      expect(new Ctor(sx)[2]).toBe(-1); // input untouched
    }
  });

  it('computes in place', () => {
    const x = Float32Array.from(mixed(1000));
    const want = twin('hardSwish', x);
    native.unary(id('hardSwish'), x, x, 0, 0);
    expect(Array.from(x)).toEqual(Array.from(want));
  });

  it('exact ops match the JS twin bit for bit on both dtypes', () => {
    for (const Ctor of [Float32Array, Float64Array]) {
      const x = Ctor.from([...mixed(3000), NaN, 0, -0, Infinity, 3, -3, 6, 2.9999999, -2.9999999, 1e-30, -1e-300]);
      for (const name of unaryNames) {
        if (!unaryOps[name].exact) continue;
        const y = new Ctor(x.length);
        const ps = unaryOps[name].params.map((p) => (p.kind === 'number' ? p.default : 0));
        const [a, b] = [ps[0] ?? 0, ps[1] ?? 0].map((v) => (Ctor === Float32Array ? Math.fround(v) : v));
        native.unary(id(name), x, y, a, b);
        const want = twin(name, x);
        for (let i = 0; i < x.length; i++) {
          if (!Object.is(y[i], want[i]) && !(Object.is(y[i] + 0, want[i] + 0))) {
            expect(y[i], `${name}(${x[i]}) ${Ctor.name}`).toBe(want[i]);
          }
        }
      }
    }
  });

  it('delegates an op/dtype without a native kernel to the JS twin', () => {
    const calls: number[] = [];
    const stub: Partial<Binding> = {
      unary: (opId) => { calls.push(opId); return false; },
      unaryIsa: () => false,
      configure: () => binding.info(),
      info: () => binding.info(),
      ops: () => binding.ops(),
    };
    const info: NativeInfo = { isa: 'scalar', isas: ['scalar'], compiled: ['scalar'], isaError: null };
    const b = compose(wrapBinding(stub as Binding, 'stub.node', info));
    const x = Float64Array.from(mixed(50));
    const y = new Float64Array(50);
    b.unary(id('sigmoid'), x, y, 0, 0);
    expect(calls).toEqual([id('sigmoid')]);
    expect(Array.from(y)).toEqual(Array.from(twin('sigmoid', x)));
  });

  it('the binding throws TypeError on misuse instead of reading garbage', () => {
    const f = new Float32Array(4);
    const d = new Float64Array(4);
    const bad: unknown[][] = [
      [],
      [0, f],
      [0, f, d, 0, 0],
      [0, f, new Float32Array(5), 0, 0],
      [0, new Int32Array(4), new Int32Array(4), 0, 0],
      [0, [1, 2, 3, 4], f, 0, 0],
      [0, f, new DataView(new ArrayBuffer(16)), 0, 0],
      [999, f, f, 0, 0],
      [-1, f, f, 0, 0],
      ['relu', f, f, 0, 0],
      [0, f, f, 'a', 0],
      [0, f, f, 0, {}],
    ];
    for (const args of bad) {
      expect(() => (binding.unary as (...a: unknown[]) => boolean)(...args), JSON.stringify(args)).toThrow(TypeError);
    }
    expect(() => (binding.unaryIsa as (...a: unknown[]) => boolean)(7, 0, f, f, 0, 0)).toThrow(TypeError);
    expect(binding.unary(0, f, f, 0, 0)).toBe(true);
    expect(binding.unary(0, new Float32Array(0), new Float32Array(0), 0, 0)).toBe(true);
  });

  it('loads and computes in worker threads, alongside the main thread, and unloads cleanly', async () => {
    const file = (loadBinding() as { file: string }).file;
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      const b = require(workerData.file);
      const info = b.configure(workerData.isa);
      const x = new Float32Array(1000).map((_, i) => i - 500);
      const y = new Float32Array(1000);
      b.unary(0, x, y, 0, 0);
      parentPort.postMessage({ isa: info.isa, sum: y.reduce((s, v) => s + v, 0) });`;
    const isas = binding.info().isas;
    const results = await Promise.all(
      isas.map(
        (isa) =>
          new Promise<{ isa: string; sum: number }>((resolve, reject) => {
            const w = new Worker(code, { eval: true, workerData: { file, isa } });
            w.once('message', (m) => { resolve(m); void w.terminate(); });
            w.once('error', reject);
          }),
      ),
    );
    expect(results.map((r) => r.isa)).toEqual(isas); // each worker has its own active level
    for (const r of results) expect(r.sum).toBe((499 * 500) / 2);
    expect(binding.info().isa).toBe(native.isa); // the main thread's choice is untouched
  });
});

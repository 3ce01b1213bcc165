import { describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as ak from '../lib/index';
import * as akjs from '../lib/js';
import { opcodesHeader } from '../lib/expr/opcodes';

const root = join(__dirname, '..');

describe('compile: the interface of a built-in activation', () => {
  const act = ak.compile('x * sigmoid(beta * x)', { params: { beta: 1.5 } });
  const f = (v: number) => v / (1 + Math.exp(-1.5 * v));
  const fp = (v: number) => {
    const s = 1 / (1 + Math.exp(-1.5 * v));
    return s + 1.5 * v * s * (1 - s);
  };

  it('is exported by both entries, ESM views included', async () => {
    expect(typeof ak.compile).toBe('function');
    expect(typeof akjs.compile).toBe('function');
    expect(typeof ak.stats).toBe('function');
    expect(typeof akjs.stats).toBe('function');
    expect(typeof ak.default.compile).toBe('function');
    const gen = readFileSync(join(root, 'lib', 'generated', 'index-exports.ts'), 'utf8');
    expect(gen).toMatch(/export const compile = api\.compile;/);
    expect(gen).toMatch(/export const stats = api\.stats;/);
  });

  it('computes forward into a new array, into out, and in place, for both dtypes', () => {
    for (const T of [Float32Array, Float64Array]) {
      const x = T.from([-3, -0.5, 0, 0.25, 2, 40]);
      const y = act(x);
      expect(y).toBeInstanceOf(T);
      expect(y).not.toBe(x);
      x.forEach((v, i) => expect(y[i]).toBeCloseTo(f(v), T === Float32Array ? 5 : 13));
      const out = new T(x.length);
      expect(act(x, { out })).toBe(out);
      expect(Array.from(out)).toEqual(Array.from(y));
      const z = x.slice();
      expect(act(z, { out: z })).toBe(z);
      expect(Array.from(z)).toEqual(Array.from(y));
    }
  });

  it('runs across many tiles and odd lengths, SharedArrayBuffer and offset views included', () => {
    for (const n of [0, 1, 255, 256, 257, 1000, 70_001]) {
      const buf = new SharedArrayBuffer(8 * (n + 3));
      const x = new Float64Array(buf, 16, n);
      for (let i = 0; i < n; i++) x[i] = Math.sin(i) * 7;
      const y = act(x);
      for (let i = 0; i < n; i += 97) expect(y[i]).toBeCloseTo(f(x[i]), 13);
      if (n) expect(y[n - 1]).toBeCloseTo(f(x[n - 1]), 13);
    }
  });

  it('computes backward dx = dy·f\'(x), into out (which may be dy or x)', () => {
    const x = Float64Array.from([-3, -0.5, 0, 0.25, 2]);
    const dy = Float64Array.from([1, 2, -1, 0.5, 3]);
    const dx = act.backward(dy, x);
    x.forEach((v, i) => expect(dx[i]).toBeCloseTo(dy[i] * fp(v), 13));
    const d2 = dy.slice();
    expect(act.backward(d2, x, { out: d2 })).toBe(d2);
    expect(Array.from(d2)).toEqual(Array.from(dx));
    const x2 = x.slice();
    act.backward(dy, x2, { out: x2 });
    expect(Array.from(x2)).toEqual(Array.from(dx));
    const dx32 = act.backward(Float32Array.from(dy), Float32Array.from(x));
    expect(dx32).toBeInstanceOf(Float32Array);
  });

  it('has async forms that resolve to the output and honour an AbortSignal', async () => {
    const x = Float32Array.from([1, 2, 3]);
    const y = await act.async(x);
    expect(Array.from(y)).toEqual(Array.from(act(x)));
    const dx = await act.backward.async(Float32Array.from([1, 1, 1]), x);
    expect(Array.from(dx)).toEqual(Array.from(act.backward(Float32Array.from([1, 1, 1]), x)));
    const ac = new AbortController();
    ac.abort();
    await expect(act.async(x, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const ac2 = new AbortController();
    const out = new Float32Array(3);
    const p = act.async(x, { out, signal: ac2.signal });
    ac2.abort();
    // An abort wins only while the work is still queued: on the native pool a
    // 3-element job may already have run. Either way the outcome is whole:
    // AbortError with nothing written, or the full result.
    const settled = await p.then(() => 'resolved', (e: Error) => e.name);
    if (settled === 'resolved') expect(Array.from(out)).toEqual(Array.from(act(x)));
    else {
      expect(settled).toBe('AbortError');
      expect(Array.from(out)).toEqual([0, 0, 0]);
    }
    await expect(act.async(x, { signal: 'no' as unknown as AbortSignal })).rejects.toThrow(TypeError);
  });

  it('takes per-call parameter values like a built-in takes its options', () => {
    const x = Float64Array.from([1, -2]);
    const y = act(x, { beta: 0.5 });
    expect(y[0]).toBeCloseTo(1 / (1 + Math.exp(-0.5)), 14);
    expect(act(x)[0]).toBeCloseTo(f(1), 14); // the compiled value is untouched
    expect(act.backward(Float64Array.from([1, 1]), x, { beta: 0.5 })[0]).toBeCloseTo(
      ak.compile('x * sigmoid(0.5 * x)').backward(Float64Array.from([1]), Float64Array.from([1]))[0], 14);
    expect(() => act(x, { beta: NaN })).toThrow(RangeError);
    expect(() => act(x, { beta: '1' as unknown as number })).toThrow(TypeError);
    expect(act.params).toEqual({ beta: 1.5 });
    expect(act.expression).toBe('x * sigmoid(beta * x)');
  });

  it('validates like the built-ins, before writing anything', () => {
    const x = new Float32Array([1, 2, 3, 4]);
    const fresh = () => new Float32Array([9, 9, 9, 9]);
    expect(() => act([1, 2] as unknown as Float32Array)).toThrow(/Expected a Float32Array, Float64Array, Float16Array or Uint16Array \(with options\.dtype\) for x but received an Array of length 2/);
    expect(() => act(x, { out: new Float64Array(4) as unknown as Float32Array })).toThrow(TypeError);
    expect(() => act(x, { out: new Float32Array(3) })).toThrow(RangeError);
    expect(() => act(x, { alpha: 1 } as never)).toThrow(/Unknown option "alpha" in options; expected one of: "out", "dtype", "beta"/);
    expect(() => act(x, null as never)).toThrow(TypeError);
    const buf = new ArrayBuffer(32);
    const a = new Float32Array(buf, 0, 4);
    const b = new Float32Array(buf, 8, 4);
    expect(() => act(a, { out: b })).toThrow(/overlaps it partially/);
    const out = fresh();
    expect(() => act.backward(new Float32Array(3), x, { out })).toThrow(RangeError);
    expect(() => act.backward(new Float64Array(4) as unknown as Float32Array, x, { out })).toThrow(TypeError);
    expect(() => act.backward(a, x, { out: b })).toThrow(/overlaps it partially/);
    expect(Array.from(out)).toEqual([9, 9, 9, 9]);
    const detached = new Float32Array(4);
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    expect(() => act(detached)).toThrow(/detached/);
  });

  it('exposes its programs and a listing', () => {
    expect(act.program.code).toBeInstanceOf(Int32Array);
    expect(act.program.consts).toBeInstanceOf(Float64Array);
    expect(act.backwardProgram.nInputs).toBe(2);
    expect(act.disassemble()).toMatch(/SIGMOID/);
  });
});

describe('the expression is data', () => {
  it('lib/expr never evaluates text as JavaScript', () => {
    const dir = join(root, 'lib', 'expr');
    for (const file of readdirSync(dir)) {
      const src = readFileSync(join(dir, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      expect(src, file).not.toMatch(/\beval\s*\(/);
      expect(src, file).not.toMatch(/\bFunction\s*\(/);
      expect(src, file).not.toMatch(/new\s+Function\b/);
      expect(src, file).not.toMatch(/\bvm\b|require\(\s*['"]node:vm/);
    }
  });
});

describe('the native twin of the opcode table', () => {
  it('native/expr/opcodes.h is generated from lib/expr/opcodes.ts', () => {
    expect(readFileSync(join(root, 'native', 'expr', 'opcodes.h'), 'utf8')).toBe(opcodesHeader());
  });
});

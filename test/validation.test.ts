/**
 * Every bad input of issue 2 point 4, for every registry op, through both API
 * instances (the default one and activation-kernels/js): the error class, the
 * function and the argument named in the message, what was expected and what
 * was received, and that nothing was written (out and x byte-identical).
 */
import { describe, expect, it } from 'vitest';
import ak from '../lib/index';
import akjs from '../lib/js';
import { unaryOps, unaryNames, type ParamDef } from '../lib/registry/ops';
import type { FloatArray } from '../lib/types';
import { viewOn } from './numerics/helpers';

type Call = (x: unknown, options?: unknown) => FloatArray;
const instances = [
  { label: 'default', api: ak as unknown as Record<string, Call> },
  { label: 'js', api: akjs as unknown as Record<string, Call> },
];

function defaults(name: string): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const p of unaryOps[name as keyof typeof unaryOps].params) o[p.name] = p.default;
  return o;
}

function bytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

/** x and out with recognisable contents, and a check that neither changed. */
function arrays(Ctor: Float32ArrayConstructor | Float64ArrayConstructor, n = 9) {
  const x = new Ctor(n);
  for (let i = 0; i < n; i++) x[i] = i - 4.25;
  const out = new Ctor(n).fill(-777.5);
  const x0 = bytes(x), out0 = bytes(out);
  return {
    x, out,
    untouched() {
      expect(bytes(x), 'x was modified').toEqual(x0);
      expect(bytes(out), 'out was written').toEqual(out0);
    },
  };
}

/** Asserts the error class and that the message names the function and the argument, in SPEC's voice. */
function expectError(fn: () => unknown, Cls: typeof TypeError | typeof RangeError, opName: string, argName: string): Error {
  let err: unknown;
  try {
    fn();
  } catch (e) {
    err = e;
  }
  expect(err, `${opName}: expected a ${Cls.name} naming ${argName}`).toBeInstanceOf(Cls);
  const msg = (err as Error).message;
  expect(msg.startsWith(`${opName}: `), msg).toBe(true);
  expect(msg, msg).toContain(argName);
  return err as Error;
}

/** "Expected ... but received ..." where the API says what it wanted and what it got. */
function expectVoice(e: Error): void {
  expect(e.message).toMatch(/Expected .+ (but )?received .+|Unknown option .+ expected one of/);
}

/** A view whose ArrayBuffer has since been detached (transferred away). */
function detachedView(Ctor: Float32ArrayConstructor | Float64ArrayConstructor, n: number): FloatArray {
  const buf = new ArrayBuffer(n * Ctor.BYTES_PER_ELEMENT);
  const view = new Ctor(buf);
  const t = (buf as ArrayBuffer & { transfer?: () => ArrayBuffer }).transfer;
  if (typeof t === 'function') t.call(buf);
  else structuredClone(buf, { transfer: [buf] });
  expect(buf.byteLength).toBe(0);
  expect(view.length).toBe(0);
  return view;
}

describe.each(instances)('validation ($label instance)', ({ api }) => {
  describe.each(unaryNames.map((n) => ({ name: n })))('$name', ({ name }) => {
    const f = api[name];
    const opts = defaults(name);

    it('rejects an x that is not a Float32Array or Float64Array', () => {
      for (const bad of [[1, 2, 3], new Int32Array(3), new DataView(new ArrayBuffer(8)), new Uint8Array(4), undefined, null, 3, 'abc', {}]) {
        const e = expectError(() => f(bad, opts), TypeError, name, 'x');
        expectVoice(e);
      }
      // A plain Array is not modified either.
      const arr = [1, -2, 3];
      expectError(() => f(arr), TypeError, name, 'x');
      expect(arr).toEqual([1, -2, 3]);
    });

    it('rejects an out of another type (a Float32Array for Float64 input, and the reverse, and non-arrays)', () => {
      const a = arrays(Float64Array);
      const o32 = new Float32Array(a.x.length).fill(5);
      const o32b = bytes(o32);
      expectVoice(expectError(() => f(a.x, { ...opts, out: o32 }), TypeError, name, 'options.out'));
      expect(bytes(o32)).toEqual(o32b);
      a.untouched();
      const b = arrays(Float32Array);
      const o64 = new Float64Array(b.x.length).fill(5);
      expectError(() => f(b.x, { ...opts, out: o64 }), TypeError, name, 'options.out');
      for (const bad of [[0, 0, 0, 0, 0, 0, 0, 0, 0], new Int32Array(9), null, 7]) {
        expectError(() => f(b.x, { ...opts, out: bad }), TypeError, name, 'options.out');
      }
      b.untouched();
    });

    it('rejects an out of another length', () => {
      for (const Ctor of [Float32Array, Float64Array]) {
        const a = arrays(Ctor);
        for (const n of [0, a.x.length - 1, a.x.length + 1]) {
          const o = new Ctor(n).fill(3);
          const o0 = bytes(o);
          const e = expectError(() => f(a.x, { ...opts, out: o }), RangeError, name, 'options.out');
          expect(e.message).toContain(String(a.x.length));
          expect(bytes(o)).toEqual(o0);
        }
        a.untouched();
      }
    });

    it('rejects an out that partially overlaps x, in either order, and writes nothing', () => {
      for (const Ctor of [Float32Array, Float64Array]) {
        for (const shared of [false, true]) {
          const B = Ctor.BYTES_PER_ELEMENT;
          const buf = new (shared ? SharedArrayBuffer : ArrayBuffer)(24 * B);
          const all = viewOn(Ctor, buf, 0, 24);
          for (let i = 0; i < all.length; i++) all[i] = i + 0.5;
          const before = bytes(all);
          for (const [xo, oo] of [[0, 4], [4, 0], [0, 1], [3, 2], [2, 9]]) {
            const x = viewOn(Ctor, buf, xo * B, 10);
            const out = viewOn(Ctor, buf, oo * B, 10);
            expectError(() => f(x, { ...opts, out }), RangeError, name, 'options.out');
            expect(bytes(all)).toEqual(before);
          }
        }
      }
    });

    it('accepts disjoint views of one buffer (adjacent, not overlapping) and in place', () => {
      const buf = new ArrayBuffer(20 * 8);
      const x = new Float64Array(buf, 0, 10).fill(0.75);
      const out = new Float64Array(buf, 80, 10);
      expect(f(x, { ...opts, out })).toBe(out);
      expect(Array.from(x)).toEqual(new Array(10).fill(0.75));
      expect(f(x, { ...opts, out: x })).toBe(x);
    });

    it('rejects an unknown option name, naming it', () => {
      const a = arrays(Float32Array);
      for (const key of ['alhpa', 'Out', 'signal', 'inplace', 'approx']) {
        const e = expectError(() => f(a.x, { ...opts, out: a.out, [key]: 1 }), TypeError, name, JSON.stringify(key));
        expectVoice(e);
        expect(e.message).toContain('options');
      }
      a.untouched();
    });

    it('rejects options that are not an object', () => {
      const a = arrays(Float64Array);
      for (const bad of [null, 5, 'alpha', true, [1], new Float64Array(2), () => 1]) {
        expectVoice(expectError(() => f(a.x, bad), TypeError, name, 'options'));
      }
      a.untouched();
    });

    it('rejects an x or out whose ArrayBuffer is detached', () => {
      for (const Ctor of [Float32Array, Float64Array]) {
        const dx = detachedView(Ctor, 8);
        expect(expectError(() => f(dx, opts), TypeError, name, 'x').message).toContain('detached');
        // x of length 0 matches the detached out's length, so only the detachment can be the error.
        const a = arrays(Ctor, 0);
        const dout = detachedView(Ctor, 8);
        const e = expectError(() => f(a.x, { ...opts, out: dout }), TypeError, name, 'options.out');
        expect(e.message).toContain('detached');
        a.untouched();
      }
    });

    const params = unaryOps[name].params as readonly ParamDef[];
    if (params.length > 0) {
      it('rejects each parameter that is non-finite, of the wrong type or out of its range, naming it', () => {
        for (const p of params) {
          const bads: [unknown, typeof TypeError | typeof RangeError][] = [];
          if (p.kind === 'enum') {
            bads.push(['fast', RangeError], [p.values[0].toUpperCase() + '!', RangeError], [1, TypeError], [null, TypeError], [true, TypeError]);
          } else {
            bads.push([NaN, RangeError], [Infinity, RangeError], [-Infinity, RangeError], ['1', TypeError], [null, TypeError], [1n, TypeError], [{}, TypeError]);
            if (p.min !== undefined) bads.push([p.minExclusive ? p.min : p.min - 1, RangeError], [p.min - 1e-3, RangeError]);
            if (p.max !== undefined) bads.push([p.max + 1, RangeError]);
          }
          for (const [v, Cls] of bads) {
            for (const Ctor of [Float32Array, Float64Array]) {
              const a = arrays(Ctor);
              const e = expectError(() => f(a.x, { ...opts, out: a.out, [p.name]: v }), Cls, name, `options.${p.name}`);
              expectVoice(e);
              a.untouched();
            }
          }
        }
      });
    }
  });

  // The named cases of issue 2, point 4, spelled out.
  it.each([
    ['elu', { alpha: NaN }, RangeError, 'options.alpha'],
    ['softplus', { beta: 0 }, RangeError, 'options.beta'],
    ['celu', { alpha: 0 }, RangeError, 'options.alpha'],
    ['hardTanh', { min: 2, max: 1 }, RangeError, 'options.min'],
    ['rbf', { gamma: -1 }, RangeError, 'options.gamma'],
    ['gelu', { approximate: 'fast' }, RangeError, 'options.approximate'],
    ['gelu', { approximate: true }, TypeError, 'options.approximate'],
  ] as const)('%s %o throws %o naming %s', (name, o, Cls, arg) => {
    // Every key used here must be a real registry op and parameter, or this table is stale.
    expect(unaryNames as readonly string[]).toContain(name);
    const a = arrays(Float32Array);
    expectError(() => api[name](a.x, { ...o, out: a.out }), Cls, name, arg);
    a.untouched();
  });

  it('checks a parameter after its conversion to float32 (a beta that rounds to 0 is refused for float32 only)', () => {
    const a = arrays(Float32Array);
    const e = expectError(() => api.softplus(a.x, { beta: 1e-50, out: a.out }), RangeError, 'softplus', 'options.beta');
    expect(e.message).toContain('float32');
    a.untouched();
    const y = api.softplus(new Float64Array([0]), { beta: 1e-50 });
    expect(y[0]).toBeCloseTo(Math.LN2 / 1e-50, -40);
  });

  it('accepts a hardTanh with min = max (the rule is min ≤ max)', () => {
    expect(Array.from(api.hardTanh(new Float32Array([-2, 0, 2]), { min: 0.5, max: 0.5 }))).toEqual([0.5, 0.5, 0.5]);
  });
});

describe('articles in messages', () => {
  it('says "an Int32Array" and "a Uint8Array"', () => {
    expect(() => ak.relu(new Int32Array(3) as never)).toThrow(/received an Int32Array of length 3/);
    expect(() => ak.relu(new Uint8Array(3) as never)).toThrow(/received a Uint8Array of length 3/);
  });
});

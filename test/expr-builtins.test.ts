import { describe, expect, it } from 'vitest';
import { api } from '../lib/instance-js';
import * as ak from '../lib/index';
import { requiredOptions, unaryOps, unaryNames, type UnaryOpDef } from '../lib/registry/ops';
import { ulpError } from './ulp.cjs';
import { rng } from './numerics/helpers';

function sample(n: number, lo: number, hi: number, seed: number): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
}

function worst(y: ArrayLike<number>, ref: ArrayLike<number>, dtype: 'float32' | 'float64'): number {
  let w = 0;
  for (let i = 0; i < y.length; i++) w = Math.max(w, ulpError(y[i], ref[i], dtype));
  return w;
}

describe('expressions equal to a built-in op', () => {
  // [expression, built-in name, its options, ULP bound in float64, float32 for the twin (two roundings
  // apart at most), float32 for the native interpreter (float32 lanes, each unit within 4 ULP of its
  // float64 value: 4 per unit, times what the later units magnify)]
  const cases: [string, string, Record<string, number>, Record<string, number>, number, number, number][] = [
    ['x * sigmoid(x)', 'silu', {}, {}, 4, 1, 8],
    // sigmoid magnifies the rounding of z = βx by |z|(1 − σ(z)) ≤ 12 on this range.
    ['x * sigmoid(beta * x)', 'swish', { beta: 1.5 }, { beta: 1.5 }, 4, 1, 16],
    ['max(x, 0)', 'relu', {}, {}, 0, 0, 0],
    ['min(max(x, 0), 6)', 'relu6', {}, {}, 0, 0, 0],
    ['sigmoid(x)', 'sigmoid', {}, {}, 4, 1, 4],
    ['tanh(x)', 'tanh', {}, {}, 4, 1, 4],
    ['x / (1 + abs(x))', 'softsign', {}, {}, 4, 1, 12],
    ['x * tanh(softplus(x))', 'mish', {}, {}, 8, 1, 12],
    // exp amplifies the rounding of its argument z = g(x − c)² by |z| ≤ 35 on this range; the built-in carries z exactly
    // (float32 lanes: z carries ~2.5 ULP of rounding, so up to ~90 ULP after exp).
    ['exp(-g * (x - c)^2)', 'rbf', { g: 0.5, c: 0.25 }, { gamma: 0.5, center: 0.25 }, 40, 1, 96],
  ];

  it.each(cases)('%s equals %s forward', (src, name, params, opts, ulp64, ulp32, ulp32native) => {
    const x = sample(4000, -8, 8, src.length);
    const act = ak.compile(src, { params });
    const op = (ak as unknown as Record<string, (x: Float64Array | Float32Array, o?: object) => Float64Array | Float32Array>)[name];
    expect(worst(act(x), op(x, opts), 'float64')).toBeLessThanOrEqual(ulp64);
    // float32: against the built-in's float64 values on the same inputs (the float32 built-ins, native
    // ones included, have their own registry bound).
    const x32 = Float32Array.from(x);
    const bound32 = ak.info().backend === 'js' ? ulp32 : ulp32native;
    expect(worst(act(x32), op(Float64Array.from(x32), opts), 'float32')).toBeLessThanOrEqual(bound32);
    expect(worst(api.compile(src, { params })(x32), op(Float64Array.from(x32), opts), 'float32')).toBeLessThanOrEqual(ulp32);
  });
});

describe('derivatives of the registry ops', () => {
  it('every registry row gives its derivative in the expression language (backward.expr), one that compiles', () => {
    for (const name of unaryNames) {
      const def = unaryOps[name];
      const p = def.params.map((q) => (q.kind === 'enum' ? 0 : q.default));
      const src = def.backward.expr(p);
      expect(src.length, name).toBeGreaterThan(0);
      // Parameters stand for their default values; the formula is then a function of x alone.
      const bound = def.params.reduce((s, q, i) => s.replace(new RegExp(`\\b${q.name}\\b`, 'g'), `(${p[i]})`), src);
      expect(() => ak.compile(bound), `${name}: ${bound}`).not.toThrow();
    }
  });

  /** Each op with its default parameters and with a second set (enums: their last value), as an expression and as options. */
  const settings: [string, string, Record<string, number | string>][] = [];
  for (const name of unaryNames) {
    const def: UnaryOpDef = unaryOps[name];
    // Ops with required parameters have no call without them.
    if (!def.params.some((p) => p.kind === 'number' && p.required)) settings.push([name, `${name}(x)`, {}]);
    const alt: Record<string, number | string> = Object.fromEntries(def.params.map((p) => [p.name, p.kind === 'enum' ? p.values[p.values.length - 1] : p.default === 0 ? 0.75 : p.default * 1.5]));
    const args = Object.entries(alt).map(([k, v]) => `${k} = ${typeof v === 'string' ? `'${v}'` : v}`);
    if (args.length) settings.push([name, `${name}(${['x', ...args].join(', ')})`, alt]);
  }

  it.each(settings)('%s: %s backward agrees with the built-in backward, kinks included', (name, src, opts) => {
    const def: UnaryOpDef = unaryOps[name as keyof typeof unaryOps];
    const x = sample(3000, -12, 12, src.length * 17);
    const ones = new Float64Array(x.length).fill(1);
    const mine = api.compile(src).backward(ones, x);
    const builtin = (api as unknown as Record<string, { backward: (dy: Float64Array, x: Float64Array, o: object) => Float64Array }>)[name].backward(ones, x, opts);
    for (let i = 0; i < x.length; i++) {
      // Relative where f' is well conditioned; absolute (a few ε) where f' crosses zero by cancellation.
      const tol = 16 * Math.abs(builtin[i]) * Number.EPSILON + 8 * Number.EPSILON;
      if (!(Math.abs(mine[i] - builtin[i]) <= tol)) expect.fail(`${src}: f'(${x[i]}) = ${mine[i]}, built-in ${builtin[i]}`);
    }
    const p = def.params.map((q) => (q.kind === 'enum' ? q.values.indexOf((opts[q.name] as string | undefined) ?? q.default) : ((opts[q.name] as number | undefined) ?? q.default)));
    for (const [kx, kd] of def.backward.kinks(p[0] ?? 0, p[1] ?? 0)) {
      expect(api.compile(src).backward(new Float64Array([1]), new Float64Array([kx]))[0], `${src} at the kink ${kx}`).toBe(kd);
    }
  });

  it('x * sigmoid(x) backward equals silu.backward, both dtypes', () => {
    const x = sample(5000, -20, 20, 5);
    const dy = sample(5000, -2, 2, 6);
    const act = ak.compile('x * sigmoid(x)');
    const a = act.backward(dy, x);
    const b = ak.silu.backward(dy, x);
    for (let i = 0; i < x.length; i++) {
      if (!(Math.abs(a[i] - b[i]) <= 16 * Math.abs(b[i]) * Number.EPSILON + 8 * Number.EPSILON * Math.abs(dy[i]))) expect.fail(`x = ${x[i]}: ${a[i]} vs ${b[i]}`);
    }
    const x32 = Float32Array.from(x);
    const dy32 = Float32Array.from(dy);
    const a32 = act.backward(dy32, x32);
    const ref = ak.silu.backward(Float64Array.from(dy32), Float64Array.from(x32));
    let w = 0;
    const twin = ak.info().backend === 'js';
    for (let i = 0; i < x.length; i++) {
      if (twin) {
        if (Math.abs(ref[i]) > 1e-30) w = Math.max(w, ulpError(a32[i], ref[i], 'float32'));
      } else {
        // float32 lanes: relative where silu' is well conditioned, absolute (a few ε·|dy|) where it crosses zero.
        const eps32 = 2 ** -23;
        if (!(Math.abs(a32[i] - ref[i]) <= 16 * Math.abs(ref[i]) * eps32 + 8 * eps32 * Math.abs(dy32[i]))) expect.fail(`float32 x = ${x32[i]}: ${a32[i]} vs ${ref[i]}`);
      }
    }
    const j32 = api.compile('x * sigmoid(x)').backward(dy32, x32);
    for (let i = 0; i < x.length; i++) if (Math.abs(ref[i]) > 1e-30) w = Math.max(w, ulpError(j32[i], ref[i], 'float32'));
    expect(w).toBeLessThanOrEqual(1);
  });

  it.each(settings.map(([n, s]) => [n, s] as const))('%s: %s backward matches central differences of its forward kernel', (_name, src) => {
    const act = api.compile(src);
    const x = sample(600, -9, 9, src.length * 31);
    const dx = act.backward(new Float64Array(x.length).fill(1), x);
    const f = (v: number): number => act(new Float64Array([v]))[0];
    let compared = 0;
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const h = 1e-4 * Math.max(1, Math.abs(v));
      const d1 = (f(v + h) - f(v - h)) / (2 * h);
      const d2 = (f(v + h / 2) - f(v - h / 2)) / h;
      const d = (4 * d2 - d1) / 3;
      // A kink within h shows as disagreeing estimates: that point says nothing about f'.
      if (Math.abs(d2 - d1) > 1e-4 * (1 + Math.abs(d))) continue;
      compared++;
      if (!(Math.abs(dx[i] - d) <= 1e-7 * (1 + Math.abs(d)))) expect.fail(`${src}: f'(${v}) = ${dx[i]}, central differences ${d}`);
    }
    expect(compared).toBeGreaterThan(0.95 * x.length);
  });

  it('follows PyTorch at the kinks', () => {
    const d = (src: string, xs: number[]) => Array.from(api.compile(src).backward(new Float64Array(xs.length).fill(1), new Float64Array(xs)));
    expect(d('relu(x)', [-1, 0, 1])).toEqual([0, 0, 1]);
    expect(d('leakyRelu(x, 0.25)', [-1, 0, 1])).toEqual([0.25, 0.25, 1]);
    expect(d('relu6(x)', [0, 3, 6, 7])).toEqual([0, 1, 0, 0]);
    expect(d('hardTanh(x)', [-1, 0, 1])).toEqual([0, 1, 0]);
    expect(d('hardSigmoid(x)', [-3, 0, 3])).toEqual([0, 1 / 6, 0]);
    expect(d('hardSwish(x)', [-4, -3, 0, 3, 4])).toEqual([0, -0.5, 0.5, 1.5, 1]);
    expect(d('elu(x)', [0, 1])).toEqual([1, 1]);
    expect(d('softplus(x, 1, 20)', [20, 20.5])).toEqual([1 / (1 + Math.exp(-20)), 1]);
  });

  it('propagates NaN through every derivative', () => {
    for (const name of unaryNames) {
      const req = Object.entries(requiredOptions(unaryOps[name])).map(([k, v]) => `${k} = ${v}`);
      const dx = api.compile(`${name}(${['x', ...req].join(', ')})`).backward(new Float64Array([1]), new Float64Array([NaN]));
      expect(Number.isNaN(dx[0]), name).toBe(true);
    }
  });
});

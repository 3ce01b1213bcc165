/**
 * The native expression interpreter (native/expr/) against the JS one and the
 * float64 evaluation: every unit on every ISA level this CPU runs, random
 * expressions forward and backward, refusal of malformed programs, and the
 * Node-API entry points (native/napi/expr.cc) behind compile()'s Backend hooks. The driver
 * native/expr/expr_check.cc and a test addon (native/expr/test_addon.cc: the
 * pool plus init_expr) are compiled here against the kernel libraries and
 * objects that `npm run build` (build:native) leaves in build/Release.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { compileUnits, gxx } from './gxx';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { api } from '../lib/instance-js';
import { OP, FORMAT_VERSION } from '../lib/expr/opcodes';
import { runProgram } from '../lib/expr/interp';
import type { Program } from '../lib/expr/codegen';
import { ulpError } from './ulp.cjs';
import { generate, paramsFor } from './expr-gen';
import { rng } from './numerics/helpers';
import type { Backend } from '../lib/backend/backend';
import { compose } from '../lib/backend/compose';
import { createJsBackend } from '../lib/backend/js';
import { exprCalls, type CallsBinding } from '../lib/backend/native-calls';
import { createCompile } from '../lib/api/compile';
import { createStats } from '../lib/api/stats';
import { ISA_LEVELS } from '../lib/backend/native';

const root = join(__dirname, '..');
const release = join(root, 'build', 'Release');
/** native/runtime/cpu.h's level order, which expr_check's results and useIsa follow. */
const LEVELS = ISA_LEVELS;
const X86 = process.arch === 'x64';

let exe = '';
let addonFile = '';

beforeAll(async () => {
  const libs = ['ak_core.a', ...(X86 ? ['ak_isa_avx2.a', 'ak_isa_avx512.a'] : [])].map((l) => join(release, l));
  for (const l of libs) expect(existsSync(l), `${l} is missing: run npm run build`).toBe(true);
  const dir = mkdtempSync(join(tmpdir(), 'ak-expr-'));
  const common = ['-std=c++17', '-O2', '-ffp-contract=off', '-Wall', '-Wextra', '-c'];
  const nodeInclude = join(process.execPath, '..', '..', 'include', 'node');
  const units: [string, string[]][] = [
    ['expr_check.cc', []],
    ['test_addon.cc', [`-I${nodeInclude}`, '-DNODE_GYP_MODULE_NAME=expr_test_addon']],
  ];
  await compileUnits(units.map(([src, flags]) => [join(root, 'native', 'expr', src), flags]), [...common, '-fPIC'], dir);
  // The addon's expression and async entry points, as node-gyp built them.
  const addonObjs = [join('napi', 'expr.o'), join('napi', 'async.o')]
    .map((o) => join(release, 'obj.target', 'activation_kernels', 'native', o));
  for (const o of addonObjs) expect(existsSync(o), `${o} is missing: run npm run build`).toBe(true);
  exe = join(dir, 'expr_check');
  const group = ['-Wl,--start-group', ...libs, '-Wl,--end-group'];  // the libraries refer to one another
  await gxx(['-o', exe, join(dir, 'expr_check.o'), ...group, '-lpthread']);
  addonFile = join(dir, 'expr_test.node');
  await gxx(['-shared', '-o', addonFile, join(dir, 'test_addon.o'), ...addonObjs, ...group, '-lpthread']);
}, 300_000);

type Case = { dtype: 'float32' | 'float64'; program: Program; inputs: (Float32Array | Float64Array)[] };
type Result = { status: number; out: Float32Array | Float64Array | null }[];

function runNative(cases: Case[]): Result[] {
  const parts: Buffer[] = [];
  const u32 = (v: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(v);
    parts.push(b);
  };
  u32(cases.length);
  for (const c of cases) {
    u32(c.dtype === 'float32' ? 0 : 1);
    u32(c.program.code.length);
    parts.push(Buffer.from(c.program.code.buffer, c.program.code.byteOffset, c.program.code.byteLength));
    u32(c.program.consts.length);
    parts.push(Buffer.from(c.program.consts.buffer, c.program.consts.byteOffset, c.program.consts.byteLength));
    u32(c.inputs.length);
    u32(c.inputs[0].length);
    for (const a of c.inputs) parts.push(Buffer.from(a.buffer, a.byteOffset, a.byteLength));
  }
  const dir = mkdtempSync(join(tmpdir(), 'ak-expr-run-'));
  const inFile = join(dir, 'cases.bin');
  const outFile = join(dir, 'results.bin');
  writeFileSync(inFile, Buffer.concat(parts));
  const r = spawnSync(exe, [inFile, outFile], { encoding: 'utf8', timeout: 120_000 });
  expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
  const buf = readFileSync(outFile);
  let p = 0;
  return cases.map((c) => {
    const n = c.inputs[0].length;
    const size = c.dtype === 'float32' ? 4 : 8;
    return LEVELS.map(() => {
      const status = buf[p++];
      if (status !== 1) return { status, out: null };
      const bytes = buf.subarray(p, p + n * size);
      p += n * size;
      const copy = new Uint8Array(bytes);
      return { status, out: c.dtype === 'float32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer) };
    });
  });
}

const hasCall = (p: Program) => p.code.some((w, i) => i >= 4 && i % 4 === 0 && w === OP.CALL);

function inputs(r: () => number, n: number, lo: number, hi: number): Float64Array {
  const special = [NaN, Infinity, -Infinity, 0, -0];
  return Float64Array.from({ length: n }, (_, i) => (i < special.length ? special[i] : lo + (hi - lo) * r()));
}

/** f64 reference: the JS interpreter on float64 data (bit-exact with the float64 evaluation, see expr-random). */
function reference(p: Program, ins: Float64Array[]): Float64Array {
  const y = new Float64Array(ins[0].length);
  runProgram(p, ins, y);
  return y;
}

describe('native expression interpreter', () => {
  // Each unit alone, on a range where it is well conditioned: ≤ 4 ULP per unit.
  const units: [string, number, number][] = [
    ['x + 1.5', -10, 10], ['x * 1.7', -10, 10], ['2 - x', -10, 10], ['x / 3', -10, 10], ['3 / x', 0.5, 10],
    ['x * sin(x)', 0.2, 3], ['x / (x + 4)', 0, 10], ['-x', -10, 10], ['abs(x)', -10, 10], ['x^2', -10, 10],
    ['x^3', -10, 10], ['x^-3', 0.5, 10], ['x^7', 0.5, 2], ['sqrt(x)', 0, 100], ['exp(x)', -20, 20], ['expm1(x)', -2, 2],
    ['log(x)', 0.01, 100], ['log1p(x)', -0.5, 10], ['sin(x)', 0.1, 3], ['cos(x)', -1.4, 1.4], ['tan(x)', -1.4, 1.4],
    ['sinh(x)', 0.1, 10], ['cosh(x)', -10, 10], ['tanh(x)', 0.05, 10], ['asinh(x)', 0.1, 100], ['atan(x)', 0.1, 100],
    ['erf(x)', 0.1, 4], ['erfc(x)', -2, 5], ['sinc(x)', 0.1, 3], ['sigmoid(x)', -20, 20], ['softplus(x)', -5, 20],
    ['max(x, 0.5)', -10, 10], ['min(x, 0.5)', -10, 10], ['max(x, sin(x))', -3, 3], ['min(x, cos(x))', -3, 3],
    ['sign(x) + 2', -10, 10], ['step(x) + 2', -10, 10], ['select(x, cos(x), 2 * x)', -3, 3], ['exp(-x^2)', -3, 3],
    ['elu(x, 0.5)', -10, 10], ['silu(x)', -10, 10], ['relu(x)', -10, 10],
  ];

  it('runs every unit within 4 ULP per unit of the float64 evaluation, on every level, both dtypes', () => {
    const r = rng(9);
    const cases: Case[] = [];
    const meta: { src: string; bound: number; ref: Float64Array; x32ref: Float64Array }[] = [];
    for (const [src, lo, hi] of units) {
      const p = api.compile(src).program;
      const x = inputs(r, 700, lo, hi);
      const x32 = Float32Array.from(x);
      const bound = 4 * Math.max(1, (src.match(/[-+*/^(]/g) ?? []).length);
      cases.push({ dtype: 'float64', program: p, inputs: [x] }, { dtype: 'float32', program: p, inputs: [x32] });
      meta.push({ src, bound, ref: reference(p, [x]), x32ref: reference(p, [Float64Array.from(x32)]) });
    }
    const res = runNative(cases);
    let ran = 0;
    meta.forEach((m, k) => {
      for (const [j, dtype] of [[0, 'float64'], [1, 'float32']] as const) {
        const ref = dtype === 'float64' ? m.ref : m.x32ref;
        res[2 * k + j].forEach((lv, level) => {
          if (lv.status === 0) return;
          if (lv.status === 2 && hasCall(cases[2 * k + j].program)) return;
          expect(lv.status, `${m.src} ${dtype} on ${LEVELS[level]}`).toBe(1);
          ran++;
          let worst = 0, at = 0;
          for (let i = 0; i < ref.length; i++) {
            const e = ulpError(lv.out![i], ref[i], dtype);
            if (e > worst) [worst, at] = [e, i];
          }
          expect(worst, `${m.src} ${dtype} on ${LEVELS[level]}: worst at x = ${cases[2 * k + j].inputs[0][at]}: ${lv.out![at]} vs ${ref[at]}`).toBeLessThanOrEqual(m.bound);
        });
      }
    });
    expect(ran).toBeGreaterThan(units.length); // at least the scalar level, both dtypes
  });

  it('agrees with the JS interpreter on random expressions, forward and backward', () => {
    const r = rng(42);
    const cases: Case[] = [];
    const refs: Float64Array[] = [];
    const srcs: string[] = [];
    for (let k = 0; k < 60; k++) {
      const src = generate(r, 1 + (k % 2), k % 3 === 0);
      const act = api.compile(src, { params: paramsFor(src) });
      const x = inputs(r, 600, -3, 3);
      const dy = inputs(r, 600, -2, 2);
      for (const [p, ins] of [[act.program, [x]], [act.backwardProgram, [x, dy]]] as const) {
        cases.push({ dtype: 'float64', program: p, inputs: ins.map((a) => a.slice()) });
        refs.push(reference(p, ins as Float64Array[]));
        const ins32 = ins.map((a) => Float32Array.from(a));
        cases.push({ dtype: 'float32', program: p, inputs: ins32 });
        refs.push(reference(p, ins32.map((a) => Float64Array.from(a))));
        srcs.push(src, src);
      }
    }
    const res = runNative(cases);
    let points = 0, off = 0;
    res.forEach((levels, k) => {
      const ref = refs[k];
      const f32 = cases[k].dtype === 'float32';
      levels.forEach((lv, level) => {
        if (lv.status === 0) return;
        if (lv.status === 2 && hasCall(cases[k].program)) return;
        expect(lv.status, `${srcs[k]} on ${LEVELS[level]}`).toBe(1);
        for (let i = 0; i < ref.length; i++) {
          const y = lv.out![i], want = f32 ? Math.fround(ref[i]) : ref[i];
          points++;
          const same = Object.is(y, want) || (Number.isNaN(y) && Number.isNaN(want)) || Math.abs(y - want) <= (f32 ? 1e-4 : 1e-11) * (1 + Math.abs(want));
          if (!same) off++;
        }
      });
    });
    // Float32 lanes decide a kink (max, select, step) on a rounded value, and a
    // kink in a random expression can sit next to a sample; nothing else may differ.
    expect(points).toBeGreaterThan(100_000);
    expect(off / points).toBeLessThan(0.002);
  });

  it('refuses malformed programs', () => {
    const good = api.compile('x * sigmoid(x)').program;
    const bad = (edit: (code: Int32Array, consts: Float64Array) => void): Program => {
      const code = good.code.slice();
      const consts = good.consts.slice();
      edit(code, consts);
      return { ...good, code, consts };
    };
    const programs = [
      bad((c) => (c[0] = FORMAT_VERSION + 1)),
      bad((c) => (c[4] = 999)),
      bad((c) => (c[5] = 70)),
      bad((c) => (c[1] = 0)),
      bad((c) => (c[3] = 9)),
      bad((c) => (c[2] = 2)),
      { ...good, code: good.code.slice(0, good.code.length - 1) },
      (() => {
        const p = api.compile('elu(x)').program;
        const consts = p.consts.slice();
        consts[0] = 1e6;
        return { ...p, consts };
      })(),
    ];
    const res = runNative(programs.map((p) => ({ dtype: 'float64', program: p, inputs: [new Float64Array(10)] })));
    res.forEach((levels, k) => levels.forEach((lv) => expect(lv.status, `program ${k}`).toBe(3)));
  });
});

describe('native expression entry points (Node-API)', () => {
  type TestBinding = Required<Pick<CallsBinding, 'runProgram' | 'runProgramAsync' | 'stats' | 'cancelAsync'>> & { useIsa(level: number): boolean; setThreads(n: number): void };
  let binding: TestBinding;
  let calls = 0;

  /** A backend as lib/backend/native.ts builds it, with only the expression entry points native (counted). */
  function nativeBackend(): Backend {
    const glue = exprCalls(binding);
    return {
      ...createJsBackend(null),
      runProgram: (p, inputs, out) => {
        const ran = glue.runProgram!(p, inputs, out);
        if (ran) calls++;
        return ran;
      },
      runProgramAsync: glue.runProgramAsync,
      stats: glue.stats,
    };
  }

  beforeAll(() => {
    binding = createRequire(join(root, 'package.json'))(addonFile) as TestBinding;
  });

  it('runs compiled activations natively on every level, in place too, matching the JS interpreter', () => {
    const compile = createCompile(compose(nativeBackend()));
    const r = rng(77);
    for (let level = 0; level < LEVELS.length; level++) {
      if (!binding.useIsa(level)) continue;
      for (const src of ['x * sigmoid(beta * x)', 'max(x, sigmoid(x)) - cos(x) / 3', 'elu(x, 0.5) * tanh(x)', "gelu(x, 'tanh') + x^3"]) {
        const params = paramsFor(src);
        const act = compile(src, { params });
        const js = api.compile(src, { params });
        const x = inputs(r, 5000, -6, 6);
        const dy = inputs(r, 5000, -2, 2);
        const before = calls;
        const y = act(x);
        const dx = act.backward(dy, x);
        expect(calls - before, src).toBe(2);
        const yj = js(x), dxj = js.backward(dy, x);
        for (let i = 0; i < x.length; i++) {
          for (const [a, b, what] of [[y[i], yj[i], 'forward'], [dx[i], dxj[i], 'backward']] as const) {
            if (!(Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= 1e-12 * (1 + Math.abs(b)))) {
              expect.fail(`${src} ${what} on ${LEVELS[level]} at x = ${x[i]}: native ${a}, JS ${b}`);
            }
          }
        }
        const x32 = Float32Array.from(x);
        const inPlace = x32.slice();
        expect(act(inPlace, { out: inPlace })).toBe(inPlace);
        expect(Array.from(inPlace)).toEqual(Array.from(act(x32)));
        const ref = js(Float64Array.from(x32));
        let worst = 0;
        for (let i = 0; i < x.length; i++) if (Math.abs(ref[i]) > 1e-3) worst = Math.max(worst, ulpError(inPlace[i], ref[i], 'float32'));
        expect(worst, `${src} float32 on ${LEVELS[level]}`).toBeLessThanOrEqual(16);
      }
    }
    binding.useIsa(2) || binding.useIsa(1) || binding.useIsa(0);
  });

  it('gives the same bits in place (out = x, out = dy) as into a new array, on whole and partial tiles', () => {
    // The interpreter reads whole tiles straight from the inputs and writes the last
    // instruction straight into out (native/expr/interp.h), so in-place calls are where
    // an input could be overwritten before it is read.
    const compile = createCompile(compose(nativeBackend()));
    const r = rng(91);
    for (let level = 0; level < LEVELS.length; level++) {
      if (!binding.useIsa(level)) continue;
      for (const src of ['x', 'x * sigmoid(x)', 'max(x, 0)', 'max(x, sigmoid(x)) * x', 'min(x, 0) + x^2', 'tanh(softplus(sigmoid(max(x, 0))))']) {
        const act = compile(src);
        for (const n of [4096, 4096 * 3 + 77, 255]) {
          const x = Float32Array.from(inputs(r, n, -6, 6));
          const dy = Float32Array.from(inputs(r, n, -2, 2));
          const y = act(x);
          const dx = act.backward(dy, x);
          const a = x.slice();
          act(a, { out: a });
          expect(Buffer.from(a.buffer).equals(Buffer.from(y.buffer)), `${src} n=${n} forward in place on ${LEVELS[level]}`).toBe(true);
          const d1 = dy.slice();
          act.backward(d1, x, { out: d1 });
          expect(Buffer.from(d1.buffer).equals(Buffer.from(dx.buffer)), `${src} n=${n} backward out=dy on ${LEVELS[level]}`).toBe(true);
          const x1 = x.slice();
          act.backward(dy, x1, { out: x1 });
          expect(Buffer.from(x1.buffer).equals(Buffer.from(dx.buffer)), `${src} n=${n} backward out=x on ${LEVELS[level]}`).toBe(true);
        }
      }
    }
    binding.useIsa(2) || binding.useIsa(1) || binding.useIsa(0);
  });

  it('splits large arrays over the pool with the same result as one thread', () => {
    const compile = createCompile(compose(nativeBackend()));
    const act = compile('x * sigmoid(x) + sin(x) / 4');
    const x = inputs(rng(5), 400_000, -8, 8);
    binding.setThreads(1);
    const one = act(x);
    binding.setThreads(2);
    const two = act(x);
    expect(Buffer.from(two.buffer).equals(Buffer.from(one.buffer))).toBe(true);
  });

  it('has an async form on the pool, withdrawn by an abort before it starts', async () => {
    const compile = createCompile(compose(nativeBackend()));
    const act = compile('softplus(x) - x / 2');
    const x = inputs(rng(6), 100_000, -5, 5);
    const y = await act.async(x);
    expect(Array.from(y)).toEqual(Array.from(act(x)));
    const dx = await act.backward.async(new Float64Array(x.length).fill(1), x);
    expect(Array.from(dx)).toEqual(Array.from(act.backward(new Float64Array(x.length).fill(1), x)));
    const ac = new AbortController();
    ac.abort();
    await expect(act.async(x, { signal: ac.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('scans stats natively with the JS scan\'s results, per channel and whole, on every level', () => {
    const backend = nativeBackend();
    let nativeScans = 0;
    const counting: Backend = { ...backend, stats: (...a) => { const r = backend.stats!(...a); if (r) nativeScans++; return r; } };
    const engine = compose(counting);
    const stats = createStats(engine, createCompile(engine));
    const r = rng(8);
    const data = (n: number, f32: boolean) => {
      const a = f32 ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) a[i] = i % 97 === 5 ? NaN : i % 89 === 3 ? 0 : 12 * (r() - 0.5) + (i % 7);
      return a;
    };
    const close = (a: number, b: number, what: string) => {
      if (!(Object.is(a, b) || Math.abs(a - b) <= 1e-12 * Math.abs(b) || (Number.isNaN(a) && Number.isNaN(b)))) expect.fail(`${what}: native ${a}, JS ${b}`);
    };
    const same = (m: Record<string, unknown>, j: Record<string, unknown>, what: string) => {
      for (const k of ['count', 'nanCount', 'min', 'max', 'dead', 'saturated']) expect(m[k], `${what} ${k}`).toBe(j[k]);
      close(m.mean as number, j.mean as number, `${what} mean`);
      close(m.variance as number, j.variance as number, `${what} variance`);
    };
    for (let level = 0; level < LEVELS.length; level++) {
      if (!binding.useIsa(level)) continue;
      for (const f32 of [true, false]) {
        for (const [shape, axis] of [[null, 0], [[4, 6, 5, 7], 1], [[2, 3, 40, 40], 1], [[3, 5, 4, 6], -1]] as const) {
          const n = shape ? shape.reduce((a, b) => a * b, 1) : 50_001;
          const x = data(n, f32);
          for (const op of ['relu', 'sigmoid', 'hardTanh']) {
            const opts = shape ? { op, shape: [...shape], channelAxis: axis } : { op };
            const m = stats(x, opts);
            const j = api.stats(x, opts);
            const what = `${LEVELS[level]} ${f32 ? 'f32' : 'f64'} ${shape ?? 'flat'} ${op}`;
            same(m as unknown as Record<string, unknown>, j as unknown as Record<string, unknown>, what);
            m.channels?.forEach((c, k) => same(c as unknown as Record<string, unknown>, j.channels![k] as unknown as Record<string, unknown>, `${what} channel ${k}`));
            expect(m.deadChannels).toEqual(j.deadChannels);
          }
        }
      }
    }
    expect(nativeScans).toBeGreaterThan(20);
    binding.useIsa(2) || binding.useIsa(1) || binding.useIsa(0);
  });

  it('refuses a malformed program with a TypeError, and bad arguments', () => {
    const p = api.compile('x + 1').program;
    const code = p.code.slice();
    code[4] = 999;
    expect(() => binding.runProgram(code, p.consts, [new Float64Array(4)], new Float64Array(4))).toThrow(/unknown opcode/);
    expect(() => binding.runProgram(p.code, p.consts, [new Float32Array(4)], new Float64Array(4))).toThrow(TypeError);
    expect(() => binding.runProgram(p.code, p.consts, [], new Float64Array(4))).toThrow(TypeError);
    expect(binding.runProgram(p.code, p.consts, [new Float64Array([1, 2])], new Float64Array(2))).toBe(true);
    // Valid but wider than the native register file: not handled, so the JS interpreter runs it.
    const wide = p.code.slice();
    wide[1] = 100;
    const out = new Float64Array(2);
    expect(binding.runProgram(wide, p.consts, [new Float64Array([1, 2])], out)).toBe(false);
    expect(Array.from(out)).toEqual([0, 0]);
  });
});

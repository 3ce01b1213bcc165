/**
 * The public surface: both entries export every registry op and info(); the
 * built package loads by ESM import and CommonJS require; info() has SPEC's
 * fields; ACTIVATION_KERNELS_BACKEND=js is honoured at load; .async resolves
 * to the output and rejects (never throws) on bad input or an aborted signal.
 *
 * The child-process tests run the BUILT package (dist/, self-referenced by its
 * name from the repo root), so they need `npm run build` first, as CI does.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import ak from '../lib/index';
import akjs from '../lib/js';
import { requiredOptions, unaryOps, unaryNames } from '../lib/registry/ops';
import type { FloatArray } from '../lib/types';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const expectedExports = [...unaryNames, 'info'].sort();

type Call = ((x: unknown, options?: unknown) => FloatArray) & { async: (x: unknown, options?: unknown) => Promise<FloatArray> };
const instances = [
  { label: 'default', api: ak as unknown as Record<string, Call> },
  { label: 'js', api: akjs as unknown as Record<string, Call> },
];

/** Runs a script on the built package; returns its parsed JSON output. */
function run(code: string, opts: { esm?: boolean; env?: Record<string, string> } = {}): unknown {
  const args = opts.esm ? ['--input-type=module', '-e', code] : ['-e', code];
  const env = { ...process.env, ...opts.env };
  if (!opts.env || !('ACTIVATION_KERNELS_BACKEND' in opts.env)) delete env.ACTIVATION_KERNELS_BACKEND;
  const out = execFileSync(process.execPath, args, { cwd: root, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

/** The probe both module systems run: names exported, a default export that works, a computation. */
const probe = (load: string) => `${load}
const pick = (mod) => Object.keys(mod).filter((k) => typeof mod[k] === 'function').sort();
const x = new Float64Array([-1, 0, 2]);
process.stdout.write(JSON.stringify({
  main: pick(main), js: pick(js),
  mainDefault: typeof main.default === 'object' && main.default !== null ? pick(main.default) : null,
  jsDefault: typeof js.default === 'object' && js.default !== null ? pick(js.default) : null,
  relu: Array.from(main.relu(x)), reluJs: Array.from(js.relu(x)),
  info: main.info(), infoJs: js.info(),
}));`;

interface Probe {
  main: string[]; js: string[]; mainDefault: string[] | null; jsDefault: string[] | null;
  relu: number[]; reluJs: number[];
  info: Record<string, unknown>; infoJs: Record<string, unknown>;
}

function checkProbe(p: Probe): void {
  for (const names of [p.main, p.js, p.mainDefault, p.jsDefault]) {
    expect(names).not.toBeNull();
    for (const n of expectedExports) expect(names, `missing export ${n}`).toContain(n);
  }
  expect(p.relu).toEqual([0, 0, 2]);
  expect(p.reluJs).toEqual([0, 0, 2]);
  expect(p.infoJs.backend).toBe('js');
  expect(p.info.version).toBe(pkg.version);
}

describe('the built package (dist/)', () => {
  beforeAll(() => {
    for (const f of ['index.js', 'index.mjs', 'js.js', 'js.mjs', 'index.d.ts', 'js.d.ts']) {
      if (!existsSync(join(root, 'dist', f))) throw new Error(`dist/${f} is missing: run \`npm run build\` before the tests (CI does)`);
    }
  });

  it('loads by CommonJS require, main entry and activation-kernels/js, with every registry op and info', () => {
    checkProbe(run(probe("const main = require('activation-kernels'); const js = require('activation-kernels/js');")) as Probe);
  });

  it('loads by ESM import, named and default exports', () => {
    checkProbe(run(probe("import * as main from 'activation-kernels'; import * as js from 'activation-kernels/js';"), { esm: true }) as Probe);
  });

  it('honours ACTIVATION_KERNELS_BACKEND=js at load (and computes what activation-kernels/js computes)', () => {
    const code = `const m = require('activation-kernels'); const j = require('activation-kernels/js');
      const x = new Float32Array(1000); for (let i = 0; i < x.length; i++) x[i] = (i - 500) / 37;
      const req = (n) => m.requiredOptions(m.unaryOps[n]);
      const same = m.unaryNames.every((n) => Buffer.compare(Buffer.from(m[n](x, req(n)).buffer), Buffer.from(j[n](x, req(n)).buffer)) === 0);
      process.stdout.write(JSON.stringify({ info: m.info(), same }));`;
    const r = run(code, { env: { ACTIVATION_KERNELS_BACKEND: 'js' } }) as { info: Record<string, unknown>; same: boolean };
    expect(r.info.backend).toBe('js');
    expect(r.info.isa).toBe('js');
    expect(r.info.loadError, 'a deliberate choice of js is not a load failure').toBeNull();
    expect(r.same).toBe(true);
  });
});

describe('info()', () => {
  it.each(instances)('has SPEC fields ($label instance)', ({ label }) => {
    const info = (label === 'js' ? akjs : ak).info();
    expect(['native', 'js']).toContain(info.backend);
    expect(typeof info.isa).toBe('string');
    expect(info.isa.length).toBeGreaterThan(0);
    expect(Array.isArray(info.isas)).toBe(true);
    expect(info.isas).toContain(info.isa);
    expect(Number.isInteger(info.threads)).toBe(true);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(info.version).toBe(pkg.version);
    expect(info.loadError === null || typeof info.loadError === 'string').toBe(true);
    if (info.backend === 'js' && label === 'js') expect(info.loadError).toBeNull();
    // A snapshot: changing it does not change the API's state.
    info.isas.push('bogus');
    expect((label === 'js' ? akjs : ak).info().isas).not.toContain('bogus');
  });

  it('exports every registry op (with its registry entry) and info from both instances', () => {
    for (const api of [ak, akjs] as unknown as Record<string, unknown>[]) {
      const fns = Object.keys(api).filter((k) => typeof api[k] === 'function').sort();
      for (const n of expectedExports) expect(fns).toContain(n);
      for (const n of unaryNames) expect((api[n] as { def: unknown }).def).toBe(unaryOps[n]);
    }
  });
});

describe.each(instances)('parameters ($label instance)', ({ api }) => {
  const x32 = Float32Array.from({ length: 4001 }, (_, i) => (i - 2000) / 97);
  const withNumbers = unaryNames.filter((n) => unaryOps[n].params.some((p) => p.kind === 'number'));

  it.each(withNumbers.map((n) => ({ name: n })))('$name: a float32 call uses each parameter converted to float32 (Math.fround)', ({ name }) => {
    const def = unaryOps[name];
    const exact: Record<string, unknown> = {};
    const rounded: Record<string, unknown> = {};
    for (const p of def.params) {
      if (p.kind !== 'number') continue;
      // A value near the default that float32 cannot hold exactly (1/3 of the way to the next float32).
      let v = p.default === 0 ? 0.1 : p.default * (1 + 1 / 3 * 2 ** -23);
      if (Math.fround(v) === v) v += 2 ** -30;
      exact[p.name] = v;
      rounded[p.name] = Math.fround(v);
    }
    const a = api[name](x32, exact);
    const b = api[name](x32, rounded);
    expect(Buffer.compare(Buffer.from(a.buffer), Buffer.from(b.buffer)), `${name} ${JSON.stringify(exact)}`).toBe(0);
  });
});

describe.each(instances)('.async ($label instance)', ({ api }) => {
  const x64 = Float64Array.from({ length: 1001 }, (_, i) => (i - 500) / 25);

  it.each(unaryNames.map((n) => ({ name: n })))('$name.async resolves to the output, same values as the sync call', async ({ name }) => {
    const f = api[name];
    const req = requiredOptions(unaryOps[name]);
    const sync = f(x64, req);
    const out = new Float64Array(x64.length);
    const p = f.async(x64, { ...req, out });
    expect(p).toBeInstanceOf(Promise);
    const r = await p;
    expect(r).toBe(out);
    expect(Buffer.compare(Buffer.from(r.buffer), Buffer.from(sync.buffer))).toBe(0);
    const fresh = await f.async(Float32Array.from(x64), req);
    expect(fresh).toBeInstanceOf(Float32Array);
    expect(fresh.length).toBe(x64.length);
    const inPlace = Float32Array.from(x64);
    expect(await f.async(inPlace, { ...req, out: inPlace })).toBe(inPlace);
    expect(Array.from(inPlace)).toEqual(Array.from(fresh));
  });

  it.each(unaryNames.map((n) => ({ name: n })))('$name.async rejects, never throws, on bad input, and writes nothing', async ({ name }) => {
    const f = api[name];
    const x = new Float32Array([1, 2, 3]);
    const out = new Float32Array(3).fill(9);
    const cases: [unknown, unknown, typeof TypeError | typeof RangeError, string][] = [
      [[1, 2, 3], undefined, TypeError, 'x'],
      [x, { out: new Float64Array(3) }, TypeError, 'options.out'],
      [x, { out: new Float32Array(4) }, RangeError, 'options.out'],
      [x, { nope: 1, out }, TypeError, '"nope"'],
      [x, 3, TypeError, 'options'],
      [x, { signal: 'stop', out }, TypeError, 'options.signal'],
    ];
    const req = requiredOptions(unaryOps[name]);
    for (const p of unaryOps[name].params) {
      if (p.kind === 'number') cases.push([x, { [p.name]: NaN, out }, RangeError, `options.${p.name}`]);
      else cases.push([x, { [p.name]: 'nope', out }, RangeError, `options.${p.name}`]);
    }
    for (const p of unaryOps[name].params) {
      if (p.kind === 'number' && p.required) cases.push([x, { ...req, [p.name]: undefined, out }, TypeError, `options.${p.name}`]);
    }
    for (const [xa, opts, Cls, arg] of cases) {
      let promise: Promise<FloatArray> | undefined;
      const o = opts !== null && typeof opts === 'object' ? { ...req, ...opts } : opts;
      expect(() => { promise = f.async(xa, o); }).not.toThrow();
      const err = await promise!.then(() => null, (e: unknown) => e);
      expect(err, `${name}.async(${arg})`).toBeInstanceOf(Cls);
      expect((err as Error).message.startsWith(`${name}.async: `)).toBe(true);
      expect((err as Error).message).toContain(arg);
    }
    expect(Array.from(out)).toEqual([9, 9, 9]);
    expect(Array.from(x)).toEqual([1, 2, 3]);
  });

  it('rejects with an AbortError, writing nothing, when the signal is already aborted', async () => {
    for (const name of unaryNames) {
      const f = api[name];
      const req = requiredOptions(unaryOps[name]);
      const x = Float32Array.from(x64);
      const out = new Float32Array(x.length).fill(-3);
      const ac = new AbortController();
      ac.abort();
      let promise: Promise<FloatArray> | undefined;
      expect(() => { promise = f.async(x, { ...req, out, signal: ac.signal }); }).not.toThrow();
      const err = await promise!.then(() => null, (e: unknown) => e);
      expect(err, name).toBeInstanceOf(Error);
      expect((err as Error).name).toBe('AbortError');
      expect(out.every((v) => v === -3), `${name}: out written after abort`).toBe(true);
      // A live signal does not get in the way.
      expect(await f.async(x, { ...req, out, signal: new AbortController().signal })).toBe(out);
    }
  });

  it('rejects with one AbortError that names the call and keeps the abort reason as its cause', async () => {
    for (const reason of [new DOMException('stop now', 'AbortError'), new Error('user gave up'), undefined]) {
      const signal = AbortSignal.abort(reason);
      const err = await api.sigmoid.async(new Float64Array(4), { signal }).then(() => null, (e: unknown) => e);
      expect((err as Error).name).toBe('AbortError');
      expect((err as Error).message).toMatch(/^sigmoid\.async: the operation was aborted before it started/);
      expect((err as Error).cause).toBe(signal.reason);
    }
  });
});

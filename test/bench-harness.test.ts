// The benchmark harness end to end on a tiny configuration: it must produce a
// well-formed JSON file and SVG plots. No timing is asserted, only structure.
// Runs on the build (dist/), like `npm run bench`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-require-imports */
const harness = require('../bench/harness.cjs');
const naive = require('../bench/naive.cjs');
const naiveBackward = require('../bench/naive-backward.cjs');
const { graphs: ortGraphs } = require('../bench/peers/ort.cjs');
const { calls: tfjsCalls } = require('../bench/peers/tfjs.cjs');
const { buildModel, varintBytes } = require('../bench/peers/onnx-model.cjs');
const { configFromArgs } = require('../bench/run.cjs');
const report = require('../bench/report.cjs');
const { allImpls } = require('../bench/impls.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

interface Row { id: string; samplesNs: number[]; wallNs: number[]; cpuNs: number[]; cpuShare: number; time: { median: number; ci: number[] }; vsJs: { significant: boolean; verdict: string } | null; deviation: number }
interface Cell { op: string; family: string; size: number; mode: string; rows: Row[] }

/**
 * A minimal XML well-formedness check: every tag closes in order, attribute
 * values are quoted, nothing but text between tags. Returns the element names
 * in document order.
 */
function checkXml(src: string): string[] {
  const names: string[] = [];
  const stack: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < src.length) {
    const lt = src.indexOf('<', i);
    const text = src.slice(i, lt < 0 ? src.length : lt);
    if (/[<>]/.test(text)) throw new Error(`stray bracket in text near ${i}`);
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(src);
    if (!m) throw new Error(`malformed tag at ${lt}: ${src.slice(lt, lt + 60)}`);
    const [, close, name, , selfClose] = m;
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else {
      names.push(name);
      if (!selfClose) stack.push(name);
    }
    i = tag.lastIndex;
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(' ')}`);
  return names;
}

describe('the XML checker itself', () => {
  it('accepts balanced markup and rejects broken markup', () => {
    expect(checkXml('<svg a="1"><g><line x="1"/></g></svg>')).toEqual(['svg', 'g', 'line']);
    expect(() => checkXml('<svg><g></svg>')).toThrow();
    expect(() => checkXml('<svg><g a=1></g></svg>')).toThrow();
    expect(() => checkXml('<svg>a < b</svg>')).toThrow();
  });
});

describe('bench tables are keyed by the registry', () => {
  const { names } = harness.registry();
  it('naive loops, ONNX graphs and tfjs calls name only registry ops', () => {
    for (const table of [naive, naiveBackward, ortGraphs, tfjsCalls]) {
      for (const k of Object.keys(table)) expect(names).toContain(k);
    }
  });
  it('every naive loop computes its op (within the naive formulas\' slack) on a few inputs', () => {
    const { defs } = harness.registry();
    const x = Float64Array.from([-7.5, -2, -0.5, 0, 0.25, 1.5, 6.5]);
    for (const op of Object.keys(naive).filter((k) => harness.registry().unary.includes(k))) {
      const p: Record<string, unknown> = {};
      for (const d of defs[op].params) p[d.name] = d.default;
      const y = new Float64Array(x.length);
      naive[op](p)(x, y);
      const ref = new Float64Array(x.length);
      defs[op].js(x, ref, ...defs[op].params.map((d: { kind: string; default: unknown; values?: unknown[] }) => (d.kind === 'enum' ? d.values!.indexOf(d.default) : d.default)));
      // The hand-written gelu is the tanh approximation: within 1e-3 of the erf form.
      expect(harness.deviation(y, ref), op).toBeLessThan(1e-3);
    }
  });
  it('every hand-written backward loop computes dy·f\'(x) on a few inputs', () => {
    const { defs } = harness.registry();
    const x = Float64Array.from([-7.5, -2, -0.5, 0.25, 1.5, 6.5]);
    const dy = Float64Array.from([0.5, -1, 0.75, 1, -0.25, 2]);
    for (const op of Object.keys(naiveBackward).filter((k) => harness.registry().unary.includes(k))) {
      const p: Record<string, unknown> = {};
      for (const d of defs[op].params) p[d.name] = d.default;
      const dx = new Float64Array(x.length);
      naiveBackward[op](p)(dy, x, dx);
      const ref = new Float64Array(x.length);
      const args = defs[op].params.map((d: { kind: string; default: unknown; values?: unknown[] }) => (d.kind === 'enum' ? d.values!.indexOf(d.default) : d.default));
      defs[op].backward.js(dy, x, ref, ...args);
      expect(harness.deviation(dx, ref), op).toBeLessThan(2e-3);
    }
  });
});

describe('ONNX model writer', () => {
  it('encodes varints as protobuf does', () => {
    expect(varintBytes(1n)).toEqual([1]);
    expect(varintBytes(300n)).toEqual([0xac, 0x02]);
    expect(varintBytes(BigInt.asUintN(64, -1n))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
  });
  it('writes a model whose bytes hold the op type, attribute and opset', () => {
    const bytes: Buffer = buildModel(ortGraphs.leakyRelu({ alpha: 0.25 }), 'float32');
    expect(bytes.includes(Buffer.from('LeakyRelu'))).toBe(true);
    const alpha = Buffer.alloc(4);
    alpha.writeFloatLE(0.25);
    expect(bytes.includes(alpha)).toBe(true);
    // ModelProto field 1 (ir_version, varint) comes first: tag 0x08, value 9.
    expect([bytes[0], bytes[1]]).toEqual([0x08, 9]);
  });
});

describe('command line', () => {
  it('reads sizes with K/M suffixes and lists', () => {
    const { config } = configFromArgs(['--sizes', '4096,64K,1M', '--ops', 'a,b', '--samples', '7', '--no-write']);
    expect(config.sizes).toEqual([4096, 65536, 1048576]);
    expect(config.ops).toEqual(['a', 'b']);
    expect(config.samples).toBe(7);
    expect(config.write).toBe(false);
  });
  it('rejects unknown flags and unreadable sizes', () => {
    expect(() => configFromArgs(['--nope'])).toThrow();
    expect(() => configFromArgs(['--sizes', '12Q'])).toThrow(/size/);
  });
  it('rejects ops and implementations that do not exist, naming them', async () => {
    await expect(harness.runBench({ ops: ['notAnOp'], write: false })).rejects.toThrow(/notAnOp/);
    await expect(harness.runBench({ impls: ['warp-drive'], sizes: [64], samples: 1, write: false, ops: [harness.registry().names[0]] })).rejects.toThrow(/warp-drive/);
  });
});

describe('what a run covers', () => {
  it('by default: the story ops at three sizes, both modes, every implementation', () => {
    const c = harness.resolveConfig({});
    expect(c.ops).toEqual(harness.DEFAULT_OPS);
    expect(c.sizes).toEqual(harness.DEFAULT_SIZES);
    expect(c.modes).toEqual(['out', 'alloc']);
    expect(c.impls).toBeNull();
    expect(harness.DEFAULT_OPS).toContain(harness.registry().shaped.find((op: string) => harness.DEFAULT_OPS.includes(op)));
  });
  it('--full: every op of the registry at 4K to 16M; --quick and --full exclude each other', () => {
    const c = harness.resolveConfig({ full: true });
    expect(c.ops).toEqual(harness.registry().names);
    expect(c.sizes).toEqual(harness.FULL_SIZES);
    expect(() => harness.resolveConfig({ full: true, quick: true })).toThrow(/exclude/);
    expect(configFromArgs(['--full']).config.full).toBe(true);
  });
  it('a pinned ISA level names the default entry for what only the default entry runs natively', async () => {
    const pinned = allImpls().filter((i: { id: string }) => i.id.startsWith('native-'));
    for (const impl of pinned) {
      if (!(await impl.init({})).available) continue;
      const spec = harness.opSpec(harness.registry(), 'softmax', 4096, Float32Array);
      const why = impl.supports('softmax', 'float32', 'forward', spec);
      if (why) expect(why).toMatch(/default native entry runs softmax natively/);
      expect(why ?? '').not.toMatch(/no native float32 forward kernel/);
    }
  });
});

describe('harness on a tiny configuration', () => {
  let dir: string;
  let results: {
    files: { json: string; markdown: string; svg: string[] };
    cells: Cell[];
    implementations: { id: string; available: boolean; reason?: string }[];
    machine: Record<string, unknown>;
    config: { ops: string[]; sizes: number[]; samples: number };
  };
  const progress: number[] = [];
  const etas: (number | null)[] = [];
  const { names, defs } = harness.registry();
  // One op of each family, picked from the registry rather than named here.
  const ops = [names.find((n: string) => defs[n].exact), names.find((n: string) => !defs[n].exact)];
  const impls = ['copy', 'js', 'naive'];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ak-bench-'));
    results = await harness.runBench(
      { ops, sizes: [64, 4096], samples: 3, impls, minSampleMs: 1, warmupMs: 0, outDir: dir, stamp: 'tiny' },
      { onProgress: (p: { done: number; eta: number | null }) => { progress.push(p.done); etas.push(p.eta); } },
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('reports progress up to the total, with an ETA once a figure has ended', () => {
    expect(progress.length).toBe(ops.length * 2 * 2 * 3);
    expect(progress[progress.length - 1]).toBe(progress.length);
    expect(etas[0]).toBeNull();
    expect(etas[etas.length - 1]).toBe(0);
    for (const e of etas.slice(3)) expect(e).toBeGreaterThanOrEqual(0);
  });

  it('ends with a summary against the naive loop, and offers npm run bench:peers when no peer ran', () => {
    const lines: string[] = report.summary(results);
    expect(lines.filter((l) => /vs the naive JS loop/.test(l))).toHaveLength(2 * 2);
    expect(lines[lines.length - 1]).toMatch(/npm run bench:peers/);
    const text: string = report.text(results);
    expect(text).toMatch(/summary \(geometric means over ops; \d+ s\):\n {2}n=64 out: JS twin: ×/);
    expect(text).not.toMatch(/time\/call.*vs best peer/);
  });

  it('writes JSON with every sample and the machine description', () => {
    const json = JSON.parse(fs.readFileSync(results.files.json, 'utf8'));
    expect(json.schema).toBe(1);
    expect(json.machine.cpu).toEqual(expect.any(String));
    expect(json.machine.node).toBe(process.version);
    expect(json.machine).toHaveProperty('isa');
    expect(json.machine).toHaveProperty('threads');
    expect(json.config.sizes).toEqual([64, 4096]);
    expect(json.cells).toHaveLength(ops.length * 2 * 2);
    for (const cell of json.cells as Cell[]) {
      expect(cell.rows.map((r) => r.id).sort()).toEqual([...impls].sort());
      for (const r of cell.rows) {
        expect(r.samplesNs).toHaveLength(3);
        for (const s of r.samplesNs) expect(s).toBeGreaterThan(0);
        // Both clocks are kept; the figures use the wall clock by default.
        expect(r.wallNs).toEqual(r.samplesNs);
        expect(r.cpuNs).toHaveLength(3);
        expect(r.cpuShare).toBeGreaterThanOrEqual(0);
        expect(r.time.median).toBeGreaterThan(0);
        // Each implementation computed the op (the copy bound: the input).
        expect(r.deviation).toBeLessThan(1e-3);
        // Three samples against three can never reach p < 0.01: no verdict may claim a win.
        if (r.id !== 'js') expect(r.vsJs!.verdict).toBe('n.s.');
      }
    }
  });

  it('writes one well-formed SVG per family and mode, with a line per implementation in every panel', () => {
    const families = new Set(ops.map((op) => harness.familyOf(defs[op])));
    expect(results.files.svg).toHaveLength(families.size * 2);
    for (const file of results.files.svg) {
      const svg = fs.readFileSync(file, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      const elements = checkXml(svg);
      expect(elements[0]).toBe('svg');
      const panels = svg.split('<g class="panel"').slice(1);
      expect(panels.length).toBeGreaterThan(0);
      for (const panel of panels) {
        const lines = [...panel.matchAll(/<polyline data-impl="([^"]+)"/g)].map((m) => m[1]);
        expect(lines.sort()).toEqual([...impls].sort());
        expect(panel).toMatch(/<polyline data-impl="copy"[^>]*stroke-dasharray/);
      }
    }
  });

  it('writes the Markdown table', () => {
    const md = fs.readFileSync(results.files.markdown, 'utf8');
    for (const op of ops) expect(md).toContain(`#### ${op}`);
  });

  it('runs the backward pass, every implementation computing dy·f\'(x)', async () => {
    const r = await harness.runBench({ ops, sizes: [64], samples: 2, impls, pass: 'backward', minSampleMs: 0.5, warmupMs: 0, write: false });
    expect(r.config.pass).toBe('backward');
    expect(r.cells).toHaveLength(ops.length * 2);
    for (const cell of r.cells as Cell[]) {
      expect(cell.rows.map((row) => row.id).sort()).toEqual([...impls].sort());
      for (const row of cell.rows) expect(row.deviation).toBeLessThan(1e-3);
    }
  });

  it('runs the shaped ops through their layouts, forward and backward, every implementation computing the op', async () => {
    const shaped: string[] = harness.registry().shaped;
    expect(shaped.length).toBeGreaterThan(0);
    for (const pass of ['forward', 'backward']) {
      const r = await harness.runBench({ ops: shaped, sizes: [64, 4096], samples: 2, impls, pass, minSampleMs: 0.5, warmupMs: 0, write: false });
      expect(r.cells).toHaveLength(shaped.length * 2 * 2);
      for (const cell of r.cells as (Cell & { layout: string })[]) {
        expect(cell.family).toBe('shaped');
        expect(cell.layout).toMatch(/\d/);
        expect(cell.rows.map((row) => row.id).sort()).toEqual([...impls].sort());
        for (const row of cell.rows) expect(row.deviation, `${pass} ${cell.op} ${row.id}`).toBeLessThan(1e-3);
      }
    }
  });

  it('times the streamed-store copy into out only, as a copy; the fastest copy is 100%', async () => {
    const r = await harness.runBench({ ops: [ops[0]], sizes: [4096], samples: 2, impls: ['copy', 'stream', 'js'], minSampleMs: 0.5, warmupMs: 0, write: false });
    const stream = r.implementations.find((i: { id: string }) => i.id === 'stream');
    if (!stream.available) expect(stream.reason).toMatch(/\S/);
    for (const cell of r.cells as (Cell & { mode: string })[]) {
      const ids = cell.rows.map((row) => row.id);
      expect(ids.includes('stream')).toBe(stream.available && cell.mode === 'out');
      for (const row of cell.rows) if (row.id === 'stream') expect(row.deviation).toBe(0);
      const pct = cell.rows.filter((row) => (row as Row & { kind: string }).kind === 'bound').map((row) => (row as Row & { pctCopy: number }).pctCopy);
      expect(Math.max(...pct)).toBeCloseTo(100, 9);
    }
    expect(r.skipped.filter((s: { impl: string }) => s.impl === 'stream')).toEqual([]);
  });

  it('lists every implementation, absent ones with a reason', async () => {
    const r = await harness.runBench({ ops: [ops[0]], sizes: [64], samples: 1, minSampleMs: 0.1, warmupMs: 0, write: false });
    for (const impl of r.implementations as { id: string; available: boolean; reason?: string }[]) {
      if (!impl.available) expect(impl.reason).toMatch(/\S/);
    }
    expect(r.implementations.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining(['copy', 'js', 'naive', 'ort', 'tfjs', 'native']));
  });
});

// The kernel bench (bench/kernels.cjs) end to end on a tiny configuration:
// every C/Python peer present on this machine must compute the same function
// as the package (an op mapped to the wrong primitive or parameter shows up
// as a deviation), every absent one must say why, and the tables must come
// out. No timing is asserted. The peers are optional: on a machine without
// them this checks the package's rows, the copies and the absent reasons.
import { createRequire } from 'node:module';
import { beforeAll, describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-require-imports */
const { configFromArgs, run } = require('../bench/kernels.cjs');
const report = require('../bench/c-peers/report.cjs');
/* eslint-enable @typescript-eslint/no-require-imports */

interface Row { id: string; deviation: number | null; wallNs: number[]; melemPerS: number }
interface Cell { key: string; pass: string; n: number; fromY?: boolean; overhead?: boolean; rows: Row[] }
interface Peer { id: string; kind: string; available: boolean; reason?: string; deb: string | null }
interface Results { cells: Cell[]; peers: Peer[]; skipped: { impl: string; key: string; reason: string }[] }

describe('kernel bench command line', () => {
  it('defaults to 64K and 1M, both passes, one thread', () => {
    const c = configFromArgs([]);
    expect(c.sizes).toEqual([65536, 1048576]);
    expect(c.passes).toEqual(['forward', 'backward']);
    expect(c.threads).toEqual([1]);
  });
  it('rejects unknown passes, thread counts and flags', () => {
    expect(() => configFromArgs(['--passes', 'sideways'])).toThrow(/sideways/);
    expect(() => configFromArgs(['--threads', '0'])).toThrow(/threads/);
    expect(() => configFromArgs(['--nope'])).toThrow();
  });
});

describe('kernel bench on a tiny configuration', () => {
  let results: Results;
  const ops = ['relu', 'leakyRelu', 'elu', 'sigmoid', 'gelu', 'gelu:tanh', 'hardSwish', 'threshold', 'softmax', 'prelu'];
  beforeAll(async () => {
    const config = { ...configFromArgs(['--ops', ops.join(','), '--sizes', '4096', '--samples', '2', '--min-sample-ms', '0.2', '--warmup-ms', '0']), write: false };
    results = await run(config, { log: () => {}, progress: () => {} });
  });

  it('lists every peer, available or with the reason it is absent', () => {
    expect(results.peers.map((p) => p.id)).toEqual(['floor', 'onednn', 'xnnpack', 'torch', 'sleef']);
    for (const p of results.peers) if (!p.available) expect(p.reason, p.id).toMatch(/\w/);
  });

  it('times the package on every op and pass, and both copies', () => {
    for (const pass of ['forward', 'backward']) {
      for (const key of ops) {
        const c = results.cells.find((x) => x.key === key && x.pass === pass && x.n === 4096);
        expect(c, `${key} ${pass}`).toBeDefined();
        const pkg = c!.rows.find((r) => r.id === 'package');
        expect(pkg, `${key} ${pass}`).toBeDefined();
        expect(pkg!.wallNs).toHaveLength(2);
      }
    }
    // The forms from the forward output, where the package has them.
    expect(results.cells.some((c) => c.key === 'sigmoid from y' && c.rows.some((r) => r.id === 'package'))).toBe(true);
    expect(results.cells.some((c) => c.key === 'softmax from y')).toBe(true);
    expect(results.cells.some((c) => c.key === 'relu from y')).toBe(false);
    // The per-call cost: relu on a few elements, apart from the tables.
    const over = results.cells.filter((c) => c.overhead);
    expect(over.map((c) => [c.key, c.n])).toEqual([['relu', 64]]);
    expect(over[0].rows.map((r) => r.id)).toContain('package');
    const copy = results.cells.find((c) => c.key === 'copy')!;
    expect(copy.rows.map((r) => r.id)).toContain('set');
    if (results.peers.find((p) => p.id === 'floor')!.available) expect(copy.rows.map((r) => r.id)).toContain('floor');
  });

  it('every implementation computes the op: within 1e-3 of the JS twin', () => {
    for (const c of results.cells) {
      if (c.key === 'copy') continue;
      for (const r of c.rows) expect(r.deviation, `${r.id} ${c.key} ${c.pass}`).toBeLessThanOrEqual(1e-3);
    }
  });

  it('a peer that is available runs the ops its library has', () => {
    const has = (id: string, key: string, pass: string) => results.cells.some((c) => c.key === key && c.pass === pass && c.rows.some((r) => r.id === id));
    const up = (id: string) => results.peers.find((p) => p.id === id)!.available;
    if (up('onednn')) {
      for (const k of ['relu', 'gelu', 'softmax', 'prelu']) expect(has('onednn', k, 'forward'), k).toBe(true);
      expect(has('onednn', 'gelu', 'backward')).toBe(true);
      expect(has('onednn', 'softmax from y', 'backward')).toBe(true);
    }
    if (up('xnnpack')) {
      for (const k of ['relu', 'sigmoid', 'hardSwish', 'softmax', 'prelu']) expect(has('xnnpack', k, 'forward'), k).toBe(true);
      expect(results.cells.some((c) => c.pass === 'backward' && c.rows.some((r) => r.id === 'xnnpack'))).toBe(false);
    }
    if (up('sleef')) {
      for (const k of ['sigmoid', 'gelu', 'gelu:tanh', 'elu']) expect(has('sleef', k, 'forward'), k).toBe(true);
      expect(has('sleef', 'gelu', 'backward')).toBe(true);
    }
    if (up('torch')) {
      for (const k of ['relu', 'gelu:tanh', 'hardSwish', 'softmax', 'prelu']) expect(has('torch', k, 'forward'), k).toBe(true);
      expect(has('torch', 'sigmoid from y', 'backward')).toBe(true);
      // ATen's sigmoid backward reads y only: it must not appear in the from-x row.
      expect(has('torch', 'sigmoid', 'backward')).toBe(false);
    }
  });

  it('renders the tables and the summary', () => {
    const text: string = report.text(results);
    expect(text).toMatch(/forward, n = 4K, 1 thread/);
    expect(text).toMatch(/backward, n = 4K, 1 thread/);
    expect(text).toMatch(/per-call cost, relu on 64 elements, 1 thread: package \d/);
    expect(text).not.toMatch(/n = 64,/);
    const md: string = report.markdown(results);
    expect(md).toMatch(/^\| op \| package \|/m);
    for (const p of results.peers) if (!p.available) expect(text).toContain('absent');
    if (results.peers.some((p) => p.kind === 'peer' && p.available)) expect(text).toMatch(/summary:\n {2}forward 4K 1t: package \/ fastest peer, geomean over \d+ ops/);
  });
});

#!/usr/bin/env node
// bench/threads-quick.cjs -- what the thread pool buys, and where threading starts.
//
//   node bench/threads-quick.cjs               1 vs 2 threads for sigmoid, gelu, softplus,
//                                              mish, relu at 4096, 65536, 1M and 16M
//                                              (float32), with the registry's thresholds,
//                                              plus a 2-thread copy bound at 16M
//   node bench/threads-quick.cjs --thresholds  per op: the smallest size from which
//                                              splitting over 2 threads is faster, measured
//                                              (the registry's parallelMin comes from here)
//   --ops a,b   --sizes n,m   --json   --quick (fewer samples)   --rounds R (thresholds; default 4)
//
// Timing: each configuration is measured in alternation with the one it is compared to
// (so a change of machine load hits both), in batches long enough for the clock; the
// figure is the fastest batch (see compare()). The native addon must be built (npm run build:native) and
// the TypeScript compiled (npm run build:ts).
'use strict';
const path = require('node:path');
const { Worker } = require('node:worker_threads');

const root = path.join(__dirname, '..');
const { unaryNames, unaryOps } = require(path.join(root, 'dist', 'ops.js'));
const { loadBinding } = require(path.join(root, 'dist', 'native.js'));

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const opt = (f) => {
  const i = args.indexOf(f);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
const loaded = loadBinding();
if ('error' in loaded) {
  console.error(loaded.error);
  process.exit(1);
}
const b = loaded.binding;
b.configure(process.env.ACTIVATION_KERNELS_ISA ?? '');
const isa = b.info().isa;

const registryMins = () => unaryNames.map((n) => unaryOps[n].parallelMin ?? 65536);
const allMins = (v) => unaryNames.map(() => v);

function fillInput(x) {
  // A spread over the range where the transcendental ops do real work, with no
  // special values (their fast paths would flatter the figures).
  let s = 12345;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = (s / 4294967296) * 16 - 8;
  }
}

// Seconds per call of each configuration: short batches, alternating the configurations,
// and the fastest *clean* batch. A batch is clean when the process got the cores the
// configuration is about for the whole batch: its CPU time is at least 90% of
// `cores` x its wall time (`cores` is 1 for one thread, 2 for two: the pool's worker
// polls between back-to-back calls, so it is on a core the whole batch when it can be).
// On a shared machine most batches are disturbed by other processes; the clean ones are
// what a dedicated machine sees. null when no batch of a configuration was clean.
function compare(configs, n, samples, disturbedOk = false) {
  const reps = Math.max(1, Math.min(2000, Math.round(2e5 / Math.max(n, 1))));
  const times = configs.map(() => []);
  const all = configs.map(() => []);
  for (const c of configs) {
    c.setup();
    for (let i = 0; i < Math.min(reps, 3); i++) c.fn();
  }
  for (let s = 0; s < samples; s++) {
    for (let k = 0; k < configs.length; k++) {
      const c = configs[(k + s) % configs.length];
      c.setup();
      c.fn();
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      for (let r = 0; r < reps; r++) c.fn();
      const wall = Number(process.hrtime.bigint() - t0) / 1e9;
      const cu = process.cpuUsage(c0);
      const cpu = (cu.user + cu.system) / 1e6;
      if (cpu >= 0.9 * (c.cores ?? 1) * wall) times[configs.indexOf(c)].push(wall / reps);
      all[configs.indexOf(c)].push(wall / reps);
    }
  }
  if (disturbedOk && times.some((t) => t.length === 0)) {
    // No clean batch for some configuration (long batches on a busy machine): fall back
    // to the fastest batch of each, flagged, rather than printing nothing.
    compare.disturbed = true;
    return all.map((t) => Math.min(...t));
  }
  compare.disturbed = false;
  return times.map((t) => (t.length ? Math.min(...t) : null));
}

// Default parameters as the API resolves them (float32).
function params(name) {
  const p = unaryOps[name].params.map((d) => (d.kind === 'enum' ? 0 : Math.fround(d.default)));
  return [p[0] ?? 0, p[1] ?? 0];
}

function unaryConfig(id, x, y, threads, mins, cores = threads) {
  const [pa, pb] = params(unaryNames[id]);
  return {
    cores,
    setup: () => {
      b.setThreads(threads);
      b.setParallelMin(mins);
    },
    fn: () => b.unary(id, x, y, pa, pb) || (() => { throw new Error(`${unaryNames[id]} has no native float32 kernel`); })(),
  };
}

function hasKernel(id) {
  return b.unary(id, new Float32Array(8), new Float32Array(8), ...params(unaryNames[id]));
}

// Two worker_threads copying halves of a SharedArrayBuffer with TypedArray.set (memmove)
// at the same time: the memory bandwidth two threads get, the ceiling of relu.
async function copyBound2(n, samples) {
  const sx = new SharedArrayBuffer(n * 4), sy = new SharedArrayBuffer(n * 4);
  const ctl = new Int32Array(new SharedArrayBuffer(16));
  const src = `
    const { workerData: { sx, sy, ctl, lo, hi } } = require('node:worker_threads');
    const x = new Float32Array(sx, lo * 4, hi - lo), y = new Float32Array(sy, lo * 4, hi - lo);
    const c = new Int32Array(ctl);
    for (let gen = 1; ; gen++) {
      Atomics.wait(c, 0, gen - 1);
      if (Atomics.load(c, 0) < 0) break;
      y.set(x);
      Atomics.add(c, 1, 1);
      Atomics.notify(c, 1);
    }`;
  const half = n >> 1;
  const ws = [[0, half], [half, n]].map(([lo, hi]) => new Worker(src, { eval: true, workerData: { sx, sy, ctl: ctl.buffer, lo, hi } }));
  const times = [];
  for (let s = 0; s < samples + 1; s++) {
    Atomics.store(ctl, 1, 0);
    const t0 = process.hrtime.bigint();
    Atomics.add(ctl, 0, 1);
    Atomics.notify(ctl, 0);
    while (Atomics.load(ctl, 1) < 2) Atomics.wait(ctl, 1, Atomics.load(ctl, 1), 1);
    if (s > 0) times.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  Atomics.store(ctl, 0, -1);
  Atomics.notify(ctl, 0);
  await Promise.all(ws.map((w) => new Promise((r) => w.on('exit', r))));
  times.sort((p, q) => p - q);
  return times[0];
}

const fmt = (s) => (s < 1e-3 ? `${(s * 1e6).toFixed(1)} µs` : `${(s * 1e3).toFixed(2)} ms`);

async function speedTable() {
  const ops = (opt('--ops') ?? 'sigmoid,gelu,softplus,mish,relu').split(',');
  const sizes = opt('--sizes') ? opt('--sizes').split(',').map(Number) : [4096, 65536, 1 << 20, 1 << 24];
  const maxN = sizes[sizes.length - 1];
  const X = new Float32Array(maxN), Y = new Float32Array(maxN);
  fillInput(X);
  Y.fill(1);
  const rows = [];
  const base = b.threads();
  // The copy bound is measured before and after the table (machine load drifts); the
  // better of the two counts.
  const copyBefore = await copyBound2(maxN, quick ? 7 : 15);
  for (const name of ops) {
    const id = unaryNames.indexOf(name);
    if (id < 0) throw new Error(`unknown op ${name}`);
    if (!hasKernel(id)) {
      rows.push({ op: name, missing: true });
      continue;
    }
    for (const n of sizes) {
      const x = X.subarray(0, n), y = Y.subarray(0, n);
      const samples = n >= 1 << 24 ? (quick ? 7 : 15) : quick ? 25 : 60;
      const split = n >= registryMins()[id] ? 2 : 1;
      const [t1, t2] = compare([unaryConfig(id, x, y, 1, registryMins()), unaryConfig(id, x, y, 2, registryMins(), split)], n, samples, true);
      rows.push({ op: name, n, t1, t2, split, disturbed: compare.disturbed, speedup: t1 / t2, gbs2: (8 * n) / t2 / 1e9 });
    }
  }
  const copy = Math.min(copyBefore, await copyBound2(maxN, quick ? 7 : 15));
  b.setThreads(base);
  b.setParallelMin(registryMins());
  if (flag('--json')) {
    console.log(JSON.stringify({ isa, copy16M2t: copy, rows }, null, 1));
    return;
  }
  console.log(`isa ${isa}; float32; parallelMin from the registry; 2-thread copy bound at ${maxN}: ${fmt(copy)} (${((8 * maxN) / copy / 1e9).toFixed(1)} GB/s read+write)`);
  console.log('op        n          1 thread     2 threads    speedup   2t GB/s   vs copy bound');
  for (const r of rows) {
    if (r.missing) {
      console.log(`${r.op.padEnd(9)} (no native float32 kernel in this build)`);
      continue;
    }
    const na = 'no clean';
    const vsCopy = r.n === maxN && r.t2 ? `${((100 * copy) / r.t2).toFixed(0)}%` : '';
    console.log(
      `${r.op.padEnd(9)} ${String(r.n).padEnd(10)} ${(r.t1 ? fmt(r.t1) : na).padStart(11)}  ${(r.t2 ? fmt(r.t2) : na).padStart(11)}  ${(r.speedup ? r.speedup.toFixed(2) : '-').padStart(6)}x  ${(r.gbs2 ? r.gbs2.toFixed(1) : '-').padStart(7)}   ${vsCopy}${r.split === 1 ? '  (below parallelMin: one thread)' : ''}${r.disturbed ? '  (no clean batch: fastest disturbed one)' : ''}`,
    );
  }
}

// Where a 2-thread split starts to beat one thread (rule below), from a ladder of 8K to
// 16M elements. Each size is measured in several rounds and the best round counts: on a
// shared machine a round in which the second core was taken by someone else says
// nothing about what threading buys.
function thresholds() {
  const names = opt('--ops') ? opt('--ops').split(',') : unaryNames;
  const rounds = Number(opt('--rounds') ?? (quick ? 1 : 4));
  const ladder = [];
  for (let n = 8192; n <= 1 << 24; n *= 2) ladder.push(n);  // from two tiles: one tile never splits
  const X = new Float32Array(1 << 24), Y = new Float32Array(1 << 24);
  fillInput(X);
  Y.fill(1);
  const found = {};
  for (const name of names) {
    const id = unaryNames.indexOf(name);
    if (!hasKernel(id)) {
      console.log(`${name.padEnd(12)} no native float32 kernel in this build`);
      continue;
    }
    const [pa, pb] = params(name);
    const cfg = (x, y, mins, cores) => ({
      cores,
      setup: () => {
        b.setThreads(2);
        b.setParallelMin(mins);
      },
      fn: () => b.unary(id, x, y, pa, pb),
    });
    const best = ladder.map(() => 0);
    for (let r = 0; r < rounds; r++) {
      ladder.forEach((n, i) => {
        const x = X.subarray(0, n), y = Y.subarray(0, n);
        const samples = Math.max(9, Math.min(41, Math.round(6e7 / n)));
        const [inline, split] = compare([cfg(x, y, allMins(Infinity), 1), cfg(x, y, allMins(0), 2)], n, samples);
        if (inline !== null && split !== null) best[i] = Math.max(best[i], inline / split);
      });
    }
    // The rule, over sizes up to 1M elements (8 MB of input and output: cache-resident
    // on common parts, so the op's cost decides): the smallest size that shows >= 1.1x
    // and from which no size up to 1M shows a loss (< 1.0x). Sizes without a clean pair
    // of batches (best 0) say nothing. Beyond that, DRAM bandwidth bounds every op alike and the answer is the
    // machine's, not the op's: ops that gain nothing below 1M (memory-bound ones) get
    // kDramMin, where two threads cost nothing measurable on this machine and gain on
    // those where one core cannot saturate memory.
    const kDramMin = 1 << 22;
    let k = ladder.indexOf(1 << 20) + 1;
    while (k > 0 && (best[k - 1] === 0 || best[k - 1] >= 1.0)) k--;
    while (k < ladder.length && best[k] < 1.1) k++;
    found[name] = ladder[k] <= 1 << 20 ? ladder[k] : kDramMin;
    const size = (n) => (n >= 1 << 20 ? `${n >> 20}M` : `${n >> 10}K`);
    console.log(`${name.padEnd(12)} ${String(found[name]).padStart(8)}   best speedup by size: ${ladder.map((n, i) => `${size(n)}:${best[i].toFixed(2)}`).join(' ')}`);
  }
  if (flag('--json')) console.log(JSON.stringify(found));
}

(async () => {
  if (flag('--thresholds')) thresholds();
  else await speedTable();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});

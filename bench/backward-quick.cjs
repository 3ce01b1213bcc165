#!/usr/bin/env node
// bench/backward-quick.cjs -- the native backward passes and shaped ops against the JS
// twin and the copy bound, one thread, float32, into a separate output.
//
//   node bench/backward-quick.cjs            every unary backward at 1M (native vs the
//                                            twin: the speedup), softmax over rows of
//                                            1000 and prelu NCHW with 64 channels at 16M
//                                            (as a fraction of the copy bound)
//   --ops a,b   --n N (backward size, default 1M)   --big N (shaped size, default 16M)
//   --quick (fewer batches)   --json
//
// Timing: configurations alternate batch by batch (a change of machine load hits all of
// them) and each figure is the fastest batch's time per call. The copy bound is
// Float32Array.prototype.set of the same number of elements (one read, one write: what
// softmax and prelu into a separate output must move at least). The addon must be built
// (npm run build:native) and the TypeScript compiled (npm run build:ts).
'use strict';
const path = require('node:path');

const root = path.join(__dirname, '..');
const { unaryNames, unaryOps } = require(path.join(root, 'dist', 'ops.js'));
const { loadNative } = require(path.join(root, 'dist', 'native.js'));
const { runShaped } = require(path.join(root, 'dist', 'fallback', 'shaped.js'));

const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const opt = (f) => {
  const i = args.indexOf(f);
  return i >= 0 ? args[i + 1] : undefined;
};
const quick = flag('--quick');
const N = Number(opt('--n') ?? 1 << 20);
const BIG = Number(opt('--big') ?? 1 << 24);
const only = opt('--ops')?.split(',');

const loaded = loadNative();
if (!loaded.backend) {
  console.error(loaded.error);
  process.exit(1);
}
const native = loaded.backend;
native.setThreads(1);

function fill(x, lo, hi, seed) {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = lo + (s / 4294967296) * (hi - lo);
  }
}

// Seconds per call of each function: `batches` rounds, each running every function in
// turn for at least `minBatch` seconds; the fastest batch per function.
function compare(fns, { batches = quick ? 5 : 15, minBatch = 0.02 } = {}) {
  const best = fns.map(() => Infinity);
  const reps = fns.map((f) => {
    f();
    let r = 1;
    for (;;) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < r; i++) f();
      const dt = Number(process.hrtime.bigint() - t0) / 1e9;
      if (dt >= minBatch) return r;
      r *= 2;
    }
  });
  for (let b = 0; b < batches; b++) {
    fns.forEach((f, k) => {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < reps[k]; i++) f();
      best[k] = Math.min(best[k], Number(process.hrtime.bigint() - t0) / 1e9 / reps[k]);
    });
  }
  return best;
}

const paramsOf = (name) =>
  unaryOps[name].params.map((p) => (typeof p.default === 'number' ? Math.fround(p.default) : 0));

const results = { isa: native.isa, threads: 1, backward: [], shaped: [] };

// ---- every unary backward at N
{
  const dy = new Float32Array(N), x = new Float32Array(N), dx = new Float32Array(N);
  fill(dy, -1, 1, 7);
  fill(x, -8, 8, 12345);
  for (const [id, name] of unaryNames.entries()) {
    if (only && !only.includes(name)) continue;
    const [a = 0, b = 0] = paramsOf(name);
    const js = unaryOps[name].backward.js;
    if (!native.unaryBackward(id, dy, x, null, dx, a, b)) {
      results.backward.push({ op: name, native: null });
      continue;
    }
    const [tn, tj] = compare([() => native.unaryBackward(id, dy, x, null, dx, a, b), () => js(dy, x, dx, a, b)]);
    results.backward.push({ op: name, nsNative: (tn / N) * 1e9, nsJs: (tj / N) * 1e9, speedup: tj / tn });
  }
}

// ---- shaped ops at BIG, against the copy bound
if (!only) {
  const x = new Float32Array(BIG), y = new Float32Array(BIG), dy = new Float32Array(BIG), dx = new Float32Array(BIG);
  fill(x, -8, 8, 99);
  fill(dy, -1, 1, 5);
  const alpha = new Float32Array(64);
  fill(alpha, 0, 0.5, 3);
  // Rows of 1000: the largest whole number of rows (views of that length).
  const rows = 1000;
  const nr = Math.floor(BIG / rows);
  const [xr, yr, dyr, dxr] = [x, y, dy, dx].map((a) => a.subarray(0, nr * rows));
  const calls = [
    ['softmax, rows of 1000', { op: 'softmax', x: xr, y: yr, outer: nr, len: rows, inner: 1 }],
    ['logSoftmax, rows of 1000', { op: 'logSoftmax', x: xr, y: yr, outer: nr, len: rows, inner: 1 }],
    ['prelu NCHW, 64 channels', { op: 'prelu', x, y, alpha, alphaScalar: 0, outer: BIG / (64 * 4096), len: 64, inner: 4096 }],
    ['prelu NHWC, 64 channels', { op: 'prelu', x, y, alpha, alphaScalar: 0, outer: BIG / 64, len: 64, inner: 1 }],
    ['softmax backward from y, rows of 1000', { op: 'softmaxBackward', dy: dyr, y: yr, x: null, dx: dxr, outer: nr, len: rows, inner: 1 }],
    ['maxout pieces 4, NCHW 64 channels', { op: 'maxout', x, y: y.subarray(0, BIG / 4), outer: BIG / (64 * 4096), len: 64, inner: 4096, pieces: 4 }],
  ];
  for (const [label, call] of calls) {
    // The copy bound of the data this call reads and writes once (its output's length).
    const out = call.y ?? call.dx;
    const src = x.subarray(0, out.length);
    const copy = () => out.set(src);
    if (!native.shaped(call)) {
      results.shaped.push({ label, native: null });
      continue;
    }
    const [tn, tc, tj] = compare([() => native.shaped(call), copy, () => runShaped(call)], { batches: quick ? 3 : 7, minBatch: 0.05 });
    results.shaped.push({ label, msNative: tn * 1e3, msCopy: tc * 1e3, msJs: tj * 1e3, ofCopyBound: tc / tn, vsJs: tj / tn });
  }
}

if (flag('--json')) {
  console.log(JSON.stringify(results, null, 2));
} else {
  console.log(`native ${results.isa}, 1 thread, float32`);
  console.log(`\nbackward at ${N}: ns/element native, JS twin, speedup`);
  for (const r of results.backward) {
    if (r.native === null) console.log(`  ${r.op.padEnd(12)} (no native kernel)`);
    else console.log(`  ${r.op.padEnd(12)} ${r.nsNative.toFixed(3).padStart(8)} ${r.nsJs.toFixed(3).padStart(8)} ${r.speedup.toFixed(1).padStart(7)}x`);
  }
  if (results.shaped.length) console.log(`\nshaped at ${BIG}: ms native, copy, JS twin; share of the copy bound; speedup over the twin`);
  for (const r of results.shaped) {
    if (r.native === null) console.log(`  ${r.label}: (no native kernel)`);
    else console.log(`  ${r.label.padEnd(40)} ${r.msNative.toFixed(2).padStart(8)} ${r.msCopy.toFixed(2).padStart(8)} ${r.msJs.toFixed(1).padStart(8)}  ${(100 * r.ofCopyBound).toFixed(0).padStart(4)}%  ${r.vsJs.toFixed(1)}x`);
  }
}

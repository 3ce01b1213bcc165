#!/usr/bin/env node
'use strict';
/**
 * Where a small call's time goes, layer by layer, interleaved in one process:
 *   api       relu(x, { out })            the public call (validation, engine, binding)
 *   backward  relu.backward(dy, x, { out })
 *   binding   binding.unary(id, x, y, 0, 0)  the Node-API crossing, argument reads, the
 *                                           MXCSR guard and the kernel
 *   empty     binding.unary on 0 elements  the same without the kernel
 *   set       y.set(x)                     Node's own copy, for scale
 * float32, n elements (default 64). Prints the fastest and the median batch per layer:
 * on a shared machine the fastest is the least disturbed. The JS layer is api − binding.
 * --base DIR adds `api (base)` and `backward (base)`: the same calls through another
 * checkout's dist/ (DIR holds dist/; e.g. a copy of this one's before a change), in the
 * same batches, with new/base ratios of the medians. --cpu times each batch by the
 * process's CPU time (process.cpuUsage) instead of the wall clock: on a machine with more
 * runnable jobs than cores, the time spent waiting for a core then stays out of the figures.
 *
 *   node bench/call-cost.cjs [n] [--reps 41] [--base DIR] [--cpu]
 */
const path = require('node:path');
const dist = path.join(__dirname, '..', 'dist');
const ak = require(path.join(dist, 'index.js'));
const loaded = require(path.join(dist, 'backend', 'native.js')).loadBinding();
if (!loaded.binding) throw new Error(`bench/call-cost: no native addon (${loaded.error})`);
const b = loaded.binding;
const id = require(path.join(dist, 'ops.js')).unaryNames.indexOf('relu');

const args = process.argv.slice(2);
const ri = args.indexOf('--reps');
const reps = ri >= 0 ? Number(args.splice(ri, 2)[1]) : 41;
const bi = args.indexOf('--base');
const baseDir = bi >= 0 ? args.splice(bi, 2)[1] : null;
const ci = args.indexOf('--cpu');
const cpu = ci >= 0 && args.splice(ci, 1).length > 0;
// Nanoseconds now, by the wall clock or by the process's CPU time.
const now = cpu ? () => { const u = process.cpuUsage(); return (u.user + u.system) * 1000; } : () => Number(process.hrtime.bigint());
const n = Number(args[0] ?? 64);
const x = new Float32Array(n).map(() => Math.random() - 0.5), y = new Float32Array(n), dy = new Float32Array(n).fill(1);
const x0 = new Float32Array(0), y0 = new Float32Array(0);
const R = 50000;
const { relu } = ak;
const layers = {
  api: () => { for (let i = 0; i < R; i++) relu(x, { out: y }); },
  backward: () => { for (let i = 0; i < R; i++) relu.backward(dy, x, { out: y }); },
  binding: () => { for (let i = 0; i < R; i++) b.unary(id, x, y, 0, 0); },
  empty: () => { for (let i = 0; i < R; i++) b.unary(id, x0, y0, 0, 0); },
  set: () => { for (let i = 0; i < R; i++) y.set(x); },
};
if (baseDir !== null) {
  const old = require(path.resolve(baseDir, 'dist', 'index.js')).relu;
  layers['api (base)'] = () => { for (let i = 0; i < R; i++) old(x, { out: y }); };
  layers['backward (base)'] = () => { for (let i = 0; i < R; i++) old.backward(dy, x, { out: y }); };
}
const ns = Object.fromEntries(Object.keys(layers).map((k) => [k, []]));
for (let r = 0; r < reps; r++) {
  for (const [k, f] of Object.entries(layers)) {
    const t = now();
    f();
    ns[k].push((now() - t) / R);
  }
}
console.log(`bench/call-cost: relu, float32, n = ${n}, ${reps} interleaved batches of ${R} calls, ${cpu ? 'CPU time' : 'wall clock'}; load ${require('node:os').loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const med = {};
for (const [k, v] of Object.entries(ns)) {
  v.sort((p, q) => p - q);
  med[k] = v[v.length >> 1];
  console.log(`  ${k.padEnd(15)} fastest ${v[0].toFixed(1).padStart(7)} ns   median ${med[k].toFixed(1).padStart(7)} ns`);
}
if (baseDir !== null) {
  console.log(`  new/base (medians): api ${(med.api / med['api (base)']).toFixed(3)}, backward ${(med.backward / med['backward (base)']).toFixed(3)}`);
}

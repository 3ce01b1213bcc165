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
 *
 *   node bench/call-cost.cjs [n] [--reps 41]
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
const ns = Object.fromEntries(Object.keys(layers).map((k) => [k, []]));
for (let r = 0; r < reps; r++) {
  for (const [k, f] of Object.entries(layers)) {
    const t = process.hrtime.bigint();
    f();
    ns[k].push(Number(process.hrtime.bigint() - t) / R);
  }
}
console.log(`bench/call-cost: relu, float32, n = ${n}, ${reps} interleaved batches of ${R} calls; load ${require('node:os').loadavg().map((l) => l.toFixed(1)).join(' ')}`);
for (const [k, v] of Object.entries(ns)) {
  v.sort((p, q) => p - q);
  console.log(`  ${k.padEnd(9)} fastest ${v[0].toFixed(1).padStart(7)} ns   median ${v[v.length >> 1].toFixed(1).padStart(7)} ns`);
}

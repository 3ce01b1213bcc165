#!/usr/bin/env node
// Quick single-thread throughput check of the native kernels (issue 3's targets):
// native (one thread, each ISA level this machine runs) vs the pure-JS twin vs the
// copy bound Float32Array.prototype.set, float32, into a preallocated output, in one
// run; plus the JS-visible cost of a 16-element call. The statistical harness with
// peers is bench/run.cjs; this is the small file to rerun after touching a kernel.
//
//   node bench/native-quick.cjs [op ...] [--sizes=4096,65536] [--ms=150] [--clock=cpu|wall]
// Prints M elements/s (best of 5 runs of >= --ms each) and native/copy ratios.
'use strict';
const path = require('node:path');
const root = path.join(__dirname, '..');
const { loadNative } = require(path.join(root, 'dist/native.js'));
const { unaryOps, unaryNames } = require(path.join(root, 'dist/ops.js'));
const ak = require(path.join(root, 'dist/index.js'));

const args = process.argv.slice(2);
const opt = (k, d) => (args.find((a) => a.startsWith(`--${k}=`)) ?? `=${d}`).split('=')[1];
const sizes = opt('sizes', '4096,65536,1048576,16777216').split(',').map(Number);
const minMs = Number(opt('ms', '150'));
const only = args.filter((a) => !a.startsWith('--'));
// cpu (default): this process's CPU time, which stays meaningful on a machine shared
// with other work (wall time there measures the scheduler); wall: hrtime.
const clock = opt('clock', 'cpu');
const now =
  clock === 'wall'
    ? () => Number(process.hrtime.bigint())
    : () => {
        const u = process.cpuUsage();
        return (u.user + u.system) * 1e3; // ns
      };

const r = loadNative('');
if (!r.backend) {
  console.error(`native addon not available: ${r.error}`);
  process.exit(1);
}
const nb = r.backend;
const b = nb.binding;
const isas = nb.isas;
// The pool (issue 4), when built in, must not spread these calls: one thread.
if (typeof b.setThreads === 'function') b.setThreads(1);

/** Best-of-5 rate (elements/s) of fn over n elements, each run >= minMs. */
function rate(fn, n) {
  let reps = 1;
  for (;;) {
    const t0 = now();
    for (let i = 0; i < reps; i++) fn();
    const ms = (now() - t0) / 1e6;
    if (ms >= minMs / 4) { reps = Math.max(1, Math.ceil((reps * minMs) / Math.max(ms, 1e-3))); break; }
    reps *= 4;
  }
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t0 = now();
    for (let i = 0; i < reps; i++) fn();
    best = Math.min(best, (now() - t0) / reps);
  }
  return (n / best) * 1e9; // elements per second (best is ns per call)
}

function params(name) {
  return unaryOps[name].params.map((p) => (p.kind === 'number' ? Math.fround(p.default) : p.values.indexOf(p.default)));
}

const fmt = (v) => (v / 1e6).toFixed(0).padStart(7);
console.log(`activation-kernels native-quick: float32, one thread, M elements/s (best of 5, ${clock} clock); CPU levels: ${isas.join(', ')}`);
for (const n of sizes) {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(i * 12.9898) * 8; // [-8, 8]: every branch of every op
  const y = new Float32Array(n);
  const copy = rate(() => y.set(x), n);
  console.log(`\nn = ${n}  (copy bound, y.set(x): ${fmt(copy)} M/s)`);
  console.log(`${'op'.padEnd(12)}${isas.map((l) => l.padStart(8)).join('')}      js   best/copy`);
  unaryNames.forEach((name, id) => {
    if (only.length && !only.includes(name)) return;
    const [a = 0, bb = 0] = params(name);
    const cols = isas.map((l, k) => {
      const level = ['scalar', 'avx2', 'avx512'].indexOf(l);
      return rate(() => b.unaryIsa(level, id, x, y, a, bb), n);
    });
    const jsRate = n <= 1 << 20 ? rate(() => unaryOps[name].js(x, y, a, bb), n) : NaN;
    const best = Math.max(...cols);
    console.log(`${name.padEnd(12)}${cols.map(fmt).join(' ')} ${Number.isNaN(jsRate) ? '      -' : fmt(jsRate)}   ${(best / copy).toFixed(2).padStart(6)}`);
  });
}

// JS-visible cost of one small call: the raw binding, the Backend, and the public API.
const x16 = new Float32Array(16).map((_, i) => i - 8);
const y16 = new Float32Array(16);
const ns = (fn) => 1e9 / rate(fn, 1); // rate(fn, 1) = calls per second
console.log('\n16-element call, ns per call (JS-visible, best of 5):');
console.log(`  binding.unary(relu)           ${ns(() => b.unary(0, x16, y16, 0, 0)).toFixed(0)}`);
console.log(`  binding.unary(sigmoid)        ${ns(() => b.unary(7, x16, y16, 0, 0)).toFixed(0)}`);
console.log(`  backend.unary(relu)           ${ns(() => nb.unary(0, x16, y16, 0, 0)).toFixed(0)}`);
console.log(`  ak.relu(x, { out })           ${ns(() => ak.relu(x16, { out: y16 })).toFixed(0)}`);
console.log(`  ak.sigmoid(x, { out })        ${ns(() => ak.sigmoid(x16, { out: y16 })).toFixed(0)}`);
console.log(`  (api backend: ${ak.info().backend}/${ak.info().isa})`);

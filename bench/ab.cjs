#!/usr/bin/env node
// bench/ab.cjs -- two builds of the addon side by side in one process: the forward and
// backward kernels of this checkout against another build's (another commit, built
// elsewhere), float32, into a preallocated output, interleaved batch by batch so that
// a change of machine load hits both alike. The figure per configuration is the median
// of the batches' rates; "new/base" is the ratio of the medians.
//
//   node bench/ab.cjs --base /path/to/other/build/Release/activation_kernels.node
//        [--ops a,b] [--isa avx512] [--configs 65536x1,1048576x2] [--batches 15]
//        [--ms 20] [--stat median|max] [--no-forward] [--no-backward] [--shaped] [--json FILE]
//
// --stat max takes each configuration's fastest batch instead of the median: on a machine
// shared with other jobs the interference only ever slows a batch down, so with short
// batches (--ms 2) and many of them (--batches 101) the fastest is the least disturbed.
//
// A config NxT is N elements with a pool of T threads (each build has its own pool;
// the registry's parallelMin decides, as in the package, whether a call is split).
// Rows: each unary op's forward and backward from x (dy in [-1, 1], x in [-8, 8]),
// plus y.set(x) (the copy bound) and, with --shaped, softmax/logSoftmax over rows of
// 1000. The addon must be built in both places (npm run build).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { interleavedRates } = require('./interleave.cjs');

const root = path.join(__dirname, '..');
const { unaryNames, unaryOps } = require(path.join(root, 'dist', 'ops.js'));

const args = process.argv.slice(2);
const opt = (f, d) => {
  const i = args.indexOf(f);
  return i >= 0 ? args[i + 1] : d;
};
const flag = (f) => args.includes(f);
const baseFile = opt('--base');
if (!baseFile) {
  console.error('usage: node bench/ab.cjs --base OTHER.node [--ops a,b] [--isa L] [--configs 65536x1,1048576x2] [--batches N] [--ms N] [--no-forward] [--no-backward] [--shaped] [--json FILE]');
  process.exit(2);
}
const newFile = opt('--new', path.join(root, 'build', 'Release', 'activation_kernels.node'));
const isa = opt('--isa', '');
const only = opt('--ops')?.split(',');
const configs = opt('--configs', '65536x1,1048576x2').split(',').map((s) => s.split('x').map(Number));
const batches = Number(opt('--batches', '15'));
const minMs = Number(opt('--ms', '20'));
const stat = opt('--stat', 'median');
if (stat !== 'median' && stat !== 'max') {
  console.error(`bench/ab.cjs: --stat takes median or max, got ${stat}`);
  process.exit(2);
}

function load(file) {
  const b = require(path.resolve(file));
  const info = b.configure(isa);
  b.setParallelMin(unaryNames.map((n) => unaryOps[n].parallelMin));
  return { b, info, file };
}
const builds = { base: load(baseFile), new: load(newFile) };
for (const [k, v] of Object.entries(builds)) {
  if (isa && v.info.isa !== isa) throw new Error(`${k}: asked for ${isa}, got ${v.info.isa}`);
}

function fill(x, lo, hi, seed) {
  let s = seed >>> 0;
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    x[i] = lo + (s / 4294967296) * (hi - lo);
  }
}

/** Median (or fastest) elements/s of each function over interleaved batches (the order rotates). */
function compare(fns, n) {
  return interleavedRates(fns, n, batches, minMs).map((r) => {
    const s = r.slice().sort((a, b) => a - b);
    return stat === 'max' ? s[s.length - 1] : s[s.length >> 1];
  });
}

const paramsOf = (name) => unaryOps[name].params.map((p) => (p.kind === 'number' ? Math.fround(p.default) : p.values.indexOf(p.default)));
const M = (v) => (v / 1e6).toFixed(0);
const results = [];
console.log(`bench/ab.cjs: ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}, isa ${builds.new.info.isa}; ${stat} M elements/s of ${batches} interleaved batches (wall clock)`);
console.log(`base: ${builds.base.file}\nnew:  ${builds.new.file}`);
for (const [n, threads] of configs) {
  for (const v of Object.values(builds)) v.b.setThreads(threads);
  const x = new Float32Array(n), y = new Float32Array(n), dy = new Float32Array(n), dx = new Float32Array(n);
  fill(x, -8, 8, 12345);
  fill(dy, -1, 1, 7);
  const [copy] = compare([() => y.set(x)], n);
  console.log(`\nn = ${n}, ${threads} thread(s); y.set(x): ${M(copy)} M/s`);
  console.log(['op', 'fwd base', 'fwd new', 'new/base', 'bwd base', 'bwd new', 'new/base', 'bwd/fwd new'].map((s, i) => (i ? s.padStart(10) : s.padEnd(12))).join(''));
  for (const [id, name] of unaryNames.entries()) {
    if (only && !only.includes(name)) continue;
    const [a = 0, c = 0] = paramsOf(name);
    const fns = [];
    if (!flag('--no-forward')) fns.push(() => builds.base.b.unary(id, x, y, a, c), () => builds.new.b.unary(id, x, y, a, c));
    if (!flag('--no-backward')) fns.push(() => builds.base.b.unaryBackward(id, dy, x, null, dx, a, c), () => builds.new.b.unaryBackward(id, dy, x, null, dx, a, c));
    const r = compare(fns, n);
    const fw = flag('--no-forward') ? [NaN, NaN] : r.splice(0, 2);
    const bw = flag('--no-backward') ? [NaN, NaN] : r.splice(0, 2);
    results.push({ op: name, n, threads, copy, fwdBase: fw[0], fwdNew: fw[1], bwdBase: bw[0], bwdNew: bw[1] });
    console.log([name.padEnd(12), M(fw[0]), M(fw[1]), (fw[1] / fw[0]).toFixed(2), M(bw[0]), M(bw[1]), (bw[1] / bw[0]).toFixed(2), (bw[1] / fw[1]).toFixed(2)]
      .map((s, i) => (i ? String(s).padStart(10) : s)).join(''));
  }
  if (flag('--shaped')) {
    const rows = 1000, nr = Math.floor(n / rows);
    const xr = x.subarray(0, nr * rows), yr = y.subarray(0, nr * rows);
    for (const [op, label] of [[0, 'softmax'], [1, 'logSoftmax']]) {
      const r = compare([() => builds.base.b.shaped(op, nr, rows, 1, 0, xr, yr), () => builds.new.b.shaped(op, nr, rows, 1, 0, xr, yr)], nr * rows);
      results.push({ op: label, rows, n: nr * rows, threads, copy, fwdBase: r[0], fwdNew: r[1] });
      console.log([`${label}/1000`.padEnd(12), M(r[0]), M(r[1]), (r[1] / r[0]).toFixed(2)].map((s, i) => (i ? String(s).padStart(10) : s)).join(''));
    }
  }
}
const out = opt('--json');
if (out) fs.writeFileSync(out, JSON.stringify({ cpu: os.cpus()[0]?.model, node: process.version, isa: builds.new.info.isa, batches, base: builds.base.file, new: builds.new.file, results }, null, 2) + '\n');

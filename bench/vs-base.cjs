#!/usr/bin/env node
'use strict';
/**
 * This checkout against another one (an older commit, checked out and built
 * elsewhere), both through their public API (`op(x, { out })`,
 * `op.backward(dy, x, { out })`), loaded side by side in one process and
 * timed in interleaved batches, so that machine load hits both alike. It
 * answers "does any op lose speed against the code we started from": every
 * op both builds have, forward and backward, float32 into a preallocated
 * output, at each size and thread count.
 *
 *   node bench/vs-base.cjs --base DIR [--ops a,b] [--sizes 64K,1M,16M]
 *        [--threads 1,2] [--passes forward,backward] [--batches 21] [--ms 10]
 *        [--loss 0.05] [--json FILE]
 *
 * DIR is the other checkout's root, with `npm run build` done there. The
 * figure per row is the median elements/s over the batches; new/base is the
 * ratio of the medians, with a Mann-Whitney p-value, and a row is flagged
 * "LOSS" when new/base < 1 - loss at p < 0.01.
 */
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { registry, makeInput } = require('./harness.cjs');
const { benchOps, workload } = require('./c-peers/ops.cjs');
const { loadDist } = require('./impls.cjs');
const stats = require('./stats.cjs');
const { interleavedRates } = require('./interleave.cjs');

function parse(argv) {
  const o = { base: null, ops: null, sizes: [65536, 1 << 20], threads: [1], passes: ['forward', 'backward'], batches: 21, ms: 10, loss: 0.05, json: null };
  const size = (s) => {
    const m = /^(\d+)([KM]?)$/.exec(s);
    if (!m) throw new Error(`vs-base: bad size ${s}`);
    return Number(m[1]) * (m[2] === 'K' ? 1024 : m[2] === 'M' ? 1 << 20 : 1);
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i], v = () => {
      if (i + 1 >= argv.length) throw new Error(`vs-base: ${a} needs a value`);
      return argv[++i];
    };
    if (a === '--base') o.base = v();
    else if (a === '--ops') o.ops = v().split(',');
    else if (a === '--sizes') o.sizes = v().split(',').map(size);
    else if (a === '--threads') o.threads = v().split(',').map(Number);
    else if (a === '--passes') o.passes = v().split(',');
    else if (a === '--batches') o.batches = Number(v());
    else if (a === '--ms') o.ms = Number(v());
    else if (a === '--loss') o.loss = Number(v());
    else if (a === '--json') o.json = v();
    else throw new Error(`vs-base: unknown option ${a}`);
  }
  if (!o.base) throw new Error('usage: node bench/vs-base.cjs --base DIR [--ops a,b] [--sizes 64K,1M] [--threads 1,2] [--passes forward,backward] [--batches N] [--ms N] [--loss F] [--json FILE]');
  for (const t of o.threads) if (!(Number.isInteger(t) && t >= 1)) throw new Error(`vs-base: bad thread count ${t}`);
  for (const p of o.passes) if (p !== 'forward' && p !== 'backward') throw new Error(`vs-base: bad pass ${p}`);
  return o;
}

function main() {
  const o = parse(process.argv.slice(2));
  const reg = registry();
  const api = loadDist('index.js').default;
  const baseRoot = path.resolve(o.base);
  const baseApi = require(path.join(baseRoot, 'dist', 'index.js')).default;
  const info = api.info(), baseInfo = baseApi.info();
  if (info.backend !== 'native' || baseInfo.backend !== 'native') throw new Error(`vs-base: both builds must load natively (new: ${info.backend}, base: ${baseInfo.backend})`);
  const entries = benchOps(reg).filter((e) => (!o.ops || o.ops.includes(e.key)) && typeof baseApi[e.op] === 'function');
  console.log(`bench/vs-base.cjs: ${os.cpus()[0]?.model ?? 'cpu'}, node ${process.version}; new isa ${info.isa}, base isa ${baseInfo.isa}; median M elements/s of ${o.batches} interleaved batches of >= ${o.ms} ms; loss = new/base < ${1 - o.loss} at p < 0.01`);
  console.log(`new:  ${path.join(__dirname, '..')}\nbase: ${baseRoot}`);
  const rows = [];
  for (const threads of o.threads) {
    api.setThreads(threads);
    baseApi.setThreads(threads);
    for (const n of o.sizes) {
      const x = makeInput(Float32Array, n, 1 + n);
      const dy = makeInput(Float32Array, n, 104729 + n).map((v) => v / 8);
      console.log(`\nn = ${n}, ${threads} thread(s)`);
      console.log(['op', 'pass', 'base', 'new', 'new/base', 'p'].map((s, i) => (i < 2 ? s.padEnd(i ? 9 : 16) : s.padStart(9))).join(''));
      for (const e of entries) {
        const w = workload(reg, e, n, Float32Array);
        if (w.skip) continue;
        for (const pass of o.passes) {
          const out = new Float32Array(pass === 'forward' ? w.outLength : n);
          const d = w.outLength === n ? dy : dy.subarray(0, w.outLength);
          let fns;
          try {
            fns = pass === 'forward'
              ? [w.forward(baseApi), w.forward(api)].map((f) => () => f(x, out))
              : [w.backward(baseApi), w.backward(api)].map((g) => () => g(d, x, out));
            fns.forEach((f) => f());
          } catch (err) {
            console.log(`${e.key.padEnd(16)}${pass.padEnd(9)}  not compared: ${String(err.message).split('\n')[0]}`);
            continue;
          }
          const [b, a] = interleavedRates(fns, n, o.batches, o.ms);
          const base = stats.median(b), now = stats.median(a), ratio = now / base;
          const p = stats.mannWhitney(a, b).p;
          const loss = ratio < 1 - o.loss && p < 0.01;
          rows.push({ key: e.key, pass, n, threads, base, new: now, ratio, p, loss });
          const M = (v) => (v / 1e6).toFixed(0).padStart(9);
          console.log(`${e.key.padEnd(16)}${pass.padEnd(9)}${M(base)}${M(now)}${ratio.toFixed(3).padStart(9)}${p.toPrecision(2).padStart(9)}${loss ? '  LOSS' : ''}`);
        }
      }
    }
  }
  const losses = rows.filter((r) => r.loss);
  const geo = (list) => Math.exp(list.reduce((s, r) => s + Math.log(r.ratio), 0) / list.length);
  console.log(`\n${rows.length} rows; geomean new/base ${geo(rows).toFixed(3)}; ${losses.length} losing more than ${(100 * o.loss).toFixed(0)}% (p < 0.01)${losses.length ? ': ' + losses.map((r) => `${r.key} ${r.pass} ${r.n}x${r.threads} ${r.ratio.toFixed(3)}`).join(', ') : ''}`);
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ cpu: os.cpus()[0]?.model, node: process.version, isa: info.isa, base: baseRoot, load: os.loadavg(), rows }, null, 1));
}

try {
  main();
} catch (e) {
  console.error(e.message);
  process.exit(2);
}

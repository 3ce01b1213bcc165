#!/usr/bin/env node
// Quick throughput check of compiled expressions (lib/expr) against built-in ops.
//   node bench/expr-quick.cjs [--n 1000000] [--reps 15]
// Needs `npm run build`. Prints the median Melem/s of each contender and the
// ratios the issue asks for:
//   1. compile('x * sigmoid(x)') against the built-in swish, at 1M float32;
//   2. a 4-unit expression against the same units chained as built-in calls
//      (one memory pass per call), at 1M float32;
//   3. stats() at 16M float32 against the copy bound (dst.set(src)).
// Each figure is the median of `reps` timed runs after two warm-up runs.
'use strict';
const path = require('node:path');

const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : def;
};
const N = opt('n', 1_000_000);
const REPS = opt('reps', 15);

const dist = path.join(__dirname, '..', 'dist');
const ak = require(path.join(dist, 'index.js'));
const akjs = require(path.join(dist, 'js.js'));

function median(a) {
  const s = [...a].sort((p, q) => p - q);
  return s[s.length >> 1];
}

/** Median seconds of fn() over REPS runs (after 2 warm-ups). */
function time(fn) {
  fn();
  fn();
  const t = [];
  for (let r = 0; r < REPS; r++) {
    const t0 = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return median(t);
}

function input(n) {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = Math.sin(i * 0.618) * 6;
  return x;
}

const fmt = (n, s) => `${(n / s / 1e6).toFixed(1).padStart(8)} Melem/s`;
const x = input(N);
const out = new Float32Array(N);
console.log(`backend: ${ak.info().backend} (${ak.info().isa}), n = ${N}, median of ${REPS}`);

// 1. x * sigmoid(x) against swish.
const silu = ak.compile('x * sigmoid(x)');
const tCompiled = time(() => silu(x, { out }));
const tSwish = time(() => ak.swish(x, { out }));
const tSwishJs = time(() => akjs.swish(x, { out }));
console.log('\n1. x * sigmoid(x) vs swish (float32)');
console.log(`   compiled                ${fmt(N, tCompiled)}`);
console.log(`   built-in swish          ${fmt(N, tSwish)}   compiled/built-in = ${(tSwish / tCompiled).toFixed(2)}`);
console.log(`   built-in swish (JS)     ${fmt(N, tSwishJs)}   compiled/JS twin  = ${(tSwishJs / tCompiled).toFixed(2)}`);

// 2. Four units fused against four calls.
const units = ['relu', 'sigmoid', 'softplus', 'tanh'];
const expr = units.reduce((inner, u) => `${u}(${inner})`, 'x').replace('relu(x)', 'max(x, 0)');
const fused = ak.compile(expr);
const tFused = time(() => fused(x, { out }));
const chain = (api) => () => {
  api[units[0]](x, { out });
  for (const u of units.slice(1)) api[u](out, { out });
};
const tChain = time(chain(ak));
const tChainJs = time(chain(akjs));
console.log(`\n2. ${expr} fused vs ${units.join(' → ')} chained (float32)`);
console.log(`   compiled (one pass)     ${fmt(N, tFused)}`);
console.log(`   chained built-ins       ${fmt(N, tChain)}   fused/chained = ${(tChain / tFused).toFixed(2)}`);
console.log(`   chained built-ins (JS)  ${fmt(N, tChainJs)}   fused/JS chain = ${(tChainJs / tFused).toFixed(2)}`);

// 3. stats at 16M against the copy bound.
const M = 16 * 1024 * 1024;
const big = input(M);
const dst = new Float32Array(M);
const tCopy = time(() => dst.set(big));
ak.stats(big, { op: 'sigmoid' });
const tStats = time(() => ak.stats(big, { op: 'sigmoid' }));
const tStatsCh = time(() => ak.stats(big, { op: 'relu', shape: [64, 256, 32, 32], channelAxis: 1 }));
console.log('\n3. stats at 16M float32');
console.log(`   copy (dst.set)          ${fmt(M, tCopy)}`);
console.log(`   stats (op sigmoid)      ${fmt(M, tStats)}   = ${((tCopy / tStats) * 100).toFixed(0)}% of the copy bound`);
console.log(`   stats per channel NCHW  ${fmt(M, tStatsCh)}   = ${((tCopy / tStatsCh) * 100).toFixed(0)}% of the copy bound`);

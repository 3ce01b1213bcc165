#!/usr/bin/env node
// Quick throughput check of compiled expressions (lib/expr) against built-in ops.
//   node bench/expr-quick.cjs [--n 1000000] [--reps 15]
// Needs `npm run build`. Prints the median Melem/s of each contender and the
// ratios the issue asks for:
//   1. compile('x * sigmoid(x)') against the built-in swish, at 1M float32;
//   2. a 4-unit expression against the same units chained as built-in calls
//      (one memory pass per call), at 1M float32;
//   3. stats() at 16M float32 against the copy bound (dst.set(src));
//   4. with --native: the native interpreter (native/expr, built here with g++
//      against build/Release's kernel libraries; single thread, every ISA level),
//      the same two comparisons against the native kernels.
// Each figure is the median of `reps` timed runs after two warm-up runs.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { execFileSync } = require('node:child_process');

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
// As most callers write it, without `out`: each call allocates its result (the chain three
// intermediates, which the fused form never materializes).
const tFusedAlloc = time(() => fused(x));
const tChainAlloc = time(() => units.reduce((y, u) => ak[u](y), x));
console.log(`\n2. ${expr} fused vs ${units.join(' → ')} chained (float32)`);
console.log(`   compiled (one pass)     ${fmt(N, tFused)}`);
console.log(`   chained built-ins       ${fmt(N, tChain)}   fused/chained = ${(tChain / tFused).toFixed(2)} (both into a preallocated out, the chain in place)`);
console.log(`   chained built-ins (JS)  ${fmt(N, tChainJs)}   fused/JS chain = ${(tChainJs / tFused).toFixed(2)}`);
console.log(`   compiled, allocating    ${fmt(N, tFusedAlloc)}`);
console.log(`   chained, allocating     ${fmt(N, tChainAlloc)}   fused/chained = ${(tChainAlloc / tFusedAlloc).toFixed(2)} (no out: each call returns a new array)`);

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

if (args.includes('--native')) {
  // 4. The native interpreter, standalone (not yet reachable through the addon).
  const root = path.join(__dirname, '..');
  const rel = path.join(root, 'build', 'Release');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ak-expr-bench-'));
  const cc = (src, flags) => {
    const o = path.join(dir, path.basename(src).replace(/\.cc$/, '.o'));
    execFileSync('g++', ['-std=c++17', '-O2', '-ffp-contract=off', ...flags, '-c', path.join(root, 'native', 'expr', src), '-o', o]);
    return o;
  };
  // The interpreters of every level are in the kernel libraries (native/isa/<level>.cc).
  const objs = [cc('expr_bench.cc', [])];
  const libs = ['ak_core.a', ...(process.arch === 'x64' ? ['ak_isa_avx2.a', 'ak_isa_avx512.a'] : [])].map((l) => path.join(rel, l));
  const exe = path.join(dir, 'expr_bench');
  execFileSync('g++', ['-o', exe, ...objs, '-Wl,--start-group', ...libs, '-Wl,--end-group', '-lpthread']);
  const parts = [];
  const u32 = (v) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); parts.push(b); };
  u32(2);
  for (const act of [silu, fused]) {
    const p = act.program;
    u32(0);
    u32(p.code.length);
    parts.push(Buffer.from(p.code.buffer, p.code.byteOffset, p.code.byteLength));
    u32(p.consts.length);
    parts.push(Buffer.from(p.consts.buffer, p.consts.byteOffset, p.consts.byteLength));
    u32(1);
    u32(N);
    parts.push(Buffer.from(x.buffer, x.byteOffset, x.byteLength));
  }
  const file = path.join(dir, 'cases.bin');
  fs.writeFileSync(file, Buffer.concat(parts));
  const opArg = (name) => {
    const def = ak.unaryOps[name];
    const p = def.params.map((q) => (q.kind === 'enum' ? q.values.indexOf(q.default) : q.default));
    return [ak.unaryNames.indexOf(name), p[0] ?? 0, p[1] ?? 0].join(':');
  };
  const out = execFileSync(exe, [file, opArg('swish'), units.map(opArg).join(',')], { encoding: 'utf8' });
  console.log('\n4. native interpreter, one thread (Melem/s)');
  console.log('   level    x*sigmoid(x)   swish kernel  ratio |  4 units fused  4 kernels chained  ratio');
  const lines = out.trim().split('\n');
  for (const line of lines.filter((l) => !l.startsWith('stats '))) {
    const [isa, p, k, f, c] = line.split(' ');
    const r1 = Number(k) > 0 ? (Number(p) / Number(k)).toFixed(2) : 'n/a';
    const r2 = Number(c) > 0 ? (Number(f) / Number(c)).toFixed(2) : 'n/a';
    console.log(`   ${isa.padEnd(8)} ${p.padStart(12)} ${k.padStart(14)} ${r1.padStart(6)} | ${f.padStart(14)} ${c.padStart(18)} ${r2.padStart(6)}`);
  }
  console.log('\n   stats() scan at 16M float32, one thread (Melem/s)');
  for (const line of lines.filter((l) => l.startsWith('stats '))) {
    const [, isa, st, cp] = line.split(' ');
    console.log(`   ${isa.padEnd(8)} scan ${st.padStart(8)}   memcpy ${cp.padStart(8)}   = ${((Number(st) / Number(cp)) * 100).toFixed(0)}% of the copy bound`);
  }
}

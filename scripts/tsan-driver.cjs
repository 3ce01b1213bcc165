#!/usr/bin/env node
'use strict';
/**
 * The driver of scripts/test-tsan.sh (npm run test:tsan): run in a node whose
 * TSan runtime is preloaded, against a package copy (AK_PKG) whose
 * build/Release holds the addon built with -fsanitize=thread. The main thread
 * and TSAN_WORKERS worker_threads (2) each make TSAN_CALLS calls (300): async
 * forward/backward/shaped ops on arrays past parallelMin (2^15..2^18 elements,
 * so the pool cuts them into tiles), a quarter of the async ones aborted at
 * once or on the next turn of the loop, sync threaded calls, and setThreads
 * resizes from the main thread every 40 ms; a tenth are the fused passes (a
 * bias, the gated ops), compiled programs' .async and stats(); some results
 * checked against the JS twin (float32 rounding and the cancellation near zeros of f' allowed).
 */
const { Worker, isMainThread, workerData, parentPort } = require('node:worker_threads');
const path = require('node:path');
const pkg = process.env.AK_PKG || path.join(__dirname, '..');
const ak = require(path.join(pkg, 'dist/index.js'));
const js = require(path.join(pkg, 'dist/js.js'));
const A = ak.default || ak, J = js.default || js;
if (A.info().backend !== 'native') throw new Error('not native: ' + A.info().loadError);
const N = Number(process.env.TSAN_CALLS || 300);
const ops = Object.keys(ak.unaryOps);
// The options each op's calls must carry (threshold's threshold and value), at the registry's example values.
const req = Object.fromEntries(ops.map((op) => [op, ak.requiredOptions(ak.unaryOps[op])]));
function rng(seed) { let a = seed >>> 0; return () => { a = (a + 0x6d2b79f5) >>> 0; let t = a; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; }; }
function close(a, b) {
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (!(d <= 1e-5 * Math.abs(b[i]) + 1e-6) && !(a[i] !== a[i] && b[i] !== b[i])) {
      console.error(`tsan-driver: element ${i}: ${a[i]}, twin ${b[i]}`);
      return false;
    }
  }
  return true;
}
async function run(seed) {
  const r = rng(seed);
  const counts = { async: 0, aborted: 0, sync: 0, shaped: 0, checked: 0 };
  const pending = [];
  for (let i = 0; i < N; i++) {
    const op = ops[Math.floor(r() * ops.length)];
    const n = 1 << (15 + Math.floor(r() * 4)); // 32768 .. 262144: the pool takes part
    const C = r() < 0.5 ? Float32Array : Float64Array;
    const x = new C(n); for (let k = 0; k < n; k++) x[k] = (r() * 2 - 1) * 8;
    const u = r();
    if (u < 0.45) {
      const ac = new AbortController();
      const back = r() < 0.4;
      const dy = back ? C.from(x, (v) => v * 0.5) : null;
      const p = back ? A[op].backward.async(dy, x, { ...req[op], signal: ac.signal }) : A[op].async(x, { ...req[op], signal: ac.signal });
      const abort = r() < 0.25;
      if (abort) { if (r() < 0.5) ac.abort(); else setTimeout(() => ac.abort(), 0); }
      pending.push(p.then((y) => { counts.async++; if (i % 7 === 0) { const w = back ? J[op].backward(dy, x, req[op]) : J[op](x, req[op]); if (!close(y, w)) throw new Error(`${op} async differs`); counts.checked++; } },
        (e) => { if (e && e.name === 'AbortError') counts.aborted++; else throw e; }));
    } else if (u < 0.8) {
      const y = A[op](x, req[op]); counts.sync++;
      if (i % 11 === 0) { if (!close(y, J[op](x, req[op]))) throw new Error(`${op} sync differs`); counts.checked++; }
    } else if (u < 0.9) {
      const cols = 256, rows = n / cols;
      const p = r() < 0.5 ? A.softmax.async(x, { shape: [rows, cols], axis: -1 }) : A.prelu.async(x, 0.25, { shape: [rows, cols], channelAxis: 1 });
      pending.push(p.then(() => counts.shaped++));
    } else {
      // The fused passes (a per-channel bias, the gated ops), compiled programs and stats(), on the pool too.
      const cols = 256, rows = n / cols;
      const bias = C.from({ length: cols }, (_, k) => k / cols - 0.5);
      const kind = Math.floor(r() * 5);
      const act = A.compile('x * sigmoid(1.5 * x)');
      const p = kind === 0 ? A.gelu.async(x, { bias, shape: [rows, cols], channelAxis: -1 })
        : kind === 1 ? A.swiglu.async(x.subarray(0, n / 2), x.subarray(n / 2))
        : kind === 2 ? A.glu.backward.async(x.subarray(0, n / 2), x, { shape: [rows, cols], axis: -1 }).then((d) => d)
        : kind === 3 ? act.async(x)
        : Promise.resolve(A.stats(x, { shape: [rows, cols], channelAxis: 1, op: 'relu' }));
      pending.push(p.then((y) => {
        counts.fused = (counts.fused || 0) + 1;
        if (i % 5 === 0 && kind === 3 && !close(y, J.compile('x * sigmoid(1.5 * x)')(x))) throw new Error('compiled async differs');
        if (i % 5 === 0 && kind === 0 && !close(y, J.gelu(x, { bias, shape: [rows, cols], channelAxis: -1 }))) throw new Error('gelu with bias differs');
      }));
    }
    if (pending.length > 6) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
  return counts;
}
if (isMainThread) {
  const W = Number(process.env.TSAN_WORKERS || 2);
  const t0 = Date.now();
  const resizer = setInterval(() => A.setThreads(1 + Math.floor(Math.random() * 3)), 40);
  const workers = Array.from({ length: W }, (_, k) => new Promise((res, rej) => {
    const w = new Worker(__filename, { workerData: { seed: 100 + k }, env: process.env });
    w.on('message', res); w.on('error', rej);
  }));
  Promise.all([run(7), ...workers]).then((all) => {
    clearInterval(resizer);
    console.log(`tsan-driver: ${W} workers + main, ${N} calls each, info ${JSON.stringify({ isa: A.info().isa, threads: A.info().threads })}`);
    for (const c of all) console.log(' ', JSON.stringify(c));
    console.log(`tsan-driver: ok in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  }, (e) => { console.error(e); process.exit(1); });
} else {
  run(workerData.seed).then((c) => parentPort.postMessage(c), (e) => { throw e; });
}

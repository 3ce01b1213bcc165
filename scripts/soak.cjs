#!/usr/bin/env node
'use strict';
/**
 * npm run soak -- [--workers 4] [--calls 100000] [--json]   (needs npm run build)
 *
 * Concurrency soak (issue 8): W worker_threads each make N mixed calls while
 * the main thread makes calls of its own, all on the one process-wide pool:
 *   - random ops and forms (scripts/fuzz.cjs cases: every op, forward and
 *     backward, sync and async, lengths up to 20000, in place and not, plain
 *     and SharedArrayBuffer-backed, a third of them invalid), each result
 *     checked against the JS twin and every buffer checked outside the output;
 *   - calls on one SharedArrayBuffer every thread reads at once (random
 *     windows of a common input) writing into the thread's own window of a
 *     shared output, checked against the twin, the common input checked
 *     unchanged at the end.
 * RSS is sampled every 250 ms; after a warm-up (the first fifth of the calls)
 * its trend over the rest of the run must stay under 10 MB.
 */
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const path = require('node:path');
const { slope } = require('./slope.cjs');

const SHARED_N = 1 << 18;
// AK_SOAK_RSS=off (set by scripts/test-asan.sh): RSS is not judged, because AddressSanitizer's
// quarantine holds freed memory on purpose (RSS rose 71 MB in the 4.5 s short soak under it);
// every result is still checked against the twin and every buffer outside the output.
const RSS_JUDGED = process.env.AK_SOAK_RSS !== 'off';
const WINDOW = 4096;

function loadApi(entryDir) {
  const mod = require(path.join(entryDir, 'index.js'));
  const js = require(path.join(entryDir, 'js.js'));
  return { ak: mod.default || mod, akjs: js.default || js, registry: { unaryOps: mod.unaryOps, shapedOps: mod.shapedOps, requiredOptions: mod.requiredOptions } };
}

/** The calls of one thread; `report(done)` is called every 100 calls. */
async function runCalls({ entryDir, calls, seed, sharedIn, sharedOut, slot, report }) {
  const { makeFuzzer, fc } = require('./fuzz.cjs');
  const { ak, akjs, registry } = loadApi(entryDir);
  const fz = makeFuzzer(ak, akjs, registry, { large: 20000 });
  const inputs = { float32: new Float32Array(sharedIn.f32), float64: new Float64Array(sharedIn.f64) };
  const outputs = { float32: new Float32Array(sharedOut.f32, slot * WINDOW * 4, WINDOW), float64: new Float64Array(sharedOut.f64, slot * WINDOW * 8, WINDOW) };
  const names = Object.keys(registry.unaryOps);
  const counts = { valid: 0, invalid: 0, shared: 0 };
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 4294967296;
  };
  const chunk = 200;
  for (let done = 0; done < calls; done += chunk) {
    const cases = fc.sample(fz.arbitrary, { numRuns: chunk, seed: (seed + done) | 0 });
    for (let k = 0; k < chunk && done + k < calls; k++) {
      if (rand() < 0.3) {
        // A window of the common shared input, read by every thread at once.
        const dtype = rand() < 0.5 ? 'float32' : 'float64';
        const n = Math.floor(rand() * WINDOW);
        const at = Math.floor(rand() * (SHARED_N - n));
        const x = inputs[dtype].subarray(at, at + n);
        const out = outputs[dtype].subarray(0, n);
        const name = names[Math.floor(rand() * names.length)];
        const req = registry.requiredOptions(registry.unaryOps[name]);
        const want = akjs[name](x.slice(), req);
        const got = rand() < 0.5 ? await ak[name].async(x, { ...req, out }) : ak[name](x, { ...req, out });
        if (got !== out) throw new Error(`soak: ${name} did not return out`);
        const bound = registry.unaryOps[name].exact ? 0 : 2 * registry.unaryOps[name].ulp + 1;
        const { ulpError } = require('../test/ulp.cjs');
        for (let i = 0; i < n; i++) {
          if (Object.is(out[i], want[i]) || out[i] === want[i]) continue;
          const e = ulpError(out[i], want[i], dtype);
          if (!(e <= bound)) throw new Error(`soak: ${name}(${dtype}) on the shared input [${at}+${i}]: ${out[i]}, twin ${want[i]} (${e} ulp)`);
        }
        counts.shared++;
      } else {
        counts[await fz.check(cases[k])]++;
      }
      if ((done + k + 1) % 100 === 0) report(done + k + 1);
    }
  }
  return counts;
}

if (!isMainThread) {
  const { entryDir, calls, seed, sharedIn, sharedOut, slot } = workerData;
  runCalls({ entryDir, calls, seed, sharedIn, sharedOut, slot, report: (done) => parentPort.postMessage({ done }) }).then(
    (counts) => parentPort.postMessage({ counts }),
    (e) => parentPort.postMessage({ error: String(e && e.stack ? e.stack : e) }),
  );
  return;
}

function parseArgs(argv) {
  const o = { workers: 4, calls: 100000, json: false, seed: 20261128, entryDir: path.join(__dirname, '..', 'dist') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--workers') o.workers = Number(argv[++i]);
    else if (a === '--calls') o.calls = Number(argv[++i]);
    else if (a === '--seed') o.seed = Number(argv[++i]);
    else if (a === '--json') o.json = true;
    else throw new Error(`soak: unknown argument ${a}`);
  }
  if (!(Number.isInteger(o.workers) && o.workers >= 1 && Number.isInteger(o.calls) && o.calls >= 1)) throw new Error('soak: --workers and --calls take positive integers');
  return o;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const { ak } = loadApi(o.entryDir);
  const info = ak.info();
  const log = (s) => { if (!o.json) console.log(s); };
  log(`soak: ${o.workers} workers x ${o.calls} calls + the main thread, backend ${info.backend} (${info.isa}, ${info.threads} threads)`);
  const sharedIn = { f32: new SharedArrayBuffer(SHARED_N * 4), f64: new SharedArrayBuffer(SHARED_N * 8) };
  const slots = o.workers + 1;
  const sharedOut = { f32: new SharedArrayBuffer(slots * WINDOW * 4), f64: new SharedArrayBuffer(slots * WINDOW * 8) };
  const in32 = new Float32Array(sharedIn.f32), in64 = new Float64Array(sharedIn.f64);
  const specials = [NaN, Infinity, -Infinity, 0, -0, 1e-40, 1e30, -88, 20];
  for (let i = 0; i < SHARED_N; i++) {
    const v = i % 101 === 0 ? specials[(i / 101) % specials.length] : Math.sin(i * 12.9898) * 30;
    in32[i] = v;
    in64[i] = v;
  }
  const in32Copy = in32.slice(), in64Copy = in64.slice();

  const t0 = Date.now();
  const progress = new Array(o.workers).fill(0);
  let mainDone = 0;
  const total = o.calls * o.workers;
  const samples = [];
  const warm = total / 5;
  let lastLog = t0;
  const sampler = setInterval(() => {
    const done = progress.reduce((a, b) => a + b, 0);
    if (done >= warm) samples.push([done, process.memoryUsage().rss / 2 ** 20]);
    if (Date.now() - lastLog > 30000) {
      lastLog = Date.now();
      log(`${done} worker calls + ${mainDone} main, ${((lastLog - t0) / 1000).toFixed(0)} s, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`);
    }
  }, 250);

  const workers = [];
  for (let w = 0; w < o.workers; w++) {
    workers.push(new Promise((resolve, reject) => {
      const wk = new Worker(__filename, { workerData: { entryDir: o.entryDir, calls: o.calls, seed: o.seed + w * 7919, sharedIn, sharedOut, slot: w } });
      wk.on('message', (m) => {
        if (m.done) progress[w] = m.done;
        else if (m.counts) resolve(m.counts);
        else if (m.error) reject(new Error(`worker ${w}: ${m.error}`));
      });
      wk.on('error', reject);
      wk.on('exit', (code) => { if (code !== 0) reject(new Error(`worker ${w} exited with ${code}`)); });
    }));
  }
  // The main thread calls too, until the workers are done (a tenth of their rate is enough to interleave).
  let stop = false;
  const all = Promise.all(workers).finally(() => { stop = true; });
  const mainCounts = { valid: 0, invalid: 0, shared: 0 };
  let round = 0;
  while (!stop) {
    const c = await runCalls({ entryDir: o.entryDir, calls: 200, seed: o.seed + 1e6 + round++, sharedIn, sharedOut, slot: o.workers, report: () => {} });
    for (const k in c) mainCounts[k] += c[k];
    mainDone += 200;
    await new Promise((r) => setImmediate(r));
  }
  let counts;
  try {
    counts = await all;
  } finally {
    clearInterval(sampler);
  }
  const seconds = (Date.now() - t0) / 1000;
  for (let i = 0; i < SHARED_N; i++) {
    if (!Object.is(in32[i], in32Copy[i]) || !Object.is(in64[i], in64Copy[i])) throw new Error(`soak: the common shared input changed at ${i}`);
  }
  const sum = counts.reduce((a, c) => ({ valid: a.valid + c.valid, invalid: a.invalid + c.invalid, shared: a.shared + c.shared }), { valid: 0, invalid: 0, shared: 0 });
  // RSS trend after warm-up: least-squares slope over the calls that followed.
  const trend = samples.length >= 4 ? slope(samples) * (total - warm) : 0;
  const rss = samples.map((p) => p[1]);
  const result = {
    workers: o.workers, callsPerWorker: o.calls, workerCalls: total, mainCalls: mainDone, seconds, ...sum,
    mainValid: mainCounts.valid, mainInvalid: mainCounts.invalid, mainShared: mainCounts.shared,
    rssSamples: samples.length, rssMinMB: rss.length ? +Math.min(...rss).toFixed(1) : null, rssMaxMB: rss.length ? +Math.max(...rss).toFixed(1) : null,
    rssTrendMB: +trend.toFixed(2), rssJudged: RSS_JUDGED, ok: !RSS_JUDGED || trend < 10,
  };
  if (o.json) console.log(JSON.stringify(result));
  else {
    log(`${total} worker calls + ${mainDone} main-thread calls in ${seconds.toFixed(1)} s: ${sum.valid} valid (equal to the twin), ${sum.invalid} invalid (refused, nothing written), ${sum.shared} on the common shared input`);
    log(`RSS after warm-up: ${result.rssMinMB}..${result.rssMaxMB} MB over ${samples.length} samples, trend ${result.rssTrendMB} MB (${RSS_JUDGED ? 'limit 10' : 'not judged: AK_SOAK_RSS=off'})`);
    log(result.ok ? 'soak: ok' : 'soak: FAILED');
  }
  process.exit(result.ok ? 0 : 1);
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(1);
});

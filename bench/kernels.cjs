#!/usr/bin/env node
'use strict';
/**
 * The kernel-level bench: the package's native kernels against the C
 * libraries (oneDNN, XNNPACK, PyTorch's ATen) and a streamed-store copy, on
 * the same inputs, into a preallocated output, interleaved sample by sample
 * in one run. `npm run bench:peers -- --native` installs the peers and runs
 * it; `npm run bench:kernels` runs it on what is installed.
 *
 * The package is called from Node through its public API (`relu(x, { out })`),
 * the call a user makes: the figure includes the Node-API crossing and the
 * argument checks, which are the package's to pay (the peers pay theirs:
 * oneDNN's primitive execute and stream wait, XNNPACK's xnn_run_operator,
 * PyTorch's Python-to-ATen dispatch). The addon's C++ kernel tables are
 * internal and change shape with the code (native/dispatch), so a C harness
 * linked against them would measure something no user runs and break with
 * every refactor. Each peer runs in its own process (bench/c-peers/) with its
 * own timing loop; the driver asks it for batches and alternates them with
 * the package's batches, so drift hits every implementation alike.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { parseArgs } = require('node:util');
const stats = require('./stats.cjs');
const { calibrateBatches, timeBatchClocks, describeMachine, makeInput, registry, deviation } = require('./harness.cjs');
const { loadDist, allImpls, nativeDefaultHasKernel } = require('./impls.cjs');
const { benchOps, workload } = require('./c-peers/ops.cjs');
const { PEERS, startPeers, stopPeers } = require('./c-peers/workers.cjs');
const kreport = require('./c-peers/report.cjs');
const { parseSize } = require('./run.cjs');

const HELP = `usage: npm run bench:kernels -- [options]
       npm run bench:peers -- --native [options]   (installs the peers with apt-get first)

  --ops a,b,...        registry names, or gelu:tanh (default: every op)
  --sizes 64K,1M       element counts (default 64K,1M)
  --passes forward,backward   (default both)
  --threads 1,2        thread counts for every implementation (default 1)
  --peers a,b,...      onednn, xnnpack, torch, sleef (default: every one installed)
  --samples N          samples per figure (default 10)
  --min-sample-ms MS   shortest sample (default 5)
  --warmup-ms MS       warm-up per implementation and figure (default 30)
  --out FILE           the Markdown table (default bench/figures/kernels-<date>-<threads>t.md)
  --no-write           print only
  --no-build           do not (re)build the C workers

float32 only: the C libraries' CPU kernels are float32.`;

function list(s) {
  return s.split(',').map((v) => v.trim()).filter(Boolean);
}

function positive(name, s) {
  const v = Number(s);
  if (!Number.isFinite(v) || v < 0) throw new Error(`bench:kernels: --${name} needs a number ≥ 0, got ${JSON.stringify(s)}`);
  return v;
}

function configFromArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      ops: { type: 'string' },
      sizes: { type: 'string' },
      passes: { type: 'string' },
      threads: { type: 'string' },
      peers: { type: 'string' },
      samples: { type: 'string' },
      'min-sample-ms': { type: 'string' },
      'warmup-ms': { type: 'string' },
      out: { type: 'string' },
      'no-write': { type: 'boolean' },
      'no-build': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  const passes = values.passes ? list(values.passes) : ['forward', 'backward'];
  for (const p of passes) if (p !== 'forward' && p !== 'backward') throw new Error(`bench:kernels: passes are forward and backward, got ${JSON.stringify(p)}`);
  const threads = values.threads ? list(values.threads).map(Number) : [1];
  for (const t of threads) if (!Number.isSafeInteger(t) || t < 1) throw new Error(`bench:kernels: --threads needs positive integers, got ${values.threads}`);
  const samples = values.samples ? positive('samples', values.samples) : 10;
  if (!Number.isSafeInteger(samples) || samples < 2) throw new Error('bench:kernels: --samples needs an integer ≥ 2');
  return {
    ops: values.ops ? list(values.ops) : null,
    sizes: values.sizes ? list(values.sizes).map(parseSize) : [1 << 16, 1 << 20],
    passes,
    threads,
    peers: values.peers ? list(values.peers) : null,
    samples,
    minSampleMs: values['min-sample-ms'] ? positive('min-sample-ms', values['min-sample-ms']) : 5,
    warmupMs: values['warmup-ms'] ? positive('warmup-ms', values['warmup-ms']) : 30,
    out: values.out ? path.resolve(values.out) : null,
    write: !values['no-write'],
    build: !values['no-build'],
  };
}

/** The call-overhead figure: relu forward on this many elements. */
const OVERHEAD_N = 64;

/** The package's native default entry, or why it is absent (the JS twin would be timed under a native label). */
async function loadPackage() {
  const impl = allImpls().find((i) => i.id === 'native');
  const r = await impl.init({});
  if (!r.available) return { reason: r.reason };
  const api = loadDist('index.js').default;
  return { api, info: api.info() };
}

/** One implementation's series in a cell: `batch(reps)` resolves to { wall, cpu } nanoseconds for reps calls. */
function series(id, batch) {
  return { id, batch, reps: 0, wallNs: [], cpuNs: [] };
}

/** A peer's prepared call as a series; null with the reason recorded when it cannot make it. */
async function peerSeries(peer, req, skipped, key) {
  const r = await peer.worker.request(req);
  if (!r.ok) {
    skipped.push({ impl: peer.id, key, reason: r.reason });
    return null;
  }
  const s = series(peer.id, async (reps) => {
    const t = await peer.worker.request(`run ${reps}`);
    if (!t.ok) throw new Error(`${peer.label}: ${t.reason}`);
    return t;
  });
  s.peer = peer;
  s.impl = r.impl || '';
  return s;
}

function writeRaw(file, arr) {
  fs.writeFileSync(file, Buffer.from(arr.buffer, arr.byteOffset, arr.byteLength));
  return file;
}

function readRaw(file, n) {
  const b = fs.readFileSync(file);
  return new Float32Array(b.buffer, b.byteOffset, Math.min(n, b.byteLength / 4));
}

/** Calibrates every series, then alternates their batches sample by sample (A B C, B C A, ...). */
async function measure(list, config) {
  for (const s of list) s.reps = await calibrateBatches(async (reps) => (await s.batch(reps)).wall, config.minSampleMs, config.warmupMs, 1);
  for (let k = 0; k < config.samples; k++) {
    for (let j = 0; j < list.length; j++) {
      const s = list[(k + j) % list.length];
      const t = await s.batch(s.reps);
      s.wallNs.push(t.wall / s.reps);
      s.cpuNs.push(t.cpu / s.reps);
    }
  }
}

function summarize(s, n) {
  const med = stats.median(s.wallNs);
  return {
    id: s.id,
    impl: s.impl ?? '',
    reps: s.reps,
    wallNs: s.wallNs,
    cpuNs: s.cpuNs,
    medianNs: med,
    melemPerS: (n / med) * 1e3,
    cpuShare: stats.median(s.cpuNs.map((c, i) => c / s.wallNs[i])),
    deviation: s.deviation ?? null,
  };
}

/** Progress on stderr: one line per figure, redrawn in place on a terminal. */
function stderrProgress({ done, total, eta, label }) {
  const line = `bench:kernels ${String(done).padStart(3)}/${total} ETA ${Math.round(eta)} s ${label}`;
  if (process.stderr.isTTY) process.stderr.write(done < total ? `\r${line}\x1b[K` : '\r\x1b[K');
  else process.stderr.write(`${line}\n`);
}

/**
 * Runs the kernel bench (config as configFromArgs gives it). hooks.log gets
 * notes (peers started or absent), hooks.progress({ done, total, eta, label })
 * one call per figure; both default to stderr.
 */
async function run(config, hooks = {}) {
  const log = hooks.log ?? ((m) => process.stderr.write(`${m}\n`));
  const report = hooks.progress ?? stderrProgress;
  const progress = (t0, done, total, label) => report({ done, total, label, eta: ((Date.now() - t0) / 1000) * (total / done - 1) });
  const reg = registry();
  let entries = benchOps(reg);
  if (config.ops) {
    const keys = entries.map((e) => e.key);
    for (const k of config.ops) if (!keys.includes(k)) throw new Error(`bench:kernels: unknown op ${JSON.stringify(k)}; known: ${keys.join(', ')}`);
    entries = entries.filter((e) => config.ops.includes(e.key));
  }
  const known = PEERS.filter((p) => p.kind !== 'floor').map((p) => p.id);
  for (const id of config.peers ?? []) if (!known.includes(id)) throw new Error(`bench:kernels: unknown peer ${JSON.stringify(id)}; known: ${known.join(', ')}`);
  const pkg = await loadPackage();
  if (!pkg.api) throw new Error(`bench:kernels: ${pkg.reason}; the kernel bench times the native addon (npm run build:native)`);
  const setThreads = (t) => pkg.api.setThreads(t);
  const defaultThreads = pkg.info.threads;
  const peers = await startPeers({ ids: config.peers ? ['floor', ...config.peers] : null, build: config.build, log });
  const live = peers.filter((p) => p.available);
  const jsApi = loadDist('js.js').default;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ak-kernels-'));
  const startedAt = new Date().toISOString();
  const loadStart = os.loadavg();
  const cells = [];
  const skipped = [];
  const total = config.threads.length * config.sizes.length * (config.passes.length * entries.length + (config.passes.includes('forward') ? 1 : 0));
  let done = 0;
  const t0 = Date.now();
  let x = null;
  let dyFull = null;
  let xFile = null;

  /** One op, pass and form (from x, or from y) on every implementation that has it. */
  async function cell({ entry, w, n, threads, pass, peerPass, fromY, overhead = false }) {
    const key = fromY ? `${entry.key} from y` : entry.key;
    const dy = w.outLength === n ? dyFull : dyFull.subarray(0, w.outLength);
    const ref = pass === 'backward' ? w.backward(jsApi)(dy, x, new Float32Array(n)) : w.forward(jsApi)(x, new Float32Array(w.outLength));
    const list = [];
    if (!nativeDefaultHasKernel(entry.op, 'float32', pass, fromY)) {
      skipped.push({ impl: 'package', key, pass, reason: `no native float32 ${pass} kernel${fromY ? ' from y' : ''} in this build (the JS twin would run)` });
    } else {
      const out = new Float32Array(pass === 'backward' ? n : w.outLength);
      let runner;
      if (pass === 'forward') {
        const f = w.forward(pkg.api);
        runner = { run: () => f(x, out) };
      } else if (fromY) {
        const g = w.backwardY(pkg.api);
        const y = w.forward(pkg.api)(x, new Float32Array(w.outLength));
        runner = { run: () => g(dy, y, out) };
      } else {
        const g = w.backward(pkg.api);
        runner = { run: () => g(dy, x, out) };
      }
      const s = series('package', async (reps) => {
        setThreads(threads);
        return timeBatchClocks(runner, reps);
      });
      setThreads(threads);
      s.deviation = deviation(runner.run(), ref);
      list.push(s);
    }
    const dyFile = pass === 'backward' ? writeRaw(path.join(dir, 'dy.f32'), dy) : '-';
    const auxFile = w.peer.aux ? writeRaw(path.join(dir, 'aux.f32'), w.peer.aux) : '-';
    const req = `prepare ${entry.key} ${peerPass} float32 ${n} ${threads} ${w.peer.cols} ${w.peer.a} ${w.peer.b} ${xFile} ${dyFile} ${auxFile}`;
    for (const p of live) {
      if (p.kind === 'floor' || !(p.ops[entry.key] ?? []).includes(peerPass)) continue;
      const s = await peerSeries(p, req, skipped, key);
      if (!s) continue;
      const outFile = path.join(dir, `out-${p.id}.f32`);
      const r = await p.worker.request(`output ${outFile} ${ref.length}`);
      s.deviation = r.ok ? deviation(readRaw(outFile, ref.length), ref) : NaN;
      list.push(s);
    }
    try {
      if (list.length) await measure(list, config);
      if (list.length) cells.push({ key, op: entry.op, n, pass, fromY, threads, overhead, layout: w.describe, rows: list.map((s) => summarize(s, n)) });
    } catch (e) {
      skipped.push({ impl: '*', key, pass, reason: `threw: ${String(e.message).split('\n')[0]}` });
    } finally {
      for (const s of list) if (s.peer) await s.peer.worker.request('release');
    }
  }

  try {
    const setInputs = (n) => {
      x = makeInput(Float32Array, n, 1 + n);
      dyFull = makeInput(Float32Array, n, 104729 + n).map((v) => v / 8);
      xFile = writeRaw(path.join(dir, 'x.f32'), x);
    };
    for (const threads of config.threads) {
      // What a call costs besides its elements: relu on 64 of them, every implementation (at 64K this weighs on a Python-called peer).
      const relu = benchOps(reg).find((e) => e.key === 'relu');
      setInputs(OVERHEAD_N);
      await cell({ entry: relu, w: workload(reg, relu, OVERHEAD_N, Float32Array), n: OVERHEAD_N, threads, pass: 'forward', peerPass: 'forward', fromY: false, overhead: true });
      for (const n of config.sizes) {
        setInputs(n);
        for (const pass of config.passes) {
          // The copies first: Node's out.set(x) and the C streamed-store copy, the references of the forward tables.
          if (pass === 'forward') {
            const out = new Float32Array(n);
            const list = [series('set', async (reps) => timeBatchClocks({ run: () => out.set(x) }, reps))];
            const floor = live.find((p) => p.id === 'floor');
            if (floor) {
              const s = await peerSeries(floor, `prepare stream forward float32 ${n} ${threads} 0 0 0 ${xFile} - -`, skipped, 'copy');
              if (s) list.push(s);
            }
            await measure(list, config);
            if (floor) await floor.worker.request('release');
            cells.push({ key: 'copy', n, pass, threads, rows: list.map((s) => summarize(s, n)) });
            progress(t0, ++done, total, `copy n=${n} ${threads}t`);
          }
          for (const entry of entries) {
            const w = workload(reg, entry, n, Float32Array);
            if (w.skip) {
              skipped.push({ impl: '*', key: entry.key, reason: w.skip });
            } else if (pass === 'forward') {
              await cell({ entry, w, n, threads, pass, peerPass: 'forward', fromY: false });
            } else {
              await cell({ entry, w, n, threads, pass, peerPass: 'backward', fromY: false });
              // The derivative from the forward output, where the package has it: what PyTorch and oneDNN compute for sigmoid, tanh, softmax.
              if (w.backwardY) await cell({ entry, w, n, threads, pass, peerPass: 'backward-y', fromY: true });
            }
            progress(t0, ++done, total, `${entry.key}${pass === 'backward' ? '.backward' : ''} n=${n} ${threads}t`);
          }
        }
      }
    }
  } finally {
    setThreads(defaultThreads);
    await stopPeers(peers);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const machine = describeMachine();
  return {
    startedAt,
    seconds: (Date.now() - t0) / 1000,
    config,
    machine: { ...machine, loadavg: { start: loadStart, end: os.loadavg() } },
    peers: peers.map(({ worker, ...p }) => p),
    cells,
    skipped,
  };
}

async function main() {
  let config;
  try {
    config = configFromArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n\n${HELP}\n`);
    process.exitCode = 2;
    return;
  }
  if (config.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  let results;
  try {
    results = await run(config);
  } catch (e) {
    // A bad op or peer name, or no native addon: the message says what to do.
    if (!/^bench:kernels: /.test(e.message)) throw e;
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  results.argv = process.argv.slice(2);
  process.stdout.write(kreport.text(results));
  if (config.write) {
    const file = config.out ?? path.join(__dirname, 'figures', `kernels-${results.startedAt.slice(0, 10)}-${config.threads.join('-')}t.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, kreport.markdown(results));
    const json = path.join(__dirname, 'results', `kernels-${results.startedAt.replace(/[:.]/g, '-')}.json`);
    fs.mkdirSync(path.dirname(json), { recursive: true });
    fs.writeFileSync(json, JSON.stringify(results, null, 1));
    process.stdout.write(`\nwrote ${path.relative(process.cwd(), file)}, ${path.relative(process.cwd(), json)}\n`);
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  });
}

module.exports = { configFromArgs, run };

#!/usr/bin/env node
/**
 * Accuracy sweep: feeds float32 bit patterns (all 2^32 with --stride 1, or
 * every N-th) through the BUILT package and measures each result against the
 * float64 reference (test/reference.cjs) with SPEC's error measure
 * (test/ulp.cjs). Prints, per op: the max ULP error, the worst input, how
 * many inputs exceed the registry's bound, and the time taken. Exits 1 if any
 * op exceeds its bound (exact ops: 0.5 ULP plus the reference's slack).
 *
 *   npm run accuracy -- [op ...] [--stride N] [--start S] [--backend js|native]
 *                       [--isa LEVEL] [--dtype float32] [--workers 2]
 *                       [--chunk 1048576] [--json FILE]
 *
 * --backend js (default) loads activation-kernels/js; --backend native loads
 * the main entry with ACTIVATION_KERNELS_BACKEND=native (and
 * ACTIVATION_KERNELS_ISA=LEVEL), so a native build that cannot load is an
 * error, not a silent fallback. Op parameters are the registry defaults.
 * Needs `npm run build` first.
 */
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const root = path.join(__dirname, '..');

function loadPackage(backend) {
  // Self-reference by package name: resolves through package.json "exports" to dist/.
  return backend === 'native' ? require('activation-kernels') : require('activation-kernels/js');
}

/** Registry defaults converted to float32, as the API converts them. */
function defaultParams(def) {
  const p = {};
  for (const d of def.params) p[d.name] = d.kind === 'number' ? Math.fround(d.default) : d.default;
  return p;
}

// ------------------------------------------------------------------ worker
if (!isMainThread) {
  const { backend } = workerData;
  const pkg = loadPackage(backend);
  const api = pkg.default;
  const { ops: ref, lastLo } = require(path.join(root, 'test', 'reference.cjs'));
  const { ulpError } = require(path.join(root, 'test', 'ulp.cjs'));
  let bits = new Uint32Array(0), x = new Float32Array(0), y = new Float32Array(0);

  parentPort.on('message', (msg) => {
    if (msg.type === 'info') {
      parentPort.postMessage({ type: 'info', info: api.info() });
      return;
    }
    const { op, first, count, stride, bound, chunkId } = msg;
    const def = pkg.unaryOps[op];
    const params = defaultParams(def);
    const f = ref[op];
    if (bits.length !== count) {
      bits = new Uint32Array(count);
      x = new Float32Array(bits.buffer);
      y = new Float32Array(count);
    }
    // first + i*stride < 2^32 for every i < count (the main thread sizes the chunks so).
    for (let i = 0; i < count; i++) bits[i] = first + i * stride;
    api[op](x, { out: y });
    let maxErr = -1, worstBits = 0, worstY = 0, worstRef = 0, over = 0, nanMismatch = 0;
    for (let i = 0; i < count; i++) {
      const r = f(x[i], params);
      const e = ulpError(y[i], r, 'float32', lastLo());
      if (e > bound) {
        over++;
        if (e === Infinity && (Number.isNaN(r) !== Number.isNaN(y[i]))) nanMismatch++;
      }
      if (e > maxErr) {
        maxErr = e;
        worstBits = bits[i];
        worstY = y[i];
        worstRef = r;
      }
    }
    parentPort.postMessage({ type: 'done', chunkId, count, maxErr, worstBits, worstY, worstRef, over, nanMismatch });
  });
  return;
}

// ------------------------------------------------------------------ main
function usage(msg) {
  if (msg) console.error(`accuracy: ${msg}`);
  console.error('usage: npm run accuracy -- [op ...] [--stride N] [--start S] [--backend js|native] [--isa LEVEL] [--dtype float32] [--workers N] [--chunk N] [--json FILE]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = { ops: [], stride: 1, start: 0, backend: 'js', isa: null, dtype: 'float32', workers: 2, chunk: 1 << 20, json: null };
  const intArg = (name, v, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) usage(`${name} needs an integer >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--stride') o.stride = intArg(a, val(), 1);
    else if (a === '--start') o.start = intArg(a, val(), 0);
    else if (a === '--backend') o.backend = val();
    else if (a === '--isa') o.isa = val();
    else if (a === '--dtype') o.dtype = val();
    else if (a === '--workers') o.workers = intArg(a, val(), 1);
    else if (a === '--chunk') o.chunk = intArg(a, val(), 1);
    else if (a === '--json') o.json = val();
    else if (a === '--help' || a === '-h') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else o.ops.push(a);
  }
  if (o.backend !== 'js' && o.backend !== 'native') usage(`--backend is js or native, got ${JSON.stringify(o.backend)}`);
  if (o.isa !== null && o.backend !== 'native') usage('--isa applies to --backend native only');
  if (o.dtype !== 'float32') usage(`only float32 can be swept (2^32 bit patterns); float64 is checked on samples by the test suite (got --dtype ${o.dtype})`);
  if (o.start >= o.stride) usage('--start must be below --stride (it is the first bit pattern of the sweep)');
  return o;
}

function hex(b) {
  return '0x' + (b >>> 0).toString(16).padStart(8, '0');
}
function f32OfBits(b) {
  return new Float32Array(new Uint32Array([b]).buffer)[0];
}
function fmtTime(ms) {
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  const r = Math.round(s);
  return `${Math.floor(r / 60)} min ${r % 60} s`;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(root, 'dist', 'js.js'))) usage('dist/ is missing: run `npm run build` first');
  if (o.backend === 'native') {
    process.env.ACTIVATION_KERNELS_BACKEND = 'native';
    if (o.isa) process.env.ACTIVATION_KERNELS_ISA = o.isa;
  }
  const pkg = loadPackage(o.backend);
  const { unaryOps, unaryNames } = pkg;
  const { EXACT_SLACK } = require(path.join(root, 'test', 'ulp.cjs'));
  const unknown = o.ops.filter((n) => !unaryNames.includes(n));
  if (unknown.length) usage(`unknown op(s) ${unknown.join(', ')}; the registry has: ${unaryNames.join(', ')}`);
  const ops = o.ops.length ? o.ops : unaryNames;

  const workers = Array.from({ length: o.workers }, () => new Worker(__filename, { workerData: { backend: o.backend } }));
  const info = await new Promise((resolve, reject) => {
    workers[0].once('message', (m) => resolve(m.info));
    workers[0].once('error', reject);
    workers[0].postMessage({ type: 'info' });
  });
  if (o.backend === 'native' && info.backend !== 'native') throw new Error(`asked for native, got ${JSON.stringify(info)}`);
  if (o.isa && info.isa !== o.isa) throw new Error(`asked for ISA ${o.isa}, got ${info.isa} (${info.loadError ?? 'no reason given'})`);

  const total = Math.floor((2 ** 32 - 1 - o.start) / o.stride) + 1;
  console.log(`accuracy sweep: ${total} float32 inputs per op (stride ${o.stride}, start ${o.start}); backend ${info.backend}, isa ${info.isa}, ` +
    `${o.workers} worker(s), node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}`);
  console.log(['op', 'bound', 'max ULP', 'worst input', 'got', 'reference', 'over bound', 'time'].join(' | '));

  const results = [];
  let failed = false;
  const t00 = Date.now();
  /** Written after every op, so a long sweep that is stopped keeps what it measured. */
  const writeJson = (complete) => {
    if (!o.json) return;
    const doc = {
      date: new Date().toISOString(), complete, node: process.version, cpu: os.cpus()[0]?.model ?? null, backend: info.backend, isa: info.isa,
      stride: o.stride, start: o.start, inputsPerOp: total, workers: o.workers, elapsedMs: Date.now() - t00, results,
    };
    fs.writeFileSync(o.json, JSON.stringify(doc, null, 2) + '\n');
  };
  for (const op of ops) {
    const def = unaryOps[op];
    const bound = def.exact ? 0.5 + EXACT_SLACK : def.ulp;
    const t0 = Date.now();
    const agg = { maxErr: -1, worstBits: 0, worstY: 0, worstRef: 0, over: 0, nanMismatch: 0, count: 0 };
    let next = 0;
    let lastReport = t0;
    await new Promise((resolve, reject) => {
      let busy = 0;
      const feed = (w) => {
        if (next >= total) {
          if (busy === 0) resolve();
          return;
        }
        const count = Math.min(o.chunk, total - next);
        const first = o.start + next * o.stride;
        next += count;
        busy++;
        w.postMessage({ type: 'chunk', op, first, count, stride: o.stride, bound, chunkId: next });
      };
      for (const w of workers) {
        w.removeAllListeners('message');
        w.removeAllListeners('error');
        w.on('error', reject);
        w.on('message', (m) => {
          busy--;
          agg.count += m.count;
          agg.over += m.over;
          agg.nanMismatch += m.nanMismatch;
          if (m.maxErr > agg.maxErr) Object.assign(agg, { maxErr: m.maxErr, worstBits: m.worstBits, worstY: m.worstY, worstRef: m.worstRef });
          const now = Date.now();
          if (now - lastReport > 60_000) {
            lastReport = now;
            const done = agg.count / total;
            process.stderr.write(`  ${op}: ${(100 * done).toFixed(1)}% after ${fmtTime(now - t0)}, max so far ${agg.maxErr} ULP; ` +
              `op done in ~${fmtTime((now - t0) / done)}\n`);
          }
          feed(w);
          if (busy === 0 && next >= total) resolve();
        });
        feed(w);
      }
    });
    const ms = Date.now() - t0;
    const ok = agg.maxErr <= bound;
    if (!ok) failed = true;
    const x = f32OfBits(agg.worstBits);
    const row = {
      op, bound, exact: def.exact, maxUlp: agg.maxErr, worstBits: hex(agg.worstBits), worstX: x, got: agg.worstY, reference: agg.worstRef,
      overBound: agg.over, nanMismatch: agg.nanMismatch, inputs: agg.count, ms, ok,
    };
    results.push(row);
    console.log([op, def.exact ? 'exact' : bound, agg.maxErr.toPrecision(4), `${hex(agg.worstBits)} (${x})`, agg.worstY, agg.worstRef,
      `${agg.over}${agg.nanMismatch ? ` (${agg.nanMismatch} NaN mismatches)` : ''}`, fmtTime(ms) + (ok ? '' : '  << OVER BOUND')].join(' | '));
    writeJson(false);
  }
  await Promise.all(workers.map((w) => w.terminate()));
  console.log(`total ${fmtTime(Date.now() - t00)}; ${failed ? 'FAILED: some op exceeds its bound' : 'every op within its bound'}`);
  writeJson(true);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(2);
});

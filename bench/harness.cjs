'use strict';
/**
 * The benchmark harness: runs op × size × mode × implementation, with
 * warm-up, batched samples of at least `minSampleMs`, and implementations
 * alternated sample by sample so that machine drift (other processes, clock
 * changes, thermal) hits all of them alike. Programmatic entry: runBench().
 *
 * Every figure is computed from per-call times in nanoseconds (a sample's
 * batch time divided by its number of calls); all of them land in the JSON.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const stats = require('./stats.cjs');
const { allImpls, loadDist, naive, naiveBackward } = require('./impls.cjs');
const shaped = require('./shaped.cjs');
const report = require('./report.cjs');
const plot = require('./plot.cjs');
const { Eta } = require('./eta.cjs');

const SCHEMA = 1;
/** --full: every op at these sizes, both modes. */
const FULL_SIZES = [4096, 65536, 1 << 20, 1 << 24];
const MODES = ['out', 'alloc'];
const PASSES = ['forward', 'backward'];
const DTYPES = { float32: Float32Array, float64: Float64Array };

/** The registry, from the build: the only list of op names (element-wise, then shaped). */
function registry() {
  const ops = loadDist('ops.js');
  const shapedNames = ops.shapedNames ?? [];
  return {
    names: [...ops.unaryNames, ...shapedNames],
    unary: ops.unaryNames,
    shaped: shapedNames,
    defs: { ...ops.unaryOps, ...(ops.shapedOps ?? {}) },
    // The options a call must carry (threshold's threshold and value), at the registry's test values.
    required: (def) => (def.params ? ops.requiredOptions(def) : {}),
  };
}

/**
 * What one op on n elements means for every implementation: its parameters,
 * the shape it is seen through, output and gradient lengths, and the public
 * calls (bound to an API object once, so the timed loop does no lookups).
 * Returns { skip } when the op cannot take n elements.
 */
function opSpec(reg, op, n, Ctor) {
  const def = reg.defs[op];
  if (reg.unary.includes(op)) {
    return {
      def,
      family: familyOf(def, false),
      params: defaultParams(def),
      shape: null,
      outLength: n,
      forward: (api) => {
        const f = api[op];
        const req = reg.required(def);
        if (Object.keys(req).length) return (x, out) => f(x, out ? { ...req, out } : req);
        return (x, out) => (out ? f(x, { out }) : f(x));
      },
      backward: (api) => {
        const g = api[op].backward;
        const req = reg.required(def);
        if (Object.keys(req).length) return (dy, x, out) => g(dy, x, out ? { ...req, out } : req);
        return (dy, x, out) => (out ? g(dy, x, { out }) : g(dy, x));
      },
    };
  }
  const layout = shaped[op].layout(n, Ctor);
  if (layout.skip) return layout;
  const { forward, backward } = layout;
  return {
    ...layout,
    def,
    family: familyOf(def, true),
    forward: (api) => (x, out) => forward(api, x, out),
    backward: (api) => (dy, x, out) => backward(api, dy, x, out),
  };
}

/**
 * Ops the harness benchmarks by default in --quick mode: a cheap exact op,
 * the classic transcendental one and the costly one. Checked against the
 * registry at start-up, so a rename fails loudly here.
 */
const QUICK_OPS = ['relu', 'sigmoid', 'gelu'];

/**
 * The default run, the one a newcomer sees (about a minute): the quick ops
 * and softmax (a shaped op), at a call-overhead size, a cache-resident one
 * and one past L2, into `out` and allocating, every implementation.
 */
const DEFAULT_OPS = [...QUICK_OPS, 'softmax'];
const DEFAULT_SIZES = [4096, 65536, 1 << 20];

/** How ops are grouped into plots: by what bounds their speed, read from the registry. */
function familyOf(def, isShaped = false) {
  if (isShaped) return 'shaped';
  return def.exact ? 'piecewise-linear' : 'transcendental';
}

/** The op's parameters at the registry's defaults, as the naive loops and peers need them. */
function defaultParams(def) {
  const p = {};
  for (const d of def.params) p[d.name] = d.default;
  return p;
}

function fail(msg) {
  const e = new Error(msg);
  e.code = 'BENCH_CONFIG';
  return e;
}

/** Fills in defaults and rejects anything unknown, naming the offending value. */
function resolveConfig(user = {}) {
  const reg = registry();
  const known = new Set(['ops', 'sizes', 'dtype', 'pass', 'clock', 'modes', 'impls', 'samples', 'minSampleMs', 'warmupMs', 'seed', 'outDir', 'write', 'quick', 'full', 'stamp', 'resamples']);
  for (const k of Object.keys(user)) if (!known.has(k)) throw fail(`bench: unknown option ${JSON.stringify(k)}`);
  const quick = Boolean(user.quick);
  const full = Boolean(user.full);
  if (quick && full) throw fail('bench: --quick and --full exclude each other');
  for (const op of DEFAULT_OPS) if (!reg.names.includes(op)) throw fail(`bench: default op ${op} is not in the registry (lib/ops.ts)`);
  const ops = user.ops ?? (quick ? QUICK_OPS : full ? reg.names : DEFAULT_OPS);
  for (const op of ops) {
    if (!reg.names.includes(op)) throw fail(`bench: unknown op ${JSON.stringify(op)}; the registry has ${reg.names.join(', ')}`);
  }
  const sizes = user.sizes ?? (quick ? [4096, 1 << 20] : full ? FULL_SIZES : DEFAULT_SIZES);
  for (const n of sizes) if (!Number.isSafeInteger(n) || n < 1) throw fail(`bench: sizes must be positive integers, got ${n}`);
  const dtype = user.dtype ?? 'float32';
  if (!DTYPES[dtype]) throw fail(`bench: dtype must be float32 or float64, got ${JSON.stringify(dtype)}`);
  const clock = user.clock ?? 'wall';
  if (clock !== 'wall' && clock !== 'cpu') throw fail(`bench: clock must be wall or cpu, got ${JSON.stringify(clock)}`);
  const pass = user.pass ?? 'forward';
  if (!PASSES.includes(pass)) throw fail(`bench: pass must be forward or backward, got ${JSON.stringify(pass)}`);
  // --quick keeps to the preallocated-out mode: it must finish in about a minute on a small shared machine.
  const modes = user.modes ?? (quick ? ['out'] : MODES);
  for (const m of modes) if (!MODES.includes(m)) throw fail(`bench: modes are ${MODES.join(', ')}, got ${JSON.stringify(m)}`);
  const samples = user.samples ?? (full ? 12 : quick ? 10 : 8);
  if (!Number.isSafeInteger(samples) || samples < 1) throw fail(`bench: samples must be a positive integer, got ${samples}`);
  const minSampleMs = user.minSampleMs ?? 10;
  const warmupMs = user.warmupMs ?? (full ? 60 : 30);
  for (const [k, v] of [['minSampleMs', minSampleMs], ['warmupMs', warmupMs]]) {
    if (!(typeof v === 'number' && v >= 0 && Number.isFinite(v))) throw fail(`bench: ${k} must be a finite number ≥ 0, got ${v}`);
  }
  return {
    ops: [...ops],
    sizes: [...sizes],
    dtype,
    pass,
    clock,
    modes: [...modes],
    impls: user.impls ? [...user.impls] : null,
    samples,
    minSampleMs,
    warmupMs,
    seed: user.seed ?? 1,
    resamples: user.resamples ?? 2000,
    outDir: user.outDir ?? path.join(__dirname, 'results'),
    write: user.write ?? true,
    quick,
    full,
    stamp: user.stamp ?? new Date().toISOString().replace(/[:.]/g, '-'),
  };
}

/** Inputs uniform on [-8, 8): both signs, both saturated tails and the curved middle of every op. */
function makeInput(Ctor, n, seed) {
  const u = stats.rng(seed);
  const x = new Ctor(n);
  for (let i = 0; i < n; i++) x[i] = 16 * u() - 8;
  return x;
}

/**
 * Calls cycle through a pool of distinct inputs. One small array repeated
 * call after call lets the branch predictor learn its data: on this machine
 * the JS loops over one repeated 4096-element input ran 2.5-6× faster than
 * over fresh data, which no user sees. A pool of at least POOL_ELEMENTS
 * elements in all (at most MAX_POOL arrays, a power of two for a cheap index)
 * defeats that while small sizes stay cache-resident.
 */
const POOL_ELEMENTS = 1 << 16;
const MAX_POOL = 16;

function poolSize(n) {
  let k = 1;
  while (k < MAX_POOL && k * n < POOL_ELEMENTS) k *= 2;
  return k;
}

function cpuFlags() {
  try {
    const text = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const line = text.split('\n').find((l) => l.startsWith('flags'));
    if (!line) return null;
    const have = new Set(line.split(':')[1].trim().split(/\s+/));
    return ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].filter((f) => have.has(f));
  } catch {
    return null;
  }
}

/** The checkout's commit, and whether files differed from it: which code a result file measured. */
function gitState() {
  const { execFileSync } = require('node:child_process');
  const opts = { cwd: path.join(__dirname, '..'), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 };
  try {
    const commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], opts).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], opts).trim() !== '';
    return { commit, dirty };
  } catch {
    return null;
  }
}

function describeMachine() {
  const cpus = os.cpus();
  let pkg = null;
  try {
    pkg = loadDist('index.js').default.info();
  } catch (e) {
    pkg = { error: String(e.message) };
  }
  return {
    cpu: cpus[0] ? cpus[0].model.trim() : 'unknown',
    logicalCpus: cpus.length,
    availableParallelism: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    cpuFlags: cpuFlags(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    platform: process.platform,
    arch: process.arch,
    osRelease: os.release(),
    node: process.version,
    v8: process.versions.v8,
    package: pkg,
    git: gitState(),
    isa: pkg && pkg.isa,
    threads: pkg && pkg.threads,
  };
}

function now() {
  return process.hrtime.bigint();
}

/** Calls per sample and warm-up: doubles the batch until one batch lasts minSampleMs, for at least warmupMs in all. */
async function calibrate(runner, minSampleMs, warmupMs, pool) {
  return calibrateBatches((reps) => timeBatch(runner, reps), minSampleMs, warmupMs, pool);
}

/**
 * calibrate() over any timed batch: `wallNs(reps)` resolves to the wall-clock
 * nanoseconds of `reps` calls, however they are made (bench/kernels.cjs times
 * its peer processes this way).
 */
async function calibrateBatches(wallNs, minSampleMs, warmupMs, pool) {
  const minNs = minSampleMs * 1e6;
  // A whole number of passes over the input pool, so every input weighs the same in a sample.
  let reps = pool;
  let spent = 0;
  let batches = 0;
  for (;;) {
    const t = await wallNs(reps);
    spent += t;
    batches++;
    if (t < minNs) {
      // Grow towards the target, by at most ×10 a step so a fluke fast batch cannot overshoot wildly.
      reps = Math.max(reps + pool, pool * Math.ceil((reps * Math.min(10, (1.2 * minNs) / Math.max(t, 1))) / pool));
      continue;
    }
    if (spent >= warmupMs * 1e6 && batches >= 2) return reps;
  }
}

/** Wall-clock nanoseconds of `reps` calls. */
async function timeBatch(runner, reps) {
  return (await timeBatchClocks(runner, reps)).wall;
}

/**
 * Wall-clock and process CPU nanoseconds of `reps` calls. CPU time counts
 * every thread of the process (a threaded library's CPU cost), and for a
 * single-threaded call, cpu/wall below 1 means the process waited for a core:
 * on a shared machine that is the noise, measured.
 */
async function timeBatchClocks(runner, reps) {
  if (runner.before) runner.before();
  // Timed in another process (bench/c-peers workers): its own clocks.
  if (runner.batch) return runner.batch(reps);
  if (runner.async) {
    const c0 = process.cpuUsage();
    const t0 = now();
    for (let k = 0; k < reps; k++) await runner.run(k);
    const wall = Number(now() - t0);
    const c = process.cpuUsage(c0);
    return { wall, cpu: (c.user + c.system) * 1e3 };
  }
  const run = runner.run;
  const c0 = process.cpuUsage();
  const t0 = now();
  for (let k = 0; k < reps; k++) run(k);
  const wall = Number(now() - t0);
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) * 1e3 };
}

/** Largest |y - ref| / max(1, |ref|): NaN where one side is NaN and the other is not. */
function deviation(y, ref) {
  let worst = 0;
  for (let i = 0; i < ref.length; i++) {
    const a = y[i];
    const b = ref[i];
    if (a !== a || b !== b) {
      if ((a !== a) !== (b !== b)) return NaN;
      continue;
    }
    const d = Math.abs(a - b) / Math.max(1, Math.abs(b));
    if (d > worst) worst = d;
  }
  return worst;
}

/**
 * Runs the benchmark. hooks.onProgress({ done, total, label, eta }) is called
 * as samples complete (eta: seconds left as bench/eta.cjs predicts them, null
 * before the first figure ends); hooks.log(message) receives notes (absent peers, skips).
 * Returns the results object (also written as JSON, with the SVG plots and a
 * Markdown table, unless config.write is false).
 */
async function runBench(userConfig = {}, hooks = {}) {
  const config = resolveConfig(userConfig);
  const log = hooks.log ?? (() => {});
  const progress = hooks.onProgress ?? (() => {});
  const reg = registry();
  for (const [file, table] of [['naive.cjs', naive], ['naive-backward.cjs', naiveBackward], ['shaped.cjs', shaped]]) {
    for (const key of Object.keys(table)) {
      if (!reg.names.includes(key)) throw new Error(`bench/${file} has a loop for ${key}, which is not in the registry`);
    }
  }

  let impls = allImpls();
  if (config.impls) {
    const ids = impls.map((i) => i.id);
    for (const id of config.impls) if (!ids.includes(id)) throw fail(`bench: unknown implementation ${JSON.stringify(id)}; known: ${ids.join(', ')}`);
    impls = impls.filter((i) => config.impls.includes(i.id));
  }

  const startedAt = new Date().toISOString();
  const loadStart = os.loadavg();
  const implementations = [];
  const live = [];
  for (const impl of impls) {
    const r = await impl.init({ config });
    const entry = { id: impl.id, label: impl.label, kind: impl.kind, available: r.available };
    if (r.available) {
      Object.assign(entry, { version: r.version ?? null, notes: r.notes ?? null });
      if (r.options) entry.options = r.options;
      if (r.info) entry.info = r.info;
      live.push(impl);
    } else {
      entry.reason = r.reason;
      log(`absent: ${impl.label}: ${r.reason}`);
    }
    implementations.push(entry);
  }

  const jsApi = loadDist('js.js').default;
  const Ctor = DTYPES[config.dtype];
  const cells = [];
  const skipped = [];
  const total = config.ops.length * config.sizes.length * config.modes.length * config.samples;
  let done = 0;
  const plan = [];
  for (const size of config.sizes) for (const op of config.ops) for (const mode of config.modes) plan.push({ key: `${op} ${mode}`, size });
  const eta = new Eta(plan, config);
  let figure = -1;

  for (const size of config.sizes) {
    const xs = Array.from({ length: poolSize(size) }, (_, j) => makeInput(Ctor, size, config.seed + 7919 * j + size));
    const mask = xs.length - 1;
    // Incoming gradients for the backward pass, scaled to [-1, 1).
    const dys = config.pass === 'backward'
      ? xs.map((_, j) => makeInput(Ctor, size, config.seed + 104729 * (j + 1) + size).map((v) => v / 8))
      : null;
    const pass = config.pass;
    for (const op of config.ops) {
      const spec = opSpec(reg, op, size, Ctor);
      if (spec.skip) {
        skipped.push({ impl: '*', op, dtype: config.dtype, size, reason: spec.skip });
        done += config.modes.length * config.samples;
        figure += config.modes.length;
        continue;
      }
      // The gradient has the forward output's length (maxout's is shorter).
      const dyOp = dys && spec.outLength !== size ? dys.map((d) => d.subarray(0, spec.outLength)) : dys;
      const ref = pass === 'backward' ? spec.backward(jsApi)(dyOp[0], xs[0], null) : spec.forward(jsApi)(xs[0], null);
      const outLength = pass === 'backward' ? size : spec.outLength;
      for (const mode of config.modes) {
        const label = `${op}${pass === 'backward' ? '.backward' : ''} n=${size} ${mode}`;
        eta.start(++figure);
        const runners = [];
        for (const impl of live) {
          if (impl.modes && !impl.modes.includes(mode)) continue;
          const why = impl.supports(op, config.dtype, pass, spec);
          if (why) {
            if (!skipped.some((s) => s.impl === impl.id && s.op === op)) skipped.push({ impl: impl.id, op, dtype: config.dtype, reason: why });
            continue;
          }
          const task = { op, spec, params: spec.params, dtype: config.dtype, n: size, pass, mode, xs, dys: dyOp, mask, out: mode === 'out' ? new Ctor(impl.kind === 'bound' ? size : outLength) : null };
          let runner;
          try {
            runner = await impl.prepare(task);
          } catch (e) {
            runner = { skip: String(e && e.message ? e.message : e).split('\n')[0] };
          }
          if (runner.skip) {
            if (!skipped.some((s) => s.impl === impl.id && s.op === op)) skipped.push({ impl: impl.id, op, dtype: config.dtype, reason: runner.skip });
            continue;
          }
          runners.push({ impl, runner, wallNs: [], cpuNs: [] });
        }

        for (const r of [...runners]) {
          try {
            r.reps = await calibrate(r.runner, config.minSampleMs, config.warmupMs, mask + 1);
            // After warm-up, the output must be the op (copy: the input) of input 0.
            const y = await r.runner.run(0);
            r.deviation = deviation(y, r.impl.kind === 'bound' ? xs[0] : ref);
          } catch (e) {
            // A library that throws at run time is reported, not allowed to end the run.
            runners.splice(runners.indexOf(r), 1);
            skipped.push({ impl: r.impl.id, op, dtype: config.dtype, size, mode, reason: `threw: ${String(e && e.message ? e.message : e).split('\n')[0]}` });
          }
        }

        for (let s = 0; s < config.samples; s++) {
          // A B C, B C A, ...: alternated, and no one always first after the previous cell's cleanup.
          for (let k = 0; k < runners.length; k++) {
            const r = runners[(s + k) % runners.length];
            const t = await timeBatchClocks(r.runner, r.reps);
            r.wallNs.push(t.wall / r.reps);
            r.cpuNs.push(t.cpu / r.reps);
          }
          done++;
          if (s === config.samples - 1) eta.finish(figure, new Map(runners.map((r) => [r.impl.id, stats.median(r.wallNs) / 1e6])));
          progress({ done, total, label, eta: eta.remaining() });
        }

        cells.push(summarizeCell({
          op, family: spec.family, layout: spec.describe ?? null, size, pass, mode, dtype: config.dtype, inputs: xs.length,
          // Arrays streamed, in elements: x in and y out; the backward pass reads dy and x and writes dx.
          moved: pass === 'backward' ? spec.outLength + 2 * size : size + spec.outLength,
          runners, config,
        }));
      }
    }
  }
  for (const impl of live) await impl.close();

  const results = {
    schema: SCHEMA,
    startedAt,
    finishedAt: new Date().toISOString(),
    config: { ...config, outDir: undefined },
    machine: { ...describeMachine(), loadavg: { start: loadStart, end: os.loadavg() } },
    statistics: {
      statistic: `median of per-call ${config.clock === 'cpu' ? 'process CPU times (all threads)' : 'wall-clock times'} over samples`,
      cpuShare: 'median over samples of process CPU time / wall time: about 1 for a single-threaded call that had a core to itself, below 1 when it waited for one, up to the thread count for a threaded one',
      ci: `percentile bootstrap, ${config.resamples} resamples, 95%`,
      test: `two-sided Mann-Whitney U (exact without ties for small samples, else normal approximation with tie correction), significant at p < ${stats.ALPHA}`,
      input: 'uniform on [-8, 8), seeded, the same arrays for every implementation; calls cycle through a pool of distinct inputs of at least 65536 elements in all (at most 16 arrays); backward: dy uniform on [-1, 1)',
      bytes: 'GB/s counts one read and one write per element (the backward pass: two reads, dy and x, and one write)',
    },
    implementations,
    skipped,
    cells,
  };

  if (config.write) results.files = writeOutputs(results, config);
  return results;
}

/** Medians, intervals, throughput and the comparisons against the best peer and the JS twin. */
function summarizeCell({ op, family, layout, size, pass, mode, dtype, inputs, moved, runners, config }) {
  const bytes = DTYPES[dtype].BYTES_PER_ELEMENT;
  // Elements read and written per call: the op's streams, or the copy's two.
  const traffic = (r) => (r.kind === 'bound' ? 2 * size : moved);
  const opt = { resamples: config.resamples, seed: config.seed };
  // The figures use the configured clock; both series are kept.
  const rows = runners.map((r) => {
    const samplesNs = config.clock === 'cpu' ? r.cpuNs : r.wallNs;
    const share = r.cpuNs.map((c, i) => c / r.wallNs[i]);
    return {
      id: r.impl.id, kind: r.impl.kind, reps: r.reps, deviation: r.deviation,
      samplesNs, wallNs: r.wallNs, cpuNs: r.cpuNs, cpuShare: stats.median(share),
      time: stats.summarize(samplesNs, opt),
    };
  });
  const byId = new Map(rows.map((r) => [r.id, r]));
  // The fastest copy is the floor at this size: out.set inside the caches, streaming stores past them.
  const bounds = rows.filter((r) => r.kind === 'bound');
  const copy = bounds.length ? bounds.reduce((a, b) => (b.time.median < a.time.median ? b : a)) : null;
  const peers = rows.filter((r) => r.kind === 'peer');
  const bestPeer = peers.length ? peers.reduce((a, b) => (b.time.median < a.time.median ? b : a)) : null;
  const js = byId.get('js');
  for (const r of rows) {
    const t = r.time;
    r.melemPerS = { median: (size / t.median) * 1e3, ci: [(size / t.ci[1]) * 1e3, (size / t.ci[0]) * 1e3] };
    r.gbPerS = (traffic(r) * bytes) / t.median;
    r.pctCopy = copy ? (100 * copy.time.median) / t.median : null;
    r.copyId = copy ? copy.id : null;
    r.vsBestPeer = bestPeer && bestPeer !== r ? { peer: bestPeer.id, ...stats.compare(r.samplesNs, bestPeer.samplesNs, opt) } : null;
    r.vsJs = js && js !== r ? stats.compare(r.samplesNs, js.samplesNs, opt) : null;
  }
  return { op, family, layout, dtype, size, pass, mode, inputs, bestPeer: bestPeer ? bestPeer.id : null, rows };
}

function writeOutputs(results, config) {
  fs.mkdirSync(config.outDir, { recursive: true });
  const base = path.join(config.outDir, config.stamp + (config.pass === 'backward' ? '-backward' : ''));
  const files = { json: `${base}.json`, markdown: `${base}.md`, svg: [] };
  for (const spec of plot.plotSpecs(results)) {
    const file = `${base}-${spec.family}-${spec.dtype}-${spec.mode}.svg`;
    fs.writeFileSync(file, plot.renderPlot(spec));
    files.svg.push(file);
  }
  fs.writeFileSync(files.markdown, report.markdown(results));
  fs.writeFileSync(files.json, JSON.stringify({ ...results, files }, null, 1));
  return files;
}

module.exports = { runBench, resolveConfig, familyOf, registry, opSpec, deviation, makeInput, calibrateBatches, timeBatchClocks, describeMachine, QUICK_OPS, DEFAULT_OPS, DEFAULT_SIZES, FULL_SIZES };

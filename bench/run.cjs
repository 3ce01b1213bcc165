#!/usr/bin/env node
'use strict';
/**
 * `npm run bench [-- options]`: runs the harness, shows progress on stderr,
 * prints the table on stdout and writes JSON, Markdown and SVG files to
 * bench/results/.
 */
const path = require('node:path');
const { parseArgs } = require('node:util');
const { runBench } = require('./harness.cjs');
const report = require('./report.cjs');

const HELP = `usage: npm run bench -- [options]

  (no option)           relu, sigmoid, gelu and softmax at 4K, 64K and 1M, into out and allocating,
                        every implementation, 8 samples: about a minute, then a summary
  --quick               relu, sigmoid, gelu at 4K and 1M, out mode: about 20 seconds
  --full                the full sweep: every op at 4K, 64K, 1M and 16M, both modes, 12 samples:
                        about 14 minutes on a 2-core machine (838 s on an AMD EPYC, Node peers installed)
  --ops a,b,...         ops to run (registry names; --full: every op, element-wise and shaped)
  --sizes 4096,64K,1M   element counts (K = 1024, M = 1048576; --full: 4K,64K,1M,16M)
  --dtype float32|float64
  --backward            time the backward pass dx = dy·f'(x) instead of the forward op
  --clock wall|cpu      figures from wall-clock time (default: what a caller waits) or process
                        CPU time (all threads: a threaded library's CPU cost; steadier on a busy machine)
  --modes out,alloc     into a preallocated out, and/or allocating (default: both)
  --impls a,b,...       implementations: copy, native, native-<isa>, js, naive, ort, tfjs (default: all available)
  --samples N           samples per figure (default 8; 10 with --quick, 12 with --full)
  --min-sample-ms MS    shortest sample; short calls are batched to reach it (default 10)
  --warmup-ms MS        warm-up per implementation and figure (default 30; 60 with --full)
  --out-dir DIR         where results go (default bench/results)
  --no-write            print the table only
  --no-progress         no progress bar

Peers (onnxruntime-node, tfjs-backend-wasm) are optional: npm run bench:peers
installs them; absent ones are listed as absent. The kernels against oneDNN,
XNNPACK and PyTorch, called from C and Python: npm run bench:peers -- --native.`;

function list(s) {
  return s.split(',').map((v) => v.trim()).filter(Boolean);
}

function parseSize(s) {
  const m = /^(\d+)([kKmM]?)$/.exec(s);
  if (!m) throw new Error(`bench: cannot read size ${JSON.stringify(s)} (examples: 4096, 64K, 1M)`);
  const mult = { '': 1, k: 1024, m: 1 << 20 }[m[2].toLowerCase()];
  return Number(m[1]) * mult;
}

function parseNumber(name, s) {
  const v = Number(s);
  if (s === undefined || s.trim() === '' || !Number.isFinite(v)) throw new Error(`bench: --${name} needs a number, got ${JSON.stringify(s)}`);
  return v;
}

function configFromArgs(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      ops: { type: 'string' },
      sizes: { type: 'string' },
      dtype: { type: 'string' },
      backward: { type: 'boolean' },
      clock: { type: 'string' },
      modes: { type: 'string' },
      impls: { type: 'string' },
      samples: { type: 'string' },
      'min-sample-ms': { type: 'string' },
      'warmup-ms': { type: 'string' },
      'out-dir': { type: 'string' },
      'no-write': { type: 'boolean' },
      'no-progress': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return { help: true };
  const config = { quick: Boolean(values.quick), full: Boolean(values.full) };
  if (values.ops) config.ops = list(values.ops);
  if (values.sizes) config.sizes = list(values.sizes).map(parseSize);
  if (values.dtype) config.dtype = values.dtype;
  if (values.backward) config.pass = 'backward';
  if (values.clock) config.clock = values.clock;
  if (values.modes) config.modes = list(values.modes);
  if (values.impls) config.impls = list(values.impls);
  if (values.samples !== undefined) config.samples = parseNumber('samples', values.samples);
  if (values['min-sample-ms'] !== undefined) config.minSampleMs = parseNumber('min-sample-ms', values['min-sample-ms']);
  if (values['warmup-ms'] !== undefined) config.warmupMs = parseNumber('warmup-ms', values['warmup-ms']);
  if (values['out-dir']) config.outDir = path.resolve(values['out-dir']);
  if (values['no-write']) config.write = false;
  return { config, progress: !values['no-progress'] };
}

/**
 * A one-line bar on stderr when it is a terminal (redrawn at most 10 times a
 * second, so it costs nothing next to a 10 ms sample), else a line per 10%.
 * The fraction and the ETA come from the harness's prediction of the time
 * left (bench/eta.cjs), not from the count of samples: samples at 16M last
 * far longer than at 4K. Dependency-free: the bench runs from a clone with
 * only the package's own devDependencies.
 */
function progressBar(enabled) {
  if (!enabled) return { update() {}, stop() {} };
  const out = process.stderr;
  const t0 = Date.now();
  const fmtEta = (s) => (s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);
  const state = ({ done, total, eta }) => {
    const elapsed = (Date.now() - t0) / 1000;
    if (eta === null || eta === undefined) return { frac: total ? done / total : 1, eta: '?' };
    return { frac: done >= total ? 1 : elapsed / (elapsed + eta), eta: fmtEta(eta) };
  };
  if (out.isTTY) {
    let last = 0;
    let drawn = false;
    return {
      update(p) {
        const t = Date.now();
        if (p.done < p.total && t - last < 100) return;
        last = t;
        const { frac, eta } = state(p);
        const width = 30;
        const fill = Math.round(frac * width);
        const line = `bench [${'█'.repeat(fill)}${'░'.repeat(width - fill)}] ${(100 * frac).toFixed(0).padStart(3)}% ETA ${eta} | ${p.label}`;
        const cols = out.columns || 100;
        out.write(`\r${line.slice(0, cols - 1)}\x1b[K`);
        drawn = true;
      },
      stop() {
        if (drawn) out.write('\r\x1b[K');
      },
    };
  }
  let next = 0.1;
  return {
    update(p) {
      const { frac, eta } = state(p);
      if (frac >= next) {
        out.write(`bench: ${Math.floor(100 * frac)}% ETA ${eta} (${p.label})\n`);
        next = Math.floor(frac * 10) / 10 + 0.1;
      }
    },
    stop() {},
  };
}

async function main() {
  let parsed;
  try {
    parsed = configFromArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n\n${HELP}\n`);
    process.exitCode = 2;
    return;
  }
  if (parsed.help) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const bar = progressBar(parsed.progress);
  const notes = [];
  let results;
  try {
    results = await runBench(parsed.config, {
      onProgress: (p) => bar.update(p),
      log: (m) => notes.push(m),
    });
  } catch (e) {
    bar.stop();
    if (e && e.code === 'BENCH_CONFIG') {
      process.stderr.write(`${e.message}\n`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
  bar.stop();
  process.stdout.write(report.text(results));
  if (results.files) {
    const rel = (f) => path.relative(process.cwd(), f);
    process.stdout.write(`\nwrote ${rel(results.files.json)}, ${rel(results.files.markdown)}${results.files.svg.map((f) => `, ${rel(f)}`).join('')}\n`);
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${e && e.stack ? e.stack : e}\n`);
    process.exitCode = 1;
  });
}

module.exports = { configFromArgs, parseSize };

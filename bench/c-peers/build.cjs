'use strict';
/**
 * Builds the C++ peer workers of the kernel bench (bench/kernels.cjs) into
 * build/c-peers/: each is one small file of ours against a library's public
 * headers, compiled when its binary is missing or older than its sources. A
 * worker whose library is not installed fails to build; that is recorded as
 * the reason the peer is absent, never an error.
 *
 *   node bench/c-peers/build.cjs [--force]    (npm run bench:peers -- --native runs it)
 */
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');

const SRC = __dirname;
const OUT = path.join(__dirname, '..', '..', 'build', 'c-peers');

/**
 * The workers. -march=native only for our own loops (the copy floor, the
 * SLEEF formulas): they must use the widest vectors this CPU has; the
 * libraries pick their code paths at run time.
 */
const WORKERS = {
  floor: { src: 'floor.cc', flags: ['-march=native', '-fopenmp'], libs: [], needs: 'a C++ compiler with OpenMP' },
  onednn: { src: 'onednn.cc', flags: ['-fopenmp'], libs: ['-ldnnl'], needs: 'oneDNN (Debian: libdnnl-dev)' },
  xnnpack: { src: 'xnnpack.cc', flags: [], libs: ['-lXNNPACK', '-lpthreadpool'], needs: 'XNNPACK (Debian: libxnnpack-dev, libpthreadpool-dev)' },
  // Our loop over SLEEF's vector types: the widest this CPU has (AVX2 or AVX-512).
  sleef: { src: 'sleef.cc', flags: ['-march=native'], libs: ['-lsleef'], needs: 'SLEEF (Debian: libsleef-dev) and an AVX2 CPU' },
};

function binaryOf(name) {
  return path.join(OUT, name);
}

function newestSource(name) {
  return Math.max(...[WORKERS[name].src, 'worker.h', 'build.cjs'].map((f) => fs.statSync(path.join(SRC, f)).mtimeMs));
}

function stale(name) {
  const bin = binaryOf(name);
  return !fs.existsSync(bin) || fs.statSync(bin).mtimeMs < newestSource(name);
}

function compiler() {
  return process.env.CXX || 'g++';
}

/** Compiles one worker; resolves to { name, ok, reason? }. The reason is the compiler's first error line. */
function buildOne(name) {
  const w = WORKERS[name];
  const bin = binaryOf(name);
  // A name of this process's own: two bench processes (two test files) may build the same worker at once; the rename is atomic.
  const tmp = `${bin}.${process.pid}.tmp`;
  const args = ['-O2', '-std=c++17', ...w.flags, '-o', tmp, path.join(SRC, w.src), ...w.libs];
  return new Promise((resolve) => {
    let err = '';
    let child;
    try {
      child = spawn(compiler(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (e) {
      resolve({ name, ok: false, reason: `cannot run ${compiler()}: ${e.message}` });
      return;
    }
    child.stderr.on('data', (d) => { err += d; });
    child.on('error', (e) => resolve({ name, ok: false, reason: `cannot run ${compiler()}: ${e.message}` }));
    child.on('close', (code) => {
      if (code === 0) {
        fs.renameSync(tmp, bin);
        fs.rmSync(`${bin}.reason`, { force: true });
        resolve({ name, ok: true });
        return;
      }
      fs.rmSync(tmp, { force: true });
      const first = err.split('\n').find((l) => /error|cannot find|not found/i.test(l)) ?? err.split('\n')[0] ?? '';
      const reason = `build failed (needs ${w.needs}): ${first.trim().slice(0, 240)}`;
      fs.rmSync(bin, { force: true });
      fs.writeFileSync(`${bin}.reason`, reason);
      resolve({ name, ok: false, reason });
    });
  });
}

/**
 * Builds what is stale, two compilations at a time (the machine is shared).
 * Resolves to { name: { ok, reason?, path } } for every worker. A worker that
 * failed before and whose sources have not changed keeps its recorded reason
 * without a new attempt, unless `force` (or a library has since been installed:
 * `npm run bench:peers -- --native` passes force). `ids`: only these workers.
 */
async function buildWorkers({ force = false, ids = null, log = () => {} } = {}) {
  fs.mkdirSync(OUT, { recursive: true });
  const result = {};
  const todo = [];
  for (const name of Object.keys(WORKERS).filter((w) => !ids || ids.includes(w))) {
    const bin = binaryOf(name);
    const reasonFile = `${bin}.reason`;
    if (!force && !stale(name)) {
      result[name] = { ok: true, path: bin };
    } else if (!force && fs.existsSync(reasonFile) && fs.statSync(reasonFile).mtimeMs >= newestSource(name)) {
      result[name] = { ok: false, reason: fs.readFileSync(reasonFile, 'utf8'), path: bin };
    } else {
      todo.push(name);
    }
  }
  const queue = [...todo];
  const runners = Array.from({ length: Math.min(2, queue.length) }, async () => {
    while (queue.length) {
      const name = queue.shift();
      log(`c-peers: building ${name}`);
      const r = await buildOne(name);
      result[name] = { ok: r.ok, reason: r.reason, path: binaryOf(name) };
      if (!r.ok) log(`c-peers: ${name}: ${r.reason}`);
    }
  });
  await Promise.all(runners);
  return result;
}

if (require.main === module) {
  buildWorkers({ force: process.argv.includes('--force'), log: (m) => process.stderr.write(`${m}\n`) }).then((r) => {
    for (const [name, s] of Object.entries(r)) process.stdout.write(`${name}: ${s.ok ? `built ${path.relative(process.cwd(), s.path)}` : `absent: ${s.reason}`}\n`);
  });
}

module.exports = { buildWorkers, WORKERS, OUT };

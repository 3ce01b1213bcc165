#!/usr/bin/env node
'use strict';
/**
 * `npm run bench:peers`: installs the peer libraries the benchmark compares
 * against into this checkout's node_modules, without adding them to
 * package.json (users of the package never need them).
 *
 * onnxruntime-node's postinstall downloads extra binaries (CUDA, TensorRT)
 * from outside the npm registry and fails offline; its CPU binaries are in
 * the npm package itself, so ONNXRUNTIME_NODE_INSTALL=skip (its own switch)
 * is all it needs. Versions are pinned to the ones the bench was checked with.
 *
 * `npm run bench:peers -- --native [kernel-bench options]`: the C libraries
 * instead (oneDNN, XNNPACK, PyTorch, SLEEF), from the system's packages where apt-get
 * is available, then the kernel bench (bench/kernels.cjs) on what is
 * installed. Nothing here is required by npm ci or npm test: a package that
 * cannot be installed is reported, and its peer is listed as absent.
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

// @tensorflow/tfjs brings the gradients tf.grad needs for the backward-pass comparison.
const PEERS = ['onnxruntime-node@1.30.0', '@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0', '@tensorflow/tfjs@4.22.0'];

/** Debian/Ubuntu packages of the kernel bench's peers (bench/c-peers/). */
const DEBS = [
  { deb: 'libdnnl-dev', peer: 'oneDNN' },
  { deb: 'libxnnpack-dev', peer: 'XNNPACK' },
  { deb: 'libpthreadpool-dev', peer: 'XNNPACK (its thread pool)' },
  { deb: 'python3-torch', peer: 'PyTorch' },
  { deb: 'libsleef-dev', peer: 'the SLEEF loop' },
];

const root = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function say(m) {
  process.stderr.write(`bench:peers: ${m}\n`);
}

function installNodePeers() {
  const args = ['install', '--no-save', '--no-audit', '--no-fund', ...PEERS];
  say(`ONNXRUNTIME_NODE_INSTALL=skip npm ${args.join(' ')}`);
  const r = spawnSync(npm, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
    shell: process.platform === 'win32',
  });
  if (r.error) {
    say(`could not run npm: ${r.error.message}`);
    return 1;
  }
  if (r.status === 0) say('the C libraries (oneDNN, XNNPACK, PyTorch) at the kernel level: npm run bench:peers -- --native');
  return r.status ?? 1;
}

function installed(deb) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', deb], { encoding: 'utf8' });
  return r.status === 0 && /install ok installed/.test(r.stdout);
}

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * apt-get install, one package at a time so that one the distribution lacks
 * (older releases have no libxnnpack-dev) does not stop the others; an
 * `apt-get update` once if an install fails on stale lists. As root, or
 * through `sudo -n` (never a password prompt). Resolves to whether it
 * installed anything.
 */
function installDebs() {
  if (process.platform !== 'linux' || !onPath('dpkg-query') || !onPath('apt-get')) {
    say(`no apt-get here: install ${DEBS.map((d) => d.peer).join(', ')} by other means; the bench lists absent ones`);
    return false;
  }
  const missing = DEBS.filter((d) => !installed(d.deb));
  if (!missing.length) {
    say(`installed: ${DEBS.map((d) => d.deb).join(' ')}`);
    return false;
  }
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!asRoot && !onPath('sudo')) {
    say(`not root and no sudo: run  apt-get install ${missing.map((d) => d.deb).join(' ')}  as root; measuring what is installed`);
    return false;
  }
  const apt = (args) => {
    const cmd = asRoot ? 'apt-get' : 'sudo';
    const full = asRoot ? args : ['-n', 'apt-get', ...args];
    say(`${cmd} ${full.join(' ')}`);
    return spawnSync(cmd, full, { stdio: ['ignore', 'inherit', 'inherit'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).status === 0;
  };
  let updated = false;
  let any = false;
  for (const d of missing) {
    let ok = apt(['install', '-y', '--no-install-recommends', d.deb]);
    if (!ok && !updated) {
      updated = true;
      ok = apt(['update']) && apt(['install', '-y', '--no-install-recommends', d.deb]);
    }
    if (ok) any = true;
    else say(`could not install ${d.deb}: ${d.peer} will be listed as absent`);
  }
  return any;
}

function main(argv) {
  if (!argv.includes('--native')) return installNodePeers();
  const fresh = installDebs();
  // A worker whose library was missing keeps its recorded failure until forced: rebuild when a library is new.
  const { buildWorkers } = require('./c-peers/build.cjs');
  return buildWorkers({ force: fresh, log: say }).then(() => {
    const rest = argv.filter((a) => a !== '--native');
    const r = spawnSync(npm, ['run', 'bench:kernels', '--silent', ...(rest.length ? ['--', ...rest] : [])], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
    return r.status ?? 1;
  });
}

Promise.resolve(main(process.argv.slice(2))).then((code) => {
  process.exitCode = code;
});

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
 */
const { spawnSync } = require('node:child_process');
const path = require('node:path');

// @tensorflow/tfjs brings the gradients tf.grad needs for the backward-pass comparison.
const PEERS = ['onnxruntime-node@1.30.0', '@tensorflow/tfjs-core@4.22.0', '@tensorflow/tfjs-backend-wasm@4.22.0', '@tensorflow/tfjs@4.22.0'];

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const args = ['install', '--no-save', '--no-audit', '--no-fund', ...PEERS];
process.stderr.write(`bench:peers: ONNXRUNTIME_NODE_INSTALL=skip npm ${args.join(' ')}\n`);
const r = spawnSync(npm, args, {
  cwd: path.join(__dirname, '..'),
  stdio: 'inherit',
  env: { ...process.env, ONNXRUNTIME_NODE_INSTALL: 'skip' },
  shell: process.platform === 'win32',
});
if (r.error) {
  process.stderr.write(`bench:peers: could not run npm: ${r.error.message}\n`);
  process.exit(1);
}
process.exit(r.status ?? 1);

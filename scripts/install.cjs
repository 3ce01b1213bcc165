#!/usr/bin/env node
// npm install hook: use a prebuilt binary when one fits this platform, else
// build from source with node-gyp (node-gyp-build does both). If that fails —
// no compiler, no Python, no headers — the install still succeeds: the
// package runs on its pure-JS implementation, and one line says so.
// Loading never depends on this script having run (npm 11 may skip it):
// lib/backend/native.ts finds prebuilds at run time and falls back to JS on its own.
'use strict';
const { spawnSync } = require('node:child_process');
const path = require('node:path');

const verbose = process.env.npm_config_loglevel === 'verbose' || process.env.npm_config_loglevel === 'silly';

function main() {
  if (process.env.ACTIVATION_KERNELS_SKIP_BUILD === '1') return;
  let bin;
  try {
    bin = require.resolve('node-gyp-build/bin.js');
  } catch {
    return say('node-gyp-build is not installed');
  }
  const r = spawnSync(process.execPath, [bin], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
    stdio: verbose ? 'inherit' : 'pipe',
    windowsHide: true,
  });
  if (r.status === 0) return;
  const detail = `${r.stderr || ''}\n${r.stdout || ''}`
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => /error|not found|ENOENT|cannot|No such/i.test(l))
    .slice(0, 1)[0];
  say(r.error ? r.error.message : detail || `node-gyp exited with ${r.status}`);
}

function say(reason) {
  console.warn(
    `activation-kernels: native addon unavailable (no prebuilt binary for ${process.platform}-${process.arch} ` +
      `and the source build failed: ${reason}); the package will run on its pure-JS implementation. ` +
      'See info().loadError at run time.',
  );
}

try {
  main();
} catch (e) {
  say(e && e.message ? e.message : String(e));
}
process.exitCode = 0;

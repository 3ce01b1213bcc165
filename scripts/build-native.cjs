#!/usr/bin/env node
// npm run build:native -- builds the addon (build/Release/activation_kernels.node) and
// the native guard-page test (build/Release/ak_native_test) with node-gyp.
//
// Incremental when build/ is already configured for the current binding.gyp (make
// rebuilds what changed); a full `rebuild` otherwise or with --clean.
// Node's headers: when the running node ships them (<prefix>/include/node, as
// official tarballs and most distributions do), node-gyp is pointed there, so the
// build needs no download.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const nodeGyp = require.resolve('node-gyp/bin/node-gyp.js');
const clean = process.argv.includes('--clean');
const jobs = process.env.JOBS || '2';

function localNodeDir() {
  const prefix = path.resolve(process.execPath, '..', '..');
  const ok = ['node_api.h', 'common.gypi'].every((f) => fs.existsSync(path.join(prefix, 'include', 'node', f)));
  return ok ? prefix : null;
}

function run(args) {
  const r = spawnSync(process.execPath, [nodeGyp, ...args], { cwd: root, stdio: 'inherit' });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

const extra = [];
if (!process.env.npm_config_nodedir) {
  const dir = localNodeDir();
  if (dir) extra.push(`--nodedir=${dir}`);
}

const makefile = path.join(root, 'build', 'Makefile');
const configured =
  fs.existsSync(makefile) && fs.statSync(makefile).mtimeMs >= fs.statSync(path.join(root, 'binding.gyp')).mtimeMs;
const status =
  !clean && configured && process.platform !== 'win32'
    ? run(['build', '-j', jobs, ...extra])
    : run(['rebuild', '-j', jobs, ...extra]);
process.exit(status);

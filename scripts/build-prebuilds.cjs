#!/usr/bin/env node
// npm run build:prebuilds -- every prebuild this x86-64 Linux machine can make, into
// prebuilds/<platform>-<arch>/: linux-x64 with prebuildify (node-gyp, as
// `npm run build:prebuild`), linux-arm64 and win32-x64 with the cross compilers
// (scripts/cross/build.cjs; scripts/cross/toolchain.cjs installs them or names the
// apt-get line). darwin-x64, darwin-arm64 and linux-x64 musl come from the hosted
// workflow (.github/workflows/prebuild.yml). `npm pack` then ships what is here.
//   node scripts/build-prebuilds.cjs [linux-x64] [linux-arm64] [win32-x64]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { build } = require('./cross/build.cjs');

const root = path.join(__dirname, '..');
const all = ['linux-x64', 'linux-arm64', 'win32-x64'];
const want = process.argv.slice(2).filter((a) => all.includes(a));

(async () => {
  for (const name of want.length ? want : all) {
    if (name === 'linux-x64') {
      if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error('linux-x64 is built natively: run this on x86-64 Linux');
      const bin = require.resolve('prebuildify/bin.js');
      const r = spawnSync(process.execPath, [bin, '--napi', '--strip'], { cwd: root, stdio: 'inherit', env: { ...process.env, JOBS: process.env.JOBS || '2' } });
      if (r.status !== 0) throw new Error(`prebuildify exited with ${r.status}`);
      // prebuildify leaves build/ without build/Release/*.node, which the tests load: rebuild it.
      const b = spawnSync(process.execPath, [path.join(__dirname, 'build-native.cjs')], { cwd: root, stdio: 'inherit' });
      if (b.status !== 0) throw new Error(`build:native exited with ${b.status}`);
    } else {
      await build(name);
    }
  }
  for (const d of fs.readdirSync(path.join(root, 'prebuilds')).sort()) {
    const dir = path.join(root, 'prebuilds', d);
    if (!fs.statSync(dir).isDirectory()) continue;
    for (const f of fs.readdirSync(dir)) console.log(`prebuilds/${d}/${f}  ${(fs.statSync(path.join(dir, f)).size / 1024).toFixed(0)} KiB`);
  }
})().catch((e) => {
  console.error(`build:prebuilds: ${e.message}`);
  process.exit(1);
});

#!/usr/bin/env node
// npm run build:prebuilds -- every prebuild this x86-64 Linux machine can make, into
// prebuilds/<platform>-<arch>/: linux-x64 with prebuildify (node-gyp, as
// `npm run build:prebuild`), linux-arm64 and win32-x64 with the cross compilers
// (scripts/cross/build.cjs; scripts/cross/toolchain.cjs installs them or names the
// apt-get line). darwin-x64, darwin-arm64 and linux-x64 musl come from the hosted
// workflow (.github/workflows/prebuild.yml): its prebuilds-hosted artifact, unpacked in
// DIR, is copied in by --merge DIR (only those three; a file of any other platform there
// is an error, so what ships for linux-x64 glibc, linux-arm64 and win32-x64 is always
// what this machine built and tested). `npm pack` then ships what is here.
//   node scripts/build-prebuilds.cjs [linux-x64] [linux-arm64] [win32-x64] [--merge DIR]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { build } = require('./cross/build.cjs');

const root = path.join(__dirname, '..');
const all = ['linux-x64', 'linux-arm64', 'win32-x64'];
const argv = process.argv.slice(2);
const mergeAt = argv.indexOf('--merge');
const mergeDir = mergeAt >= 0 ? argv[mergeAt + 1] : null;
const want = argv.filter((a) => all.includes(a));
const unknown = argv.filter((a, i) => !all.includes(a) && a !== '--merge' && i !== mergeAt + 1);
if (unknown.length || (mergeAt >= 0 && !mergeDir)) {
  console.error(`build:prebuilds: unknown argument ${unknown[0] || '--merge without a directory'}; usage: [${all.join('] [')}] [--merge DIR]`);
  process.exit(1);
}

// What the hosted workflow builds: prebuilds/<dir>/<file>, and the binary format's magic number.
const HOSTED = [
  { dir: 'darwin-x64', file: /^[\w-]+\.node$/, magic: 'cffaedfe', format: 'Mach-O 64-bit' },
  { dir: 'darwin-arm64', file: /^[\w-]+\.node$/, magic: 'cffaedfe', format: 'Mach-O 64-bit' },
  { dir: 'linux-x64', file: /^[\w-]+\.musl\.node$/, magic: '7f454c46', format: 'ELF' },
];

/** Copies the hosted workflow's prebuilds from dir into prebuilds/, after checking every name and format. */
function merge(dir) {
  const files = [];
  for (const sub of fs.readdirSync(dir).sort()) {
    if (!fs.statSync(path.join(dir, sub)).isDirectory()) throw new Error(`--merge: ${sub} is not a <platform>-<arch> directory`);
    for (const f of fs.readdirSync(path.join(dir, sub))) {
      const h = HOSTED.find((x) => x.dir === sub && x.file.test(f));
      if (!h) throw new Error(`--merge: ${path.join(sub, f)} is not a hosted prebuild (those are darwin-x64/*.node, darwin-arm64/*.node, linux-x64/*.musl.node)`);
      const magic = fs.readFileSync(path.join(dir, sub, f)).subarray(0, 4).toString('hex');
      if (magic !== h.magic) throw new Error(`--merge: ${path.join(sub, f)} is not a ${h.format} file (it starts with ${magic})`);
      files.push(path.join(sub, f));
    }
  }
  if (files.length === 0) throw new Error(`--merge: ${dir} holds no prebuild`);
  for (const f of files) {
    fs.mkdirSync(path.join(root, 'prebuilds', path.dirname(f)), { recursive: true });
    fs.copyFileSync(path.join(dir, f), path.join(root, 'prebuilds', f));
  }
  console.log(`build:prebuilds: merged from ${dir}: ${files.join(', ')}`);
}

(async () => {
  if (mergeDir) merge(mergeDir);
  for (const name of want.length ? want : all) {
    const t0 = Date.now();
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
    console.log(`build:prebuilds: ${name} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
  // What `npm pack` will ship: every prebuild this machine makes, and the size limit.
  const npmCli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath)
    ? process.env.npm_execpath
    : path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
  const r = spawnSync(process.execPath, [npmCli, 'pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm pack --dry-run: ${r.stderr}`);
  const [pack] = JSON.parse(r.stdout);
  const bins = pack.files.filter((f) => f.path.startsWith('prebuilds/'));
  for (const f of bins) console.log(`${f.path}  ${(f.size / 1024).toFixed(0)} KiB`);
  console.log(`npm pack: ${pack.filename}, ${(pack.size / 2 ** 20).toFixed(2)} MiB packed (${(pack.unpackedSize / 2 ** 20).toFixed(2)} MiB unpacked), ${pack.entryCount} files`);
  // The file each local build writes (the musl one beside linux-x64's does not count for it).
  const { name: pkgName } = require(path.join(root, 'package.json'));
  const missing = all.filter((n) => !bins.some((f) => f.path === `prebuilds/${n}/${pkgName}.node`));
  if (missing.some((n) => want.length === 0 || want.includes(n))) throw new Error(`the tarball would have no prebuild for ${missing.join(', ')}`);
  if (missing.length) console.log(`build:prebuilds: not in the tarball (not built): ${missing.join(', ')}`);
  if (pack.size >= 5 * 2 ** 20) throw new Error(`the tarball would be ${(pack.size / 2 ** 20).toFixed(2)} MiB, over the 5 MiB limit`);
})().catch((e) => {
  console.error(`build:prebuilds: ${e.message}`);
  process.exit(1);
});

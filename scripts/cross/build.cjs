#!/usr/bin/env node
// scripts/cross/build.cjs -- builds the addon for another platform from this x86-64
// Linux machine, into prebuilds/<platform>-<arch>/<package name>.node (the name
// prebuildify --napi gives the linux-x64 one; lib/native.ts and node-gyp-build take it):
//
//   linux-arm64  Debian's aarch64-linux-gnu-g++ (NEON needs no flag; see binding.gyp)
//   win32-x64    Debian's MinGW-w64 g++ (posix threads), linked against an import
//                library for node.exe that dlltool makes from node-api-headers' .def, with
//                libstdc++, libgcc and winpthreads static: the DLL needs node.exe and
//                system DLLs only.
//
// The sources and per-ISA flags are binding.gyp's (read here, never restated), with
// node-gyp's Release flags (-O3, no exceptions/RTTI). Usage:
//   node scripts/cross/build.cjs linux-arm64 [win32-x64] [--out DIR]
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const tc = require('./toolchain.cjs');

const root = tc.root;

/** binding.gyp as an object (its Python-literal syntax is a JavaScript expression once comments go). */
function gyp() {
  const text = fs.readFileSync(path.join(root, 'binding.gyp'), 'utf8').replace(/#.*$/gm, '');
  return new Function(`return (${text})`)();
}

/** gyp's conditions: [[expr, then, else?], ...] for target_arch only (all binding.gyp uses). */
function conditional(node, arch, key) {
  const out = [...(node[key] || [])];
  for (const [cond, then, otherwise] of node.conditions || []) {
    const m = /^target_arch=="(\w+)"$/.exec(cond.trim());
    if (!m) throw new Error(`binding.gyp: condition ${cond} is not understood by scripts/cross/build.cjs`);
    const branch = m[1] === arch ? then : otherwise;
    if (branch && branch[key]) out.push(...branch[key]);
  }
  return out;
}

/** The translation units of binding.gyp's `target` (and its dependencies) for `arch` (gyp's name: x64, arm64), each with its extra flags. */
function units(arch, target = 'activation_kernels') {
  const g = gyp();
  const targets = [...g.targets];
  for (const [cond, then] of g.conditions || []) {
    const m = /^target_arch=="(\w+)"$/.exec(cond.trim());
    if (m && m[1] === arch) targets.push(...then.targets);
  }
  const byName = Object.fromEntries(targets.map((t) => [t.target_name, t]));
  if (!byName[target]) throw new Error(`binding.gyp has no target ${target}`);
  const seen = new Set();
  const out = [];
  const add = (t) => {
    if (seen.has(t.target_name)) return;
    seen.add(t.target_name);
    for (const s of conditional(t, arch, 'sources')) out.push({ src: s, flags: t.cflags_cc || [] });
    for (const d of conditional(t, arch, 'dependencies')) add(byName[d]);
  };
  add(byName[target]);
  return { units: out, defines: g.target_defaults.defines, cflags: g.target_defaults.cflags_cc };
}

const TARGETS = {
  'linux-arm64': {
    arch: 'arm64',
    group: 'arm64',
    compile: ['-fPIC', '-pthread', '-fvisibility=hidden'],
    // libstdc++ and libgcc_s dynamic, as the linux-x64 build: static copies would need
    // glibc 2.36 (arc4random, _dl_find_object) where the shared ones need 2.34.
    link: (t, objs, out) => [...objs, '-shared', '-pthread', '-o', out],
    linkExe: (objs, out) => [...objs, '-pthread', '-o', out],
    exeSuffix: '',
    nodeInclude: () => path.join(tc.fetch('node-api-headers'), 'include'),
  },
  'win32-x64': {
    arch: 'x64',
    group: 'win32',
    // GCC cannot align Windows x64 stack frames to 32/64 bytes (GCC bug 54412): spilled
    // ymm/zmm registers would be stored with aligned moves to 16-byte aligned slots. The
    // assembler option rewrites every aligned vector move as an unaligned one.
    compile: ['-D_WIN32_WINNT=0x0601', '-Wa,-muse-unaligned-vector-move'],
    link: (t, objs, out, importLib) => [
      ...objs, importLib, '-shared', '-static', '-static-libgcc', '-static-libstdc++',
      '-Wl,-Bstatic', '-lwinpthread', '-Wl,--no-insert-timestamp', '-o', out,
    ],
    linkExe: (objs, out) => [...objs, '-static', '-static-libgcc', '-static-libstdc++', '-o', out],
    exeSuffix: '.exe',
    nodeInclude: () => path.join(tc.fetch('node-api-headers'), 'include'),
  },
};

function run(cmd, args) {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve(err) : reject(new Error(`${cmd} ${args.join(' ')}\n${err}`))));
  });
}

/** The Node-API import library of node.exe, from node-api-headers' def/node_api.def (a superset of js_native_api.def). */
function importLibrary(dlltool, dir) {
  const def = path.join(tc.fetch('node-api-headers'), 'def', 'node_api.def');
  const lib = path.join(dir, 'libnode_api.a');
  const r = spawnSync(dlltool, ['-d', def, '-D', 'node.exe', '-l', lib], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`dlltool failed: ${r.stderr}`);
  return lib;
}

// Objects compiled in this process, by platform, source and flags: the addon and the
// test executables share ak_core, which is compiled once.
const objCache = new Map();
let cacheDir = null;
process.on('exit', () => cacheDir && fs.rmSync(cacheDir, { recursive: true, force: true }));

/** Compiles binding.gyp's `target` for platform `name`; returns its objects and a scratch directory. */
async function compile(name, target) {
  const t = TARGETS[name];
  if (!t) throw new Error(`unknown target ${name}; one of ${Object.keys(TARGETS).join(', ')}`);
  const tools = tc.tools([t.group])[t.group];
  const { units: us, defines, cflags } = units(t.arch, target);
  const objDir = fs.mkdtempSync(path.join(os.tmpdir(), `ak-${name}-`));
  const napi = require('node-addon-api').include_dir;
  const common = [
    ...cflags, '-O3', '-fno-exceptions', '-fno-rtti', ...t.compile,
    ...defines.map((d) => `-D${d}`), '-DBUILDING_NODE_EXTENSION', '-DNODE_GYP_MODULE_NAME=activation_kernels',
    `-I${t.nodeInclude()}`, `-I${path.isAbsolute(napi) ? napi : path.join(root, napi)}`,
  ];
  const jobs = Math.max(1, Math.min(2, Number(process.env.JOBS || 2)));
  cacheDir = cacheDir || fs.mkdtempSync(path.join(os.tmpdir(), 'ak-cross-objs-'));
  const keys = us.map((u) => `${name} ${u.src} ${u.flags.join(' ')}`);
  const objs = keys.map((k, i) => objCache.get(k) || path.join(cacheDir, `${name}-${objCache.size + i}-${path.basename(us[i].src, '.cc')}.o`));
  let next = 0;
  const worker = async () => {
    while (next < us.length) {
      const i = next++;
      if (objCache.has(keys[i])) continue;
      await run(tools.cxx, [...common, ...us[i].flags, '-c', path.join(root, us[i].src), '-o', objs[i]]);
      objCache.set(keys[i], objs[i]);
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  return { t, tools, objDir, objs };
}

/** The addon for platform `name`, into opts.out or prebuilds/<name>/. */
async function build(name, opts = {}) {
  const started = Date.now();
  const { t, tools, objDir, objs } = await compile(name, 'activation_kernels');
  const outDir = opts.out || path.join(root, 'prebuilds', name);
  fs.mkdirSync(outDir, { recursive: true });
  const out = path.join(outDir, `${require(path.join(root, 'package.json')).name}.node`);
  const importLib = tools.dlltool ? importLibrary(tools.dlltool, objDir) : null;
  await run(tools.cxx, t.link(t, objs, out, importLib));
  await run(tools.strip, ['--strip-unneeded', out]);
  fs.rmSync(objDir, { recursive: true, force: true });
  const kb = (fs.statSync(out).size / 1024).toFixed(0);
  console.log(`[cross] ${name}: ${path.relative(root, out)} (${kb} KiB, ${objs.length} units, ${((Date.now() - started) / 1000).toFixed(0)} s)`);
  return out;
}

/** binding.gyp's native test executable `target` (ak_native_test, ak_shaped_test) for platform `name`, into dir. */
async function buildExe(name, target, dir) {
  const { t, tools, objDir, objs } = await compile(name, target);
  fs.mkdirSync(dir, { recursive: true });
  const out = path.join(dir, target + t.exeSuffix);
  await run(tools.cxx, t.linkExe(objs, out));
  fs.rmSync(objDir, { recursive: true, force: true });
  return out;
}

module.exports = { build, buildExe, units, TARGETS };

if (require.main === module) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  const names = args.filter((a, i) => !a.startsWith('--') && (outAt < 0 || i !== outAt + 1));
  (async () => {
    for (const n of names.length ? names : Object.keys(TARGETS)) await build(n, { out });
  })().catch((e) => {
    console.error(e.message);
    process.exit(1);
  });
}

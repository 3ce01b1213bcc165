/**
 * The install story, end to end: the npm tarball installed into a fresh
 * project, offline, with no compiler on PATH, with and without a prebuilt
 * binary; then require, import and the types from the installed copy.
 * And the baseline guarantee behind a prebuild that runs on any x86-64: only
 * the per-ISA objects contain AVX instructions.
 */
import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const built = join(root, 'build', 'Release', 'activation_kernels.node');
const npmCli = (() => {
  // npm's own entry script, so npm can run with a PATH that holds nothing but node.
  const candidates = [join(process.execPath, '..', '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js')];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
})();
const platformDir = `${process.platform}-${process.arch}`;

let work: string;
let tarNative: string;
let tarJs: string;
let bareBin: string;
/** The package's runtime dependencies packed from node_modules, installed beside it: no registry needed. */
let depTars: string[] = [];

function sh(cmd: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }) {
  return spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, encoding: 'utf8', timeout: 240_000 });
}

/** npm with a PATH of one directory holding only `node` and `sh`: no cc, c++, make or python. */
function bareNpm(args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = {
    PATH: bareBin,
    HOME: process.env.HOME,
    // An empty cache of its own: a fresh CI machine's cache holds the lockfile's tarballs but no
    // registry documents, so nothing may be resolved from it; the dependencies come as tarballs.
    npm_config_cache: join(work, 'npm-cache'),
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
  };
  const withDeps = args[0] === 'install' ? [...args, ...depTars] : args;
  return sh(process.execPath, [npmCli, ...withDeps], { cwd, env });
}

function repack(staging: string, withPrebuild: boolean, dest: string): string {
  const pkgDir = join(staging, 'package');
  rmSync(join(pkgDir, 'prebuilds'), { recursive: true, force: true });
  if (withPrebuild) {
    mkdirSync(join(pkgDir, 'prebuilds', platformDir), { recursive: true });
    // prebuildify --napi names the file after the package; node-gyp-build loads untagged N-API files.
    cpSync(built, join(pkgDir, 'prebuilds', platformDir, 'activation-kernels.node'));
  }
  const out = execFileSync(process.execPath, [npmCli, 'pack', '--ignore-scripts', '--json', '--pack-destination', dest, pkgDir], {
    cwd: staging,
    encoding: 'utf8',
  });
  return join(dest, JSON.parse(out)[0].filename as string);
}

function consumer(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `consumer-${name}`, version: '1.0.0', private: true }));
  return dir;
}

function runNode(dir: string, code: string, esm = false) {
  const args = esm ? ['--input-type=module', '-e', code] : ['-e', code];
  const env = { ...process.env };
  delete env.ACTIVATION_KERNELS_BACKEND;
  delete env.ACTIVATION_KERNELS_ISA;
  const r = sh(process.execPath, args, { cwd: dir, env });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

const probe = `
const x = Float32Array.from([-2, -0.5, 0, 0.5, 2]);
const y = ak.sigmoid(x);
console.log(JSON.stringify({ info: ak.info(), y: Array.from(y), relu: Array.from(ak.relu(x)) }));
`;

beforeAll(() => {
  expect(existsSync(built), 'the addon must be built (npm run build) before the install test').toBe(true);
  expect(existsSync(npmCli), `npm's entry script at ${npmCli}`).toBe(true);
  work = mkdtempSync(join(tmpdir(), 'ak-install-'));
  bareBin = join(work, 'bin');
  mkdirSync(bareBin);
  symlinkSync(process.execPath, join(bareBin, 'node'));
  symlinkSync('/bin/sh', join(bareBin, 'sh')); // npm runs lifecycle scripts through `sh`
  const staging = join(work, 'staging');
  mkdirSync(staging);
  const first = execFileSync(process.execPath, [npmCli, 'pack', '--ignore-scripts', '--json', '--pack-destination', staging], {
    cwd: root,
    encoding: 'utf8',
  });
  const tgz = join(staging, JSON.parse(first)[0].filename as string);
  execFileSync('tar', ['xzf', tgz, '-C', staging]);
  rmSync(tgz);
  mkdirSync(join(work, 'native'));
  mkdirSync(join(work, 'js'));
  tarNative = repack(staging, true, join(work, 'native'));
  tarJs = repack(staging, false, join(work, 'js'));
  mkdirSync(join(work, 'deps'));
  const deps = Object.keys(JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).dependencies ?? {});
  depTars = deps.map((d) => {
    const out = execFileSync(process.execPath, [npmCli, 'pack', '--ignore-scripts', '--json', '--pack-destination', join(work, 'deps'), join(root, 'node_modules', d)], {
      cwd: root,
      encoding: 'utf8',
    });
    return join(work, 'deps', JSON.parse(out)[0].filename as string);
  });
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm tarball', () => {
  it('is small and ships what a build from source needs', () => {
    expect(statSync(tarNative).size).toBeLessThan(5 * 1024 * 1024);
    const list = execFileSync('tar', ['tzf', tarNative], { encoding: 'utf8' }).split('\n');
    for (const f of ['package/dist/index.js', 'package/dist/index.mjs', 'package/dist/index.d.ts', 'package/dist/js.js',
      'package/binding.gyp', 'package/native/napi/module.cc', 'package/scripts/install.cjs',
      `package/prebuilds/${platformDir}/activation-kernels.node`]) {
      expect(list, f).toContain(f);
    }
    expect(list.some((f) => f.startsWith('package/test/'))).toBe(false);
  });

  it('installs offline with no compiler and runs natively from its prebuild', () => {
    const dir = consumer('with-prebuild');
    const r = bareNpm(['install', tarNative], dir);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const out = runNode(dir, `const ak = require('activation-kernels');${probe}`);
    expect(out.info.backend).toBe('native');
    expect(out.info.loadError).toBe(null);
    expect(out.relu).toEqual([0, 0, 0, 0.5, 2]);
    expect(out.y[2]).toBe(0.5);
    const esm = runNode(dir, `import * as ak from 'activation-kernels';${probe}`, true);
    expect(esm.info.backend).toBe('native');
    const dflt = runNode(dir, `import ak from 'activation-kernels';${probe}`, true);
    expect(dflt.info.backend).toBe('native');
    const js = runNode(dir, `const ak = require('activation-kernels/js');${probe}`);
    expect(js.info.backend).toBe('js');
    // Same numbers within the float32 contract (4 ULP), not necessarily the same bits.
    js.y.forEach((v: number, i: number) => expect(Math.abs(v - out.y[i])).toBeLessThanOrEqual(4 * 2 ** -24 * Math.abs(v) + 1e-45));
  });

  it('loads its prebuild even when no install script ran', () => {
    const dir = consumer('ignore-scripts');
    const r = bareNpm(['install', '--ignore-scripts', tarNative], dir);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const out = runNode(dir, `const ak = require('activation-kernels');${probe}`);
    expect(out.info.backend).toBe('native');
  });

  it('without a prebuild and without a compiler: the install succeeds and the JS twin runs, saying why', () => {
    const dir = consumer('no-prebuild');
    const r = bareNpm(['install', '--foreground-scripts', tarJs], dir);
    expect(r.status, r.stderr + r.stdout).toBe(0);
    const out = runNode(dir, `const ak = require('activation-kernels');${probe}`);
    expect(out.info.backend).toBe('js');
    expect(typeof out.info.loadError).toBe('string');
    expect(out.info.loadError.length).toBeGreaterThan(0);
    expect(out.relu).toEqual([0, 0, 0, 0.5, 2]);
    expect(out.y[2]).toBe(0.5);
    // The advice fits a dependency user: the repository's build script is not in the tarball.
    expect(out.info.loadError).not.toMatch(/npm run build:native/);
    expect(out.info.loadError).toMatch(/npm rebuild activation-kernels/);
    // The fallback is said once per process, on stderr, and choosing the twin silences it.
    const loud = sh(process.execPath, ['-e', "require('activation-kernels'); require('activation-kernels/js'); const { Worker } = require('node:worker_threads'); new Worker(\"require('activation-kernels')\", { eval: true })"], { cwd: dir, env: { ...process.env, ACTIVATION_KERNELS_BACKEND: '' } });
    expect(loud.status, loud.stderr).toBe(0);
    expect(loud.stderr.match(/ACTIVATION_KERNELS_FALLBACK/g)?.length, loud.stderr).toBe(1);
    expect(loud.stderr).toMatch(/pure-JS twin, 20-100x slower/);
    const quiet = sh(process.execPath, ['-e', "require('activation-kernels')"], { cwd: dir, env: { ...process.env, ACTIVATION_KERNELS_BACKEND: 'js' } });
    expect(quiet.stderr).not.toMatch(/ACTIVATION_KERNELS_FALLBACK/);
    // Whether npm ran the install hook depends on its script policy; if it did, it said so in one line.
    const said = (r.stdout + r.stderr).split('\n').filter((l) => l.includes('activation-kernels: native addon unavailable'));
    expect(said.length).toBeLessThanOrEqual(1);
    const env = { ...process.env, ACTIVATION_KERNELS_BACKEND: 'native' };
    const strict = sh(process.execPath, ['-e', "require('activation-kernels')"], { cwd: dir, env });
    expect(strict.status).not.toBe(0);
    expect(strict.stderr).toMatch(/ACTIVATION_KERNELS_BACKEND=native/);
  });

  it('gives consumers working types (tsc --noEmit on a small consumer file)', () => {
    const dir = consumer('types');
    const r = bareNpm(['install', '--ignore-scripts', tarNative], dir);
    expect(r.status, r.stderr).toBe(0);
    writeFileSync(join(dir, 'main.ts'), [
      "import * as ak from 'activation-kernels';",
      "import akjs from 'activation-kernels/js';",
      'const x = new Float32Array(8);',
      'const y: Float32Array = ak.sigmoid(x);',
      "const z: Float64Array = ak.elu(new Float64Array(4), { alpha: 0.5 });",
      "const g = ak.gelu(x, { approximate: 'tanh', out: y });",
      'const p: Promise<Float32Array> = ak.tanh.async(x);',
      'const i: string = ak.info().backend + akjs.info().isa;',
      '// @ts-expect-error unknown option names are type errors too',
      'ak.relu(x, { alpha: 1 });',
      "// @ts-expect-error gelu's approximate is 'none' | 'tanh'",
      "ak.gelu(x, { approximate: 'fast' });",
      'export { y, z, g, p, i };',
      '',
    ].join('\n'));
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: { strict: true, module: 'node16', moduleResolution: 'node16', target: 'ES2022', noEmit: true, types: [], lib: ['ES2022', 'DOM'] },
      files: ['main.ts'],
    }));
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const t = sh(process.execPath, [tsc, '-p', dir], { cwd: dir });
    expect(t.status, t.stdout + t.stderr).toBe(0);
  });
});

describe('baseline build', () => {
  it('has AVX instructions only in the per-ISA objects', () => {
    expect(process.platform === 'linux' && process.arch === 'x64', 'this check reads ELF objects of an x86-64 build').toBe(true);
    const objRoot = join(root, 'build', 'Release', 'obj.target');
    const objects: string[] = [];
    const walk = (d: string) => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith('.o')) objects.push(p);
      }
    };
    walk(objRoot);
    const isIsa = (p: string) => /ak_isa_(avx2|avx512)/.test(p);
    expect(objects.filter(isIsa).length).toBeGreaterThanOrEqual(2);
    const baseline = objects.filter((p) => !isIsa(p));
    expect(baseline.length).toBeGreaterThanOrEqual(3);
    const vexOrEvex = (text: string) =>
      text.split('\n').filter((line) => {
        const cols = line.split('\t');
        if (cols.length < 3) return false;
        const insn = cols[2].trim();
        return /^v[a-z]/.test(insn) || /%[yz]mm\d|%k[1-7]\b/.test(insn);
      });
    for (const o of baseline) {
      const bad = vexOrEvex(execFileSync('objdump', ['-d', '--no-show-raw-insn', '-M', 'att', o], { encoding: 'utf8', maxBuffer: 1 << 28 }).replace(/^\s*[0-9a-f]+:\t/gm, 'x\tx\t'));
      expect(bad.slice(0, 3), o).toEqual([]);
    }
    // The check itself must be able to see AVX: the AVX2 object has plenty.
    const avx2 = objects.find((p) => p.includes('ak_isa_avx2'))!;
    const seen = vexOrEvex(execFileSync('objdump', ['-d', '--no-show-raw-insn', '-M', 'att', avx2], { encoding: 'utf8', maxBuffer: 1 << 28 }).replace(/^\s*[0-9a-f]+:\t/gm, 'x\tx\t'));
    expect(seen.length).toBeGreaterThan(100);
  });
});

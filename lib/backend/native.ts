/**
 * Finds, loads and wraps the native addon as a Backend. Never throws: on any
 * failure it returns every path it tried and why each failed, and the caller
 * (lib/instance.ts) falls back to the JS twin.
 *
 * Lookup, relative to the package root (two directories above lib/backend/ and dist/backend/),
 * in node-gyp-build's order: build/Release/*.node, build/Debug/*.node (a
 * local build wins), then prebuilds/<platform>-<arch>/ with node-gyp-build's
 * tag rules (runtime, napi/abi, libc), most specific first.
 *
 * A binary is accepted only if its op list (native/registry/ops.inc, generated from the registry, via ops()) equals
 * the registry: a stale build would otherwise run the wrong op for an id.
 *
 * The backend declines (returns false for) what the binary has no kernel for;
 * lib/backend/compose.ts runs the JS twin then.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { Backend } from './backend';
import { unaryOps, unaryNames } from '../registry/ops';
import { poolBackend, type PoolBinding } from './pool';
import { backwardCalls, exprCalls, fusedCallsOf, shapedCallsOf, type CallsBinding } from './native-calls';
import type { FloatArray, StorageArray } from '../types';
import { rangeError } from '../validate/values';

/** ISA levels in the addon's index order (native/cpu.h `Isa`). */
export const ISA_LEVELS = ['scalar', 'avx2', 'avx512', 'neon'] as const;
export type IsaLevel = (typeof ISA_LEVELS)[number];

export interface NativeInfo {
  /** The level `unary` runs. */
  isa: string;
  /** Levels this CPU/OS runs and this binary contains, best first. */
  isas: string[];
  /** Levels compiled into this binary, best first. */
  compiled: string[];
  /** Why ACTIVATION_KERNELS_ISA was not honoured, or null. */
  isaError: string | null;
}

/** The addon's exports (native/napi/module.cc and unary.cc; the pool's: native/napi/async.cc, lib/backend/pool.ts; the rest: ./native-calls.ts). */
export interface Binding extends PoolBinding, CallsBinding {
  /** Returns false, writing nothing, when the op/dtype has no native kernel. */
  unary(id: number, x: StorageArray, y: StorageArray, a: number, b: number, fmt?: number): boolean;
  unaryIsa(level: number, id: number, x: StorageArray, y: StorageArray, a: number, b: number, fmt?: number): boolean;
  /** cap (tests): behave as if the CPU's best level had that index. */
  configure(isaRequest: string, cap?: number): NativeInfo;
  info(): NativeInfo;
  ops(): { name: string; params: string[] }[];
}

export interface NativeBackend extends Backend {
  readonly name: 'native';
  readonly binding: Binding;
  /** The .node file that loaded. */
  readonly file: string;
  /** The same backend pinned to another ISA level this machine runs (tests, benchmarks). */
  withIsa(level: string): NativeBackend;
}

export type NativeLoad = { backend: NativeBackend; error: null } | { backend: null; error: string };

/** The directory holding package.json, build/ and prebuilds/. */
export function packageRoot(): string {
  return path.resolve(__dirname, '..', '..');
}

function nodeFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.node'))
    .sort()
    .map((f) => path.join(dir, f));
}

interface GypBuildHelpers {
  parseTuple(name: string): { name: string; platforms: string; architectures: string[] } | undefined;
  matchTuple(platform: string, arch: string): (t: unknown) => boolean;
  compareTuples(a: unknown, b: unknown): number;
  parseTags(file: string): { file: string } | undefined;
  matchTags(runtime: string, abi: string): (t: unknown) => boolean;
  compareTags(runtime: string): (a: unknown, b: unknown) => number;
}

/** prebuilds/<platform>-<arch>/ binaries that fit this process, most specific first. */
function prebuildFiles(root: string, tried: string[]): string[] {
  const dir = path.join(root, 'prebuilds');
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    tried.push(`${dir}: no such directory`);
    return [];
  }
  let gyp: GypBuildHelpers | null = null;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    gyp = require('node-gyp-build') as GypBuildHelpers;
  } catch {
    gyp = null; // a plain directory listing below is the fallback
  }
  const { platform, arch } = process;
  if (!gyp) {
    const sub = path.join(dir, `${platform}-${arch}`);
    try {
      return nodeFiles(sub);
    } catch {
      tried.push(`${sub}: no such directory`);
      return [];
    }
  }
  const tuples = entries
    .map((e) => gyp.parseTuple(e))
    .filter((t): t is NonNullable<typeof t> => t !== undefined)
    .filter(gyp.matchTuple(platform, arch))
    .sort(gyp.compareTuples);
  if (tuples.length === 0) {
    tried.push(`${dir}: no directory for ${platform}-${arch} (has: ${entries.join(', ') || 'nothing'})`);
    return [];
  }
  const out: string[] = [];
  for (const t of tuples) {
    const sub = path.join(dir, t.name);
    const tags = fs
      .readdirSync(sub)
      .map((f) => gyp.parseTags(f))
      .filter((t): t is NonNullable<typeof t> => t !== undefined);
    const fit = tags.filter(gyp.matchTags('node', process.versions.modules)).sort(gyp.compareTags('node'));
    if (fit.length === 0) tried.push(`${sub}: no binary for this runtime/ABI/libc (has: ${tags.map((x) => x.file).join(', ') || 'nothing'})`);
    for (const f of fit) out.push(path.join(sub, f.file));
  }
  return out;
}

/** Every file the loader would try, in order; `tried` collects directories that gave nothing. */
export function candidateFiles(root: string = packageRoot(), tried: string[] = []): string[] {
  const files: string[] = [];
  for (const d of ['build/Release', 'build/Debug']) {
    const dir = path.join(root, d);
    try {
      const f = nodeFiles(dir);
      if (f.length === 0) tried.push(`${dir}: no .node file`);
      files.push(...f);
    } catch {
      tried.push(`${dir}: no such directory`);
    }
  }
  files.push(...prebuildFiles(root, tried));
  return files;
}

/** Why a binary's op list differs from the registry, or null when they agree. */
export function opsMismatch(ops: { name: string; params: string[] }[]): string | null {
  const want = unaryNames.map((n) => `${n}(${unaryOps[n].params.map((p) => p.name).join(',')})`);
  const got = ops.map((o) => `${o.name}(${o.params.join(',')})`);
  if (want.join(' ') === got.join(' ')) return null;
  const i = want.findIndex((w, k) => got[k] !== w);
  return `its op list differs from lib/registry/ops.ts at id ${i}: ${got[i] ?? 'nothing'} instead of ${want[i] ?? 'nothing'} (stale build? rebuild with npm run build:native)`;
}

function isBinding(b: unknown): b is Binding {
  const o = b as Record<string, unknown> | null;
  return !!o && ['unary', 'unaryIsa', 'configure', 'info', 'ops'].every((k) => typeof o[k] === 'function');
}

/**
 * What to do about a missing addon, for who is reading: in a checkout of this
 * repository the build script exists; in an installed dependency only
 * node-gyp's rebuild of the package does.
 */
function buildAdvice(root: string): string {
  const checkout = fs.existsSync(path.join(root, 'scripts', 'build-native.cjs'));
  return checkout
    ? 'Build it with `npm run build:native` (a C++17 compiler and Python are needed).'
    : 'No prebuilt binary fits this platform: with a C++17 compiler and Python, `npm rebuild activation-kernels` builds one ' +
        "(npm 11 runs the package's install script only once you approve it: `npm install-scripts approve activation-kernels`).";
}

let cached: { binding: Binding; file: string } | { error: string } | undefined;

/** Loads the first candidate that works, once per process (or per worker). */
export function loadBinding(): { binding: Binding; file: string } | { error: string } {
  if (cached) return cached;
  const root = packageRoot();
  const tried: string[] = [];
  for (const file of candidateFiles(root, tried)) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const b: unknown = require(file);
      if (!isBinding(b)) {
        tried.push(`${file}: loaded, but it is not this package's addon (missing exports)`);
        continue;
      }
      const bad = opsMismatch(b.ops());
      if (bad) {
        tried.push(`${file}: ${bad}`);
        continue;
      }
      cached = { binding: b, file };
      return cached;
    } catch (e) {
      tried.push(`${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    }
  }
  cached = {
    error:
      `no usable native addon for ${process.platform}-${process.arch} (node ${process.versions.node}, ` +
      `ABI ${process.versions.modules}). Tried: ${tried.join('; ')}. ` +
      buildAdvice(root),
  };
  return cached;
}

/**
 * Wraps a loaded binding as the Backend the API calls. `level` pins an ISA index
 * (withIsa); null runs the level configure() chose. Exported for tests.
 */
export function wrapBinding(binding: Binding, file: string, info: NativeInfo, level: number | null = null): NativeBackend {
  const unary =
    level === null
      ? (id: number, x: StorageArray, y: StorageArray, a: number, b: number, fmt = 0): boolean => binding.unary(id, x, y, a, b, fmt)
      : (id: number, x: StorageArray, y: StorageArray, a: number, b: number, fmt = 0): boolean => binding.unaryIsa(level, id, x, y, a, b, fmt);
  const isa = level === null ? info.isa : ISA_LEVELS[level];
  return {
    name: 'native',
    unary,
    isa,
    isas: info.isas.slice(),
    // Pool size and async calls (./pool.ts); a pinned level has no async entry
    // (the pool runs the active level), so its .async runs on the JS thread.
    ...(level === null ? poolBackend(binding) : { ...poolBackend(binding), unaryAsync: undefined }),
    // Backward passes, shaped ops, compiled expressions and stats() run the
    // active level only; a pinned level leaves them to the JS twin.
    ...(level === null ? { ...backwardCalls(binding), ...shapedCallsOf(binding), ...fusedCallsOf(binding), ...exprCalls(binding) } : {}),
    loadError: level === null ? info.isaError : null,
    binding,
    file,
    withIsa(want: string): NativeBackend {
      const k = (ISA_LEVELS as readonly string[]).indexOf(want);
      if (k < 0 || !info.isas.includes(want)) {
        throw rangeError('withIsa', `one of ${info.isas.map((s) => JSON.stringify(s)).join(', ')} (the levels this machine runs)`, 'level', want);
      }
      return wrapBinding(binding, file, info, k);
    },
  };
}

/**
 * The native backend, honouring ACTIVATION_KERNELS_ISA (a level this CPU
 * cannot run, or an unknown name, is reported in loadError and the best
 * available level runs).
 */
export function loadNative(isaRequest: string = process.env.ACTIVATION_KERNELS_ISA ?? ''): NativeLoad {
  const b = loadBinding();
  if ('error' in b) return { backend: null, error: b.error };
  try {
    const info = b.binding.configure(isaRequest.trim().toLowerCase());
    return { backend: wrapBinding(b.binding, b.file, info), error: null };
  } catch (e) {
    return { backend: null, error: `${b.file}: configure() failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}

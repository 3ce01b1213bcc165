/**
 * Building native test programs with g++ from vitest (test/expr-native.test.ts,
 * test/native-math.test.ts): the per-ISA flags, as binding.gyp gives its avx2 and
 * avx512 libraries, a g++ run that rejects with the compiler's output, and a
 * two-at-a-time compile of a list of units.
 */
import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';

/** Extra flags of a translation unit compiled for one ISA level (x64). */
export const ISA_FLAGS = {
  scalar: [] as string[],
  avx2: ['-mavx2', '-mfma', '-mf16c'],
  // -Wno-(maybe-)uninitialized: GCC 12 warns inside its own _mm512_undefined_*().
  avx512: ['-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-Wno-maybe-uninitialized', '-Wno-uninitialized'],
};

/** Runs g++ with args; resolves when it exits 0, rejects with its stderr otherwise. */
export function gxx(args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn('g++', args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => (err += d));
    p.on('error', reject);
    p.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`g++ ${args.join(' ')}\n${err}`))));
  });
}

/**
 * Compiles each unit (a source path and its own flags) with the common flags to
 * outDir/<name>.o, two compilers at a time (the machine is shared); the object paths, in
 * the units' order.
 */
export async function compileUnits(units: [string, string[]][], common: string[], outDir: string): Promise<string[]> {
  const objs = units.map(([src]) => join(outDir, basename(src).replace(/\.cc$/, '.o')));
  for (let i = 0; i < units.length; i += 2) {
    await Promise.all(units.slice(i, i + 2).map(([src, flags], k) => gxx([...common, ...flags, src, '-o', objs[i + k]])));
  }
  return objs;
}

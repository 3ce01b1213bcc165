import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// The numerics suite (test/numerics) runs once per backend: the JS twin, and
// (once the addon is built) the native addon at every ISA level this CPU has,
// each in its own project with the environment variables set at load.
const require = createRequire(import.meta.url);

/** Newest modification time of any file below `dir`. */
function newest(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

/**
 * The tests import the compiled package (dist/), as users do. `npm install` builds it
 * (the prepare script); this rebuilds it when lib/ changed since, so that `npm test`
 * never runs yesterday's JavaScript against today's sources.
 */
function ensureCompiled(): void {
  const entry = 'dist/index.js';
  if (existsSync(entry) && statSync(entry).mtimeMs >= newest('lib')) return;
  console.warn(`vitest.config: ${existsSync(entry) ? 'lib/ is newer than dist/' : 'dist/ is missing'}: running npm run build:ts`);
  execSync('npm run build:ts --silent', { stdio: 'inherit' });
}
ensureCompiled();

/**
 * The ISA levels the built addon runs on this machine, best first, read from the
 * addon itself (through the compiled loader, dist/native.js). Under CI a missing or
 * broken addon is an error: the native projects must never vanish silently.
 */
function nativeIsas(): string[] {
  try {
    const { loadBinding } = require('./dist/native.js') as typeof import('./lib/native');
    const b = loadBinding();
    if ('error' in b) throw new Error(b.error);
    return b.binding.info().isas;
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    if (process.env.CI) throw new Error(`vitest.config: the native addon must load under CI (run npm run build first): ${why}`);
    console.warn(`vitest.config: no native numerics projects (${why})`);
    return [];
  }
}

const backends: { name: string; env: Record<string, string> }[] = [
  { name: 'js', env: { ACTIVATION_KERNELS_BACKEND: 'js' } },
  ...nativeIsas().map((isa) => ({
    name: `native-${isa}`,
    env: { ACTIVATION_KERNELS_BACKEND: 'native', ACTIVATION_KERNELS_ISA: isa },
  })),
];

export default defineConfig({
  test: {
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/*.test.ts'] },
      },
      ...backends.map((b) => ({
        extends: true,
        test: { name: `numerics-${b.name}`, include: ['test/numerics/**/*.test.ts'], env: b.env },
      })),
    ],
  },
});

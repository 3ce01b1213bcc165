import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

// The numerics suite (test/numerics) runs once per backend: the JS twin, and
// (once the addon is built) the native addon at every ISA level this CPU has,
// each in its own project with the environment variables set at load.
const require = createRequire(import.meta.url);

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

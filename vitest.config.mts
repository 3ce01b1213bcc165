import { defineConfig } from 'vitest/config';

// The numerics suite (test/numerics) runs once per backend: the JS twin, and
// (once the addon is built) the native addon at every ISA level this CPU has,
// each in its own project with the environment variables set at load.
const backends: { name: string; env: Record<string, string> }[] = [
  { name: 'js', env: { ACTIVATION_KERNELS_BACKEND: 'js' } },
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

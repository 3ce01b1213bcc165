/**
 * ISA dispatch as a user sees it: ACTIVATION_KERNELS_ISA read at load (each case in
 * its own child process, as the variable is only read once), the refusal of a level
 * the CPU lacks, and every level giving the same exact-op results in one process.
 */
import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { loadBinding, loadNative, ISA_LEVELS } from '../lib/backend/native';
import { unaryOps, unaryNames } from '../lib/registry/ops';

const root = join(__dirname, '..');

function binding() {
  const b = loadBinding();
  if ('error' in b) throw new Error(b.error);
  return b.binding;
}

/** info() of a fresh process that loads the built package with `env` added. */
function infoWith(env: Record<string, string>, extra = ''): Record<string, unknown> {
  const code = `const ak = require(${JSON.stringify(join(root, 'dist/index.js'))}); ${extra}
    process.stdout.write(JSON.stringify(ak.info()));`;
  const out = execFileSync(process.execPath, ['-e', code], {
    env: { ...process.env, ACTIVATION_KERNELS_BACKEND: '', ACTIVATION_KERNELS_ISA: '', ...env },
    encoding: 'utf8',
  });
  return JSON.parse(out) as Record<string, unknown>;
}

describe('ISA selection at load', () => {
  const isas = binding().info().isas;

  it('picks the best level by default and lists what the CPU runs, best first', () => {
    const info = infoWith({});
    expect(info.backend).toBe('native');
    expect(info.isa).toBe(isas[0]);
    expect(info.isas).toEqual(isas);
    expect(info.loadError).toBeNull();
    expect(isas[isas.length - 1]).toBe('scalar');
    for (const l of isas) expect(ISA_LEVELS).toContain(l);
  });

  it.each(isas)('ACTIVATION_KERNELS_ISA=%s runs that level', (level) => {
    const info = infoWith({ ACTIVATION_KERNELS_ISA: level, ACTIVATION_KERNELS_BACKEND: 'native' });
    expect(info).toMatchObject({ backend: 'native', isa: level, loadError: null });
  });

  it('an unknown level is reported and the best level runs', () => {
    const info = infoWith({ ACTIVATION_KERNELS_ISA: 'sse9' });
    expect(info.isa).toBe(isas[0]);
    expect(info.loadError).toMatch(/ACTIVATION_KERNELS_ISA="sse9" is not one of scalar, avx2, avx512, neon; using/);
  });

  it('a level above the CPU is refused, reported, and the best available runs', () => {
    // cap 0: behave as on a CPU with no AVX at all.
    const out = execFileSync(
      process.execPath,
      ['-e', `const b = require(${JSON.stringify((loadBinding() as { file: string }).file)});
        process.stdout.write(JSON.stringify([b.configure('avx2', 0), b.configure('avx512', 1), b.configure('scalar', 0)]));`],
      { encoding: 'utf8' },
    );
    const [a, b, c] = JSON.parse(out) as { isa: string; isas: string[]; isaError: string | null }[];
    expect(a.isa).toBe('scalar');
    expect(a.isas).toEqual(['scalar']);
    expect(a.isaError).toBe('ACTIVATION_KERNELS_ISA=avx2 is above what this CPU and OS support; using scalar');
    if (isas.includes('avx2')) {
      expect(b.isa).toBe('avx2');
      expect(b.isaError).toMatch(/avx512 is above .* using avx2/);
    }
    expect(c).toMatchObject({ isa: 'scalar', isaError: null });
  });

  it('ACTIVATION_KERNELS_BACKEND=js never loads the addon', () => {
    const info = infoWith({ ACTIVATION_KERNELS_BACKEND: 'js' }, '');
    expect(info).toMatchObject({ backend: 'js', isa: 'js' });
  });

  it('an unknown ACTIVATION_KERNELS_BACKEND is warned about, as the ISA and thread variables are, and ignored', () => {
    const r = spawnSync(process.execPath, ['-e', `const ak = require(${JSON.stringify(join(root, 'dist/index.js'))}); process.stdout.write(JSON.stringify(ak.info()))`], {
      env: { ...process.env, ACTIVATION_KERNELS_BACKEND: 'gpu', ACTIVATION_KERNELS_ISA: '' },
      encoding: 'utf8',
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/ACTIVATION_KERNELS_BACKEND="gpu" is not one of auto, native, js; choosing automatically/);
    expect(JSON.parse(r.stdout)).toMatchObject({ backend: 'native' });
  });

  it('withIsa runs each level side by side and refuses the others', () => {
    const nb = loadNative('').backend!;
    expect(nb).not.toBeNull();
    for (const l of isas) expect(nb.withIsa(l).isa).toBe(l);
    expect(() => nb.withIsa('avx1024')).toThrow(RangeError);
  });

  it('every level gives bit-identical results for the exact ops', () => {
    const nb = loadNative('').backend!;
    const n = 4099;
    for (const Ctor of [Float32Array, Float64Array]) {
      const x = new Ctor(n);
      for (let i = 0; i < n; i++) x[i] = (i % 7 === 0 ? 1e-3 : 1) * (((i * 7919) % 2003) / 100 - 10);
      x[1] = NaN; x[2] = -0; x[3] = Infinity; x[4] = -Infinity; x[5] = 3; x[6] = -3; x[8] = 6;
      unaryNames.forEach((name, id) => {
        if (!unaryOps[name].exact) return;
        const params = unaryOps[name].params.map((p) => (p.kind === 'number' ? p.default : 0));
        const [a, b] = [params[0] ?? 0, params[1] ?? 0].map((v) => (Ctor === Float32Array ? Math.fround(v) : v));
        const outs = isas.map((l) => {
          const y = new Ctor(n);
          nb.withIsa(l).unary(id, x, y, a, b);
          return Array.from(y, (v) => (Object.is(v, -0) ? '-0' : String(v)));
        });
        for (let k = 1; k < outs.length; k++) expect(outs[k], `${name} ${isas[k]} vs ${isas[0]}`).toEqual(outs[0]);
      });
    }
  });
});

// bench/vs-base.cjs end to end on a tiny configuration, against this checkout
// itself as the base: every op both builds have gets a forward and a backward
// row, and bad arguments exit with code 2 and a message. No timing is asserted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const script = join(root, 'bench', 'vs-base.cjs');
const run = (args: string[]) => spawnSync(process.execPath, [script, ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ACTIVATION_KERNELS_BACKEND: '' } });

describe('bench/vs-base.cjs', () => {
  it('compares every chosen op, both passes, and writes JSON', () => {
    const json = join(mkdtempSync(join(tmpdir(), 'ak-vs-base-')), 'r.json');
    const r = run(['--base', root, '--ops', 'relu,threshold,gelu:tanh,softmax,prelu', '--sizes', '4096', '--batches', '2', '--ms', '0.2', '--json', json]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const rows = (JSON.parse(readFileSync(json, 'utf8')) as { rows: { key: string; pass: string; ratio: number }[] }).rows;
    expect(rows.map((x) => `${x.key} ${x.pass}`).sort()).toEqual(
      ['gelu:tanh', 'prelu', 'relu', 'softmax', 'threshold'].flatMap((k) => [`${k} backward`, `${k} forward`]).sort());
    for (const x of rows) expect(x.ratio).toBeGreaterThan(0);
    expect(r.stdout).toMatch(/10 rows; geomean new\/base/);
  });
  it('refuses a missing base, unknown options and bad values with exit code 2', () => {
    for (const args of [[], ['--base', root, '--nope'], ['--base', root, '--threads', '0'], ['--base', root, '--sizes', 'big'], ['--base', root, '--passes', 'up']]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/vs-base|usage/);
    }
  });
});

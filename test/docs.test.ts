// Every JavaScript and TypeScript code block of the README and of docs/*.md runs here,
// so the documentation cannot drift from the API. A block runs as its own module, from
// a file inside this checkout, so that `import 'activation-kernels'` resolves to the
// package itself (Node's self-reference through package.json "exports") exactly as it
// does in a user's project. TypeScript blocks are compiled with --strict first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '..');
const work = join(root, '.doctest');
const require = createRequire(join(root, 'package.json'));

interface Block {
  doc: string;
  line: number;
  lang: 'js' | 'ts';
  peer?: string;
  code: string;
}

const LANGS: Record<string, 'js' | 'ts'> = { js: 'js', javascript: 'js', mjs: 'js', cjs: 'js', ts: 'ts', typescript: 'ts' };

export function extractBlocks(doc: string, text: string): Block[] {
  const blocks: Block[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && /^```\s*$/.test(l));
    if (end < 0) throw new Error(`${doc}:${i + 1}: unterminated code block`);
    const lang = LANGS[open[1]];
    if (lang) {
      const peer = /(?:^|\s)peer=(\S+)/.exec(open[2])?.[1];
      blocks.push({ doc, line: i + 1, lang, peer, code: lines.slice(i + 1, end).join('\n') + '\n' });
    }
    i = end;
  }
  return blocks;
}

const docs = ['README.md', ...readdirSync(join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];
const blocks = docs.flatMap((d) => extractBlocks(d, readFileSync(join(root, d), 'utf8')));

/** The packages a block imports or requires, other than Node's own and this package. */
function foreignImports(code: string): string[] {
  const names = [...code.matchAll(/(?:from\s+|import\s*\(\s*|require\s*\(\s*)['"]([^'"]+)['"]/g)].map((m) => m[1]);
  return [...new Set(names)].filter((n) => {
    const bare = n.replace(/^node:/, '');
    return !builtinModules.includes(bare) && n !== 'activation-kernels' && !n.startsWith('activation-kernels/');
  });
}

function installed(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

function fileName(b: Block, ext: string): string {
  return `${b.doc.replace(/[/.]/g, '_')}-L${b.line}.${ext}`;
}

function run(file: string, extra: string[] = []) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('ACTIVATION_KERNELS_')) delete env[k];
  return spawnSync(process.execPath, [...extra, file], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
}

function outcome(r: ReturnType<typeof run>): string {
  return `exit ${r.status}${r.signal ? ` (${r.signal})` : ''}\n${r.stderr}`;
}

mkdirSync(work, { recursive: true });

describe('documentation code blocks', () => {
  it('finds the blocks of the README and the guide', () => {
    expect(blocks.filter((b) => b.doc === 'README.md').length).toBeGreaterThanOrEqual(4);
    expect(blocks.filter((b) => b.doc === 'docs/guide.md').length).toBeGreaterThanOrEqual(5);
  });

  for (const b of blocks.filter((x) => x.lang === 'js')) {
    const label = `${b.doc}:${b.line}`;
    it(`${label} runs`, () => {
      const foreign = foreignImports(b.code);
      // A block that needs a library the package does not depend on must say so in its info string.
      expect(foreign.filter((f) => f !== b.peer && !f.startsWith(`${b.peer}/`)), `${label}: tag the block peer=NAME`).toEqual([]);
      const esm = /^\s*import\s/m.test(b.code) || /\bawait\b/.test(b.code) || !/\brequire\s*\(/.test(b.code);
      const file = join(work, fileName(b, esm ? 'mjs' : 'cjs'));
      writeFileSync(file, b.code);
      if (b.peer && !installed(b.peer)) {
        // Without the peer only the syntax can be checked; `npm run bench:peers` installs it.
        const r = run(file, ['--check']);
        expect(r.status, `${label}: ${outcome(r)}`).toBe(0);
        return;
      }
      const r = run(file);
      expect(r.status, `${label}: ${outcome(r)}`).toBe(0);
    });
  }

  const tsBlocks = blocks.filter((b) => b.lang === 'ts');
  it('TypeScript blocks compile under --strict and run', () => {
    expect(tsBlocks.length).toBeGreaterThan(0);
    const src = join(work, 'ts');
    const out = join(work, 'ts-out');
    rmSync(src, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
    mkdirSync(src, { recursive: true });
    for (const b of tsBlocks) writeFileSync(join(src, fileName(b, 'mts')), b.code);
    // Proof that the compiler really checks the package's types: a misspelled option must
    // be an error, or the @ts-expect-error line fails the build.
    writeFileSync(
      join(src, 'harness-negative.mts'),
      "import * as ak from 'activation-kernels';\n// @ts-expect-error alhpa is not a parameter of elu\nak.elu(new Float32Array(1), { alhpa: 1 });\n",
    );
    writeFileSync(
      join(work, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: 'es2022',
          module: 'nodenext',
          moduleResolution: 'nodenext',
          types: ['node'],
          typeRoots: [join(root, 'node_modules/@types')],
          outDir: out,
          rootDir: src,
        },
        include: [join(src, '*.mts')],
      }),
    );
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', join(work, 'tsconfig.json')], {
      cwd: root,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(tsc.status, `tsc: ${tsc.stdout}${tsc.stderr}`).toBe(0);
    for (const b of tsBlocks) {
      const file = join(out, fileName(b, 'mjs'));
      expect(existsSync(file), relative(root, file)).toBe(true);
      const r = run(file);
      expect(r.status, `${b.doc}:${b.line}: ${outcome(r)}`).toBe(0);
    }
  });
});

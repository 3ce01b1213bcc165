#!/usr/bin/env node
// node bench/mca.cjs [--out FILE] -- llvm-mca's steady-state estimate of the main kernel
// loops (bench/mca/loops.cc: one vector per iteration of relu, sigmoid, tanh, gelu, silu,
// the softmax row pass) on NEON for neoverse-v1, neoverse-n1 and apple-m1, next to the
// same loops from the same source on AVX2 and AVX-512 for znver4 and icelake-server.
// Each level is compiled once with clang -O3 (its ISA flags only, as binding.gyp); each
// region is cut from its marker to the first end marker in layout order, which is the
// path where every lane is ordinary (the kernels branch out for rare lanes: NaN, tails
// past the polynomial range), and llvm-mca runs it for 200 iterations. Cycles per
// element = cycles per iteration / lanes. These are model estimates, not measurements
// (nothing here runs on an arm64 CPU); scripts/cross/toolchain.cjs installs llvm-19.
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const tc = require('../scripts/cross/toolchain.cjs');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');

const LEVELS = [
  { name: 'neon', triple: 'aarch64', flags: ['--target=aarch64-linux-gnu', '-DAK_ISA_NEON=1'], lanes32: 4, cpus: ['neoverse-v1', 'neoverse-n1', 'apple-m1'] },
  { name: 'avx2', triple: 'x86_64', flags: ['-mavx2', '-mfma', '-DAK_ISA_AVX2=1'], lanes32: 8, cpus: ['znver4', 'icelake-server'] },
  { name: 'avx512', triple: 'x86_64', flags: ['-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-DAK_ISA_AVX512=1'], lanes32: 16, cpus: ['znver4', 'icelake-server'] },
];

function sh(cmd, argv) {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')}\n${r.stderr}`);
  return r.stdout;
}

/** The regions of an assembly listing: name -> instruction lines (labels and directives dropped). */
function regions(asm) {
  const out = new Map();
  let open = null;
  for (const raw of asm.split('\n')) {
    const line = raw.trim();
    const m = /^(?:\/\/|#) LLVM-MCA-(BEGIN|END) (\w+)$/.exec(line);
    if (m) {
      if (m[1] === 'BEGIN' && !out.has(m[2])) (open = m[2]), out.set(open, []);
      else if (m[1] === 'END' && m[2] === open) open = null;
      continue;
    }
    if (!open || line === '' || /^[.\w$]+:/.test(line) || line.startsWith('.') || /^(\/\/|#|;)/.test(line)) continue;
    out.get(open).push(line);
  }
  return out;
}

function cyclesPerIteration(mca, triple, cpu, body) {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'ak-mca-')), 'r.s');
  fs.writeFileSync(file, body.join('\n') + '\n');
  const out = sh(mca, [`-mtriple=${triple}`, `-mcpu=${cpu}`, '-iterations=200', '-summary-view', file]);
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  const cycles = Number(/Total Cycles:\s+(\d+)/.exec(out)[1]);
  const iters = Number(/Iterations:\s+(\d+)/.exec(out)[1]);
  return cycles / iters;
}

function main() {
  const t = tc.tools(['mca']).mca;
  const table = new Map(); // region -> { level/cpu: cycles per iteration }
  const counts = new Map();
  for (const L of LEVELS) {
    const asm = sh(t.clang, ['-std=c++17', '-O3', '-ffp-contract=off', ...L.flags, '-S', '-o', '-', path.join(__dirname, 'mca', 'loops.cc')]);
    for (const [name, body] of regions(asm)) {
      if (!table.has(name)) table.set(name, {}), counts.set(name, {});
      counts.get(name)[L.name] = body.length;
      for (const cpu of L.cpus) table.get(name)[`${L.name}/${cpu}`] = cyclesPerIteration(t.mca, L.triple, cpu, body);
    }
  }
  const cols = LEVELS.flatMap((L) => L.cpus.map((c) => ({ key: `${L.name}/${c}`, L })));
  const version = sh(t.mca, ['--version']).match(/LLVM version ([\d.]+)/)[1];
  const cc = sh(t.clang, ['--version']).split('\n')[0];
  const lines = [
    `llvm-mca ${version} estimates from \`node bench/mca.cjs\` (${cc}, -O3 -ffp-contract=off). Cycles per element`,
    '(cycles per loop iteration / lanes; one vector per iteration) in the path where every lane is ordinary;',
    'in brackets, instructions per iteration (neon/avx2/avx512, loop control included). Last columns: each',
    "NEON CPU's cycles per vector over AVX2's on icelake-server: the issue's target, NEON within 1.5x of AVX2",
    "at equal vector width, is a ratio of at most 1.5.",
    '',
    `| loop | ${cols.map((c) => c.key).join(' | ')} | ${LEVELS[0].cpus.map((c) => `${c} / avx2`).join(' | ')} |`,
    `|---|${cols.map(() => '---:').join('|')}|${LEVELS[0].cpus.map(() => '---:').join('|')}|`,
  ];
  for (const [name, row] of table) {
    const f64 = name.endsWith('_f64');
    const cell = (c) => {
      const lanes = f64 ? c.L.lanes32 / 2 : c.L.lanes32;
      return (row[c.key] / lanes).toFixed(2);
    };
    const n = counts.get(name);
    const ratios = LEVELS[0].cpus.map((c) => (row[`neon/${c}`] / row['avx2/icelake-server']).toFixed(2));
    lines.push(`| ${name} [${LEVELS.map((L) => n[L.name]).join('/')}] | ${cols.map(cell).join(' | ')} | ${ratios.join(' | ')} |`);
  }
  const text = lines.join('\n') + '\n';
  process.stdout.write(text);
  if (outAt >= 0) fs.writeFileSync(args[outAt + 1], text);
}

main();

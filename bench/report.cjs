'use strict';
/**
 * Text and Markdown renderings of a results object (see harness.cjs). A
 * comparison that is not significant at the report's level is printed as
 * "n.s." with its ratio and interval, never as a win or a loss.
 */

const MODE_TITLE = {
  out: 'out of place, into a preallocated `out`',
  alloc: 'allocating (no `out`: a new array per call)',
};

function fmtNum(v, digits = 3) {
  if (v === null || v === undefined || Number.isNaN(v)) return '–';
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  if (a === 0) return '0';
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(a)));
  return v.toFixed(Math.min(decimals, 6));
}

function fmtTime(ns) {
  if (ns < 1e3) return `${fmtNum(ns)} ns`;
  if (ns < 1e6) return `${fmtNum(ns / 1e3)} µs`;
  if (ns < 1e9) return `${fmtNum(ns / 1e6)} ms`;
  return `${fmtNum(ns / 1e9)} s`;
}

function fmtSize(n) {
  if (n >= 1 << 20 && n % (1 << 20) === 0) return `${n / (1 << 20)}M`;
  if (n >= 1024 && n % 1024 === 0) return `${n / 1024}K`;
  return String(n);
}

/** "×2.31 faster [2.20–2.45]", "×0.43 slower [...]" or "n.s. ×1.02 [0.95–1.10]". */
function fmtCompare(c) {
  if (!c) return '';
  const body = `×${fmtNum(c.speedup)} [${fmtNum(c.ci[0])}–${fmtNum(c.ci[1])}]`;
  if (!c.significant) return `n.s. ${body}`;
  return `${c.verdict} ${body}`;
}

function opTitle(results, op) {
  return results.config.pass === 'backward' ? `${op}.backward` : op;
}

function implLabels(results) {
  const m = new Map();
  for (const i of results.implementations) m.set(i.id, i.label);
  return m;
}

const ALL_COLUMNS = [
  ['n', (c, r) => fmtSize(c.size)],
  ['implementation', (c, r, labels) => labels.get(r.id) ?? r.id],
  ['time/call', (c, r) => fmtTime(r.time.median)],
  ['M elem/s', (c, r) => fmtNum(r.melemPerS.median)],
  ['95% CI', (c, r) => `${fmtNum(r.melemPerS.ci[0])}–${fmtNum(r.melemPerS.ci[1])}`],
  ['min–max', (c, r) => `${fmtNum((c.size / r.time.max) * 1e3)}–${fmtNum((c.size / r.time.min) * 1e3)}`],
  ['GB/s', (c, r) => fmtNum(r.gbPerS)],
  ['% fastest copy', (c, r) => (r.pctCopy === null ? '–' : `${fmtNum(r.pctCopy)}%`)],
  ['cpu/wall', (c, r) => (r.cpuShare === undefined ? '–' : r.cpuShare.toFixed(2))],
  ['vs best peer', (c, r) => (r.vsBestPeer ? `${fmtCompare(r.vsBestPeer)} (${r.vsBestPeer.peer})` : '')],
  ['vs JS twin', (c, r) => fmtCompare(r.vsJs)],
];

/** Whether any figure has a peer library (onnxruntime-node, tfjs) in it. */
function hasPeers(results) {
  return results.cells.some((c) => c.rows.some((r) => r.kind === 'peer'));
}

/** The columns of this run: no "vs best peer" when no peer ran (the header offers npm run bench:peers instead). */
function columns(results) {
  return hasPeers(results) ? ALL_COLUMNS : ALL_COLUMNS.filter(([h]) => h !== 'vs best peer');
}

const PEERS_OFFER = 'no peer library installed (onnxruntime-node, tfjs-backend-wasm): `npm run bench:peers` installs them for a "vs best peer" column; `npm run bench:peers -- --native` compares the kernels with oneDNN, XNNPACK and PyTorch';

/** The package's row of a cell: what `require('activation-kernels')` runs (the native default entry, else the JS twin). */
function packageRow(c) {
  return c.rows.find((x) => x.id === 'native') ?? c.rows.find((x) => x.id === 'js');
}

function geomean(v) {
  return v.length ? Math.exp(v.reduce((a, x) => a + Math.log(x), 0) / v.length) : NaN;
}

/**
 * The end of the run in a few lines: per mode and size, the geometric mean
 * over ops of the package's speedup against the best peer present (with how
 * many of those comparisons are significant each way) and against the naive
 * JS loop.
 */
function summary(results) {
  const labels = implLabels(results);
  const lines = [];
  for (const mode of results.config.modes) {
    for (const size of results.config.sizes) {
      const cells = results.cells.filter((c) => c.mode === mode && c.size === size);
      const pk = cells.map(packageRow).filter(Boolean);
      if (!pk.length) continue;
      const who = labels.get(pk[0].id) ?? pk[0].id;
      const parts = [];
      const naive = cells.map((c) => {
        const p = packageRow(c);
        const n = c.rows.find((x) => x.id === 'naive');
        return p && n ? n.time.median / p.time.median : null;
      }).filter((v) => v !== null);
      if (naive.length) parts.push(`×${fmtNum(geomean(naive))} vs the naive JS loop (${naive.length} ops)`);
      const vs = pk.map((p) => p.vsBestPeer).filter(Boolean);
      if (vs.length) {
        const up = vs.filter((v) => v.significant && v.speedup > 1).length;
        const down = vs.filter((v) => v.significant && v.speedup < 1).length;
        parts.push(`×${fmtNum(geomean(vs.map((v) => v.speedup)))} vs the best peer (${vs.length} ops: faster in ${up}, slower in ${down}, n.s. ${vs.length - up - down})`);
      }
      if (parts.length) lines.push(`n=${fmtSize(size)} ${mode}: ${who}: ${parts.join('; ')}`);
    }
  }
  if (!hasPeers(results)) lines.push(PEERS_OFFER);
  return lines;
}

/** Cells grouped by mode, then op, in the order they were run. */
function groups(results) {
  const out = [];
  for (const mode of results.config.modes) {
    for (const op of results.config.ops) {
      const cells = results.cells.filter((c) => c.mode === mode && c.op === op);
      if (cells.length) out.push({ mode, op, cells });
    }
  }
  return out;
}

function header(results) {
  const m = results.machine;
  const lines = [
    `activation-kernels benchmark, ${results.startedAt.slice(0, 10)}: ${m.cpu} (${m.logicalCpus} logical CPUs${m.cpuFlags ? `; ${m.cpuFlags.join(' ')}` : ''}), Node ${m.node}, ${results.config.dtype}`,
    `package backend: ${m.package && m.package.backend ? `${m.package.backend} (ISA ${m.package.isa}, ${m.package.threads} thread(s))` : 'unavailable'}${m.git ? `, commit ${m.git.commit}${m.git.dirty ? ' + local changes' : ''}` : ''}; load average at start ${m.loadavg.start.map((v) => v.toFixed(2)).join(' ')}, at end ${m.loadavg.end.map((v) => v.toFixed(2)).join(' ')}`,
    `${results.config.samples} samples of ≥ ${results.config.minSampleMs} ms per figure, implementations alternated; ${results.config.clock === 'cpu' ? 'process CPU time (all threads)' : 'wall-clock time'}; medians with 95% bootstrap CIs; ratios are speedups (>1: faster), "n.s." = not significant at p < 0.01 (Mann-Whitney U); cpu/wall: CPU time over wall time (below 1: waited for a core)`,
    `noise: a typical figure's samples spread over ${fmtNum(noise(results))}% of its median (max − min over samples, median over figures)`,
    '% fastest copy: the copy\'s time over the call\'s, against the faster of the two copies at that size (out.set inside the caches; the streamed copy, whose stores do not read the output first, past them)',
  ];
  const noPeer = !results.implementations.some((i) => i.kind === 'peer' && i.available);
  for (const i of results.implementations) {
    if (noPeer && i.kind === 'peer') continue;
    lines.push(i.available ? `  ${i.label}${i.version ? ` ${i.version}` : ''}: ${i.notes ?? ''}` : `  ${i.label}: absent (${i.reason})`);
  }
  if (noPeer) lines.push(PEERS_OFFER);
  return lines;
}

/** Median over all figures of (max − min) / median of their samples, in percent: how quiet the machine was. */
function noise(results) {
  const spreads = [];
  for (const c of results.cells) for (const r of c.rows) if (r.time.n > 1) spreads.push((100 * (r.time.max - r.time.min)) / r.time.median);
  if (!spreads.length) return NaN;
  spreads.sort((a, b) => a - b);
  const m = spreads.length >> 1;
  return spreads.length % 2 ? spreads[m] : (spreads[m - 1] + spreads[m]) / 2;
}

function pad(s, w) {
  const len = [...s].length;
  return s + ' '.repeat(Math.max(0, w - len));
}

/** The plain-text table for stdout. */
function text(results) {
  const labels = implLabels(results);
  const lines = header(results);
  for (const g of groups(results)) {
    lines.push('', `${opTitle(results, g.op)} (${results.config.dtype}), ${MODE_TITLE[g.mode]}`);
    const cols = columns(results);
    const rows = [cols.map(([h]) => h)];
    for (const c of g.cells) for (const r of c.rows) rows.push(cols.map(([, f]) => f(c, r, labels)));
    const widths = cols.map((_, k) => Math.max(...rows.map((row) => [...row[k]].length)));
    for (const row of rows) lines.push('  ' + row.map((s, k) => pad(s, widths[k])).join('  ').trimEnd());
  }
  if (results.skipped.length) {
    lines.push('', 'not measured:');
    for (const s of results.skipped) lines.push(`  ${labels.get(s.impl) ?? s.impl} / ${s.op}: ${s.reason}`);
  }
  const off = [];
  for (const c of results.cells) {
    for (const r of c.rows) if (!(r.deviation <= 1e-3)) off.push(`  ${labels.get(r.id) ?? r.id} / ${c.op} n=${c.size}: max deviation from the JS twin ${r.deviation}`);
  }
  if (off.length) lines.push('', 'results that differ from the JS twin by more than 1e-3 (relative, or absolute below 1):', ...off);
  const sum = summary(results);
  if (sum.length) lines.push('', `summary (geometric means over ops${results.config.pass === 'backward' ? ', backward pass' : ''}; ${Math.round((Date.parse(results.finishedAt) - Date.parse(results.startedAt)) / 1000)} s):`, ...sum.map((l) => `  ${l}`));
  return lines.join('\n') + '\n';
}

function mdEscape(s) {
  return s.replace(/\|/g, '\\|');
}

/** The same tables in Markdown, plus one summary matrix (M elem/s, op × implementation) per mode and size. */
function markdown(results) {
  const labels = implLabels(results);
  const lines = header(results).map((l) => (l.startsWith('  ') ? `- ${l.trim()}` : `${l}\n`));
  const sum = summary(results);
  if (sum.length) lines.push('', '### Summary (geometric means over ops)', '', ...sum.map((l) => `- ${l}`));
  const peers = hasPeers(results);
  const ids = results.implementations.filter((i) => i.available).map((i) => i.id);
  for (const mode of results.config.modes) {
    for (const size of results.config.sizes) {
      const cells = results.cells.filter((c) => c.mode === mode && c.size === size);
      if (!cells.length) continue;
      const present = ids.filter((id) => cells.some((c) => c.rows.some((r) => r.id === id)));
      lines.push('', `### M elements/s${results.config.pass === 'backward' ? ' (backward pass)' : ''}, n = ${fmtSize(size)}, ${results.config.dtype}, ${MODE_TITLE[mode]}`, '');
      lines.push(`| op | ${present.map((id) => mdEscape(labels.get(id) ?? id)).join(' | ')} |${peers ? ' package vs best peer |' : ''}`);
      lines.push(`|---|${present.map(() => '---:').join('|')}|${peers ? '---|' : ''}`);
      for (const c of cells) {
        const cols = present.map((id) => {
          const r = c.rows.find((x) => x.id === id);
          return r ? fmtNum(r.melemPerS.median) : '';
        });
        const pkg = packageRow(c);
        const vs = pkg && pkg.vsBestPeer ? `${fmtCompare(pkg.vsBestPeer)} (${labels.get(pkg.vsBestPeer.peer) ?? pkg.vsBestPeer.peer})` : '';
        lines.push(`| ${c.op} | ${cols.join(' | ')} |${peers ? ` ${mdEscape(vs)} |` : ''}`);
      }
    }
  }
  lines.push('', '### Every figure', '');
  for (const g of groups(results)) {
    lines.push('', `#### ${opTitle(results, g.op)} (${results.config.dtype}), ${MODE_TITLE[g.mode]}`, '');
    const cols = columns(results);
    lines.push(`| ${cols.map(([h]) => h).join(' | ')} |`);
    lines.push(`|${cols.map(() => '---').join('|')}|`);
    for (const c of g.cells) for (const r of c.rows) lines.push(`| ${cols.map(([, f]) => mdEscape(f(c, r, labels))).join(' | ')} |`);
  }
  if (results.skipped.length) {
    lines.push('', 'Not measured:', '');
    for (const s of results.skipped) lines.push(`- ${labels.get(s.impl) ?? s.impl} / ${s.op}: ${s.reason}`);
  }
  return lines.join('\n') + '\n';
}

module.exports = { text, markdown, summary, noise, geomean, fmtNum, fmtTime, fmtSize, fmtCompare };

'use strict';
/**
 * Text and Markdown tables of a kernel-bench run (bench/kernels.cjs): one
 * table per thread count, pass and size, M elements/s medians per
 * implementation, and the package's ratio to the fastest peer present with
 * its significance (Mann-Whitney U over the samples, as bench/report.cjs);
 * then the geometric means of those ratios, per table.
 */
const stats = require('../stats.cjs');
const { fmtNum, fmtSize, fmtTime, geomean } = require('../report.cjs');

/** Results further than this from the JS twin (relative, absolute below 1) compute something else: listed, never hidden. */
const DEVIATION_LIMIT = 1e-3;

function peerLabels(results) {
  const m = new Map([['package', 'package'], ['set', 'Node out.set(x)']]);
  for (const p of results.peers) m.set(p.id, p.id === 'floor' ? 'C streamed copy' : p.label);
  return m;
}

/** The peers and references with at least one figure in `cells`, in table order. */
function presentPeers(results, cells) {
  return results.peers.filter((p) => p.kind !== 'floor' && cells.some((c) => c.rows.some((r) => r.id === p.id)));
}

function kindOf(results, id) {
  return results.peers.find((p) => p.id === id)?.kind;
}

function tables(results) {
  const out = [];
  for (const threads of results.config.threads) {
    for (const pass of results.config.passes) {
      for (const n of results.config.sizes) {
        const cells = results.cells.filter((c) => !c.overhead && c.threads === threads && c.pass === pass && c.n === n);
        if (cells.length) out.push({ threads, pass, n, copy: cells.find((c) => c.key === 'copy') ?? null, cells: cells.filter((c) => c.key !== 'copy') });
      }
    }
  }
  return out;
}

/** The package's row against the fastest peer library's in one cell: { best, ratio, significant } or null. */
function versusBest(results, cell) {
  const pkg = cell.rows.find((r) => r.id === 'package');
  const peers = cell.rows.filter((r) => kindOf(results, r.id) === 'peer');
  if (!pkg || !peers.length) return null;
  const best = peers.reduce((a, b) => (b.medianNs < a.medianNs ? b : a));
  const c = stats.compare(pkg.wallNs, best.wallNs);
  return { best: best.id, ratio: best.medianNs / pkg.medianNs, significant: c.significant, p: c.p };
}

function fmtRatio(v) {
  if (!v) return '';
  return `${v.significant ? '' : 'n.s. '}${fmtNum(v.ratio)}×`;
}

function titleOf(t) {
  return `${t.pass}, n = ${fmtSize(t.n)}, ${t.threads} thread${t.threads > 1 ? 's' : ''}, float32 into a preallocated output (M elements/s, medians)`;
}

function header(results) {
  const m = results.machine;
  const pk = m.package ?? {};
  const lines = [
    `activation-kernels kernel bench, ${results.startedAt.slice(0, 10)}: ${m.cpu} (${m.logicalCpus} logical CPUs${m.cpuFlags ? `; ${m.cpuFlags.join(' ')}` : ''}), Node ${m.node}`,
    `package: ${pk.backend ?? '?'} backend, ISA ${pk.isa ?? '?'}, called from Node through the public API (x, { out })${m.git ? `, commit ${m.git.commit}${m.git.dirty ? ' + local changes' : ''}` : ''}`,
    `${results.config.samples} samples of ≥ ${results.config.minSampleMs} ms per figure, implementations alternated; wall-clock medians; ratio = package / fastest peer (> 1: the package is faster), "n.s." = not significant at p < 0.01 (Mann-Whitney U); load average ${m.loadavg.start.map((v) => v.toFixed(2)).join(' ')} at start, ${m.loadavg.end.map((v) => v.toFixed(2)).join(' ')} at end; ${Math.round(results.seconds)} s`,
    'inputs: x uniform on [-8, 8), dy uniform on [-1, 1), the same arrays for every implementation; softmax/logSoftmax over rows of 1024, prelu over 64 channels last',
  ];
  for (const p of results.peers) {
    const name = p.id === 'floor' ? 'C streamed copy' : p.label;
    lines.push(p.available ? `  ${name}${p.version ? ` ${p.version}` : ''}: ${p.notes ?? ''}${p.python ? ` (${p.python}${p.env && p.env.ATEN_CPU_CAPABILITY ? `, ATEN_CPU_CAPABILITY=${p.env.ATEN_CPU_CAPABILITY}` : ''})` : ''}` : `  ${name}: absent (${p.reason})${p.deb ? `; apt-get install ${p.deb}` : ''}`);
  }
  return lines;
}

/** Per table: the geometric mean of the package's ratio to the fastest peer, and to each peer, over the ops each one runs. */
function summary(results) {
  const labels = peerLabels(results);
  const lines = [];
  for (const t of tables(results)) {
    const peers = presentPeers(results, t.cells);
    const vs = t.cells.map((c) => versusBest(results, c)).filter(Boolean);
    if (!vs.length) continue;
    const each = peers.map((p) => {
      const r = t.cells.map((c) => {
        const a = c.rows.find((x) => x.id === 'package');
        const b = c.rows.find((x) => x.id === p.id);
        return a && b ? b.medianNs / a.medianNs : null;
      }).filter((v) => v !== null);
      return r.length ? `${labels.get(p.id)} ${fmtNum(geomean(r))}× (${r.length})` : null;
    }).filter(Boolean);
    const wins = vs.filter((v) => v.significant && v.ratio > 1).length;
    const losses = vs.filter((v) => v.significant && v.ratio < 1).length;
    lines.push(`${t.pass} ${fmtSize(t.n)} ${t.threads}t: package / fastest peer, geomean over ${vs.length} ops: ${fmtNum(geomean(vs.map((v) => v.ratio)))}× (faster in ${wins}, slower in ${losses}, n.s. ${vs.length - wins - losses}); per peer: ${each.join(', ')}`);
  }
  return lines;
}

function notes(results) {
  const labels = peerLabels(results);
  const lines = [];
  for (const c of results.cells) {
    for (const r of c.rows) {
      if (c.key !== 'copy' && !(r.deviation <= DEVIATION_LIMIT)) lines.push(`${labels.get(r.id)} / ${c.key} ${c.pass} n=${fmtSize(c.n)}: max deviation from the JS twin ${r.deviation}`);
    }
  }
  const dev = lines.length ? [`results further than ${DEVIATION_LIMIT} from the JS twin (relative; absolute below 1):`, ...lines.map((l) => `  ${l}`)] : [];
  const seen = new Set();
  const skip = [];
  for (const s of results.skipped) {
    const line = `${labels.get(s.impl) ?? s.impl} / ${s.key}${s.pass ? ` ${s.pass}` : ''}: ${s.reason}`;
    if (!seen.has(line)) skip.push(`  ${line}`);
    seen.add(line);
  }
  return [...dev, ...(skip.length ? ['not measured:', ...skip] : [])];
}

/** Rows of one table: header, then one per op (strings). */
function rowsOf(results, t) {
  const labels = peerLabels(results);
  const peers = presentPeers(results, t.cells);
  const fwd = t.pass === 'forward';
  const set = t.copy && t.copy.rows.find((r) => r.id === 'set');
  const head = ['op', 'package', ...peers.map((p) => labels.get(p.id)), 'fastest peer', 'ratio', ...(fwd && set ? ['% of out.set(x)'] : [])];
  const rows = [head];
  for (const c of t.cells) {
    const pkg = c.rows.find((r) => r.id === 'package');
    const v = versusBest(results, c);
    rows.push([
      c.key,
      pkg ? fmtNum(pkg.melemPerS) : '–',
      ...peers.map((p) => {
        const r = c.rows.find((x) => x.id === p.id);
        return r ? `${fmtNum(r.melemPerS)}${r.deviation <= DEVIATION_LIMIT ? '' : ' (!)'}` : '';
      }),
      v ? labels.get(v.best) : '',
      fmtRatio(v),
      ...(fwd && set ? [pkg ? `${fmtNum((100 * pkg.melemPerS) / set.melemPerS)}%` : ''] : []),
    ]);
  }
  return rows;
}

/** Per thread count: what one call costs besides its elements (relu on a few of them), per implementation. */
function overheadLines(results) {
  const labels = peerLabels(results);
  return results.cells.filter((c) => c.overhead).map((c) => `per-call cost, relu on ${c.n} elements, ${c.threads} thread${c.threads > 1 ? 's' : ''}: ${c.rows.map((r) => `${labels.get(r.id)} ${fmtTime(r.medianNs)}`).join(', ')}`);
}

function copyLine(results, t) {
  if (!t.copy) return null;
  const labels = peerLabels(results);
  return `copies (one read, one write per element): ${t.copy.rows.map((r) => `${labels.get(r.id)} ${fmtNum(r.melemPerS)}`).join(', ')} M elements/s`;
}

function pad(s, w, right) {
  const gap = ' '.repeat(Math.max(0, w - [...s].length));
  return right ? gap + s : s + gap;
}

function text(results) {
  const lines = [...header(results), ...overheadLines(results)];
  for (const t of tables(results)) {
    lines.push('', titleOf(t));
    const c = copyLine(results, t);
    if (c) lines.push(`  ${c}`);
    const rows = rowsOf(results, t);
    const widths = rows[0].map((_, k) => Math.max(...rows.map((r) => [...r[k]].length)));
    for (const r of rows) lines.push(`  ${r.map((s, k) => pad(s, widths[k], k > 0)).join('  ')}`);
  }
  const n = notes(results);
  if (n.length) lines.push('', ...n);
  const s = summary(results);
  if (s.length) lines.push('', 'summary:', ...s.map((l) => `  ${l}`));
  return `${lines.join('\n')}\n`;
}

function markdown(results) {
  const lines = [`# Kernel bench, ${results.startedAt.slice(0, 10)}`, '', `Command: \`npm run bench:kernels${results.argv && results.argv.length ? ` -- ${results.argv.join(' ')}` : ''}\``, ''];
  for (const l of header(results)) lines.push(l.startsWith('  ') ? `- ${l.trim()}` : `${l}\n`);
  for (const l of overheadLines(results)) lines.push('', l);
  const s = summary(results);
  if (s.length) lines.push('', '## Summary', '', ...s.map((l) => `- ${l}`));
  for (const t of tables(results)) {
    lines.push('', `## ${titleOf(t)}`, '');
    const c = copyLine(results, t);
    if (c) lines.push(c, '');
    const rows = rowsOf(results, t);
    lines.push(`| ${rows[0].join(' | ')} |`, `|${rows[0].map((_, k) => (k ? '---:' : '---')).join('|')}|`);
    for (const r of rows.slice(1)) lines.push(`| ${r.join(' | ')} |`);
  }
  const n = notes(results);
  if (n.length) lines.push('', '## Notes', '', ...n.map((l) => (l.startsWith('  ') ? `- ${l.trim()}` : l)));
  return `${lines.join('\n')}\n`;
}

module.exports = { text, markdown, summary, versusBest, geomean };

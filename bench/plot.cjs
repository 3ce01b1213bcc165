'use strict';
/**
 * Hand-written SVG plots: one file per op family (and dtype and mode), one
 * panel per op, throughput against size on log-log axes, one line per
 * implementation, the copies dashed. All panels of a file share the y
 * scale so that ops can be compared by eye.
 */
const { fmtSize } = require('./report.cjs');

const PANEL_W = 320;
const PANEL_H = 230;
const MARGIN = { left: 62, right: 14, top: 30, bottom: 44 };
const COLS_MAX = 3;
const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#17becf', '#bcbd22', '#7f7f7f'];
const BOUND_COLOR = '#555555';

function esc(s) {
  return String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function r1(v) {
  return Math.round(v * 10) / 10;
}

/** What to draw, from a results object: one spec per (family, dtype, mode) present. */
function plotSpecs(results) {
  const labels = new Map(results.implementations.map((i) => [i.id, i]));
  const order = results.implementations.map((i) => i.id);
  const specs = [];
  const families = [...new Set(results.cells.map((c) => c.family))];
  for (const family of families) {
    for (const mode of results.config.modes) {
      const cells = results.cells.filter((c) => c.family === family && c.mode === mode);
      if (!cells.length) continue;
      const ops = [...new Set(cells.map((c) => c.op))];
      const ids = order.filter((id) => cells.some((c) => c.rows.some((r) => r.id === id)));
      const panels = ops.map((op) => ({
        op,
        series: ids
          .map((id) => ({
            id,
            points: cells
              .filter((c) => c.op === op)
              .map((c) => {
                const r = c.rows.find((x) => x.id === id);
                return r ? { size: c.size, value: r.melemPerS.median } : null;
              })
              .filter(Boolean)
              .sort((a, b) => a.size - b.size),
          }))
          .filter((s) => s.points.length),
      }));
      const pass = results.config.pass ?? 'forward';
      specs.push({
        family,
        mode,
        pass,
        dtype: results.config.dtype,
        title: `${family} ops${pass === 'backward' ? ', backward pass' : ''}, ${results.config.dtype}, ${mode === 'out' ? 'into a preallocated out' : 'allocating'}`,
        subtitle: `${results.machine.cpu} (${results.machine.logicalCpus} CPUs), Node ${results.machine.node}, ${results.startedAt.slice(0, 10)}; medians of ${results.config.samples} samples${results.config.clock === 'cpu' ? ' of process CPU time' : ''}`,
        // The colour index is the implementation's place in the whole run, so one implementation has one colour in every file.
        impls: ids.map((id) => ({ id, label: labels.get(id).label, kind: labels.get(id).kind, index: order.filter((o) => labels.get(o).kind !== 'bound').indexOf(id) })),
        sizes: [...new Set(cells.map((c) => c.size))].sort((a, b) => a - b),
        panels,
      });
    }
  }
  return specs;
}

/** Decade ticks, with 2 and 5 between them when the range spans few decades. */
function logTicks(lo, hi) {
  const ticks = [];
  const span = Math.log10(hi / lo);
  const mult = span <= 2.5 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mult) {
      const v = m * 10 ** e;
      if (v >= lo && v <= hi) ticks.push({ v, major: m === 1 });
    }
  }
  return ticks;
}

function fmtTick(v) {
  if (v >= 1e6) return `${v / 1e6}M`;
  if (v >= 1e3) return `${v / 1e3}k`;
  return String(Number(v.toPrecision(3)));
}

function renderPlot(spec) {
  const n = spec.panels.length;
  const cols = Math.min(COLS_MAX, n);
  const rows = Math.ceil(n / cols);
  const styles = new Map();
  // The copies (out.set, the streamed copy) in grey, each with its own dash.
  const boundDash = ['6 4', '2 3'];
  let bounds = 0;
  spec.impls.forEach((impl, k) => {
    styles.set(impl.id, impl.kind === 'bound'
      ? { color: BOUND_COLOR, dash: boundDash[bounds++ % boundDash.length] }
      : { color: PALETTE[(impl.index ?? k) % PALETTE.length], dash: null });
  });

  const legendRowH = 18;
  const legendPerRow = Math.max(1, Math.floor(Math.max(cols * PANEL_W, 760) / 190));
  const legendRows = Math.ceil(spec.impls.length / legendPerRow);
  const top = 52 + legendRows * legendRowH;
  const width = Math.max(cols * PANEL_W, 760);
  const height = top + rows * PANEL_H + 8;

  let lo = Infinity;
  let hi = 0;
  for (const p of spec.panels) {
    for (const s of p.series) {
      for (const pt of s.points) {
        if (pt.value > 0 && Number.isFinite(pt.value)) {
          lo = Math.min(lo, pt.value);
          hi = Math.max(hi, pt.value);
        }
      }
    }
  }
  if (!(hi > 0)) {
    lo = 1;
    hi = 10;
  }
  const yLo = lo / 1.4;
  const yHi = hi * 1.4;
  const xLo = spec.sizes[0] / 1.6;
  const xHi = spec.sizes[spec.sizes.length - 1] * 1.6;
  const plotW = PANEL_W - MARGIN.left - MARGIN.right;
  const plotH = PANEL_H - MARGIN.top - MARGIN.bottom;
  const xOf = (v) => MARGIN.left + (plotW * Math.log(v / xLo)) / Math.log(xHi / xLo);
  const yOf = (v) => MARGIN.top + plotH - (plotH * Math.log(v / yLo)) / Math.log(yHi / yLo);
  const yTicks = logTicks(yLo, yHi);

  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  out.push(`<title>${esc(spec.title)}</title>`);
  out.push(`<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="10" y="20" font-size="15" font-weight="bold">${esc(spec.title)}</text>`);
  out.push(`<text x="10" y="38" fill="#444444">${esc(spec.subtitle)}; M elements/s against size, log-log</text>`);

  out.push('<g class="legend">');
  spec.impls.forEach((impl, i) => {
    const st = styles.get(impl.id);
    const x = 10 + (i % legendPerRow) * 190;
    const y = 50 + Math.floor(i / legendPerRow) * legendRowH;
    out.push(`<line x1="${x}" y1="${y + 5}" x2="${x + 26}" y2="${y + 5}" stroke="${st.color}" stroke-width="2.5"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`);
    out.push(`<text x="${x + 32}" y="${y + 9}">${esc(impl.label)}</text>`);
  });
  out.push('</g>');

  spec.panels.forEach((panel, i) => {
    const ox = (i % cols) * PANEL_W;
    const oy = top + Math.floor(i / cols) * PANEL_H;
    out.push(`<g class="panel" data-op="${esc(panel.op)}" transform="translate(${ox},${oy})">`);
    out.push(`<text x="${MARGIN.left + plotW / 2}" y="${MARGIN.top - 10}" text-anchor="middle" font-size="13" font-weight="bold">${esc(panel.op)}</text>`);
    out.push(`<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999999"/>`);
    for (const t of yTicks) {
      const y = r1(yOf(t.v));
      out.push(`<line x1="${MARGIN.left}" y1="${y}" x2="${MARGIN.left + plotW}" y2="${y}" stroke="${t.major ? '#dddddd' : '#f0f0f0'}"/>`);
      out.push(`<line x1="${MARGIN.left - 4}" y1="${y}" x2="${MARGIN.left}" y2="${y}" stroke="#666666"/>`);
      out.push(`<text x="${MARGIN.left - 6}" y="${r1(y + 4)}" text-anchor="end">${fmtTick(t.v)}</text>`);
    }
    for (const s of spec.sizes) {
      const x = r1(xOf(s));
      out.push(`<line x1="${x}" y1="${MARGIN.top}" x2="${x}" y2="${MARGIN.top + plotH}" stroke="#eeeeee"/>`);
      out.push(`<line x1="${x}" y1="${MARGIN.top + plotH}" x2="${x}" y2="${MARGIN.top + plotH + 4}" stroke="#666666"/>`);
      out.push(`<text x="${x}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${fmtSize(s)}</text>`);
    }
    out.push(`<text x="${MARGIN.left + plotW / 2}" y="${PANEL_H - 8}" text-anchor="middle" fill="#444444">elements</text>`);
    out.push(`<text transform="translate(14,${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle" fill="#444444">M elements/s</text>`);
    for (const s of panel.series) {
      const st = styles.get(s.id);
      const pts = s.points.map((p) => `${r1(xOf(p.size))},${r1(yOf(p.value))}`).join(' ');
      out.push(`<polyline data-impl="${esc(s.id)}" points="${pts}" fill="none" stroke="${st.color}" stroke-width="2"${st.dash ? ` stroke-dasharray="${st.dash}"` : ''}/>`);
      for (const p of s.points) {
        out.push(`<circle cx="${r1(xOf(p.size))}" cy="${r1(yOf(p.value))}" r="2.5" fill="${st.color}"><title>${esc(`${s.id} n=${p.size}: ${p.value.toFixed(1)} M elem/s`)}</title></circle>`);
      }
    }
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}

module.exports = { plotSpecs, renderPlot, logTicks };

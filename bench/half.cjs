#!/usr/bin/env node
// 16-bit storage throughput (issue 18): half in, half out through the public API,
// against the same op on float32 arrays and against the JS widen-call-narrow path a
// user writes without 16-bit support (widen into a new Float32Array with the package's
// own JS conversions, call the float32 op in place, narrow into the output).
// Interleaved: each sample runs every implementation once, in turn; medians of the
// samples. --clock=wall (default): hrtime, what a caller waits with the pool's threads;
// --clock=cpu: this process's CPU time over all its threads, the work done, which stays
// meaningful on a machine shared with other work.
//
// --fused: forward of the 16-bit fused pass (lib/api/half-fused.ts) instead: OP+bias is the unary
// op with options.bias (a number), a gated op name its one-array form on rows of 1024.
//
//   node bench/half.cjs [--ops=relu,sigmoid,gelu,tanh] [--sizes=1M,16M] [--threads=2] [--samples=7] [--ms=40]
//                       [--clock=wall|cpu] [--backward | --fused [--ops=gelu+bias,swiglu]]
'use strict';
const os = require('node:os');
const path = require('node:path');
const root = path.join(__dirname, '..');
const ak = require(path.join(root, 'dist/index.js'));
const { narrowBits, widenBits, toFloat16Bits, toBfloat16Bits } = require(path.join(root, 'dist/fallback/half.js'));
const { parseSize } = require('./run.cjs');

const args = process.argv.slice(2);
const opt = (k, d) => (args.find((a) => a.startsWith(`--${k}=`)) ?? `=${d}`).split('=').slice(1).join('=');
const fused = args.includes('--fused');
const ops = opt('ops', fused ? 'gelu+bias,swiglu' : 'relu,sigmoid,gelu,tanh').split(',');
const sizes = opt('sizes', '1M,16M').split(',').map(parseSize);
const threads = Number(opt('threads', '2'));
const samples = Number(opt('samples', '7'));
const minMs = Number(opt('ms', '40'));
const backward = args.includes('--backward');
const clock = opt('clock', 'wall');
const now =
  clock === 'cpu'
    ? () => {
        const u = process.cpuUsage();
        return (u.user + u.system) * 1e3; // ns
      }
    : () => Number(process.hrtime.bigint());

if (ak.info().backend !== 'native') console.warn(`note: backend is ${ak.info().backend} (${ak.info().loadError ?? ''})`);
ak.setThreads(threads);

const FORMATS = [
  { dtype: 'float16', fmt: 0, narrow: toFloat16Bits },
  { dtype: 'bfloat16', fmt: 1, narrow: toBfloat16Bits },
];

function inputs(n, narrow) {
  const h = new Uint16Array(n);
  let s = 12345;
  for (let i = 0; i < n; i++) {
    s = Math.imul(s ^ (s >>> 13), 0x5bd1e995) >>> 0;
    h[i] = narrow((s / 2 ** 32 - 0.5) * 12);
  }
  return h;
}

/** ns per call of fn, over enough calls to last minMs. */
function time(fn, reps) {
  const t0 = now();
  for (let i = 0; i < reps; i++) fn();
  return (now() - t0) / reps;
}

function median(a) {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

const fmtRate = (n, ns) => `${((n / ns) * 1e9 / 1e9).toFixed(2)} G/s`;

console.log(`16-bit storage bench: ${os.cpus()[0].model}, ${os.cpus().length} CPUs, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, ` +
  `node ${process.versions.node}, backend ${ak.info().backend} ${ak.info().isa}, threads ${ak.info().threads}, ${samples} interleaved samples, medians, ${clock} clock` +
  `${backward ? ', backward (dy, x)' : ''}${fused ? ', fused forward' : ''}`);
console.log('op          size  dtype      half in/out   float32 op    JS widen-call-narrow   half/f32  half/JS');
for (const n of sizes) {
  for (const op of ops) {
    for (const { dtype, fmt, narrow } of FORMATS) {
      const base = op.replace(/\+bias$/, '');
      const gated = !!ak.gatedOps?.[base];
      // The fused forms' options, and the output's length (a gated op halves its rows).
      const extra = !fused ? {} : gated ? { shape: [n / 1024, 1024] } : { bias: 0.25 };
      const nOut = gated && fused ? n / 2 : n;
      const f = backward ? ak[base].backward : ak[base];
      const x16 = inputs(n, narrow);
      const dy16 = inputs(n, narrow).reverse();
      const y16 = new Uint16Array(nOut);
      const x32 = new Float32Array(n);
      widenBits(x16, fmt, x32);
      const dy32 = new Float32Array(n);
      widenBits(dy16, fmt, dy32);
      const y32 = new Float32Array(nOut);
      const impls = {
        half: backward ? () => f(dy16, x16, { dtype, out: y16 }) : () => f(x16, { dtype, out: y16, ...extra }),
        f32: backward ? () => f(dy32, x32, { out: y32 }) : () => f(x32, { out: y32, ...extra }),
        js: backward
          ? () => {
            const d = new Float32Array(n);
            const w = new Float32Array(n);
            widenBits(dy16, fmt, d);
            widenBits(x16, fmt, w);
            f(d, w, { out: d });
            narrowBits(d, fmt, y16);
          }
          : () => {
            const w = new Float32Array(n);
            widenBits(x16, fmt, w);
            const o = nOut === n ? w : new Float32Array(nOut);
            f(w, { out: o, ...extra });
            narrowBits(o, fmt, y16);
          },
      };
      const reps = {};
      for (const [k, fn] of Object.entries(impls)) {
        const once = time(fn, 1);
        reps[k] = Math.max(1, Math.ceil((minMs * 1e6) / once));
      }
      const t = { half: [], f32: [], js: [] };
      for (let s = 0; s < samples; s++) for (const k of Object.keys(impls)) t[k].push(time(impls[k], reps[k]));
      const m = { half: median(t.half), f32: median(t.f32), js: median(t.js) };
      console.log(
        `${op.padEnd(10)} ${String(n >= 1 << 20 ? `${n >> 20}M` : n).padStart(5)}  ${dtype.padEnd(9)}  ${fmtRate(n, m.half).padStart(11)}   ${fmtRate(n, m.f32).padStart(11)}   ` +
          `${fmtRate(n, m.js).padStart(20)}   ${(m.f32 / m.half).toFixed(2).padStart(7)}x ${(m.js / m.half).toFixed(1).padStart(7)}x`,
      );
    }
  }
}

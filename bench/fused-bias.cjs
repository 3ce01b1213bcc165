#!/usr/bin/env node
// The fused bias and the gated ops against their unfused forms, native, in one run:
// gelu(x, { bias, shape, channelAxis: -1 }) against plain gelu(x) (issue 17's target:
// within 10% at 1M; the plain op on x + b, precomputed), relu likewise (the cheapest op: the add's whole cost shows), and
// swiglu(gate, up) against silu then a product in JS. Float32 into `out`, one thread
// unless --threads, the variants interleaved round by round; prints the median time
// per call of --rounds rounds (each >= --ms of CPU time) and the ratios.
//
//   node bench/fused-bias.cjs [--size=1048576] [--features=4096] [--rounds=15] [--ms=60] [--threads=1] [--dtype=float32]
'use strict';
const path = require('node:path');
const os = require('node:os');
const ak = require(path.join(__dirname, '..', 'dist', 'index.js'));

const args = process.argv.slice(2);
const opt = (k, d) => (args.find((a) => a.startsWith(`--${k}=`)) ?? `=${d}`).split('=')[1];
const n = Number(opt('size', 1 << 20));
const features = Number(opt('features', 4096));
const rounds = Number(opt('rounds', 15));
const minMs = Number(opt('ms', 60));
const Ctor = opt('dtype', 'float32') === 'float64' ? Float64Array : Float32Array;
ak.setThreads(Number(opt('threads', 1)));

const cpuNs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1e3;
};
const rand = (len) => Ctor.from({ length: len }, () => Math.random() * 8 - 4);
const x = rand(n), bias = rand(features), y = new Ctor(n), half = n / 2;
// The plain op runs on the very values the fused one gives f (x + b, rounded): gelu's
// speed depends on where its inputs lie, and only the fusion's cost is compared.
const xb = Ctor.from(x, (v, i) => v + bias[i % features]);
const gate = x.subarray(0, half), up = x.subarray(half), s = new Ctor(half), g = new Ctor(half);
const shape = [n / features, features];

const cases = {
  'gelu': () => ak.gelu(xb, { out: y }),
  'gelu + bias': () => ak.gelu(x, { bias, shape, channelAxis: -1, out: y }),
  'relu': () => ak.relu(xb, { out: y }),
  'relu + bias': () => ak.relu(x, { bias, shape, channelAxis: -1, out: y }),
  'silu(gate) · up, unfused': () => {
    ak.silu(gate, { out: s });
    for (let i = 0; i < half; i++) g[i] = s[i] * up[i];
  },
  'swiglu(gate, up)': () => ak.swiglu(gate, up, { out: g }),
};

function timeOne(f) {
  let calls = 0;
  const t0 = cpuNs();
  let t = t0;
  while (t - t0 < minMs * 1e6) {
    f();
    calls++;
    t = cpuNs();
  }
  return (t - t0) / calls;
}

for (const f of Object.values(cases)) timeOne(f); // warm-up
const times = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
for (let r = 0; r < rounds; r++) for (const [k, f] of Object.entries(cases)) times[k].push(timeOne(f));
const median = (a) => {
  const b = a.slice().sort((p, q) => p - q);
  return b[b.length >> 1];
};
const med = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
console.log(`${os.cpus()[0].model}, ${ak.info().isa}, ${ak.info().threads} thread(s), ${Ctor.name}, n = ${n}, features = ${features}, medians of ${rounds} interleaved rounds`);
for (const [k, v] of Object.entries(med)) console.log(`  ${k.padEnd(28)} ${(v / 1e3).toFixed(1).padStart(9)} us`);
console.log(`  gelu + bias / gelu           ${(med['gelu + bias'] / med.gelu).toFixed(3)}`);
console.log(`  relu + bias / relu           ${(med['relu + bias'] / med.relu).toFixed(3)}`);
console.log(`  swiglu / unfused             ${(med['swiglu(gate, up)'] / med['silu(gate) · up, unfused']).toFixed(3)}`);

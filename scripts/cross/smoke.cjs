#!/usr/bin/env node
// scripts/cross/smoke.cjs -- a smoke test of a foreign build (npm run test:win32 runs it
// with node.exe under Wine): the package must load its native addon, and every op
// (forward and backward, float32 and float64, the shaped ops, one compiled expression
// and stats) is called once on the active level and compared with the JS twin within
// both backends' bounds from the registry (ULPs of the type, bit for bit for the exact
// ops; where the registry gives no bound, as for the shaped backward passes, 16 ε of
// the array's largest value).
// The inputs hold the special values and a spread, at a length no vector width divides.
// Prints one line per failure and "smoke: N checks, M failed (isa ...)"; exit 1 on failure.
//   node scripts/cross/smoke.cjs [--isa LEVEL]   (or ACTIVATION_KERNELS_ISA)
'use strict';
const path = require('node:path');

const dist = path.join(__dirname, '..', '..', 'dist');
const isaAt = process.argv.indexOf('--isa');
if (isaAt > 0) process.env.ACTIVATION_KERNELS_ISA = process.argv[isaAt + 1];
const ak = require(path.join(dist, 'index.js'));
const twin = require(path.join(dist, 'js.js'));

let checks = 0;
let failed = 0;
const info = ak.info();
if (info.backend !== 'native') {
  console.log(`smoke: the native addon did not load: ${info.loadError}`);
  process.exit(1);
}

/** Spacing of the type's numbers at |v| (subnormal spacing below the normal range). */
function ulpAt(v, f32) {
  const [p, emin] = f32 ? [24, -126] : [53, -1022];
  const a = Math.abs(v);
  const e = a === 0 || !Number.isFinite(a) ? emin : Math.max(Math.floor(Math.log2(a)), emin);
  return 2 ** (e - p + 1);
}

function compare(what, got, want, f32, ulps, abs = () => 0) {
  checks++;
  for (let i = 0; i < want.length; i++) {
    const g = got[i];
    const w = want[i];
    if (Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w))) continue;
    // SPEC's measure: below the smallest normal, a result within that normal passes (it may be flushed).
    const tiny = Math.abs(w) < (f32 ? 2 ** -126 : 2 ** -1022) ? (f32 ? 2 ** -126 : 2 ** -1022) : 0;
    const ok = Number.isFinite(g) && Number.isFinite(w) && Math.abs(g - w) <= Math.max(ulps * ulpAt(w, f32) + abs(i), tiny);
    if (!ok) {
      failed++;
      console.log(`FAIL ${what} at [${i}]: native ${g}, twin ${w} (allowed ${ulps} ulp${abs(i) ? ` + ${abs(i)}` : ''})`);
      return;
    }
  }
}

function inputs(Ctor, n, seed) {
  const specials = [0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, -0.5, 3, -3, 20, -20, 88.72, -88.72, 89, -89,
    709.78, -709.78, 745.2, -745.2, 1e-45, -1e-45, 1.17549435e-38, 5e-324, 1e30, -1e30, 0.7518, -0.7518, 1e-8];
  const a = new Ctor(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    a[i] = i < specials.length ? specials[i] : ((s / 2 ** 32) * 2 - 1) * [1, 4, 12, 40][i % 4];
  }
  return a;
}

const finite = (a) => a.map((v) => (Number.isFinite(v) ? v : 0.5));
const maxAbs = (a) => a.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);

for (const [dt, Ctor] of [['float32', Float32Array], ['float64', Float64Array]]) {
  const f32 = dt === 'float32';
  const eps = f32 ? 2 ** -23 : 2 ** -52;
  const x = inputs(Ctor, 67, 1);
  const dy = inputs(Ctor, 67, 2);
  for (const name of ak.unaryNames) {
    const def = ak.unaryOps[name];
    // Correctly rounded values are unique: exact ops must agree bit for bit.
    const bound = def.exact ? 0 : 2 * (f32 ? def.ulp : def.ulp64);
    compare(`${name} ${dt}`, ak[name](x), twin[name](x), f32, bound);
    const b = def.backward;
    const bb = f32 ? b.ulp : b.ulp64;
    const absB = (i) => 2 * (b.absEps || 0) * eps * Math.abs(dy[i]);
    compare(`${name}.backward ${dt}`, ak[name].backward(dy, x), twin[name].backward(dy, x), f32, 2 * bb, absB);
    if (def.backwardUsesY) {
      const y = twin[name](x);
      compare(`${name}.backward from y ${dt}`, ak[name].backward(dy, null, { y }), twin[name].backward(dy, null, { y }), f32, 2 * bb, absB);
    }
  }
  const shape = [7, 13];
  const xs = finite(inputs(Ctor, 91, 3)).map((v) => v / 8);
  const dys = finite(inputs(Ctor, 91, 4));
  const loose = (want) => () => 16 * eps * maxAbs(want);
  for (const name of ['softmax', 'logSoftmax']) {
    const def = ak.shapedOps[name];
    const want = twin[name](xs, { shape });
    compare(`${name} ${dt}`, ak[name](xs, { shape }), want, f32, 2 * (f32 ? def.ulp : def.ulp64), loose(want));
    const wb = twin[name].backward(dys, xs, { shape });
    compare(`${name}.backward ${dt}`, ak[name].backward(dys, xs, { shape }), wb, f32, 2, loose(wb));
  }
  const alpha = finite(inputs(Ctor, 13, 5));
  compare(`prelu ${dt}`, ak.prelu(xs, alpha, { shape, channelAxis: 1 }), twin.prelu(xs, alpha, { shape, channelAxis: 1 }), f32, 0);
  const pn = ak.prelu.backward(dys, xs, alpha, { shape, channelAxis: 1 });
  const pj = twin.prelu.backward(dys, xs, alpha, { shape, channelAxis: 1 });
  compare(`prelu.backward dx ${dt}`, pn.dx, pj.dx, f32, 0);
  compare(`prelu.backward dalpha ${dt}`, pn.dalpha, pj.dalpha, f32, 2, loose(pj.dalpha));
  const mshape = [7, 12];
  const mx = xs.subarray(0, 84);
  const my = twin.maxout(mx, { shape: mshape, axis: 1, pieces: 3 });
  compare(`maxout ${dt}`, ak.maxout(mx, { shape: mshape, axis: 1, pieces: 3 }), my, f32, 0);
  const mdy = dys.subarray(0, my.length);
  compare(`maxout.backward ${dt}`, ak.maxout.backward(mdy, mx, { shape: mshape, axis: 1, pieces: 3 }), twin.maxout.backward(mdy, mx, { shape: mshape, axis: 1, pieces: 3 }), f32, 0);
  const src = 'x * sigmoid(1.5 * x) + tanh(x)';
  const cn = ak.compile(src);
  const cj = twin.compile(src);
  const fin = finite(x);
  compare(`compile(${src}) ${dt}`, cn(fin), cj(fin), f32, 16, loose(cj(fin)));
  const sn = ak.stats(xs, { op: 'relu', shape, channelAxis: 1 });
  const sj = twin.stats(xs, { op: 'relu', shape, channelAxis: 1 });
  const flat = (s) => Float64Array.from(JSON.stringify(s).match(/-?\d[\d.e+-]*/g).map(Number));
  compare(`stats ${dt}`, flat(sn), flat(sj), false, 64, loose(flat(sj)));
}

console.log(`smoke: ${checks} checks, ${failed} failed (backend ${info.backend}, isa ${info.isa}, isas ${info.isas.join(',')}, node ${process.version} ${process.platform}-${process.arch})`);
process.exit(failed ? 1 : 0);

#!/usr/bin/env node
// scripts/cross/smoke.cjs -- a check of a foreign build (npm run test:win32 runs it with
// node.exe under Wine, npm run test:arm64 with the arm64 node under qemu on the copy
// installed from the npm tarball): the package must load its native addon, and on the
// active level
//   - every unary op, forward and backward, float32 and float64, with its registry
//     defaults, is held to the float64 reference (test/reference.cjs,
//     test/reference-backward.cjs) within the registry's bound, on the special values,
//     float32 bit patterns spread over the whole range and random values;
//   - every op (the unary ones, the shaped ops, the gated units, one compiled expression
//     and stats) is called once and compared with the JS twin within both backends'
//     bounds from the registry (ULPs of the type, bit for bit for the exact ops; where
//     the registry gives no bound, as for the shaped backward passes, 16 ε of the
//     array's largest value).
// The inputs are at lengths no vector width divides.
// Prints one line per failure and "smoke: N checks, M failed (isa ...)"; exit 1 on failure.
//   node scripts/cross/smoke.cjs [--isa LEVEL] [--package DIR]
//   --isa (or ACTIVATION_KERNELS_ISA): the level; --package: the installed package's
//   directory (default: this checkout).
'use strict';
const path = require('node:path');

const argOf = (name) => {
  const at = process.argv.indexOf(name);
  return at > 0 ? process.argv[at + 1] : undefined;
};
const repo = path.join(__dirname, '..', '..');
const dist = path.join(path.resolve(argOf('--package') || repo), 'dist');
if (argOf('--isa')) process.env.ACTIVATION_KERNELS_ISA = argOf('--isa');
const ak = require(path.join(dist, 'index.js'));
const twin = require(path.join(dist, 'js.js'));
const { ops: ref, lastLo } = require(path.join(repo, 'test', 'reference.cjs'));
const R = require(path.join(repo, 'test', 'reference-backward.cjs'));
const { ulpError, backwardError, EXACT_SLACK } = require(path.join(repo, 'test', 'ulp.cjs'));

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

/** Registry defaults in the array's type (the API converts numbers so), and as the kernels see them (a, b). */
function defaults(def, f32) {
  const p = {};
  for (const d of def.params) p[d.name] = d.kind === 'number' && f32 ? Math.fround(d.default) : d.default;
  const v = def.params.map((q) => (q.kind === 'enum' ? q.values.indexOf(p[q.name]) : p[q.name]));
  return { p, a: v[0] ?? 0, b: v[1] ?? 0 };
}

/** The reference checks' inputs: the specials and random values (inputs()), then float32 bit patterns spread over all 2^32. */
function refInputs(Ctor, seed) {
  const spread = new Uint32Array(2039);
  for (let i = 0; i < spread.length; i++) spread[i] = (i * 2106407 + seed) >>> 0;
  return Ctor.from([...inputs(Ctor, 509, seed), ...new Float32Array(spread.buffer)]);
}

/** dy for the backward checks: ±[1, 2), one in 16 times 2^40 and one in 16 times 2^-40 (as npm run accuracy --backward). */
function refDy(Ctor, n) {
  const dy = new Ctor(n);
  for (let i = 0; i < n; i++) {
    const h = Math.imul(i ^ 0x5bd1e995, 0x9e3779b1) >>> 0;
    const k = (h >>> 1) & 15;
    const m = (1 + (h >>> 9) / 2 ** 23) * (k === 0 ? 2 ** 40 : k === 1 ? 2 ** -40 : 1);
    dy[i] = h & 1 ? -m : m;
  }
  return dy;
}

const worstSeen = [];
/** err(i) for every input against the bound; one FAIL line with the count and the worst input. */
function refCheck(what, x, err, bound, exact) {
  checks++;
  let worst = -1;
  let at = 0;
  let over = 0;
  for (let i = 0; i < x.length; i++) {
    const e = err(i);
    if (e > bound) over++;
    if (e > worst) [worst, at] = [e, i];
  }
  if (!exact) worstSeen.push([worst / bound, what, worst]);
  if (over) {
    failed++;
    console.log(`FAIL ${what} against the reference: ${over} of ${x.length} inputs over the bound ${bound}, worst ${worst} at x = ${x[at]}`);
  }
}

for (const [dt, Ctor] of [['float32', Float32Array], ['float64', Float64Array]]) {
  const f32 = dt === 'float32';
  const x = refInputs(Ctor, 7);
  const dy = refDy(Ctor, x.length);
  for (const name of ak.unaryNames) {
    const def = ak.unaryOps[name];
    const { p, a, b } = defaults(def, f32);
    const y = ak[name](x, p);
    const f = ref[name];
    refCheck(`${name} ${dt}`, x, (i) => ulpError(y[i], f(x[i], p), dt, lastLo()), def.exact ? 0.5 + EXACT_SLACK : f32 ? def.ulp : def.ulp64, def.exact);
    const bw = def.backward;
    const uc = bw.exact ? 0.5 + EXACT_SLACK : f32 ? bw.ulp : bw.ulp64;
    const ec = bw.exact ? 0 : bw.eps;
    const dx = ak[name].backward(dy, x, p);
    const d = R.derivatives[name];
    // In units of the backward bound |dx − dy·f'| ≤ ulp·ulp(dx) + eps·ε·|dy|·S(x): at most 1 passes.
    refCheck(`${name}.backward ${dt}`, x, (i) => {
      const di = d(x[i], p);
      return backwardError(dx[i], R.dxRef(dy[i], di), dt, dy[i], R.scaleOf(bw, false, x[i], a, b, di), uc, ec);
    }, 1, bw.exact);
  }
}

for (const [dt, Ctor] of [['float32', Float32Array], ['float64', Float64Array]]) {
  const f32 = dt === 'float32';
  const eps = f32 ? 2 ** -23 : 2 ** -52;
  const x = inputs(Ctor, 67, 1);
  const dy = inputs(Ctor, 67, 2);
  for (const name of ak.unaryNames) {
    const def = ak.unaryOps[name];
    // Correctly rounded values are unique: exact ops must agree bit for bit.
    const bound = def.exact ? 0 : 2 * (f32 ? def.ulp : def.ulp64);
    // Every parameter at its default (threshold's required ones at the registry's test values).
    const { p, a, b: pb } = defaults(def, f32);
    compare(`${name} ${dt}`, ak[name](x, p), twin[name](x, p), f32, bound);
    const b = def.backward;
    const bb = f32 ? b.ulp : b.ulp64;
    // Each backend within ulp·ulp(dx) + eps·ε·|dy|·S of the exact value, so twice that apart at
    // most; S is the registry's scale (of x, or of y for the form from y), never below |f'|.
    const absB = (want, v, scale) => (i) => {
      if (b.exact || !(dy[i] !== 0)) return 0;
      const s = Math.max(scale ? Math.abs(scale(v[i], a, pb)) : 0, Math.abs(want[i] / dy[i]));
      return 2 * b.eps * eps * Math.abs(dy[i]) * (Number.isFinite(s) ? s : 0);
    };
    const wb = twin[name].backward(dy, x, p);
    compare(`${name}.backward ${dt}`, ak[name].backward(dy, x, p), wb, f32, 2 * bb, absB(wb, x, b.scale));
    if (def.backwardUsesY) {
      const y = twin[name](x, p);
      const wy = twin[name].backward(dy, null, { ...p, y });
      compare(`${name}.backward from y ${dt}`, ak[name].backward(dy, null, { ...p, y }), wy, f32, 2 * bb, absB(wy, y, b.scaleY));
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
  const gshape = [7, 14];
  const gx = finite(inputs(Ctor, 98, 6)).map((v) => v / 4);
  const gdy = finite(inputs(Ctor, 49, 7));
  for (const name of ak.gatedNames) {
    const def = ak.gatedOps[name];
    const want = twin[name](gx, { shape: gshape });
    const wb = twin[name].backward(gdy, gx, { shape: gshape });
    // Exact units (reglu) round each product once on both backends: bit for bit.
    if (def.exact) {
      compare(`${name} ${dt}`, ak[name](gx, { shape: gshape }), want, f32, 0);
      compare(`${name}.backward ${dt}`, ak[name].backward(gdy, gx, { shape: gshape }), wb, f32, 0);
    } else {
      compare(`${name} ${dt}`, ak[name](gx, { shape: gshape }), want, f32, 2 * (f32 ? def.ulp : def.ulp64), loose(want));
      compare(`${name}.backward ${dt}`, ak[name].backward(gdy, gx, { shape: gshape }), wb, f32, 2 * (f32 ? def.backwardUlp : def.backwardUlp64), loose(wb));
    }
  }
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

worstSeen.sort((u, v) => v[0] - u[0]);
console.log(`reference: closest to the bound (inexact ops): ${worstSeen.slice(0, 4).map(([r, w, e]) => `${w} ${+e.toFixed(3)}${w.includes('backward') ? '' : ' ULP'} (${Math.round(100 * r)}%)`).join(', ')}; backward in units of its bound`);
console.log(`smoke: ${checks} checks, ${failed} failed (backend ${info.backend}, isa ${info.isa}, isas ${info.isas.join(',')}, node ${process.version} ${process.platform}-${process.arch})`);
process.exit(failed ? 1 : 0);

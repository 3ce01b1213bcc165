#!/usr/bin/env node
// npm run hash [-- --json FILE] [--compare FILE] [--isa L,...] [--backend js]
//
// A SHA-256 of the output bits of every op, forward and backward (from x and from
// y), float32 and float64, default and non-default parameters, the shaped ops, a few
// compiled expressions and stats(), on every ISA level this CPU runs (each in its own
// child process, as ACTIVATION_KERNELS_ISA pins it). Refactors that must not change a
// bit compare the table before and after (`--json before.json`, then `--compare
// before.json`: exits 1 on any difference and names the entries). The inputs are
// fixed: the special values (±0, ±Inf, NaN, subnormals, the exp thresholds) and a
// seeded spread over wide ranges, at a length that is no multiple of any vector
// width, so main loops and masked tails are both hashed. NaNs are hashed as one
// canonical NaN (see nanCanonical).
'use strict';
const { spawnSync } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..');
const argv = process.argv.slice(2);
const flag = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

function inputs(Ctor, n, seed) {
  const specials = [0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, -0.5, 3, -3, 6, -6, 20, -20, 88.72, -88.72, 89, -89,
    103.9, -103.9, 709.78, -709.78, 745.2, -745.2, 1e-45, -1e-45, 1.17549435e-38, -1.17549435e-38, 5e-324, -5e-324,
    2.2250738585072014e-308, 1e30, -1e30, 1e300, -1e300, 3.4028234663852886e38, -3.4028234663852886e38, 0.7518, -0.7518,
    15, -15, 30, -30, 1e-8, -1e-8];
  const a = new Ctor(n);
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = 0; i < n; i++) {
    if (i < specials.length) a[i] = specials[i];
    else {
      const r = rnd();
      const scale = [1, 4, 12, 40, 200][i % 5];
      a[i] = (r * 2 - 1) * scale;
    }
  }
  return a;
}

// Every NaN hashed as the one quiet NaN: the contract promises NaN, not its sign or
// payload, and those depend on which operand x86 propagates, so on the vector path an
// element takes (alignment, the neighbours that pick a vector-wide branch).
function nanCanonical(arr) {
  const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength).slice();
  if (!(arr instanceof Float32Array || arr instanceof Float64Array)) return bytes;
  const copy = new arr.constructor(bytes.buffer);
  const bits = arr instanceof Float32Array ? new Uint32Array(bytes.buffer) : new BigUint64Array(bytes.buffer);
  const quiet = arr instanceof Float32Array ? 0x7fc00000 : 0x7ff8000000000000n;
  for (let i = 0; i < copy.length; i++) if (copy[i] !== copy[i]) bits[i] = quiet;
  return bytes;
}

function child() {
  const ak = require(path.join(root, 'dist', 'index.js'));
  const info = ak.info();
  const out = {};
  const h = (key, arr) => {
    const bytes = ArrayBuffer.isView(arr) ? nanCanonical(arr) : Buffer.from(JSON.stringify(arr));
    out[key] = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  };
  const N = 4099;
  for (const [dt, Ctor] of [['f32', Float32Array], ['f64', Float64Array]]) {
    const x = inputs(Ctor, N, 1);
    const dy = inputs(Ctor, N, 2);
    for (const name of ak.unaryNames) {
      const def = ak.unaryOps[name];
      const variants = [{}];
      for (const p of def.params) {
        if (p.kind === 'enum') for (const v of p.values) if (v !== p.default) variants.push({ [p.name]: v });
        if (p.kind === 'number') {
          const v = p.name === 'threshold' ? 5 : p.name === 'min' ? -2 : p.name === 'max' ? 0.5 : p.name === 'center' ? 0.25 : 0.75;
          const o = { [p.name]: v };
          if (!def.check || !def.check(def.params.map((q) => (q.name === p.name ? v : q.default)))) variants.push(o);
        }
      }
      const req = ak.requiredOptions(def);
      for (const moved of variants) {
        const tag = `${name}${Object.keys(moved).length ? JSON.stringify(moved) : ''}.${dt}`;
        const opts = { ...req, ...moved };
        const y = ak[name](x, opts);
        h(`${tag}.fwd`, y);
        h(`${tag}.bwd`, ak[name].backward(dy, x, opts));
        if (def.backwardUsesY) h(`${tag}.bwdY`, ak[name].backward(dy, null, { ...opts, y }));
      }
    }
    const rows = 37, cols = 111;
    const xs = inputs(Ctor, rows * cols, 3);
    const dys = inputs(Ctor, rows * cols, 4);
    for (const name of ['softmax', 'logSoftmax', 'softmin']) {
      for (const [shape, axis] of [[[rows, cols], -1], [[rows, cols], 0], [[3, rows, 37], 1]]) {
        const tag = `${name}${JSON.stringify(shape)}@${axis}.${dt}`;
        const y = ak[name](xs, { shape, axis });
        h(`${tag}.fwd`, y);
        h(`${tag}.bwd`, ak[name].backward(dys, xs, { shape, axis }));
        h(`${tag}.bwdY`, ak[name].backward(dys, null, { shape, axis, y }));
      }
    }
    for (const [shape, axis] of [[[rows, cols], -1], [[rows, cols], 0], [[3, rows, 37], 1]]) {
      h(`hardmax${JSON.stringify(shape)}@${axis}.${dt}.fwd`, ak.hardmax(xs, { shape, axis }));
    }
    const alpha = inputs(Ctor, cols, 5).map((v) => (Number.isFinite(v) ? v : 0.25));
    for (const [shape, channelAxis, a] of [[[rows, cols], 1, alpha], [[rows, cols], 1, 0.2], [[cols, rows], 0, alpha]]) {
      const tag = `prelu${JSON.stringify(shape)}@${channelAxis}${typeof a === 'number' ? 's' : 'v'}.${dt}`;
      h(`${tag}.fwd`, ak.prelu(xs, a, { shape, channelAxis }));
      const g = ak.prelu.backward(dys, xs, a, { shape, channelAxis });
      h(`${tag}.bwd`, g.dx);
      h(`${tag}.dalpha`, typeof g.dalpha === 'number' ? new Float64Array([g.dalpha]) : g.dalpha);
    }
    const mx = inputs(Ctor, 36 * 110, 6);
    for (const [shape, axis, pieces] of [[[36, 110], 1, 2], [[36, 110], 0, 3], [[4, 9, 110], 1, 3]]) {
      const tag = `maxout${JSON.stringify(shape)}@${axis}x${pieces}.${dt}`;
      const y = ak.maxout(mx, { shape, axis, pieces });
      h(`${tag}.fwd`, y);
      h(`${tag}.bwd`, ak.maxout.backward(inputs(Ctor, y.length, 7), mx, { shape, axis, pieces }));
    }
    const exprs = [
      ['x * sigmoid(beta * x)', { params: { beta: 1.5 } }],
      ['max(x, sigmoid(x))', {}],
      ['cos(x) - x', {}],
      ['gelu(x, "tanh") * 0.5', {}],
      ['x / (1 + abs(x)) + exp(-x*x) * tanh(x)', {}],
    ];
    for (const [src, o] of exprs) {
      const act = ak.compile(src, o);
      const tag = `compile(${src}).${dt}`;
      h(`${tag}.fwd`, act(x));
      h(`${tag}.bwd`, act.backward(dy, x));
    }
    const st = ak.stats(xs, { op: 'relu', shape: [rows, cols], channelAxis: 1 });
    h(`stats.${dt}`, st);
  }
  process.stdout.write(JSON.stringify({ isa: info.isa, backend: info.backend, isas: info.isas, hashes: out }));
}

function main() {
  if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) {
    console.error('output-hash: dist/index.js is missing: run `npm run build` first');
    process.exit(2);
  }
  const js = flag('--backend') === 'js';
  const probe = JSON.parse(run({ ...(js ? { ACTIVATION_KERNELS_BACKEND: 'js' } : {}) }));
  const levels = js ? [probe.isa] : (flag('--isa') ? flag('--isa').split(',') : probe.isas);
  const table = {};
  for (const isa of levels) {
    const r = JSON.parse(run(js ? { ACTIVATION_KERNELS_BACKEND: 'js' } : { ACTIVATION_KERNELS_ISA: isa, ACTIVATION_KERNELS_BACKEND: 'native' }));
    const key = js ? 'js' : r.isa;
    table[key] = r.hashes;
    const all = crypto.createHash('sha256').update(JSON.stringify(r.hashes)).digest('hex').slice(0, 16);
    console.log(`${key.padEnd(8)} ${Object.keys(r.hashes).length} outputs, hash ${all}`);
  }
  const jsonOut = flag('--json');
  if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify(table, null, 1) + '\n');
  const cmp = flag('--compare');
  if (cmp) {
    const before = JSON.parse(fs.readFileSync(cmp, 'utf8'));
    let diffs = 0;
    for (const isa of Object.keys(before)) {
      if (!table[isa]) { console.log(`${isa}: not run now`); continue; }
      for (const k of Object.keys(before[isa])) {
        if (table[isa][k] === undefined) console.log(`${isa} ${k}: missing now`), diffs++;
        else if (table[isa][k] !== before[isa][k]) console.log(`${isa} ${k}: differs`), diffs++;
      }
      for (const k of Object.keys(table[isa])) if (before[isa][k] === undefined) console.log(`${isa} ${k}: new (not compared)`);
    }
    console.log(diffs ? `${diffs} outputs differ` : 'every compared output is bit-identical');
    process.exitCode = diffs ? 1 : 0;
  }
}

function run(env) {
  const r = spawnSync(process.execPath, [__filename, '--child'], { env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) {
    console.error(r.stderr);
    process.exit(2);
  }
  return r.stdout;
}

if (argv.includes('--child')) child();
else main();

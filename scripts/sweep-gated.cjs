#!/usr/bin/env node
// The gated ops' accuracy sweep (the figures behind their registry bounds): on the JS
// twin and on every native ISA level this machine runs (each in a child process with
// ACTIVATION_KERNELS_BACKEND / ACTIVATION_KERNELS_ISA set), every gated op, dtype and
// parameter value over --n random (gate, up) pairs (gate: uniform on [-12, 12] and
// random finite bit patterns; up uniform on [-4, 4]) against the double-double
// reference (test/reference.cjs, test/reference-backward.cjs): the largest error in
// ULPs of y and d(up), and for d(gate) the ULP coefficient it needs beside act's ε term
// ((eps + 1)·ε·|dy·up|·S(gate), lib/registry/ops.ts GatedOpDef); float64 results within
// 2^60 of underflow are held to an absolute 2^-1022, as the unary backward's test holds them.
//
//   node scripts/sweep-gated.cjs [--n=200000] [--seed=1]
'use strict';
const path = require('node:path');
const { execFileSync } = require('node:child_process');

const root = path.join(__dirname, '..');
const args = process.argv.slice(2);
const opt = (k, d) => (args.find((a) => a.startsWith(`--${k}=`)) ?? `=${d}`).split('=')[1];
const n = Number(opt('n', 200000));
const seed = Number(opt('seed', 1));

function child() {
  const ak = require(path.join(root, 'dist', 'index.js'));
  const { gatedOps, gatedNames, unaryOps } = require(path.join(root, 'dist', 'ops.js'));
  const { ops: refOps, lastLo } = require(path.join(root, 'test', 'reference.cjs'));
  const { derivative, dd, scaleOf } = require(path.join(root, 'test', 'reference-backward.cjs'));
  const { ulpError, ulpOf } = require(path.join(root, 'test', 'ulp.cjs'));
  let a = seed >>> 0;
  const rnd = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const bits32 = new Float32Array(1), u32 = new Uint32Array(bits32.buffer);
  const out = [];
  for (const name of gatedNames) {
    const def = gatedOps[name];
    const act = unaryOps[def.act];
    const values = act.params.length ? act.params[0].values ?? [undefined] : [undefined];
    for (const [dtype, Ctor, round] of [['float32', Float32Array, Math.fround], ['float64', Float64Array, (v) => v]]) {
      for (const v of values) {
        const p = v === undefined ? {} : { [act.params[0].name]: v };
        const refP = { ...Object.fromEntries(act.params.map((q) => [q.name, q.default])), ...p };
        const g = new Ctor(n), u = new Ctor(n), dy = new Ctor(n);
        for (let i = 0; i < n; i++) {
          if (i % 4 === 3) {
            do u32[0] = (rnd() * 2 ** 32) >>> 0; while (!Number.isFinite(bits32[0]));
            g[i] = bits32[0];
          } else g[i] = (rnd() - 0.5) * 24;
          u[i] = (rnd() - 0.5) * 8;
          dy[i] = (rnd() - 0.5) * 4;
        }
        // glu has no two-array form: x = [up, gate] (the gate is the second half).
        const x = new Ctor(2 * n);
        x.set(def.gate === 'first' ? g : u, 0);
        x.set(def.gate === 'first' ? u : g, n);
        const y = ak[name](x, p);
        const dx = ak[name].backward(dy, x, p);
        const dg = dx.subarray(def.gate === 'first' ? 0 : n).subarray(0, n), du = dx.subarray(def.gate === 'first' ? n : 0).subarray(0, n);
        const [pa, pb] = [0, 1].map((k) => {
          const q = act.params[k];
          return q === undefined ? 0 : q.kind === 'enum' ? q.values.indexOf(refP[q.name]) : refP[q.name];
        });
        const eps = dtype === 'float32' ? 2 ** -23 : 2 ** -52;
        const w = { y: 0, du: 0, dg: 0, dgAt: null };
        const mulRef = (s, b) => {
          const q = s[0] * b;
          return !Number.isFinite(q) || q === 0 ? [q, 0] : dd.mul(s, [b, 0]);
        };
        for (let i = 0; i < n; i++) {
          const s = [refOps[def.act](g[i], refP), lastLo()];
          const r = mulRef(s, u[i]);
          w.y = Math.max(w.y, ulpError(y[i], r[0], dtype, r[1]));
          const rdu = mulRef(s, dy[i]);
          w.du = Math.max(w.du, ulpError(du[i], rdu[0], dtype, rdu[1]));
          // d(gate) against act's backward bound with dy·up for dy: the ULP coefficient this
          // element needs beside (eps + 1)·ε·|dy·up|·S(gate).
          const wv = mulRef([dy[i], 0], u[i]);
          const d = derivative(def.act, g[i], refP);
          const rdg = Number.isFinite(d[0]) && d[0] * wv[0] !== 0 ? dd.mul(d, wv) : [d[0] * wv[0], 0];
          // Near float64's underflow (as test/numerics/backward.test.ts): an absolute error below the smallest normal.
          if (dtype === 'float64' && Math.abs(rdg[0]) < 2 ** -962 && Math.abs(dg[i] - rdg[0]) <= 2 ** -1022) continue;
          const e = ulpError(dg[i], rdg[0], dtype, rdg[1]);
          const epsTerm = ((act.backward.eps + 1) * eps * Math.abs(wv[0]) * scaleOf(act.backward, false, g[i], pa, pb, d)) / ulpOf(rdg[0], dtype);
          const need = e === Infinity ? e : Math.max(0, e - epsTerm);
          if (need > w.dg) {
            w.dg = need;
            w.dgAt = [g[i], u[i], dy[i]];
          }
        }
        out.push({ op: name, dtype, params: p, ...w });
      }
    }
  }
  process.stdout.write(JSON.stringify(out));
}

if (process.env.SWEEP_GATED_CHILD) {
  child();
} else {
  const { loadBinding } = require(path.join(root, 'dist', 'native.js'));
  const b = loadBinding();
  const levels = [['js', { ACTIVATION_KERNELS_BACKEND: 'js' }]];
  if (!('error' in b)) for (const isa of b.binding.info().isas) levels.push([isa, { ACTIVATION_KERNELS_BACKEND: 'native', ACTIVATION_KERNELS_ISA: isa }]);
  const worst = {};
  for (const [level, env] of levels) {
    const res = JSON.parse(execFileSync(process.execPath, [__filename, ...args], { env: { ...process.env, ...env, SWEEP_GATED_CHILD: '1' }, maxBuffer: 1 << 26 }).toString());
    for (const r of res) {
      const k = `${r.op} ${r.dtype}${Object.keys(r.params).length ? ' ' + JSON.stringify(r.params) : ''}`;
      console.log(`${level.padEnd(7)} ${k.padEnd(40)} y ${r.y.toFixed(3)}  d(up) ${r.du.toFixed(3)}  d(gate) ${r.dg.toFixed(3)}${r.dg > 4 ? ` worst d(gate) at gate, up, dy = ${r.dgAt.join(', ')}` : ''}`);
      const key = `${r.op} ${r.dtype}`;
      const o = (worst[key] ??= { y: 0, grad: 0 });
      o.y = Math.max(o.y, r.y);
      o.grad = Math.max(o.grad, r.du, r.dg);
    }
  }
  console.log(`\nworst over ${levels.map((l) => l[0]).join(', ')}, n = ${n} per case:`);
  for (const [k, o] of Object.entries(worst)) console.log(`  ${k.padEnd(18)} y ${o.y.toFixed(3)} ULP, gradients ${o.grad.toFixed(3)} ULP (beside d(gate)'s ε term)`);
}

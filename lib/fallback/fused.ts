/**
 * The pure-JS twin of the fused element-wise pass (lib/types.ts FusedCall,
 * FusedBackwardCall): a unary op's own JS kernels run on chunks of the call,
 * with the bias added first and the gate's product after, each step rounded
 * to the array's type as the native path (native/runtime/fused.h) rounds it.
 */
import { unaryNames, unaryOps, type BackwardDef } from '../registry/ops';
import type { FloatArray, FusedBackwardCall, FusedCall } from '../types';
import { newLike } from '../validate/values';

/** Elements per chunk: the scratch arrays stay small and in cache. */
const CHUNK = 1024;

/** t[k] = src[k] + bias(c0 + ⌊(j0 + k) / inner⌋), rounded by the store into t. */
function addBias(src: FloatArray, t: FloatArray, c: FusedCall | FusedBackwardCall, c0: number, j0: number): void {
  const { inner } = c.geom;
  const n = t.length;
  for (let k = 0; k < n; ) {
    const ch = Math.floor((j0 + k) / inner);
    const b = c.bias === null ? c.biasScalar : c.bias[c0 + ch];
    const end = Math.min(n, (ch + 1) * inner - j0);
    for (; k < end; k++) t[k] = src[k] + b;
  }
}

export function runFused(c: FusedCall): void {
  const G = c.geom;
  const fwd = unaryOps[unaryNames[c.act]].js;
  const tmp = newLike(c.g, Math.min(CHUNK, G.m));
  const s = newLike(c.g, Math.min(CHUNK, G.m));
  for (let o = 0; o < G.outer; o++) {
    for (let j0 = 0; j0 < G.m; j0 += CHUNK) {
      const n = Math.min(CHUNK, G.m - j0);
      const gi = o * G.stride + G.gOff + j0;
      let t = c.g.subarray(gi, gi + n);
      if (c.biased) {
        const tt = tmp.subarray(0, n);
        addBias(t, tt, c, G.gC0, j0);
        t = tt;
      }
      const yi = o * G.m + j0;
      const y = c.y.subarray(yi, yi + n);
      if (c.u === null) {
        fwd(t, y, c.a, c.b);
        continue;
      }
      const sv = s.subarray(0, n);
      fwd(t, sv, c.a, c.b);
      const ui = o * G.stride + G.uOff + j0;
      let up = c.u.subarray(ui, ui + n);
      if (c.biased) {
        const tt = tmp.subarray(0, n);
        addBias(up, tt, c, G.uC0, j0);
        up = tt;
      }
      for (let k = 0; k < n; k++) y[k] = sv[k] * up[k];
    }
  }
}

export function runFusedBackward(c: FusedBackwardCall): void {
  const G = c.geom;
  const bw: BackwardDef = unaryOps[unaryNames[c.act]].backward;
  const fwd = unaryOps[unaryNames[c.act]].js;
  const len = Math.min(CHUNK, G.m);
  const tmp = newLike(c.g, len), tu = newLike(c.g, len), w = newLike(c.g, len), s = newLike(c.g, len);
  for (let o = 0; o < G.outer; o++) {
    for (let j0 = 0; j0 < G.m; j0 += CHUNK) {
      const n = Math.min(CHUNK, G.m - j0);
      const gi = o * G.stride + G.gOff + j0;
      const yi = o * G.m + j0;
      const dy = c.dy.subarray(yi, yi + n);
      let t = c.g.subarray(gi, gi + n);
      if (c.biased && !c.fromY) {
        const tt = tmp.subarray(0, n);
        addBias(t, tt, c, G.gC0, j0);
        t = tt;
      }
      const dg = c.dg.subarray(gi, gi + n);
      if (c.u === null) {
        if (c.fromY) bw.jsFromY!(dy, t, dg, c.a, c.b);
        else bw.js(dy, t, dg, c.a, c.b);
        continue;
      }
      // Everything read from g and u before dg and du (which may be g and u) are written.
      const ui = o * G.stride + G.uOff + j0;
      let up = c.u.subarray(ui, ui + n);
      if (c.biased) {
        const tt = tu.subarray(0, n);
        addBias(up, tt, c, G.uC0, j0);
        up = tt;
      }
      const wv = w.subarray(0, n), sv = s.subarray(0, n);
      for (let k = 0; k < n; k++) wv[k] = dy[k] * up[k];
      fwd(t, sv, c.a, c.b);
      bw.js(wv, t, dg, c.a, c.b);
      const du = c.du!.subarray(ui, ui + n);
      for (let k = 0; k < n; k++) du[k] = dy[k] * sv[k];
    }
  }
  if (c.dbias !== null) channelSums(c.dg, G.sOuter, G.sC, G.sInner, c.dbias);
}

/**
 * out[c] += Σ over channel c of a (seen as outer × C × inner), in float64,
 * compensated (Neumaier), in memory order: the order native/runtime/fused.h
 * sums in, so both give the same bits from the same gradient.
 */
export function channelSums(a: FloatArray, outer: number, C: number, inner: number, out: Float64Array): void {
  const comp = new Float64Array(C);
  let j = 0;
  for (let o = 0; o < outer; o++) {
    for (let ch = 0; ch < C; ch++) {
      let s = out[ch], e = comp[ch];
      for (const end = j + inner; j < end; j++) {
        const v = a[j];
        const u = s + v;
        e += Math.abs(s) >= Math.abs(v) ? (s - u) + v : (v - u) + s;
        s = u;
      }
      out[ch] = s;
      comp[ch] = e;
    }
  }
  // An infinite or NaN sum has a NaN compensation: the sum is the answer then.
  for (let ch = 0; ch < C; ch++) if (Number.isFinite(out[ch])) out[ch] += comp[ch];
}

/**
 * The pure-JS twin as a Backend: every op, both dtypes, on the calling thread.
 * It never declines a call, so it is both the `activation-kernels/js` backend
 * and what ./compose.ts runs when another backend declines one.
 */
import type { Backend } from './backend';
import { unaryOps, unaryNames, type BackwardDef } from '../registry/ops';
import { runShaped } from '../fallback/shaped';
import { runFused, runFusedBackward } from '../fallback/fused';
import { scanStats } from '../fallback/stats';
import { runProgram } from '../expr/interp';
import { halfBackward, halfForward } from '../fallback/half-tiles';
import type { FloatArray } from '../types';

const forward = unaryNames.map((n) => unaryOps[n].js);
const backward = unaryNames.map((n): BackwardDef => unaryOps[n].backward);

export type JsBackend = Required<Omit<Backend, 'unaryAsync' | 'unaryBackwardAsync' | 'shapedAsync' | 'fusedAsync' | 'runProgramAsync' | 'setThreads'>> & { readonly name: 'js' };

export function createJsBackend(loadError: string | null = null): JsBackend {
  return {
    name: 'js',
    unary(id, x, y, a, b, fmt = 0) {
      const k = forward[id];
      if (x.BYTES_PER_ELEMENT === 2) halfForward((x32, y32) => k(x32, y32, a, b), x as Uint16Array, y, fmt);
      else k(x as FloatArray, y as FloatArray, a, b);
      return true;
    },
    unaryBackward(id, dy, x, y, dx, a, b, fmt = 0) {
      const bw = backward[id];
      const k = y ? bw.jsFromY! : bw.js;
      const inp = (y ?? x)!;
      if (dy.BYTES_PER_ELEMENT === 2) halfBackward((d, i, o) => k(d, i, o, a, b), dy as Uint16Array, inp as Uint16Array, dx, fmt);
      else k(dy as FloatArray, inp as FloatArray, dx as FloatArray, a, b);
      return true;
    },
    shaped(c) {
      runShaped(c);
      return true;
    },
    fused(c) {
      if (c.op === 'fused') runFused(c);
      else runFusedBackward(c);
      return true;
    },
    runProgram(p, inputs, out) {
      runProgram(p, inputs, out);
      return true;
    },
    stats(x, outer, C, inner, hasShape, deadMax, lo, hi, out) {
      scanStats(x, outer, C, inner, hasShape, deadMax, lo, hi, out);
      return true;
    },
    isa: 'js',
    isas: ['js'],
    threads: () => 1,
    loadError,
  };
}

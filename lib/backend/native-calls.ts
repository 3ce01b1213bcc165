/**
 * The addon's entry points beyond forward unary (native/napi/backward.cc,
 * shaped.cc, expr.cc) as Backend members, one family each: lib/backend/native.ts
 * spreads them into the backend it builds. Each returns false, as the addon
 * does, when it has no kernel for a call.
 */
import type { Backend } from './backend';
import { nativeAsync } from './pool';
import { unaryNames } from '../registry/ops';
import { shapedCalls } from '../registry/shaped-calls';
import type { FloatArray, FusedBackwardCall, FusedCall, ShapedCall, StorageArray } from '../types';

/** The addon's exports used here (absent on a binary built before them). */
export interface CallsBinding {
  cancelAsync(ticket: number): boolean;
  /** dx = dy·f'(x), or from y when y is not null; false (nothing written): no native kernel. */
  unaryBackward?(id: number, dy: StorageArray, x: StorageArray | null, y: StorageArray | null, dx: StorageArray, a: number, b: number, fmt?: number): boolean;
  unaryBackwardAsync?(id: number, dy: StorageArray, x: StorageArray | null, y: StorageArray | null, dx: StorageArray, a: number, b: number, done: (status: number) => void, fmt?: number): number | null;
  /** One shaped call, positionally (native/napi/shaped.cc): op code, shape, param, arrays. */
  shaped?(op: number, outer: number, len: number, inner: number, param: number, ...arrays: (FloatArray | null)[]): boolean;
  shapedAsync?(op: number, outer: number, len: number, inner: number, param: number, a0: FloatArray | null, a1: FloatArray | null, a2: FloatArray | null, a3: FloatArray | null, a4: FloatArray | null, done: (status: number) => void): number | null;
  /**
   * One fused pass (native/napi/fused.cc): forward arrays g, u, y, bias; backward dy, g,
   * u, dg, du, bias, dbias (null where absent); geom as fusedGeom() packs it.
   */
  fused?(backward: boolean, act: number, a: number, b: number, geom: Float64Array, ...arrays: (FloatArray | null)[]): boolean;
  fusedAsync?(backward: boolean, act: number, a: number, b: number, geom: Float64Array, a0: FloatArray | null, a1: FloatArray | null, a2: FloatArray | null, a3: FloatArray | null, a4: FloatArray | null, a5: FloatArray | null, a6: FloatArray | null, done: (status: number) => void): number | null;
  runProgram?(code: Int32Array, consts: Float64Array, inputs: readonly FloatArray[], out: FloatArray): boolean;
  runProgramAsync?(code: Int32Array, consts: Float64Array, inputs: readonly FloatArray[], out: FloatArray, done: (status: number) => void): number | null;
  stats?(x: FloatArray, outer: number, C: number, inner: number, hasShape: boolean, deadMax: number, lo: number, hi: number, out: Float64Array): boolean;
}

/** The unary backward passes. */
export function backwardCalls(binding: CallsBinding): Pick<Backend, 'unaryBackward' | 'unaryBackwardAsync'> {
  const out: Pick<Backend, 'unaryBackward' | 'unaryBackwardAsync'> = {};
  const { unaryBackward, unaryBackwardAsync } = binding;
  const cancel = (t: number): boolean => binding.cancelAsync(t);
  if (unaryBackward) out.unaryBackward = (id, dy, x, y, dx, a, b, fmt = 0) => unaryBackward.call(binding, id, dy, x, y, dx, a, b, fmt);
  if (unaryBackwardAsync) {
    out.unaryBackwardAsync = (id, dy, x, y, dx, a, b, signal, label = `${unaryNames[id]}.backward.async`, fmt = 0) =>
      nativeAsync(label, (done) => unaryBackwardAsync.call(binding, id, dy, x, y, dx, a, b, done, fmt), cancel, signal);
  }
  return out;
}

/** A shaped call as native/napi/shaped.cc takes it: op code, param and the arrays in its order. */
function shapedArgs(c: ShapedCall): [number, number, (FloatArray | null)[]] {
  const op = shapedCalls.indexOf(c.op);
  switch (c.op) {
    case 'softmax':
    case 'logSoftmax':
    case 'softmin':
    case 'hardmax':
      return [op, 0, [c.x, c.y]];
    case 'softmaxBackward':
    case 'logSoftmaxBackward':
    case 'softminBackward':
      return [op, 0, [c.dy, c.y, c.x, c.dx]];
    case 'hardmaxBackward':
      return [op, 0, [c.dy, c.x, c.dx]];
    case 'prelu':
      return [op, c.alphaScalar, [c.x, c.y, c.alpha]];
    case 'preluBackward':
      return [op, c.alphaScalar, [c.dy, c.x, c.alpha, c.dx, c.dalpha]];
    case 'maxout':
      return [op, c.pieces, [c.x, c.y]];
    case 'maxoutBackward':
      return [op, c.pieces, [c.dy, c.x, c.dx]];
  }
}

/** The shaped ops (softmax, logSoftmax, prelu, maxout, forward and backward). */
export function shapedCallsOf(binding: CallsBinding): Pick<Backend, 'shaped' | 'shapedAsync'> {
  const out: Pick<Backend, 'shaped' | 'shapedAsync'> = {};
  const { shaped, shapedAsync } = binding;
  const cancel = (t: number): boolean => binding.cancelAsync(t);
  if (shaped) {
    out.shaped = (c) => {
      const [op, param, arrays] = shapedArgs(c);
      return shaped.call(binding, op, c.outer, c.len, c.inner, param, ...arrays);
    };
  }
  if (shapedAsync) {
    out.shapedAsync = (c, signal, label = `${c.op}.async`) => {
      const [op, param, a] = shapedArgs(c);
      const p = nativeAsync(
        label,
        (done) => shapedAsync.call(binding, op, c.outer, c.len, c.inner, param, a[0] ?? null, a[1] ?? null, a[2] ?? null, a[3] ?? null, a[4] ?? null, done),
        cancel,
        signal,
      );
      // The addon keeps four arrays alive during the call; this closure keeps the call
      // (and so a fifth, prelu's dalpha) referenced until it settles.
      return p === false ? false : p.finally(() => void c);
    };
  }
  return out;
}

/** A fused call's geometry and bias scalar as the addon reads them (native/napi/fused.cc: the same order). */
function fusedGeom(c: FusedCall | FusedBackwardCall): Float64Array {
  const g = c.geom;
  return Float64Array.of(g.outer, g.m, g.stride, g.gOff, g.uOff, g.inner, g.gC0, g.uC0, g.sOuter, g.sC, g.sInner,
    c.biased ? 1 : 0, c.biasScalar, c.op === 'fusedBackward' && c.fromY ? 1 : 0);
}

function fusedArrays(c: FusedCall | FusedBackwardCall): (FloatArray | null)[] {
  return c.op === 'fused' ? [c.g, c.u, c.y, c.bias, null, null, null] : [c.dy, c.g, c.u, c.dg, c.du, c.bias, c.dbias];
}

/** The fused element-wise passes (a unary op with a bias, the gated ops). */
export function fusedCallsOf(binding: CallsBinding): Pick<Backend, 'fused' | 'fusedAsync'> {
  const out: Pick<Backend, 'fused' | 'fusedAsync'> = {};
  const { fused, fusedAsync } = binding;
  const cancel = (t: number): boolean => binding.cancelAsync(t);
  if (fused) out.fused = (c) => fused.call(binding, c.op === 'fusedBackward', c.act, c.a, c.b, fusedGeom(c), ...fusedArrays(c));
  if (fusedAsync) {
    out.fusedAsync = (c, signal, label = `${unaryNames[c.act]}.async`) => {
      const a = fusedArrays(c);
      const p = nativeAsync(
        label,
        (done) => fusedAsync.call(binding, c.op === 'fusedBackward', c.act, c.a, c.b, fusedGeom(c), a[0], a[1], a[2], a[3], a[4], a[5], a[6], done),
        cancel,
        signal,
      );
      // The addon keeps four values alive; this closure keeps the call and its other arrays until it settles.
      return p === false ? false : p.finally(() => void c);
    };
  }
  return out;
}

/** Compiled expressions (runProgram) and the stats() scan. */
export function exprCalls(binding: CallsBinding): Pick<Backend, 'runProgram' | 'runProgramAsync' | 'stats'> {
  const out: Pick<Backend, 'runProgram' | 'runProgramAsync' | 'stats'> = {};
  const { runProgram, runProgramAsync, stats } = binding;
  const cancel = (t: number): boolean => binding.cancelAsync(t);
  if (runProgram) out.runProgram = (p, inputs, y) => runProgram.call(binding, p.code, p.consts, inputs, y);
  if (runProgramAsync) {
    out.runProgramAsync = (p, inputs, y, signal, label = 'compiled activation.async') =>
      nativeAsync(label, (done) => runProgramAsync.call(binding, p.code, p.consts, inputs, y, done), cancel, signal);
  }
  if (stats) out.stats = (x, outer, C, inner, hasShape, deadMax, lo, hi, o) => stats.call(binding, x, outer, C, inner, hasShape, deadMax, lo, hi, o);
  return out;
}

/**
 * The one rule for falling back: a call the backend declines (its entry point
 * is absent or returns false) runs on the pure-JS twin; an `.async` call the
 * backend does not take runs on the JS thread in slices (./slices.ts), after
 * one turn of the event loop, so an abort issued right after the call still
 * wins and the loop keeps turning while it runs.
 */
import type { Backend, Engine } from './backend';
import type { FloatArray } from '../types';
import { createJsBackend } from './js';
import { scanStats } from '../fallback/stats';
import { sliceElements, sliceFused, sliceShaped } from './slices';

const twin = createJsBackend(null);

/** `started` (a backend's async call), or else the sliced run on this thread. */
const later = (started: Promise<void> | false | undefined, sliced: () => Promise<void>): Promise<void> => (started ? started : sliced());

export function compose(b: Backend): Engine {
  const e: Engine = {
    name: b.name,
    unary(id, x, y, p0, p1, fmt) {
      if (!b.unary(id, x, y, p0, p1, fmt)) twin.unary(id, x, y, p0, p1, fmt);
    },
    unaryAsync: (fn, id, x, y, p0, p1, signal, fmt) =>
      later(b.unaryAsync?.(id, x, y, p0, p1, signal, fn, fmt), () =>
        sliceElements(fn, signal, [x, y], ([xs, ys]) => e.unary(id, xs!, ys!, p0, p1, fmt))),
    unaryBackward(id, dy, x, y, dx, p0, p1, fmt) {
      if (!b.unaryBackward?.(id, dy, x, y, dx, p0, p1, fmt)) twin.unaryBackward(id, dy, x, y, dx, p0, p1, fmt);
    },
    unaryBackwardAsync: (fn, id, dy, x, y, dx, p0, p1, signal, fmt) =>
      later(b.unaryBackwardAsync?.(id, dy, x, y, dx, p0, p1, signal, fn, fmt), () =>
        sliceElements(fn, signal, [dy, x, y, dx], ([dys, xs, ys, dxs]) => e.unaryBackward(id, dys!, xs, ys, dxs!, p0, p1, fmt))),
    shaped(c) {
      if (!b.shaped?.(c)) twin.shaped(c);
    },
    shapedAsync: (fn, c, signal) => later(b.shapedAsync?.(c, signal, fn), () => sliceShaped(fn, signal, c, (part) => e.shaped(part))),
    fused(c) {
      if (!b.fused?.(c)) twin.fused(c);
    },
    fusedAsync: (fn, c, signal) => later(b.fusedAsync?.(c, signal, fn), () => sliceFused(fn, signal, c, (whole) => e.fused(whole))),
    runProgram(p, inputs, out) {
      if (!b.runProgram?.(p, inputs, out)) twin.runProgram(p, inputs, out);
    },
    runProgramAsync: (fn, p, inputs, out, signal) =>
      later(b.runProgramAsync?.(p, inputs, out, signal, fn), () =>
        sliceElements(fn, signal, [...inputs, out], (parts) => e.runProgram(p, parts.slice(0, -1) as FloatArray[], parts[parts.length - 1]!))),
    stats(x, outer, C, inner, hasShape, deadMax, lo, hi, out, seluOut) {
      // selu(x)'s moments need the forward kernel on each segment: only the twin's scan does both.
      if (seluOut === undefined && b.stats?.(x, outer, C, inner, hasShape, deadMax, lo, hi, out)) return;
      scanStats(x, outer, C, inner, hasShape, deadMax, lo, hi, out, seluOut);
    },
    isa: b.isa,
    isas: b.isas,
    threads: () => b.threads(),
    setThreads: (n) => b.setThreads?.(n),
    loadError: b.loadError,
  };
  return e;
}

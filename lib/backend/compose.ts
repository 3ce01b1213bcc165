/**
 * The one rule for falling back: a call the backend declines (its entry point
 * is absent or returns false) runs on the pure-JS twin; an `.async` call the
 * backend does not take runs on the JS thread after one turn of the event
 * loop, so an abort issued right after the call still wins.
 */
import type { Backend, Engine } from './backend';
import { createJsBackend } from './js';
import { scanStats } from '../fallback/stats';
import { abortError } from '../validate/signal';

const twin = createJsBackend(null);

/** `started` (a backend's async call), or `sync` after one turn of the event loop unless the signal fires first. */
async function later(fn: string, started: Promise<void> | false | undefined, signal: AbortSignal | undefined, sync: () => void): Promise<void> {
  if (started) return started;
  await new Promise<void>((resolve) => setImmediate(resolve));
  if (signal?.aborted) throw abortError(fn, signal);
  sync();
}

export function compose(b: Backend): Engine {
  const e: Engine = {
    name: b.name,
    unary(id, x, y, p0, p1, fmt) {
      if (!b.unary(id, x, y, p0, p1, fmt)) twin.unary(id, x, y, p0, p1, fmt);
    },
    unaryAsync: (fn, id, x, y, p0, p1, signal, fmt) =>
      later(fn, b.unaryAsync?.(id, x, y, p0, p1, signal, fn, fmt), signal, () => e.unary(id, x, y, p0, p1, fmt)),
    unaryBackward(id, dy, x, y, dx, p0, p1, fmt) {
      if (!b.unaryBackward?.(id, dy, x, y, dx, p0, p1, fmt)) twin.unaryBackward(id, dy, x, y, dx, p0, p1, fmt);
    },
    unaryBackwardAsync: (fn, id, dy, x, y, dx, p0, p1, signal, fmt) =>
      later(fn, b.unaryBackwardAsync?.(id, dy, x, y, dx, p0, p1, signal, fn, fmt), signal, () => e.unaryBackward(id, dy, x, y, dx, p0, p1, fmt)),
    shaped(c) {
      if (!b.shaped?.(c)) twin.shaped(c);
    },
    shapedAsync: (fn, c, signal) => later(fn, b.shapedAsync?.(c, signal, fn), signal, () => e.shaped(c)),
    runProgram(p, inputs, out) {
      if (!b.runProgram?.(p, inputs, out)) twin.runProgram(p, inputs, out);
    },
    runProgramAsync: (fn, p, inputs, out, signal) => later(fn, b.runProgramAsync?.(p, inputs, out, signal, fn), signal, () => e.runProgram(p, inputs, out)),
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

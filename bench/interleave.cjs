'use strict';
/**
 * Interleaved batches for the A/B scripts (bench/ab.cjs, bench/vs-base.cjs): each
 * function's batch is sized to last at least minMs, then the functions run batch by
 * batch in an order that rotates, so that a change of machine load hits every one alike.
 */
const now = () => Number(process.hrtime.bigint());

/** Elements/s (n elements a call) of each function in each of `batches` batches: one array of rates per function. */
function interleavedRates(fns, n, batches, minMs) {
  const reps = fns.map((f) => {
    f();
    for (let r = 1; ; r *= 2) {
      const t0 = now();
      for (let i = 0; i < r; i++) f();
      if ((now() - t0) / 1e6 >= minMs) return r;
    }
  });
  const rates = fns.map(() => []);
  for (let k = 0; k < batches; k++) {
    for (let j = 0; j < fns.length; j++) {
      const i = (j + k) % fns.length;
      const t0 = now();
      for (let r = 0; r < reps[i]; r++) fns[i]();
      rates[i].push((n * reps[i]) / ((now() - t0) / 1e9));
    }
  }
  return rates;
}

module.exports = { interleavedRates };

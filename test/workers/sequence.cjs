// test/workers/sequence.cjs -- the random call sequence of the worker_threads test,
// shared by the workers that run it and the test that replays it on one thread.
'use strict';

// xorshift32: the same stream in every thread for the same seed.
function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

/**
 * `count` calls inside [lo, hi): which op (index into `ops`), where, how long
 * (log-uniform from 1 to 2^17 elements, so some calls are split over threads and
 * most are not), and how: 'sync', 'async', or 'inplace' (async on the output range
 * after copying the input there).
 */
function sequence(seed, count, lo, hi, nops) {
  const r = rng(seed);
  const calls = [];
  for (let k = 0; k < count; k++) {
    const op = Math.floor(r() * nops);
    const len = Math.min(hi - lo, Math.max(1, Math.floor(2 ** (r() * 17))));
    const start = lo + Math.floor(r() * (hi - lo - len + 1));
    const m = r();
    const mode = m < 0.4 ? 'sync' : m < 0.8 ? 'async' : 'inplace';
    calls.push({ op, start, len, mode });
  }
  return calls;
}

// FNV-1a over the result's bit patterns: equal hashes <=> (practically) equal bits.
function hashBits(view) {
  const u = new Uint32Array(view.buffer, view.byteOffset, view.byteLength >> 2);
  let h = 0x811c9dc5;
  for (let i = 0; i < u.length; i++) h = Math.imul(h ^ u[i], 0x01000193) >>> 0;
  return h;
}

/** Runs the calls with `ak` on x (input) and y (output), both whole-buffer views; returns one hash per call. */
async function run(ak, ops, calls, x, y) {
  const hashes = [];
  for (const c of calls) {
    const { name, options } = ops[c.op];
    const xs = x.subarray(c.start, c.start + c.len);
    const ys = y.subarray(c.start, c.start + c.len);
    if (c.mode === 'sync') {
      ak[name](xs, { ...options, out: ys });
    } else if (c.mode === 'async') {
      const r = await ak[name].async(xs, { ...options, out: ys });
      if (r !== ys) throw new Error(`${name}.async resolved to something other than its output`);
    } else {
      ys.set(xs);
      await ak[name].async(ys, { ...options, out: ys });
    }
    hashes.push(hashBits(ys));
  }
  return hashes;
}

module.exports = { rng, sequence, hashBits, run };

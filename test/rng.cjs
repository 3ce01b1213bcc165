'use strict';
/**
 * mulberry32: small, fast, and good enough for test inputs, fuzz cases and bootstrap
 * resampling; floats in [0, 1). The one copy: test/numerics, scripts/fuzz*.cjs and
 * bench/stats.cjs draw from it, so a seed gives the same sequence everywhere.
 */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

module.exports = { rng };

'use strict';
/**
 * The least-squares slope of [x, y] samples: leak.cjs and soak.cjs judge memory
 * by its trend over the calls, since one sample after a GC moves by megabytes
 * either way and a leak is a slope, not the gap between two points.
 */
function slope(samples) {
  const n = samples.length;
  if (n < 2) return 0;
  const mx = samples.reduce((s, p) => s + p[0], 0) / n, my = samples.reduce((s, p) => s + p[1], 0) / n;
  let sxy = 0, sxx = 0;
  for (const [x, y] of samples) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : 0;
}
module.exports = { slope };

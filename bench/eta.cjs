'use strict';
/**
 * The remaining time of a bench run, from what it has measured so far.
 *
 * Counting samples done is not enough: the harness runs sizes in ascending
 * order, a sample lasts max(minSampleMs, one call), and calls at 16M take
 * a thousand times longer than at 4K, so an ETA from the fraction of samples
 * done says minutes at 23% and seconds at 91% of a 12-minute run. Instead,
 * each figure's cost is predicted from the per-call times measured so far:
 * an implementation's call at size n is extrapolated from its two largest
 * measured sizes for that op and mode (a power law between them, linear from
 * one size), and a figure costs its warm-up, its calibration and its samples
 * of max(minSampleMs, call). The ratio of the real time of finished figures
 * to their prediction (from their own call times) corrects the model for
 * what it leaves out (preparing inputs, garbage collection, peers' async
 * round trips).
 */

class Eta {
  /** plan: the figures in run order, [{ key, size }] (key: op and mode); config: samples, minSampleMs, warmupMs. */
  constructor(plan, { samples, minSampleMs, warmupMs }) {
    this.plan = plan;
    this.samples = samples;
    this.minMs = minSampleMs;
    this.warmupMs = warmupMs;
    // key → impl id → [{ size, ms }] measured per-call times, ascending size.
    this.calls = new Map();
    this.actualMs = 0;
    this.predictedMs = 0;
    // Real time of finished figures by size, for figures the model cannot predict yet.
    this.bySize = new Map();
    this.next = 0;
    this.current = null;
  }

  /** Wall time the harness spends on one implementation in a figure, calls of `ms` each. */
  figureMs(ms) {
    const b = Math.max(this.minMs, ms);
    return Math.max(this.warmupMs, 2 * b) + b + ms + this.samples * b;
  }

  /** Predicted per-call ms of `impl` on `key` at `size`, or null before any measurement of it. */
  callMs(key, impl, size) {
    const m = this.calls.get(key)?.get(impl);
    if (!m || !m.length) return null;
    const last = m[m.length - 1];
    if (m.length === 1 || last.size === size) return (last.ms * size) / last.size;
    const prev = m[m.length - 2];
    const p = Math.min(1.2, Math.max(0, Math.log(last.ms / prev.ms) / Math.log(last.size / prev.size)));
    return last.ms * (size / last.size) ** p;
  }

  /** Predicted ms of figure i, or null when no implementation of it has been measured. */
  predict(i) {
    const { key, size } = this.plan[i];
    const impls = this.calls.get(key);
    if (!impls) return null;
    let ms = 0;
    for (const impl of impls.keys()) ms += this.figureMs(this.callMs(key, impl, size));
    return ms;
  }

  /** Figure i starts (figures run in plan order; skipped ones are simply never started). */
  start(i, now = Date.now()) {
    this.next = i;
    this.current = { i, t0: now };
  }

  /** Figure i finished: perCallMs maps each implementation timed in it to its median per-call ms. */
  finish(i, perCallMs, now = Date.now()) {
    const { key, size } = this.plan[i];
    const spent = this.current && this.current.i === i ? now - this.current.t0 : 0;
    let impls = this.calls.get(key);
    if (!impls) this.calls.set(key, (impls = new Map()));
    let predicted = 0;
    for (const [impl, ms] of perCallMs) {
      if (!impls.has(impl)) impls.set(impl, []);
      impls.get(impl).push({ size, ms });
      predicted += this.figureMs(ms);
    }
    if (predicted > 0) {
      this.actualMs += spent;
      this.predictedMs += predicted;
    }
    const s = this.bySize.get(size) ?? { ms: 0, n: 0 };
    this.bySize.set(size, { ms: s.ms + spent, n: s.n + 1 });
    this.next = i + 1;
    this.current = null;
  }

  /** Seconds left, or null while nothing has been measured. */
  remaining(now = Date.now()) {
    if (!this.predictedMs) return null;
    const f = this.actualMs / this.predictedMs;
    let ms = 0;
    for (let i = this.next; i < this.plan.length; i++) {
      let p = this.predict(i);
      if (p === null) {
        // Not yet measured at any size: as long as the figures finished at its size (or the last size) took.
        const s = this.bySize.get(this.plan[i].size) ?? [...this.bySize.values()].pop();
        p = s ? s.ms / s.n / f : 0;
      }
      p *= f;
      if (this.current && this.current.i === i) p = Math.max(0, p - (now - this.current.t0));
      ms += p;
    }
    return ms / 1000;
  }
}

module.exports = { Eta };

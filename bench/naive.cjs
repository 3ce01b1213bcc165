'use strict';
/**
 * The loops people write by hand when they need an activation in JS: the
 * textbook formula on Math.*, one element at a time, no care for accuracy at
 * the edges. This is the baseline the package has to beat to be worth a
 * dependency, so each loop is written the obvious way, not tuned.
 *
 * Keyed by the registry's op names (bench/harness checks every key against
 * lib/ops.ts); an op without an entry here is simply not benchmarked for this
 * implementation. Each entry takes the op's parameters (the registry's
 * defaults, resolved by the harness; for the shaped ops, the layout of
 * bench/shaped.cjs) and returns the kernel (x, y) => void, so the constants
 * are closed over once and the loop itself does no lookups.
 *
 * Not every loop computes exactly the package's formula: JS has no Math.erf,
 * so the hand-written gelu is the tanh approximation everyone copies, and
 * naive softplus/elu lose accuracy where log1p/expm1 would not. The harness
 * records each implementation's deviation from the JS twin in the results.
 */

module.exports = {
  relu: () => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = Math.max(0, x[i]);
  },
  leakyRelu: ({ alpha }) => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : alpha * x[i];
  },
  relu6: () => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = Math.min(Math.max(x[i], 0), 6);
  },
  hardTanh: ({ min, max }) => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = Math.min(Math.max(x[i], min), max);
  },
  elu: ({ alpha }) => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = x[i] > 0 ? x[i] : alpha * (Math.exp(x[i]) - 1);
  },
  selu: () => {
    const alpha = 1.6732632423543772;
    const scale = 1.0507009873554805;
    return (x, y) => {
      for (let i = 0; i < x.length; i++) y[i] = scale * (x[i] > 0 ? x[i] : alpha * (Math.exp(x[i]) - 1));
    };
  },
  celu: ({ alpha }) => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = Math.max(0, x[i]) + Math.min(0, alpha * (Math.exp(x[i] / alpha) - 1));
  },
  sigmoid: () => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = 1 / (1 + Math.exp(-x[i]));
  },
  tanh: () => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]);
  },
  softplus: () => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = Math.log(1 + Math.exp(x[i]));
  },
  swish: ({ beta }) => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = x[i] / (1 + Math.exp(-beta * x[i]));
  },
  silu: () => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = x[i] / (1 + Math.exp(-x[i]));
  },
  gelu: () => (x, y) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      y[i] = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
    }
  },
  mish: () => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = x[i] * Math.tanh(Math.log(1 + Math.exp(x[i])));
  },
  hardSigmoid: ({ alpha, beta }) => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = Math.max(0, Math.min(1, alpha * x[i] + beta));
  },
  hardSwish: () => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = (x[i] * Math.min(Math.max(x[i] + 3, 0), 6)) / 6;
  },
  softsign: () => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = x[i] / (1 + Math.abs(x[i]));
  },
  rbf: ({ gamma, center }) => (x, y) => {
    for (let i = 0; i < x.length; i++) y[i] = Math.exp(-gamma * (x[i] - center) ** 2);
  },
  prelu: ({ channels, rows, alpha }) => (x, y) => {
    for (let r = 0, i = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++, i++) y[i] = x[i] > 0 ? x[i] : alpha[c] * x[i];
    }
  },
  maxout: ({ groups, pieces }) => (x, y) => {
    for (let g = 0; g < groups; g++) {
      let m = x[g * pieces];
      for (let k = 1; k < pieces; k++) m = Math.max(m, x[g * pieces + k]);
      y[g] = m;
    }
  },
  softmax: ({ rows, cols }) => (x, y) => {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let m = -Infinity;
      for (let j = 0; j < cols; j++) m = Math.max(m, x[o + j]);
      let s = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(x[o + j] - m);
        y[o + j] = e;
        s += e;
      }
      for (let j = 0; j < cols; j++) y[o + j] /= s;
    }
  },
  softmin: ({ rows, cols }) => (x, y) => {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let m = Infinity;
      for (let j = 0; j < cols; j++) m = Math.min(m, x[o + j]);
      let s = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(m - x[o + j]);
        y[o + j] = e;
        s += e;
      }
      for (let j = 0; j < cols; j++) y[o + j] /= s;
    }
  },
  hardmax: ({ rows, cols }) => (x, y) => {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let arg = 0;
      for (let j = 1; j < cols; j++) if (x[o + j] > x[o + arg]) arg = j;
      for (let j = 0; j < cols; j++) y[o + j] = j === arg ? 1 : 0;
    }
  },
  logSoftmax: ({ rows, cols }) => (x, y) => {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let m = -Infinity;
      for (let j = 0; j < cols; j++) m = Math.max(m, x[o + j]);
      let s = 0;
      for (let j = 0; j < cols; j++) s += Math.exp(x[o + j] - m);
      const ls = Math.log(s);
      for (let j = 0; j < cols; j++) y[o + j] = x[o + j] - m - ls;
    }
  },
};

'use strict';
/**
 * Hand-written backward passes, dx = dy · f'(x): the derivative from the
 * textbook, in a plain loop, the way training code written in JS does it
 * without a library. Keyed by the registry's op names (checked by the
 * harness); each entry takes the op's parameters and returns (dy, x, dx) => void.
 * As in ./naive.cjs, gelu is the tanh approximation's derivative.
 */

const naive = require('./naive.cjs');

module.exports = {
  relu: () => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
  },
  leakyRelu: ({ alpha }) => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : alpha * dy[i];
  },
  relu6: () => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 && x[i] < 6 ? dy[i] : 0;
  },
  hardTanh: ({ min, max }) => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) dx[i] = x[i] > min && x[i] < max ? dy[i] : 0;
  },
  elu: ({ alpha }) => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * alpha * Math.exp(x[i]);
  },
  selu: () => {
    const alpha = 1.6732632423543772;
    const scale = 1.0507009873554805;
    return (dy, x, dx) => {
      for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? scale * dy[i] : scale * alpha * dy[i] * Math.exp(x[i]);
    };
  },
  celu: ({ alpha }) => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) dx[i] = x[i] > 0 ? dy[i] : dy[i] * Math.exp(x[i] / alpha);
  },
  sigmoid: () => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) {
      const s = 1 / (1 + Math.exp(-x[i]));
      dx[i] = dy[i] * s * (1 - s);
    }
  },
  tanh: () => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) {
      const t = Math.tanh(x[i]);
      dx[i] = dy[i] * (1 - t * t);
    }
  },
  softplus: ({ beta }) => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) dx[i] = dy[i] / (1 + Math.exp(-beta * x[i]));
  },
  swish: ({ beta }) => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) {
      const s = 1 / (1 + Math.exp(-beta * x[i]));
      dx[i] = dy[i] * (s + beta * x[i] * s * (1 - s));
    }
  },
  silu: () => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) {
      const s = 1 / (1 + Math.exp(-x[i]));
      dx[i] = dy[i] * (s + x[i] * s * (1 - s));
    }
  },
  gelu: () => (dy, x, dx) => {
    const c = Math.sqrt(2 / Math.PI);
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const t = Math.tanh(c * (v + 0.044715 * v * v * v));
      dx[i] = dy[i] * (0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v));
    }
  },
  mish: () => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      const t = Math.tanh(Math.log(1 + Math.exp(v)));
      const s = 1 / (1 + Math.exp(-v));
      dx[i] = dy[i] * (t + v * (1 - t * t) * s);
    }
  },
  hardSigmoid: ({ alpha, beta }) => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) {
      const u = alpha * x[i] + beta;
      dx[i] = u > 0 && u < 1 ? alpha * dy[i] : 0;
    }
  },
  hardSwish: () => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) {
      const v = x[i];
      dx[i] = v < -3 ? 0 : v > 3 ? dy[i] : (dy[i] * (2 * v + 3)) / 6;
    }
  },
  softsign: () => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) {
      const d = 1 + Math.abs(x[i]);
      dx[i] = dy[i] / (d * d);
    }
  },
  rbf: ({ gamma, center }) => (dy, x, dx) => {
    for (let i = 0; i < x.length; i++) {
      const d = x[i] - center;
      dx[i] = -2 * gamma * d * dy[i] * Math.exp(-gamma * d * d);
    }
  },
  prelu: ({ channels, rows, alpha }) => (dy, x, dx) => {
    // dalpha too, as the package computes both.
    const dalpha = new Float64Array(channels);
    for (let r = 0, i = 0; r < rows; r++) {
      for (let c = 0; c < channels; c++, i++) {
        if (x[i] > 0) {
          dx[i] = dy[i];
        } else {
          dx[i] = alpha[c] * dy[i];
          dalpha[c] += x[i] * dy[i];
        }
      }
    }
    return dalpha;
  },
  maxout: ({ groups, pieces }) => (dy, x, dx) => {
    for (let g = 0; g < groups; g++) {
      let arg = 0;
      for (let k = 1; k < pieces; k++) if (x[g * pieces + k] > x[g * pieces + arg]) arg = k;
      for (let k = 0; k < pieces; k++) dx[g * pieces + k] = k === arg ? dy[g] : 0;
    }
  },
  // The softmax backward needs y: hand-written code recomputes it from x (the
  // hand-written forward of ./naive.cjs, into dx) and then takes the row's dot.
  softmax: ({ rows, cols }) => {
    const forward = naive.softmax({ rows, cols });
    return (dy, x, dx) => {
      forward(x, dx);
      for (let r = 0; r < rows; r++) {
        const o = r * cols;
        let dot = 0;
        for (let j = 0; j < cols; j++) dot += dy[o + j] * dx[o + j];
        for (let j = 0; j < cols; j++) dx[o + j] *= dy[o + j] - dot;
      }
    };
  },
  softmin: ({ rows, cols }) => (dy, x, dx) => {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let m = Infinity;
      for (let j = 0; j < cols; j++) m = Math.min(m, x[o + j]);
      let s = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(m - x[o + j]);
        dx[o + j] = e;
        s += e;
      }
      let dot = 0;
      for (let j = 0; j < cols; j++) {
        dx[o + j] /= s;
        dot += dy[o + j] * dx[o + j];
      }
      for (let j = 0; j < cols; j++) dx[o + j] *= dot - dy[o + j];
    }
  },
  hardmax: () => (dy, x, dx) => dx.fill(0),
  logSoftmax: ({ rows, cols }) => (dy, x, dx) => {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let m = -Infinity;
      for (let j = 0; j < cols; j++) m = Math.max(m, x[o + j]);
      let s = 0;
      let sdy = 0;
      for (let j = 0; j < cols; j++) {
        s += Math.exp(x[o + j] - m);
        sdy += dy[o + j];
      }
      for (let j = 0; j < cols; j++) dx[o + j] = dy[o + j] - (Math.exp(x[o + j] - m) / s) * sdy;
    }
  },
};

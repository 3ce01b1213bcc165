'use strict';
/**
 * How the benchmark runs each shaped op of the registry (lib/ops.ts
 * shapedOps) on n elements: the shape it sees them through, and the public
 * calls, forward and backward, written once here so every implementation over
 * the package's API makes the same call. Keyed by the registry's names
 * (checked by the harness); each entry's `layout(n)` returns the workload or
 * { skip } when n does not fit it.
 *
 * The layouts are the common cases: softmax over rows of 1024 (a
 * classifier's or an attention row), prelu over 64 channels (channels last),
 * maxout with 2 pieces over 64 features.
 */

const SOFTMAX_COLS = 1024;
const PRELU_CHANNELS = 64;
const MAXOUT_FEATURES = 64;
const MAXOUT_PIECES = 2;

function softmaxLike(name) {
  return {
    layout(n) {
      const cols = Math.min(SOFTMAX_COLS, n);
      if (n % cols) return { skip: `${n} elements are not whole rows of ${cols}` };
      const rows = n / cols;
      const shape = [rows, cols];
      return {
        describe: `${rows}×${cols}, axis -1`,
        params: { rows, cols },
        shape,
        outLength: n,
        forward: (api, x, out) => api[name](x, out ? { shape, axis: -1, out } : { shape, axis: -1 }),
        backward: (api, dy, x, out) => api[name].backward(dy, x, out ? { shape, axis: -1, out } : { shape, axis: -1 }),
        // From the forward output instead of x (options.y), as PyTorch and oneDNN define this backward.
        backwardY: (api, dy, y, out) => api[name].backward(dy, null, out ? { y, shape, axis: -1, out } : { y, shape, axis: -1 }),
      };
    },
  };
}

module.exports = {
  prelu: {
    layout(n, Ctor) {
      if (n % PRELU_CHANNELS) return { skip: `${n} elements are not a multiple of ${PRELU_CHANNELS} channels` };
      const rows = n / PRELU_CHANNELS;
      // Channels last (NHWC, TensorFlow's layout): tfjs-backend-wasm's prelu
      // applies α by flat index modulo its length, so only this layout gives
      // every library the same function to compute.
      const shape = [rows, PRELU_CHANNELS];
      // Learned slopes spread around PyTorch's 0.25 initial value.
      const alpha = Ctor.from({ length: PRELU_CHANNELS }, (_, c) => 0.05 + (0.4 * c) / PRELU_CHANNELS);
      const opts = { shape, channelAxis: -1 };
      return {
        describe: `${rows}×${PRELU_CHANNELS} (channels last), α per channel`,
        params: { channels: PRELU_CHANNELS, rows, alpha },
        shape,
        outLength: n,
        forward: (api, x, out) => api.prelu(x, alpha, out ? { ...opts, out } : opts),
        // The result is { dx, dalpha }; dx is what the bench checks.
        backward: (api, dy, x, out) => api.prelu.backward(dy, x, alpha, out ? { ...opts, out } : opts).dx,
      };
    },
  },
  maxout: {
    layout(n) {
      if (n % MAXOUT_FEATURES) return { skip: `${n} elements are not a multiple of ${MAXOUT_FEATURES} features` };
      const rows = n / MAXOUT_FEATURES;
      const shape = [rows, MAXOUT_FEATURES];
      const opts = { shape, axis: 1, pieces: MAXOUT_PIECES };
      return {
        describe: `${rows}×${MAXOUT_FEATURES}, axis 1, ${MAXOUT_PIECES} pieces`,
        params: { groups: n / MAXOUT_PIECES, pieces: MAXOUT_PIECES },
        shape,
        outLength: n / MAXOUT_PIECES,
        forward: (api, x, out) => api.maxout(x, out ? { ...opts, out } : opts),
        backward: (api, dy, x, out) => api.maxout.backward(dy, x, out ? { ...opts, out } : opts),
      };
    },
  },
  softmax: softmaxLike('softmax'),
  logSoftmax: softmaxLike('logSoftmax'),
  softmin: softmaxLike('softmin'),
  // Its backward takes no y (the gradient is zero whatever y).
  hardmax: { layout: (n) => { const l = softmaxLike('hardmax').layout(n); delete l.backwardY; return l; } },
};

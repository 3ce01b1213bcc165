'use strict';
/**
 * @tensorflow/tfjs-core on @tensorflow/tfjs-backend-wasm (XNNPACK inside,
 * SIMD, one thread under Node) as a peer, timed the way a caller with a
 * Float32Array sees it: wrap the array in a tensor (a copy into the wasm
 * heap), apply the op, read the result back with dataSync() (a copy out into
 * a new array), dispose. tfjs has no way to write into the caller's array, so
 * in "out" mode the result is copied into `out`, as a caller would have to.
 * The backward pass is tf.grad of the same call, given dy: what training code
 * on tfjs runs (it evaluates the forward op too, as autodiff does). It needs
 * the gradients that the full @tensorflow/tfjs bundle registers (installed by
 * npm run bench:peers); with tfjs-core alone it is reported as not measured.
 */
const { firstLine, requireVersion } = require('./ort.cjs');

/** The tfjs call a user would make for each registry op (float32 only); `p` holds the op's resolved parameters. */
const calls = {
  relu: (tf) => (t) => tf.relu(t),
  leakyRelu: (tf, p) => (t) => tf.leakyRelu(t, p.alpha),
  relu6: (tf) => (t) => tf.relu6(t),
  hardTanh: (tf, p) => (t) => tf.clipByValue(t, p.min, p.max),
  // tf.elu has no α: only the package's default α = 1 matches.
  elu: (tf, p) => (p.alpha === 1 ? (t) => tf.elu(t) : null),
  selu: (tf) => (t) => tf.selu(t),
  sigmoid: (tf) => (t) => tf.sigmoid(t),
  tanh: (tf) => (t) => tf.tanh(t),
  softplus: (tf, p) => (p.beta === 1 ? (t) => tf.softplus(t) : null),
  // No fused SiLU in tfjs: users write x·sigmoid(βx).
  swish: (tf, p) => (t) => tf.mul(t, tf.sigmoid(p.beta === 1 ? t : tf.mul(t, p.beta))),
  silu: (tf) => (t) => tf.mul(t, tf.sigmoid(t)),
  // Shaped ops: `p` is the layout of bench/shaped.cjs; tensors get its shape.
  prelu: (tf, p) => {
    const alpha = tf.keep(tf.tensor(Float32Array.from(p.alpha), [p.channels], 'float32'));
    return (t) => tf.prelu(t, alpha);
  },
  softmax: (tf) => (t) => tf.softmax(t),
  logSoftmax: (tf) => (t) => tf.logSoftmax(t),
};

function createTfjsImpl() {
  let tf = null;
  let gradients = false;
  return {
    id: 'tfjs',
    label: 'tfjs-backend-wasm',
    kind: 'peer',
    calls,
    async init() {
      try {
        tf = require('@tensorflow/tfjs-core');
        require('@tensorflow/tfjs-backend-wasm');
      } catch (e) {
        return { available: false, reason: `@tensorflow/tfjs-core + @tensorflow/tfjs-backend-wasm are not installed (npm run bench:peers): ${firstLine(e)}` };
      }
      // tfjs logs a banner about tfjs-node on first use; the bench's stdout is its table.
      const log = console.log;
      console.log = () => {};
      let ok;
      try {
        // The full @tensorflow/tfjs bundle registers the gradients tf.grad needs
        // (tfjs-core alone has none); without it the backward pass is not measured.
        try {
          require('@tensorflow/tfjs');
          gradients = true;
        } catch {
          gradients = false;
        }
        ok = await tf.setBackend('wasm');
        await tf.ready();
      } catch (e) {
        ok = false;
      } finally {
        console.log = log;
      }
      if (!ok || tf.getBackend() !== 'wasm') return { available: false, reason: 'the tfjs wasm backend failed to initialise' };
      return {
        available: true,
        version: requireVersion('@tensorflow/tfjs-backend-wasm'),
        notes: `float32 only; wasm SIMD ${tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'on' : 'off'}, threads ${tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'on' : 'off'}; timed as tensor(x) → op → dataSync() → dispose; backward: tf.grad ${gradients ? '(gradients from @tensorflow/tfjs)' : 'unavailable (@tensorflow/tfjs not installed)'}`,
      };
    },
    supports(op, dtype) {
      if (dtype !== 'float32') return 'tfjs has no float64 tensors';
      return calls[op] ? null : 'tfjs has no function for this op';
    },
    async prepare(task) {
      const f = calls[task.op](tf, task.params);
      if (!f) return { skip: 'tfjs has no function with these parameters' };
      const { xs, dys, mask } = task;
      const grad = task.pass === 'backward' ? tf.grad(f) : null;
      const shape = task.spec.shape ?? [task.n];
      const apply = grad
        ? (k) => grad(tf.tensor(xs[k & mask], shape, 'float32'), tf.tensor(dys[k & mask], shape, 'float32'))
        : (k) => f(tf.tensor(xs[k & mask], shape, 'float32'));
      if (grad) {
        // Gradients are registered by the @tensorflow/tfjs bundle, not by tfjs-core alone.
        try {
          tf.tidy(() => apply(0).dataSync());
        } catch (e) {
          return { skip: `tf.grad failed: ${firstLine(e)}` };
        }
      }
      const once = (k) => {
        const y = tf.tidy(() => apply(k));
        const data = y.dataSync();
        y.dispose();
        return data;
      };
      if (task.mode === 'out') {
        const out = task.out;
        return { async: false, run: (k) => { out.set(once(k)); return out; } };
      }
      return { async: false, run: once };
    },
    async close() {},
  };
}

module.exports = { createTfjsImpl, calls };

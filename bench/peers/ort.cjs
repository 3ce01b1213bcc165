'use strict';
/**
 * onnxruntime-node as a peer: one small ONNX model per op, written by
 * ./onnx-model.cjs, run the way a caller sees it (`await session.run()`,
 * which in "alloc" mode includes allocating the output; in "out" mode the
 * output tensor wraps the caller's array, ONNX Runtime's preallocated-output
 * path).
 */
const { buildModel } = require('./onnx-model.cjs');

/** Single-node graphs keyed by the registry's op names; `p` holds the op's resolved parameters. */
const node = (op, attrs) => ({ nodes: [{ op, inputs: ['x'], outputs: ['y'], attrs }] });
const clip = (lo, hi) => ({ nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'], outputs: ['y'] }], constants: { lo, hi } });
/** ONNX has no SiLU/Swish before opset 24: exporters emit x·Sigmoid(βx), which ORT fuses. */
const swish = (beta) => ({
  nodes: beta === 1
    ? [{ op: 'Sigmoid', inputs: ['x'], outputs: ['s'] }, { op: 'Mul', inputs: ['x', 's'], outputs: ['y'] }]
    : [
      { op: 'Mul', inputs: ['x', 'beta'], outputs: ['bx'] },
      { op: 'Sigmoid', inputs: ['bx'], outputs: ['s'] },
      { op: 'Mul', inputs: ['x', 's'], outputs: ['y'] },
    ],
  constants: beta === 1 ? {} : { beta },
});

const graphs = {
  relu: () => node('Relu'),
  leakyRelu: (p) => node('LeakyRelu', { alpha: p.alpha }),
  relu6: () => clip(0, 6),
  hardTanh: (p) => clip(p.min, p.max),
  elu: (p) => node('Elu', { alpha: p.alpha }),
  // ONNX's default α and γ are the SELU constants rounded to float32.
  selu: () => node('Selu'),
  celu: (p) => node('Celu', { alpha: p.alpha }),
  sigmoid: () => node('Sigmoid'),
  tanh: () => node('Tanh'),
  // ONNX Softplus is log(1 + e^x): only the package's default β = 1 matches (the threshold changes nothing in float32).
  softplus: (p) => (p.beta === 1 ? node('Softplus') : null),
  swish: (p) => swish(p.beta),
  silu: () => swish(1),
  gelu: (p) => node('Gelu', { approximate: p.approximate }),
  mish: () => node('Mish'),
  hardSigmoid: (p) => node('HardSigmoid', { alpha: p.alpha, beta: p.beta }),
  hardSwish: () => node('HardSwish'),
  softsign: () => node('Softsign'),
  // Shaped ops: `p` is the layout of bench/shaped.cjs.
  prelu: (p) => ({
    nodes: [{ op: 'PRelu', inputs: ['x', 'slope'], outputs: ['y'] }],
    // Shape [C] broadcasts over the channels-last [rows, C] input: one slope per channel.
    constants: { slope: { dims: [p.channels], data: p.alpha } },
  }),
  softmax: () => node('Softmax', { axis: -1n }),
  logSoftmax: () => node('LogSoftmax', { axis: -1n }),
};

function createOrtImpl() {
  let ort = null;
  const sessions = new Map();
  // ORT's pool spins between runs by default; with implementations alternating
  // sample by sample, that spinning would steal the CPU from whoever is timed
  // next, so it is turned off (and the results say so).
  const sessionOptions = {
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };

  return {
    id: 'ort',
    label: 'onnxruntime-node',
    kind: 'peer',
    graphs,
    async init() {
      try {
        ort = require('onnxruntime-node');
      } catch (e) {
        return { available: false, reason: `onnxruntime-node is not installed (npm run bench:peers): ${firstLine(e)}` };
      }
      return {
        available: true,
        version: ort.env?.versions?.node ?? requireVersion('onnxruntime-node'),
        notes: 'single-node ONNX model per op (opset 20), default intra-op threads, spinning off; timed as `await session.run()`',
        options: sessionOptions,
      };
    },
    supports(op, dtype, pass) {
      if (pass === 'backward') return 'onnxruntime-node runs inference only: no backward pass';
      return graphs[op] ? null : 'no ONNX operator for this op';
    },
    async prepare(task) {
      const spec = graphs[task.op](task.params);
      if (!spec) return { skip: 'ONNX has no operator with these parameters' };
      const shape = task.spec.shape ?? [task.n];
      // Symbolic dims of the input's rank: one session serves every size.
      const dims = shape.map((_, i) => `d${i}`);
      const key = `${task.op}/${task.dtype}/${shape.length}`;
      let session = sessions.get(key);
      if (session === undefined) {
        try {
          session = await ort.InferenceSession.create(buildModel(spec, task.dtype, dims), sessionOptions);
        } catch (e) {
          session = { error: firstLine(e) };
        }
        sessions.set(key, session);
      }
      if (session.error) return { skip: `onnxruntime cannot run this model: ${session.error}` };
      const feeds = task.xs.map((x) => ({ x: new ort.Tensor(task.dtype, x, shape) }));
      const mask = task.mask;
      if (task.mode === 'out') {
        // Every op here keeps the input's shape.
        const fetches = { y: new ort.Tensor(task.dtype, task.out, shape) };
        return { async: true, run: async (k) => (await session.run(feeds[k & mask], fetches)).y.data };
      }
      return { async: true, run: async (k) => (await session.run(feeds[k & mask])).y.data };
    },
    async close() {
      for (const s of sessions.values()) if (s.release) await s.release();
      sessions.clear();
    },
  };
}

function firstLine(e) {
  return String(e && e.message ? e.message : e).split('\n')[0].slice(0, 200);
}

function requireVersion(name) {
  try {
    return require(`${name}/package.json`).version;
  } catch {
    return 'unknown';
  }
}

module.exports = { createOrtImpl, graphs, firstLine, requireVersion };

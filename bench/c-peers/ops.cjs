'use strict';
/**
 * What the kernel bench runs, read from the registry (lib/ops.ts through the
 * build): every element-wise op at its default parameters, one more entry per
 * non-default value of an enum parameter (gelu's 'tanh' form is the key
 * "gelu:tanh"), and the shaped ops in bench/shaped.cjs's layouts (softmax
 * over rows of 1024, prelu over 64 channels last). The peers are told an
 * entry's key, its numeric parameters (a, b: the first two, converted to the
 * array's type as the API converts them) and, for the shaped ops, the row
 * length or channel count and prelu's slopes.
 */
const { opSpec } = require('../harness.cjs');

/** The entries: { key, op, variant, shaped }, in registry order. */
function benchOps(reg) {
  const list = [];
  for (const op of reg.unary) {
    const req = reg.required(reg.defs[op]);
    list.push({ key: op, op, variant: req, shaped: false });
    for (const p of reg.defs[op].params) {
      if (p.kind !== 'enum') continue;
      for (const v of p.values) if (v !== p.default) list.push({ key: `${op}:${v}`, op, variant: { ...req, [p.name]: v }, shaped: false });
    }
  }
  for (const op of reg.shaped) list.push({ key: op, op, variant: {}, shaped: true });
  return list;
}

/**
 * One entry on n elements of type Ctor: the package's calls (forward(api)
 * → (x, out) => out, backward(api) → (dy, x, out) => out, and backwardY(api)
 * → (dy, y, out) => out from the forward output, or null where the package
 * has no such form), what a peer needs ({ a, b, cols, aux }) and the forward
 * output's length; or { skip } when n does not fit its layout.
 */
function workload(reg, entry, n, Ctor) {
  if (entry.shaped) {
    const spec = opSpec(reg, entry.op, n, Ctor);
    if (spec.skip) return spec;
    const p = spec.params;
    return {
      forward: spec.forward,
      backward: spec.backward,
      backwardY: spec.backwardY ? (api) => (dy, y, out) => spec.backwardY(api, dy, y, out) : null,
      peer: { a: 0, b: 0, cols: p.cols ?? p.channels ?? 0, aux: p.alpha instanceof Ctor ? p.alpha : null },
      outLength: spec.outLength,
      describe: spec.describe,
    };
  }
  const def = reg.defs[entry.op];
  const round = Ctor === Float32Array ? Math.fround : (v) => v;
  const nums = def.params.filter((p) => p.kind === 'number').map((p) => round(p.default));
  const v = entry.variant;
  const none = Object.keys(v).length === 0;
  return {
    // Written as a user writes the call: an options object per call (bench/harness.cjs does the same).
    forward: (api) => {
      const f = api[entry.op];
      return none ? (x, out) => f(x, { out }) : (x, out) => f(x, { ...v, out });
    },
    backward: (api) => {
      const g = api[entry.op].backward;
      return none ? (dy, x, out) => g(dy, x, { out }) : (dy, x, out) => g(dy, x, { ...v, out });
    },
    backwardY: def.backwardUsesY
      ? (api) => {
        const g = api[entry.op].backward;
        return (dy, y, out) => g(dy, null, { ...v, y, out });
      }
      : null,
    peer: { a: nums[0] ?? 0, b: nums[1] ?? 0, cols: 0, aux: null },
    outLength: n,
    describe: null,
  };
}

module.exports = { benchOps, workload };

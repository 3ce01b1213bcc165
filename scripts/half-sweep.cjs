#!/usr/bin/env node
// The exhaustive 16-bit sweep's figures (issue 18): for every unary op (default
// parameters) and both 16-bit formats, the largest error in ULPs of the 16-bit type
// over all 65,536 inputs, against test/reference.cjs's float64 reference, on the
// backend this process loads. test/numerics/half.test.ts asserts the bound on every
// level; this prints what it saw, one level per run:
//   ACTIVATION_KERNELS_ISA=avx2 node scripts/half-sweep.cjs      (or ACTIVATION_KERNELS_BACKEND=js)
// Output: one JSON line {level, float16: {op: ulp}, bfloat16: {op: ulp}}.
'use strict';
const path = require('node:path');
const root = path.join(__dirname, '..');
const ak = require(path.join(root, 'dist/index.js'));
const { unaryOps, unaryNames } = require(path.join(root, 'dist/registry/ops.js'));
const { fromBfloat16Bits, fromFloat16Bits } = require(path.join(root, 'dist/fallback/half.js'));
const R = require(path.join(root, 'test/reference.cjs'));
const { ulpError } = require(path.join(root, 'test/ulp.cjs'));

const N = 65536;
const all = Uint16Array.from({ length: N }, (_, i) => i);
const info = ak.info();
const result = { level: info.backend === 'native' ? info.isa : 'js' };
for (const [dtype, widen] of [['float16', fromFloat16Bits], ['bfloat16', fromBfloat16Bits]]) {
  const xw = Float64Array.from(all, widen);
  const worst = {};
  for (const name of unaryNames) {
    const set = {};
    for (const p of unaryOps[name].params) set[p.name] = typeof p.default === 'number' ? Math.fround(p.default) : p.default;
    const y = ak[name](all, { ...set, dtype });
    let w = 0;
    for (let i = 0; i < N; i++) {
      const e = ulpError(widen(y[i]), R.ops[name](xw[i], set), dtype, R.lastLo());
      if (e > w) w = e;
    }
    worst[name] = Number(w.toFixed(6));
  }
  result[dtype] = worst;
}
console.log(JSON.stringify(result));

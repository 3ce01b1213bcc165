#!/usr/bin/env node
/**
 * Accuracy sweep: feeds float32 bit patterns (all 2^32 with --stride 1, or
 * every N-th) through the BUILT package and measures each result against the
 * float64 reference (test/reference.cjs) with SPEC's error measure
 * (test/ulp.cjs). Prints, per op: the max ULP error, the worst input, how
 * many inputs exceed the registry's bound, and the time taken. Exits 1 if any
 * op exceeds its bound (exact ops: 0.5 ULP plus the reference's slack).
 *
 *   npm run accuracy -- [op ...] [--stride N] [--start S] [--backend js|native]
 *                       [--isa LEVEL] [--dtype float32] [--workers 2]
 *                       [--chunk 1048576] [--json FILE] [--param NAME=VALUE ...]
 *                       [--tier1 on|off] [--check-margin] [--perturb K]
 *
 * --backend js (default) loads activation-kernels/js; --backend native loads
 * the main entry with ACTIVATION_KERNELS_BACKEND=native (and
 * ACTIVATION_KERNELS_ISA=LEVEL), so a native build that cannot load is an
 * error, not a silent fallback. Op parameters are the registry defaults;
 * --param NAME=VALUE (repeatable) sets NAME for every swept op that declares
 * it (e.g. `gelu --param approximate=tanh`). Needs `npm run build` first.
 *
 * Two tiers (--tier1 off: every input through the reference, as before).
 * Tier 1 (scripts/accuracy-fast.cjs, keyed by the registry's op names; ops
 * without an entry use tier 2 only) computes a plain-float64 estimate r1 and
 * e1 = |y - r1| / ulp. With MARGIN = 2^-10 ULP bounding r1's own error, the
 * true error is at most e1 + MARGIN, so an input is settled by tier 1 only if
 * r1 is a normal float32-range value, y is finite and e1 + MARGIN <= min(bound,
 * running maximum): it can neither exceed the bound nor raise the maximum. A
 * result below the normal range with |y| and |r1| <= 2^-128 is settled too
 * (SPEC's measure gives it 0 whatever the exact value). Everything else
 * (NaN, infinities, zeros and subnormals outside that zone, e1 near the bound
 * or near the running maximum) goes to tier 2, the double-double reference,
 * so the reported maximum, worst input and over-bound count are the
 * reference's figures. The running maximum is seeded per op by the reference
 * on about 2^16 of the swept inputs. Any of several tying worst inputs may be
 * the one reported.
 *
 * MARGIN is checked, not proved: --check-margin measures max |r1 - r_dd| in
 * float32 ULPs on every 9973rd input (or --stride) of every op with an
 * estimate and fails at MARGIN / 100 or above; 2026-12-04: 4.74e-7 ULP
 * (gelu), limit 9.77e-6. Every sweep with tier 1 first repeats that check on
 * every 65537th input with its own parameters and refuses to run if it fails.
 * --perturb K (a test hook) moves about 1 result in 1024 by K float32 ULPs.
 *
 * --backward sweeps the backward pass instead: dx = op.backward(dy, x) for every
 * swept float32 x, with a dy derived from x's bits (a random sign and mantissa in
 * [1, 2); one input in 16 scaled by 2^40 and one by 2^-40, so that a derivative
 * whose intermediates underflow is seen through a large dy), against the
 * double-double reference derivative (test/reference-backward.cjs) under the
 * registry's backward bound |dx − dy·f'(x)| ≤ ulp·ulp(dx) + eps·ε·|dy|·S(x): the
 * figures are in units of that bound (at most 1 passes). --from-y sweeps the
 * form from y = f(x) (the ops with backwardUsesY), y computed by the same backend.
 * Tier 1 is then the JS twin's float64 backward (dy and x are exact doubles), held
 * to MARGIN of the bound by the same check on every 65537th input.
 */
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');

const root = path.join(__dirname, '..');
const { fast, MARGIN } = require(path.join(__dirname, 'accuracy-fast.cjs'));

function loadPackage(backend) {
  // Self-reference by package name: resolves through package.json "exports" to dist/.
  return backend === 'native' ? require('activation-kernels') : require('activation-kernels/js');
}

/** Registry defaults converted to float32, as the API converts them. */
function defaultParams(def) {
  const p = {};
  for (const d of def.params) p[d.name] = d.kind === 'number' ? Math.fround(d.default) : d.default;
  return p;
}

// ------------------------------------------------------------------ worker
const F32_MIN_NORMAL = 2 ** -126;
/** An r1 at most this far below a power of two may have an exact value above it (and the reverse): ulp is taken at r1·(1 - 2^-30). */
const ULP_SHRINK = 1 - 2 ** -30;
/** r1 this large may round to Infinity in float32: such inputs go to the reference. */
const F32_TOO_BIG = 2 ** 128 * (1 - 2 ** -20);
/** Results this small (y and r1 both) score 0 under SPEC's measure whatever the exact value's low bits. */
const ZERO_ZONE = F32_MIN_NORMAL / 4;

/** x + k float32 ULPs away from zero (bit pattern + k), for --perturb. */
function bumpF32(v, k) {
  const b = new Float32Array([v]);
  new Uint32Array(b.buffer)[0] += k;
  return b[0];
}

if (!isMainThread) {
  const { backend, tier1, perturb, mode } = workerData;
  const pkg = loadPackage(backend);
  const api = pkg.default;
  if (mode !== 'forward') {
    backwardWorker(api, pkg.unaryOps, tier1, mode === 'fromY');
    return;
  }
  const { ops: ref, lastLo } = require(path.join(root, 'test', 'reference.cjs'));
  const { ulpError } = require(path.join(root, 'test', 'ulp.cjs'));
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
  /** ULP2[e + 126] = 2^(e - 23): the float32 ULP of a value in [2^e, 2^(e+1)), e in [-126, 127]. */
  const ULP2 = new Float64Array(254);
  for (let e = -126; e <= 127; e++) ULP2[e + 126] = 2 ** (e - 23);
  let bits = new Uint32Array(0), x = new Float32Array(0), y = new Float32Array(0);
  let curOp = null, opMax = -1;

  parentPort.on('message', (msg) => {
    if (msg.type === 'info') {
      parentPort.postMessage({ type: 'info', info: api.info() });
      return;
    }
    const { op, first, count, stride, bound, chunkId, params, knownMax, seed } = msg;
    if (op !== curOp) {
      curOp = op;
      opMax = -1;
    }
    const f = ref[op];
    const r1f = tier1 && !seed ? fast[op] : undefined;
    if (bits.length !== count) {
      bits = new Uint32Array(count);
      x = new Float32Array(bits.buffer);
      y = new Float32Array(count);
    }
    // first + i*stride < 2^32 for every i < count (the main thread sizes the chunks so).
    for (let i = 0; i < count; i++) bits[i] = first + i * stride;
    api[op](x, { out: y, ...params });
    let perturbed = 0;
    if (perturb) {
      // Test hook: the finite nonzero results of about 1 input in 1024 (chosen by a hash of the
      // input's bits, so the seed chunk sees the same ones) move `perturb` float32 ULPs away from zero.
      for (let i = 0; i < count; i++) {
        if (Math.imul(bits[i], 0x9e3779b1) >>> 22 !== 0) continue;
        const a = Math.abs(y[i]);
        if (a >= F32_MIN_NORMAL && a < 2 ** 120) {
          y[i] = bumpF32(y[i], perturb);
          perturbed++;
        }
      }
    }
    let maxErr = Math.max(opMax, knownMax), worstBits = 0, worstY = 0, worstRef = 0, over = 0, nanMismatch = 0, settled = 0;
    let sawWorst = false;
    for (let i = 0; i < count; i++) {
      const yi = y[i];
      if (r1f !== undefined) {
        // Tier 1. With |r1 - exact| <= MARGIN ULPs (scripts/accuracy-fast.cjs), the error e of yi
        // is at most e1 + MARGIN, so an input with e1 + MARGIN <= min(bound, running max) can neither
        // exceed the bound nor raise the maximum: it is settled without the reference.
        const r1 = r1f(x[i], params);
        const a = Math.abs(r1);
        if (a >= F32_MIN_NORMAL && a < F32_TOO_BIG && yi - yi === 0) {
          f64[0] = a * ULP_SHRINK;
          const e = ((u32[HI] >>> 20) & 0x7ff) - 1023;
          const e1 = Math.abs(yi - r1) / ULP2[(e < -126 ? -126 : e) + 126];
          if (e1 + MARGIN <= bound && e1 + MARGIN <= maxErr) {
            settled++;
            continue;
          }
        } else if (a <= ZERO_ZONE && Math.abs(yi) <= ZERO_ZONE) {
          // |exact| < the smallest normal and |yi - exact| <= it: the error is 0 by SPEC's measure.
          if (maxErr >= 0) {
            settled++;
            continue;
          }
        }
      }
      const r = f(x[i], params);
      const e = ulpError(yi, r, 'float32', lastLo());
      if (e > bound) {
        over++;
        if (e === Infinity && (Number.isNaN(r) !== Number.isNaN(yi))) nanMismatch++;
      }
      if (e > maxErr) {
        maxErr = e;
        worstBits = bits[i];
        worstY = yi;
        worstRef = r;
        sawWorst = true;
      }
    }
    if (maxErr > opMax) opMax = maxErr;
    // A chunk that found nothing above the maximum it started from reports -1 (the main thread has that maximum already).
    if (!sawWorst) maxErr = -1;
    parentPort.postMessage({ type: 'done', chunkId, count, maxErr, worstBits, worstY, worstRef, over, nanMismatch, settled, perturbed });
  });
  return;
}

/** dy for the backward sweep, from the input's bits: ±[1, 2), one in 16 times 2^40, one in 16 times 2^-40. */
function dyOf(b) {
  const h = Math.imul(b ^ (b >>> 15), 0x9e3779b1) >>> 0;
  const k = (h >>> 1) & 15;
  const m = (1 + (h >>> 9) / 2 ** 23) * (k === 0 ? 2 ** 40 : k === 1 ? 2 ** -40 : 1);
  return h & 1 ? -m : m;
}

/** Parameters as the kernels see them (numbers in registry order, an enum as its index). */
function abOf(def, params) {
  const v = def.params.map((q) => (q.kind === 'enum' ? q.values.indexOf(params[q.name]) : params[q.name]));
  return [v[0] ?? 0, v[1] ?? 0];
}

/**
 * The backward sweep's worker: same messages as the forward one, errors in units of
 * the registry's backward bound. Tier 1 (the JS twin in float64) settles an input
 * when its estimate e1 + MARGIN <= min(1, running maximum).
 */
function backwardWorker(api, unaryOps, tier1, fromY) {
  const js = require('activation-kernels/js').default;
  const R = require(path.join(root, 'test', 'reference-backward.cjs'));
  const { backwardError, ulpOf, EPS, EXACT_SLACK } = require(path.join(root, 'test', 'ulp.cjs'));
  let bits = new Uint32Array(0), x = new Float32Array(0), dy, dx, y, x64, dy64, y64, r64;
  let curOp = null, opMax = -1;
  parentPort.on('message', (msg) => {
    if (msg.type === 'info') {
      parentPort.postMessage({ type: 'info', info: api.info() });
      return;
    }
    const { op, first, count, stride, chunkId, params, knownMax, seed } = msg;
    if (op !== curOp) {
      curOp = op;
      opMax = -1;
    }
    const def = unaryOps[op], bw = def.backward;
    const [a, b] = abOf(def, params);
    const uc = bw.exact ? 0.5 + EXACT_SLACK : bw.ulp, ec = bw.exact ? 0 : bw.eps;
    if (bits.length !== count) {
      bits = new Uint32Array(count);
      x = new Float32Array(bits.buffer);
      [dy, dx, y] = [0, 0, 0].map(() => new Float32Array(count));
      [x64, dy64, y64, r64] = [0, 0, 0, 0].map(() => new Float64Array(count));
    }
    for (let i = 0; i < count; i++) {
      bits[i] = first + i * stride;
      dy[i] = dyOf(bits[i]);
    }
    let v = x; // the variable the derivative is written in: x, or y = f(x)
    if (fromY) {
      api[op](x, { out: y, ...params });
      v = y;
      api[op].backward(dy, null, { out: dx, y, ...params });
    } else {
      api[op].backward(dy, x, { out: dx, ...params });
    }
    const useT1 = tier1 && !seed;
    if (useT1) {
      x64.set(v);
      dy64.set(dy);
      const tp = R.referenceParams(op, params);
      if (fromY) js[op].backward(dy64, null, { out: r64, y: x64, ...tp });
      else js[op].backward(dy64, x64, { out: r64, ...tp });
    }
    const deriv = fromY ? R.fromY[op] : R.derivatives[op];
    let maxErr = Math.max(opMax, knownMax), worstBits = 0, worstY = 0, worstRef = 0, over = 0, nanMismatch = 0, settled = 0;
    let sawWorst = false;
    for (let i = 0; i < count; i++) {
      const g = dy[i], di = dx[i], vi = v[i];
      if (useT1) {
        const r1 = r64[i], ar = Math.abs(r1);
        if (ar >= 2 ** -126 && ar < 2 ** 127 && di - di === 0) {
          const f1 = Math.abs(r1 / g);
          const S1 = Math.max(Math.abs(fromY ? (bw.scaleY ? bw.scaleY(vi, a, b) : 0) : (bw.scale ? bw.scale(vi, a, b) : 0)), f1) * (1 - 2 ** -20);
          const e1 = Math.abs(di - r1) / (uc * ulpOf(ar * (1 - 2 ** -30), 'float32') + ec * EPS.float32 * Math.abs(g) * S1);
          if (e1 + MARGIN <= 1 && e1 + MARGIN <= maxErr) {
            settled++;
            continue;
          }
        }
      }
      const d = deriv(vi, params);
      const r = R.dxRef(g, d);
      const e = backwardError(di, r, 'float32', g, R.scaleOf(bw, fromY, vi, a, b, d), uc, ec);
      if (e > 1) {
        over++;
        if (e === Infinity && Number.isNaN(r) !== Number.isNaN(di)) nanMismatch++;
      }
      if (e > maxErr) {
        maxErr = e;
        worstBits = bits[i];
        worstY = di;
        worstRef = r;
        sawWorst = true;
      }
    }
    if (maxErr > opMax) opMax = maxErr;
    if (!sawWorst) maxErr = -1;
    parentPort.postMessage({ type: 'done', chunkId, count, maxErr, worstBits, worstY, worstRef, over, nanMismatch, settled, perturbed: 0 });
  });
}

// ------------------------------------------------------------------ main
function usage(msg) {
  if (msg) console.error(`accuracy: ${msg}`);
  console.error('usage: npm run accuracy -- [op ...] [--stride N] [--start S] [--backend js|native] [--isa LEVEL] [--dtype float32] [--workers N] [--chunk N] [--json FILE]\n' +
    '                           [--param NAME=VALUE ...] [--tier1 on|off] [--check-margin] [--perturb K] [--backward [--from-y]]');
  process.exit(2);
}

function parseArgs(argv) {
  const o = {
    ops: [], stride: 1, start: 0, backend: 'js', isa: null, dtype: 'float32', workers: 2, chunk: 1 << 20, json: null,
    params: [], tier1: true, checkMargin: false, perturb: 0, strideGiven: false, backward: false, fromY: false,
  };
  const intArg = (name, v, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) usage(`${name} needs an integer >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) usage(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--stride') { o.stride = intArg(a, val(), 1); o.strideGiven = true; }
    else if (a === '--start') o.start = intArg(a, val(), 0);
    else if (a === '--backend') o.backend = val();
    else if (a === '--isa') o.isa = val();
    else if (a === '--dtype') o.dtype = val();
    else if (a === '--workers') o.workers = intArg(a, val(), 1);
    else if (a === '--chunk') o.chunk = intArg(a, val(), 1);
    else if (a === '--json') o.json = val();
    else if (a === '--param') {
      const v = val();
      const eq = v.indexOf('=');
      if (eq <= 0) usage(`--param needs NAME=VALUE, got ${JSON.stringify(v)}`);
      o.params.push([v.slice(0, eq), v.slice(eq + 1)]);
    } else if (a === '--tier1') {
      const v = val();
      if (v !== 'on' && v !== 'off') usage(`--tier1 is on or off, got ${JSON.stringify(v)}`);
      o.tier1 = v === 'on';
    } else if (a === '--check-margin') o.checkMargin = true;
    else if (a === '--perturb') o.perturb = intArg(a, val(), 1);
    else if (a === '--backward') o.backward = true;
    else if (a === '--from-y') o.fromY = o.backward = true;
    else if (a === '--help' || a === '-h') usage();
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else o.ops.push(a);
  }
  if (o.backend !== 'js' && o.backend !== 'native') usage(`--backend is js or native, got ${JSON.stringify(o.backend)}`);
  if (o.isa !== null && o.backend !== 'native') usage('--isa applies to --backend native only');
  if (o.dtype !== 'float32') usage(`only float32 can be swept (2^32 bit patterns); float64 is checked on samples by the test suite (got --dtype ${o.dtype})`);
  if (o.start >= o.stride) usage('--start must be below --stride (it is the first bit pattern of the sweep)');
  if (o.backward && (o.checkMargin || o.perturb)) usage('--check-margin and --perturb apply to the forward sweep');
  return o;
}

function hex(b) {
  return '0x' + (b >>> 0).toString(16).padStart(8, '0');
}
function f32OfBits(b) {
  return new Float32Array(new Uint32Array([b]).buffer)[0];
}
function fmtTime(ms) {
  const s = ms / 1000;
  if (s < 120) return `${s.toFixed(1)} s`;
  const r = Math.round(s);
  return `${Math.floor(r / 60)} min ${r % 60} s`;
}

/**
 * Each op's parameters: the registry defaults, overridden by --param NAME=VALUE
 * for the ops that declare NAME (converted to float32 as the API does).
 */
function resolveParams(ops, unaryOps, overrides) {
  const out = {};
  for (const op of ops) out[op] = defaultParams(unaryOps[op]);
  for (const [name, value] of overrides) {
    let used = false;
    for (const op of ops) {
      const d = unaryOps[op].params.find((q) => q.name === name);
      if (!d) continue;
      used = true;
      if (d.kind === 'number') {
        const n = Number(value);
        if (value.trim() === '' || !Number.isFinite(n)) usage(`--param ${name} needs a finite number, got ${JSON.stringify(value)}`);
        out[op][name] = Math.fround(n);
      } else {
        if (!d.values.includes(value)) usage(`--param ${name} is one of ${d.values.join(', ')}, got ${JSON.stringify(value)}`);
        out[op][name] = value;
      }
    }
    if (!used) usage(`--param ${name}: none of the ops swept (${ops.join(', ')}) has that parameter`);
  }
  return out;
}

/** The op's name, with the parameters that differ from the registry defaults. */
function opLabel(op, def, params) {
  const d = defaultParams(def);
  const diff = Object.keys(params).filter((k) => params[k] !== d[k]).map((k) => `${k}=${params[k]}`);
  return diff.length ? `${op}(${diff.join(', ')})` : op;
}

/**
 * --check-margin: on every stride-th float32 (default 9973), for every op
 * with a tier-1 estimate (with the registry's default parameters, or --param,
 * and, when verbose, every value of each enum parameter), the largest
 * |r1 - r_dd| in float32 ULPs of the result (ulp(2^-126) = 2^-149 below the
 * normal range). Fails (returns false) if r1 is finite where the reference is
 * not, or if the largest reaches MARGIN / 100. Every sweep with tier 1 runs it
 * quietly first on every 65537th input, with the sweep's parameters.
 */
function checkMargin(o, ops, unaryOps, opParams, verbose) {
  const log = verbose ? console.log : () => {};
  const { ops: ref, lastLo } = require(path.join(root, 'test', 'reference.cjs'));
  const { ulpOf } = require(path.join(root, 'test', 'ulp.cjs'));
  const stride = o.strideGiven ? o.stride : 9973;
  const start = o.strideGiven ? o.start : 0;
  const limit = MARGIN / 100;
  const t0 = Date.now();
  let worst = 0, failed = false, inputs = 0;
  log(`tier-1 margin check: stride ${stride}, start ${start}; MARGIN = 2^${Math.log2(MARGIN)} ULP, limit MARGIN/100 = ${limit.toPrecision(3)} ULP`);
  log(['op', 'inputs', 'with an estimate', 'max |r1 - r_dd| (float32 ULP)', 'at input'].join(' | '));
  const bits = new Uint32Array(1), xf = new Float32Array(bits.buffer);
  for (const op of ops) {
    const r1f = fast[op];
    if (!r1f) continue;
    const variants = [opParams[op]];
    for (const d of verbose ? unaryOps[op].params : []) {
      if (d.kind !== 'enum' || o.params.some(([n]) => n === d.name)) continue;
      for (const v of d.values) if (v !== opParams[op][d.name]) variants.push({ ...opParams[op], [d.name]: v });
    }
    for (const params of variants) {
      let max = 0, at = 0, n = 0, est = 0;
      for (let b = start; b <= 0xffffffff; b += stride) {
        bits[0] = b;
        const x = xf[0];
        n++;
        const r1 = r1f(x, params);
        if (r1 !== r1) continue; // no estimate: the input goes to the reference
        est++;
        const rh = ref[op](x, params);
        const rl = lastLo();
        let d;
        if (Number.isFinite(r1) && Number.isFinite(rh)) d = Math.abs((r1 - rh) - rl) / ulpOf(rh, 'float32');
        else d = r1 === rh ? 0 : Infinity; // an infinite r1 goes to the reference; a finite one against a non-finite reference counts
        if (!Number.isFinite(r1) && d === Infinity) d = 0;
        if (!(d <= max)) { max = d; at = b; }
      }
      inputs += n;
      if (!(max < limit)) failed = true;
      if (!(max <= worst)) worst = max;
      log([opLabel(op, unaryOps[op], params), n, est, max.toPrecision(3), `${hex(at)} (${f32OfBits(at)})`].join(' | ') + (max < limit ? '' : '  << AT OR ABOVE MARGIN/100'));
    }
  }
  log(`largest over all ops: ${worst.toPrecision(3)} float32 ULP (limit ${limit.toPrecision(3)}); ${inputs} inputs in ${fmtTime(Date.now() - t0)}; ` +
    (failed ? 'FAILED' : 'margin holds'));
  return !failed;
}

/**
 * The backward tier 1 (the JS twin's float64 backward) against the reference on every
 * 65537th input: fails if |r1 − r_dd| reaches MARGIN/100 of the float32 bound anywhere.
 */
function checkBackwardMargin(ops, unaryOps, opParams, fromY) {
  const js = require('activation-kernels/js').default;
  const R = require(path.join(root, 'test', 'reference-backward.cjs'));
  const { ulpOf, EPS, EXACT_SLACK } = require(path.join(root, 'test', 'ulp.cjs'));
  const bits = new Uint32Array(1), xf = new Float32Array(bits.buffer);
  const x64 = new Float64Array(1), dy64 = new Float64Array(1), r64 = new Float64Array(1);
  for (const op of ops) {
    const def = unaryOps[op], bw = def.backward, params = opParams[op];
    const [a, b] = abOf(def, params);
    const uc = bw.exact ? 0.5 + EXACT_SLACK : bw.ulp, ec = bw.exact ? 0 : bw.eps;
    const tp = R.referenceParams(op, params);
    for (let k = 0; k <= 0xffffffff; k += 65537) {
      bits[0] = k;
      let v = xf[0];
      if (fromY) v = Math.fround(js[op](Float32Array.of(v), params)[0]);
      x64[0] = v;
      dy64[0] = Math.fround(dyOf(k));
      if (fromY) js[op].backward(dy64, null, { out: r64, y: x64, ...tp });
      else js[op].backward(dy64, x64, { out: r64, ...tp });
      const d = (fromY ? R.fromY : R.derivatives)[op](v, params);
      const r = R.dxRef(dy64[0], d);
      if (!(Math.abs(r) >= 2 ** -126 && Math.abs(r) < 2 ** 127)) continue; // such inputs always go to the reference
      const den = uc * ulpOf(r, 'float32') + ec * EPS.float32 * Math.abs(dy64[0]) * R.scaleOf(bw, fromY, v, a, b, d);
      if (!(Math.abs(r64[0] - r) / den < MARGIN / 100)) {
        console.error(`${op}: tier 1 at x = ${xf[0]}: ${r64[0]} against the reference ${r} (${Math.abs(r64[0] - r) / den} of the bound)`);
        return false;
      }
    }
  }
  return true;
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(root, 'dist', 'js.js'))) usage('dist/ is missing: run `npm run build` first');
  if (o.backend === 'native') {
    process.env.ACTIVATION_KERNELS_BACKEND = 'native';
    if (o.isa) process.env.ACTIVATION_KERNELS_ISA = o.isa;
  }
  const pkg = loadPackage(o.backend);
  const { unaryOps, unaryNames } = pkg;
  const { EXACT_SLACK } = require(path.join(root, 'test', 'ulp.cjs'));
  const unknown = o.ops.filter((n) => !unaryNames.includes(n));
  if (unknown.length) usage(`unknown op(s) ${unknown.join(', ')}; the registry has: ${unaryNames.join(', ')}`);
  const ops = (o.ops.length ? o.ops : unaryNames).filter((n) => !o.fromY || unaryOps[n].backwardUsesY);
  if (ops.length === 0) usage('--from-y: none of these ops has a backward from y');
  const opParams = resolveParams(ops, unaryOps, o.params);
  const mode = o.fromY ? 'fromY' : o.backward ? 'backward' : 'forward';

  if (o.backward) {
    if (o.tier1 && !checkBackwardMargin(ops, unaryOps, opParams, o.fromY)) {
      usage('tier 1 (the JS twin in float64) is not within MARGIN/100 of the reference on a quick sample: sweep with --tier1 off');
    }
  } else if (o.checkMargin) {
    process.exitCode = checkMargin(o, ops, unaryOps, opParams, true) ? 0 : 1;
    return;
  }
  if (!o.backward && o.tier1 && !checkMargin({ ...o, stride: 65537, start: 0, strideGiven: true }, ops, unaryOps, opParams, false)) {
    usage('tier 1 is not accurate enough for these ops/parameters on a quick sample (see --check-margin): sweep with --tier1 off');
  }

  const workers = Array.from({ length: o.workers }, () => new Worker(__filename, { workerData: { backend: o.backend, tier1: o.tier1, perturb: o.perturb, mode } }));
  const info = await new Promise((resolve, reject) => {
    workers[0].once('message', (m) => resolve(m.info));
    workers[0].once('error', reject);
    workers[0].postMessage({ type: 'info' });
  });
  if (o.backend === 'native' && info.backend !== 'native') throw new Error(`asked for native, got ${JSON.stringify(info)}`);
  if (o.isa && info.isa !== o.isa) throw new Error(`asked for ISA ${o.isa}, got ${info.isa} (${info.loadError ?? 'no reason given'})`);

  const total = Math.floor((2 ** 32 - 1 - o.start) / o.stride) + 1;
  console.log(`${o.backward ? `backward${o.fromY ? ' (from y)' : ''} accuracy sweep, errors in units of the bound` : 'accuracy sweep'}: ${total} float32 inputs per op (stride ${o.stride}, start ${o.start}); backend ${info.backend}, isa ${info.isa}, ` +
    `${o.workers} worker(s), node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'}; tier 1 ${o.tier1 ? 'on' : 'off'}` +
    (o.perturb ? `; TEST: every 1000th result perturbed by ${o.perturb} ULP` : ''));
  console.log(['op', 'bound', o.backward ? 'max (× bound)' : 'max ULP', 'worst input', 'got', 'reference', 'over bound', 'time', 'settled by tier 1'].join(' | '));

  const results = [];
  let failed = false;
  const t00 = Date.now();
  /** Written after every op, so a long sweep that is stopped keeps what it measured. */
  const writeJson = (complete) => {
    if (!o.json) return;
    const doc = {
      date: new Date().toISOString(), complete, node: process.version, cpu: os.cpus()[0]?.model ?? null, backend: info.backend, isa: info.isa,
      mode, stride: o.stride, start: o.start, inputsPerOp: total, workers: o.workers, tier1: o.tier1, margin: MARGIN,
      ...(o.perturb ? { perturb: o.perturb } : {}), elapsedMs: Date.now() - t00, results,
    };
    fs.writeFileSync(o.json, JSON.stringify(doc, null, 2) + '\n');
  };
  for (const op of ops) {
    const def = unaryOps[op];
    const bound = o.backward ? 1 : def.exact ? 0.5 + EXACT_SLACK : def.ulp;
    const t0 = Date.now();
    const params = opParams[op];
    const label = opLabel(op, def, params);
    const agg = { maxErr: -1, worstBits: 0, worstY: 0, worstRef: 0, over: 0, nanMismatch: 0, count: 0, settled: 0, perturbed: 0 };
    if (o.tier1 && (o.backward || fast[op])) {
      // Seed the running maximum from about 2^16 of the swept inputs (every M-th), measured by the reference
      // alone, so that tier 1 settles inputs from the start. Counted once, in the sweep proper.
      const m = Math.max(1, Math.ceil(total / 65536));
      const seedCount = Math.floor((total - 1) / m) + 1;
      const s = await new Promise((resolve, reject) => {
        const w = workers[0];
        w.removeAllListeners('message');
        w.removeAllListeners('error');
        w.once('error', reject);
        w.once('message', resolve);
        w.postMessage({ type: 'chunk', op, first: o.start, count: seedCount, stride: o.stride * m, bound, chunkId: 0, params, knownMax: -1, seed: true });
      });
      Object.assign(agg, { maxErr: s.maxErr, worstBits: s.worstBits, worstY: s.worstY, worstRef: s.worstRef });
    }
    let next = 0;
    let lastReport = t0;
    await new Promise((resolve, reject) => {
      let busy = 0;
      const feed = (w) => {
        if (next >= total) {
          if (busy === 0) resolve();
          return;
        }
        const count = Math.min(o.chunk, total - next);
        const first = o.start + next * o.stride;
        next += count;
        busy++;
        w.postMessage({ type: 'chunk', op, first, count, stride: o.stride, bound, chunkId: next, params, knownMax: agg.maxErr });
      };
      for (const w of workers) {
        w.removeAllListeners('message');
        w.removeAllListeners('error');
        w.on('error', reject);
        w.on('message', (m) => {
          busy--;
          agg.count += m.count;
          agg.over += m.over;
          agg.nanMismatch += m.nanMismatch;
          agg.settled += m.settled;
          agg.perturbed += m.perturbed;
          if (m.maxErr > agg.maxErr) Object.assign(agg, { maxErr: m.maxErr, worstBits: m.worstBits, worstY: m.worstY, worstRef: m.worstRef });
          const now = Date.now();
          if (now - lastReport > 60_000) {
            lastReport = now;
            const done = agg.count / total;
            process.stderr.write(`  ${label}: ${(100 * done).toFixed(1)}% after ${fmtTime(now - t0)}, max so far ${agg.maxErr} ULP; ` +
              `op done in ~${fmtTime((now - t0) / done)}\n`);
          }
          feed(w);
          if (busy === 0 && next >= total) resolve();
        });
        feed(w);
      }
    });
    const ms = Date.now() - t0;
    const ok = agg.maxErr <= bound;
    if (!ok) failed = true;
    const x = f32OfBits(agg.worstBits);
    const row = {
      op, params, bound, exact: def.exact, maxUlp: agg.maxErr, worstBits: hex(agg.worstBits), worstX: x, got: agg.worstY, reference: agg.worstRef,
      overBound: agg.over, nanMismatch: agg.nanMismatch, inputs: agg.count, settledByTier1: agg.settled,
      ...(o.perturb ? { perturbed: agg.perturbed } : {}), ms, ok,
    };
    results.push(row);
    console.log([label, o.backward ? (def.backward.exact ? 'exact' : `${def.backward.ulp} ulp + ${def.backward.eps} ε·|dy|·S`) : def.exact ? 'exact' : bound, agg.maxErr.toPrecision(4), `${hex(agg.worstBits)} (${x})`, agg.worstY, agg.worstRef,
      `${agg.over}${agg.nanMismatch ? ` (${agg.nanMismatch} NaN mismatches)` : ''}`, fmtTime(ms) + (ok ? '' : '  << OVER BOUND'),
      `${(100 * agg.settled / agg.count).toFixed(2)}%`].join(' | '));
    writeJson(false);
  }
  await Promise.all(workers.map((w) => w.terminate()));
  console.log(`total ${fmtTime(Date.now() - t00)}; ${failed ? 'FAILED: some op exceeds its bound' : 'every op within its bound'}`);
  writeJson(true);
  process.exitCode = failed ? 1 : 0;
}

main().catch((e) => {
  console.error(e && e.stack ? e.stack : e);
  process.exit(2);
});

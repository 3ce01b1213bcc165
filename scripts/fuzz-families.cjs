'use strict';
/**
 * The fuzz families of issue 16, beside scripts/fuzz.cjs's registry-op calls:
 * attacks the first fuzzer could not make. Each family turns (seed, index)
 * into one case, deterministically, so a finding is replayed from those two
 * numbers (`npm run fuzz -- --replay FAMILY SEED INDEX`):
 *
 *   compile      random sources from the grammar (numbers at float32's edges,
 *                ±0, parameters, units, registry ops with parameters): both
 *                backends throw the same error class or run it; float64
 *                results agree (loosely: garbage, not rounding), and one
 *                operation with a constant agrees bit for bit in float32
 *   bytecode     the binding's runProgram on mutated code and constants
 *                (words, header, lengths, registers): throws, declines, or
 *                writes out and nothing else
 *   getters      per-call parameters of a compiled activation through getters
 *                (±0, out of range, NaN, strings, a getter that calls the API
 *                or detaches an array): the plain call's bits, or a
 *                TypeError/RangeError with nothing written
 *   stats        random shapes, channel axes and ops: native equals the twin
 *   threads      setThreads between .async calls in flight: every result has
 *                the bits of the same call run alone
 *   shared       a worker rewrites the input of calls on a SharedArrayBuffer
 *                while they run (a bias and a gated op's up among them): no
 *                crash, nothing written outside out
 *   resizable    resizable buffers (sync calls: the fixed buffer's values;
 *                .async: a TypeError), shrunk or grown by an option getter;
 *                a bias and the two-array gated form among the calls
 *   reentrant    option getters of every kind of call (bias and gated ones
 *                included) that call the API with other parameters first: the
 *                plain call's values, dbias too
 *   lies         typed-array subclasses and own properties lying about buffer,
 *                byteOffset, byteLength or length (also for a bias call and a
 *                two-array gated op): the genuine call's values and its
 *                refusals (a partial overlap stays one)
 *   zeros        ±0 (and ±tiny) through every op, a ±0 bias, the gated ops
 *                and compiled expressions: native and twin agree on the sign
 *                of zero
 *   zeroHuge     shapes with a zero and huge other dimensions, every shaped and
 *                gated op (a bias or none), every unary op with a bias layout,
 *                forward and backward, sync and .async, and stats(): an empty
 *                result or a RangeError, within 2 s of CPU time
 *   fused        a bias on the element-wise ops (a number, per channel, on the
 *                last axis; from x and from y) and the gated ops (one-array
 *                form with axis and bias, two-array form), forward and
 *                backward, sync and .async, in place: each call has the bits of
 *                its composition on the same backend (f(x + b); act(gate)·up;
 *                act.backward(dy·up, gate) and act(gate)·dy), dbias the float64
 *                sum of dx, nothing written outside out; a broken argument
 *                (bias length, type, NaN, overlap, odd axis) a TypeError or
 *                RangeError with nothing written
 *
 * Results are compared value by value with Object.is (±0 told apart, every
 * NaN the same: a NaN's sign and payload are no contract, and they do vary,
 * e.g. with the output's alignment on avx2); "nothing written" is checked
 * byte for byte.
 *
 * A family's run(ctx, seed, index) returns 'valid' or 'invalid' (the call was
 * refused as it had to be) and throws an Error for a finding.
 */
const { Worker } = require('node:worker_threads');

/** mulberry32: a case's data from one 32-bit seed. */
const { rng } = require('../test/rng.cjs');

/** The case's generator: seeded by (seed, index) alone. */
function caseRng(seed, index) {
  return rng((Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b)) >>> 0);
}

const pick = (r, a) => a[Math.floor(r() * a.length)];
const int = (r, lo, hi) => lo + Math.floor(r() * (hi - lo + 1));

function fail(msg) {
  throw new Error(msg);
}

const EDGE = [0, -0, 1, -1, 0.5, 2, 3, 1e39, -1e39, 1e-46, -1e-46, 1e-40, 3.4028234663852886e38, 1.1754943508222875e-38, 1e300, 5e-324, 0.1, 7];

function fillData(a, r, specials = 0.2) {
  const S = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 5e-324, 1e30, -1e30, 3e38, 88.72, -103.9, 710, -745, 1, -1, 0.5];
  for (let i = 0; i < a.length; i++) {
    const u = r();
    a[i] = u < specials ? pick(r, S) : u < 0.7 ? (r() * 2 - 1) * 6 : (r() * 2 - 1) * 2 ** int(r, -30, 30);
  }
  return a;
}

function bitsEqual(a, b) {
  if (a.length !== b.length) return false;
  const u = new Uint8Array(a.buffer, a.byteOffset, a.byteLength), v = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  for (let i = 0; i < u.length; i++) if (u[i] !== v[i]) return false;
  return true;
}

/**
 * The options every call of a registry op must carry: its required parameters at the
 * registry's example values (threshold's threshold and value), none for the other ops.
 * The bias cases vary the layout, not the op's parameters.
 */
function pickParams(def, registry) {
  return registry.requiredOptions(def);
}

/** The comparison of results: sameValues below (a NaN's sign and payload are no contract). */
const sameBits = (a, b) => sameValues(a, b);

/** Element-wise Object.is: ±0 told apart, every NaN the same (payloads are no contract). */
function sameValues(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function firstDiff(a, b) {
  const z = (v) => (Object.is(v, -0) ? '-0' : String(v));
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return `[${i}]: ${z(a[i])} vs ${z(b[i])}`;
  return `lengths ${a.length} vs ${b.length}`;
}

const isRefusal = (e) => e instanceof TypeError || e instanceof RangeError;
const isCompileRefusal = (e) => isRefusal(e) || e instanceof SyntaxError;

function detach(buf) {
  if (!isDetached(buf)) structuredClone(buf, { transfer: [buf] });
}

/** Node 20 has no ArrayBuffer.prototype.detached: a detached buffer refuses a new view. */
function isDetached(buf) {
  try {
    new Uint8Array(buf, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** Runs f; returns [result, error]. */
async function attempt(f) {
  try {
    return [await f(), null];
  } catch (e) {
    return [undefined, e];
  }
}

// ------------------------------------------------------------------ the grammar

const UNITS = ['exp', 'expm1', 'log', 'log1p', 'sqrt', 'abs', 'sin', 'cos', 'tanh', 'sigmoid', 'softplus', 'atan', 'asinh', 'erf', 'erfc', 'sinc', 'step', 'sign', 'sinh', 'cosh'];

function numberText(r) {
  const v = pick(r, EDGE);
  if (Object.is(v, -0)) return '(-0)';
  return v < 0 ? `(${v})` : String(v);
}

/** A random source of the expression language (sometimes a broken one). */
function source(r, depth, registry, params) {
  const leaf = () => {
    const u = r();
    if (u < 0.45) return 'x';
    if (u < 0.75) return numberText(r);
    const p = pick(r, ['a', 'b', 'beta']);
    params.add(p);
    return p;
  };
  if (depth <= 0) return leaf();
  const u = r();
  const sub = () => source(r, depth - 1, registry, params);
  if (u < 0.3) return `${sub()} ${pick(r, ['+', '-', '*', '/'])} ${sub()}`;
  if (u < 0.45) return `${pick(r, UNITS)}(${sub()})`;
  if (u < 0.55) return `(${sub()})^${pick(r, [2, 3, -1, -2, 0, 1, 5])}`;
  if (u < 0.62) return `${pick(r, ['max', 'min'])}(${sub()}, ${sub()})`;
  if (u < 0.67) return `select(${sub()}, ${sub()}, ${sub()})`;
  if (u < 0.72) return `-${sub()}`;
  if (u < 0.9) {
    const names = Object.keys(registry.unaryOps);
    const name = pick(r, names);
    const def = registry.unaryOps[name];
    const args = [sub()];
    for (const p of def.params) {
      if (r() < 0.5) continue;
      if (p.kind === 'enum') args.push(`${p.name} = '${pick(r, p.values)}'`);
      else if (r() < 0.3) {
        params.add('a');
        args.push(`${p.name} = a`);
      } else args.push(`${p.name} = ${numberText(r)}`);
    }
    return `${name}(${args.join(', ')})`;
  }
  if (u < 0.95) return `(${sub()})`;
  // Broken on purpose: the parser must refuse it with a SyntaxError.
  return pick(r, [`${sub()} +`, `(${sub()}`, `${sub()} ^ 2 ^ 2`, `foo(${sub()})`, `${sub()} @ 1`, `2x`, `sin()`, `'tanh'`]);
}

function paramValues(r, names) {
  const o = {};
  for (const n of names) o[n] = pick(r, [0.5, 1, 2, -1, 0, -0, 1e-3, 3]);
  return o;
}

// ------------------------------------------------------------------ the shared-buffer mutator

/** A worker that rewrites a SharedArrayBuffer region as fast as it can until told to stop. */
function startMutator() {
  const sab = new SharedArrayBuffer(4 * 8192 + 16);
  const ctl = new Int32Array(sab, 4 * 8192, 4);
  const w = new Worker(`
    const { workerData } = require('node:worker_threads');
    const f = new Float32Array(workerData, 0, 8192), ctl = new Int32Array(workerData, 4 * 8192, 4);
    let s = 1;
    while (Atomics.load(ctl, 0) === 0) {
      for (let i = 0; i < 8192; i++) { s = (s * 1103515245 + 12345) >>> 0; f[i] = ((s >>> 8) / 65536 - 128) * (s & 1 ? 1 : 1e-30); }
      Atomics.add(ctl, 1, 1);
    }`, { eval: true, workerData: sab });
  w.unref();
  return {
    sab,
    stop: () => {
      Atomics.store(ctl, 0, 1);
      return w.terminate();
    },
  };
}

// ------------------------------------------------------------------ families

/** The doubles next to v (toward ±Infinity). */
function neighbours(v) {
  const f = new Float64Array(1), u = new BigInt64Array(f.buffer);
  const out = [];
  for (const dir of [1, -1]) {
    f[0] = v;
    if (v === 0) f[0] = dir * 5e-324;
    else u[0] += BigInt(dir * Math.sign(v));
    out.push(f[0]);
  }
  return out;
}

/**
 * Whether the twin's act is well conditioned at x: its value at the doubles
 * next to x agrees with its value at x. Two kernels a few ULP apart can give
 * any two answers where it is not (gelu(x) / x at x = 5e-324, cos of a huge
 * quotient): such a disagreement says nothing about the interpreter.
 */
function wellConditioned(act, x, y) {
  const v = act(Float64Array.from(neighbours(x)));
  return looseAgree(v[0], y) && looseAgree(v[1], y);
}

/**
 * src with every call f(...) (a registry op or a unit: where native and twin may differ by
 * their ULP bounds) written (f(...) * (1 + qd)), so that the twin can evaluate the source
 * with each such result moved by a few ULP: a source whose value moves past looseAgree's
 * tolerance then (tanh(x) - x near 0, raised to -2) amplifies the kernels' rounding, not a
 * bug, and wellConditioned's move of x alone cannot see it.
 */
function perturbCalls(src) {
  let out = '';
  const starts = [];
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    const m = /^[A-Za-z_]\w*\(/.exec(src.slice(i));
    if (m && (i === 0 || !/\w/.test(src[i - 1]))) {
      starts.push(true);
      out += `(${m[0]}`;
      i += m[0].length - 1;
      continue;
    }
    if (c === '(') starts.push(false);
    if (c === ')') {
      out += ')';
      if (starts.pop()) out += ' * (1 + qd))';
      continue;
    }
    out += c;
  }
  return out;
}

/** The twin's value at x is stable when every call's result moves by ±QD (about 4.5 ULP of a double). */
const QD = 1e-15;
function roundingStable(act, x, y) {
  for (const v of act(Float64Array.of(x))) if (!looseAgree(v, y)) return false;
  return true;
}

/** f64 agreement of native and twin results: catches garbage (a wrong register or constant), not rounding. */
function looseAgree(g, w) {
  if (Object.is(g, w)) return true;
  if (g !== g || w !== w) return false;
  if (!Number.isFinite(g) || !Number.isFinite(w)) return Math.abs(w) > 1e300 || Math.abs(g) > 1e300;
  return Math.abs(g - w) <= 1e-6 * Math.max(1, Math.abs(w));
}

const families = {
  compile: {
    weight: 3,
    async run(ctx, r) {
      const params = new Set();
      const src = source(r, int(r, 0, 4), ctx.registry, params);
      const names = [...params];
      const values = paramValues(r, names);
      ctx.note({ src, values });
      const [a, ea] = await attempt(() => ctx.ak.compile(src, { params: values }));
      const [b, eb] = await attempt(() => ctx.akjs.compile(src, { params: values }));
      if (ea || eb) {
        if (!ea || !eb || ea.constructor !== eb.constructor) fail(`compile(${JSON.stringify(src)}): native ${ea && ea.name}, twin ${eb && eb.name}`);
        if (!isCompileRefusal(ea)) fail(`compile(${JSON.stringify(src)}): ${ea.stack}`);
        return 'invalid';
      }
      const x = fillData(new Float64Array(int(r, 1, 40)), r);
      // A constant beyond 1e±30 is there for float32's range, and it amplifies the few
      // ULP two kernels may differ by past any tolerance (cos(celu(x) / 1e-46)): such a
      // source's float64 values are not compared (its errors, lengths and float32 run are).
      const extreme = (src.match(/\d+(?:\.\d+)?(?:e[+-]?\d+)?/gi) || []).some((t) => {
        const v = Math.abs(Number(t));
        return v !== 0 && (v < 1e-30 || v > 1e30);
      });
      const [ga, e1] = await attempt(() => a(x));
      const [gb, e2] = await attempt(() => b(x));
      if (e1 || e2) {
        if (!e1 || !e2 || e1.constructor !== e2.constructor || !isRefusal(e1)) fail(`${src} float64: native ${e1}, twin ${e2}`);
      } else {
        for (let i = 0; i < x.length; i++) {
          // An input near a kernel's overflow threshold may round either way: only a clear disagreement counts.
          // At a subnormal x, ops within their ULP bound may differ by the whole value (the twin's gelu(5e-324) is 0,
          // native's 5e-324, both in bound), which a division then turns into 0 against NaN: only normal x count.
          const normal = x[i] === 0 || Math.abs(x[i]) >= 2.2250738585072014e-308;
          if (!looseAgree(ga[i], gb[i]) && Math.abs(x[i]) < 700 && normal && !extreme && wellConditioned(b, x[i], gb[i])) {
            const moved = [QD, -QD].map((qd) => attempt(() => ctx.akjs.compile(perturbCalls(src), { params: { ...values, qd } })));
            const stable = [];
            for (const m of moved) stable.push((await m)[0]);
            if (stable.every((f) => f && roundingStable(f, x[i], gb[i]))) fail(`${src} float64 at x = ${x[i]}: native ${ga[i]}, twin ${gb[i]}`);
          }
        }
      }
      const x32 = Float32Array.from(x);
      const [ha, e3] = await attempt(() => a(x32));
      const [hb, e4] = await attempt(() => b(x32));
      if (e3 || e4) {
        if (!e3 || !e4 || e3.constructor !== e4.constructor || !isRefusal(e3)) fail(`${src} float32: native ${e3}, twin ${e4}`);
      } else if (ha.length !== x.length || hb.length !== x.length) fail(`${src} float32: lengths ${ha.length}, ${hb.length}`);
      // One operation with a constant: float32 lanes and the twin's float64 rounded once are the same bits.
      const k = pick(r, [1e39, -1e39, 1e-46, -1e-46, 1e-40, 0, -0, 3.4028234663852886e38, 0.5, 3, -7, 1.1754943508222875e-38]);
      const kt = Object.is(k, -0) ? '(-0)' : k < 0 ? `(${k})` : String(k);
      const one = pick(r, [`x * ${kt}`, `x + ${kt}`, `x - ${kt}`, `x / ${kt}`, `${kt} / x`, `${kt} - x`, `max(x, ${kt})`, `min(x, ${kt})`]);
      const y1 = ctx.ak.compile(one)(x32), y2 = ctx.akjs.compile(one)(x32);
      if (!sameValues(y1, y2)) fail(`${one} float32: native and twin differ at ${firstDiff(y1, y2)}`);
      return 'valid';
    },
  },

  bytecode: {
    weight: 2,
    async run(ctx, r) {
      if (!ctx.binding || !ctx.binding.runProgram) return 'invalid';
      const act = ctx.ak.compile(pick(r, ['x * 2 + 1', 'tanh(x) * x', 'max(x, 0) + sin(x) / 3', 'celu(x, alpha = 2) - x^2', 'select(x, exp(x), x / 2)']));
      const p = r() < 0.5 ? act.program : act.backwardProgram;
      const code = p.code.slice(), consts = p.consts.slice();
      const edits = int(r, 1, 4);
      const log = [];
      for (let e = 0; e < edits; e++) {
        const u = r();
        if (u < 0.6 && code.length) {
          const i = int(r, 0, code.length - 1);
          code[i] = pick(r, [0, 1, -1, 2 ** 31 - 1, -(2 ** 31), 64, 65, 1e6, code[i] + 1, code[i] - 1, int(r, 0, 80)]);
          log.push(`code[${i}]=${code[i]}`);
        } else if (consts.length) {
          const i = int(r, 0, consts.length - 1);
          consts[i] = pick(r, [NaN, Infinity, -1, 1e9, 0.5, 2 ** 40, -0]);
          log.push(`consts[${i}]=${consts[i]}`);
        }
      }
      const n = int(r, 0, 3000);
      const F = r() < 0.5 ? Float32Array : Float64Array;
      const buf = new ArrayBuffer((n + 16) * F.BYTES_PER_ELEMENT);
      const whole = new F(buf);
      whole.fill(-4321.5);
      const out = new F(buf, 8 * F.BYTES_PER_ELEMENT, n);
      const x = fillData(new F(n), r), dy = fillData(new F(n), r);
      const inputs = p.nInputs === 2 ? [x, dy] : [x];
      ctx.note({ program: p === act.program ? 'forward' : 'backward', edits: log, n, type: F.name });
      const before = Uint8Array.from(new Uint8Array(buf));
      let ret;
      try {
        ret = ctx.binding.runProgram(code, consts, inputs, out);
      } catch (e) {
        if (!isRefusal(e)) fail(`runProgram threw ${e && e.stack}`);
        if (!bitsEqual(new Uint8Array(buf), before)) fail('runProgram threw after writing');
        return 'invalid';
      }
      if (typeof ret !== 'boolean') fail(`runProgram returned ${ret}`);
      const now = new Uint8Array(buf), E = F.BYTES_PER_ELEMENT;
      for (let i = 0; i < now.length; i++) if ((i < 8 * E || i >= (8 + n) * E) && now[i] !== before[i]) fail(`runProgram wrote byte ${i} outside out`);
      if (!ret && !bitsEqual(now, before)) fail('runProgram declined after writing');
      return ret ? 'valid' : 'invalid';
    },
  },

  getters: {
    weight: 2,
    async run(ctx, r) {
      const api = r() < 0.5 ? ctx.ak : ctx.akjs;
      const src = pick(r, ['x * a + b', 'x / b', 'celu(x, alpha = a) + b', 'softplus(x, beta = a) * b', 'x + b', 'elu(x, alpha = a) - b']);
      const names = ['a', 'b'].filter((n) => new RegExp(`\\b${n}\\b`).test(src));
      const act = api.compile(src, { params: Object.fromEntries(names.map((n) => [n, 1])) });
      const F = r() < 0.5 ? Float32Array : Float64Array;
      const n = int(r, 1, 300);
      const x = fillData(new F(n), r);
      const backward = r() < 0.3;
      const dy = fillData(new F(n), r);
      const plain = {};
      const opts = {};
      const kinds = [];
      let invalid = false;
      for (const name of names) {
        if (r() < 0.2) continue;
        const v = pick(r, [0, -0, 1, 2, -1, 0.5, 1e-46, NaN, Infinity, '1', -2]);
        const kind = pick(r, ['plain', 'getter', 'reenter', 'detachX', 'detachOut']);
        kinds.push(`${name}=${String(Object.is(v, -0) ? '-0' : v)}:${kind}`);
        if (typeof v !== 'number' || !Number.isFinite(v)) invalid = true;
        plain[name] = v;
        if (kind === 'plain') opts[name] = v;
        else {
          Object.defineProperty(opts, name, {
            enumerable: true,
            get() {
              if (kind === 'reenter') ctx.ak.compile('x * 3 - 1')(new F(4), { out: new F(4) }), ctx.ak.softplus(new Float64Array(2), { beta: 7 });
              if (kind === 'detachX') detach(x.buffer);
              if (kind === 'detachOut' && useOut) detach(out.buffer);
              return v;
            },
          });
        }
      }
      const useOut = r() < 0.5;
      if (kinds.some((k) => k.endsWith(':detachX')) || (useOut && kinds.some((k) => k.endsWith(':detachOut')))) invalid = true;
      const out = new F(n);
      if (useOut) {
        Object.defineProperty(opts, 'out', { value: out, enumerable: true });
        plain.out = new F(n);
      }
      ctx.note({ api: api === ctx.ak ? 'native' : 'js', src, kinds, backward, n });
      const xCopy = x.slice(), dyCopy = dy.slice();
      const [got, err] = await attempt(() => (backward ? act.backward(dy, x, opts) : act(x, opts)));
      const detached = isDetached(x.buffer) || isDetached(out.buffer);
      if (err) {
        if (!isRefusal(err)) fail(`${src} ${kinds}: ${err && err.stack}`);
        if (!detached && !invalid) {
          // A valid-looking value may still be out of an op's range (celu's alpha ≤ 0): the plain call must refuse it too.
          const [, e2] = await attempt(() => (backward ? act.backward(dyCopy, xCopy, plain) : act(xCopy, plain)));
          if (!e2 || e2.constructor !== err.constructor) fail(`${src} ${kinds}: refused with ${err.message}, the plain call ${e2 ? e2.message : 'ran'}`);
        }
        if (useOut && !isDetached(out.buffer) && out.some((v) => !Object.is(v, 0))) fail(`${src} ${kinds}: out written by a refused call`);
        return 'invalid';
      }
      if (detached) fail(`${src} ${kinds}: ran on a detached buffer`);
      if (invalid) fail(`${src} ${kinds}: an invalid value was accepted`);
      const want = backward ? act.backward(dyCopy, xCopy, plain) : act(xCopy, plain);
      if (!sameValues(got, want)) fail(`${src} ${kinds}: differs from the plain call at ${firstDiff(got, want)}`);
      if (useOut && got !== out) fail(`${src}: did not return options.out`);
      return 'valid';
    },
  },

  stats: {
    weight: 2,
    async run(ctx, r) {
      const F = r() < 0.5 ? Float32Array : Float64Array;
      const rank = int(r, 1, 4);
      const shape = [];
      // Up to 8000 elements (a wide channel axis sometimes): stats() is the slowest call here.
      for (let i = 0; i < rank; i++) shape.push(r() < 0.15 ? 0 : int(r, 1, r() < 0.1 ? 1000 : 12));
      let n = shape.reduce((a, b) => a * b, 1);
      while (n > 8000) {
        // The largest dimension down to 1 until the array is small (three wide ones made 3e8 elements).
        shape[shape.indexOf(Math.max(...shape))] = 1;
        n = shape.reduce((a, b) => a * b, 1);
      }
      const x = fillData(new F(n), r, 0.1);
      const opts = {};
      if (r() < 0.7) {
        opts.shape = shape;
        opts.channelAxis = int(r, -rank, rank - 1);
      }
      if (r() < 0.6) opts.op = pick(r, ['relu', 'leakyRelu', 'sigmoid', 'tanh', 'gelu', 'selu', 'elu', 'hardTanh', 'max(x, 0)', 'x * step(x - 1)', 'softplus', 'prelu']);
      ctx.note({ type: F.name, shape, opts: { ...opts, shape: opts.shape && [...opts.shape] } });
      const [a, ea] = await attempt(() => ctx.ak.stats(x, opts));
      const [b, eb] = await attempt(() => ctx.akjs.stats(x, opts));
      if (ea || eb) {
        if (!ea || !eb || ea.constructor !== eb.constructor || !isRefusal(ea)) fail(`stats: native ${ea}, twin ${eb}`);
        return 'invalid';
      }
      const cmp = (what, m1, m2) => {
        for (const k of ['count', 'nanCount', 'min', 'max', 'deadFraction', 'saturatedFraction']) {
          if (!Object.is(m1[k], m2[k]) && !(m1[k] === m2[k])) fail(`stats ${what}.${k}: native ${m1[k]}, twin ${m2[k]}`);
        }
        // Summation order differs (lanes, segments): mean to 1e-9 of the data's magnitude, variance to 1e-9 of its scale.
        const scale = Math.max(Math.abs(m1.min), Math.abs(m1.max));
        for (const [k, tol] of [['mean', 1e-9 * scale], ['variance', 1e-9 * scale * scale]]) {
          const g = m1[k], w = m2[k];
          if (Object.is(g, w) || (g !== g && w !== w)) continue;
          if (!(Math.abs(g - w) <= tol + 1e-300)) fail(`stats ${what}.${k}: native ${g}, twin ${w}`);
        }
      };
      cmp('total', a, b);
      if ((a.channels || []).length !== (b.channels || []).length) fail('stats: channel counts differ');
      (a.channels || []).forEach((c, i) => cmp(`channels[${i}]`, c, b.channels[i]));
      if (JSON.stringify(a.deadChannels) !== JSON.stringify(b.deadChannels)) fail('stats: deadChannels differ');
      return 'valid';
    },
  },

  threads: {
    weight: 1,
    async run(ctx, r) {
      const max = 4;
      const calls = [];
      const jobs = int(r, 2, 4);
      const desc = [];
      for (let j = 0; j < jobs; j++) {
        const F = r() < 0.5 ? Float32Array : Float64Array;
        // Past the pool's thresholds (2^15 elements), so the calls really run on its threads.
        const n = 33000 + int(r, 0, 16000);
        const x = fillData(new F(n), r);
        const kind = pick(r, ['gelu', 'sigmoid', 'softmax', 'compiled', 'tanh.backward']);
        desc.push(`${kind}(${F.name}, ${n})`);
        const act = kind === 'compiled' ? ctx.ak.compile('x * sigmoid(1.5 * x)') : null;
        const run = (async) => {
          if (kind === 'compiled') return async ? act.async(x) : act(x);
          if (kind === 'softmax') return async ? ctx.ak.softmax.async(x, { shape: [n / n, n] }) : ctx.ak.softmax(x, { shape: [1, n] });
          if (kind === 'tanh.backward') return async ? ctx.ak.tanh.backward.async(x, x) : ctx.ak.tanh.backward(x, x);
          return async ? ctx.ak[kind].async(x) : ctx.ak[kind](x);
        };
        calls.push({ run, p: null });
      }
      ctx.note({ jobs: desc });
      const threads0 = ctx.ak.info().threads;
      for (const c of calls) {
        c.p = c.run(true);
        if (r() < 0.7) ctx.ak.setThreads(int(r, 1, max));
      }
      const got = await Promise.all(calls.map((c) => c.p));
      ctx.ak.setThreads(threads0);
      calls.forEach((c, i) => {
        const want = c.run(false);
        if (!sameValues(got[i], want)) fail(`${desc[i]} with setThreads racing: differs from the call alone at ${firstDiff(got[i], want)}`);
      });
      return 'valid';
    },
  },

  shared: {
    weight: 1,
    async run(ctx, r) {
      const m = ctx.mutator();
      const n = int(r, 1, 8192);
      const x = new Float32Array(m.sab, 0, n);
      const F = Float32Array;
      const outBuf = new SharedArrayBuffer((n + 32) * 4);
      const whole = new F(outBuf);
      whole.fill(-777.25);
      const out = new F(outBuf, 16 * 4, n);
      const kind = pick(r, ['relu', 'gelu', 'softmax', 'compiled', 'stats', 'prelu', 'maxout', 'async', 'swiglu', 'geluBias']);
      ctx.note({ kind, n });
      if (kind === 'stats') ctx.ak.stats(x, { shape: [1, n], channelAxis: 1, op: 'relu' });
      else if (kind === 'compiled') ctx.ak.compile('tanh(x) * x + 1')(x, { out });
      else if (kind === 'softmax') ctx.ak.softmax(x, { out });
      else if (kind === 'prelu') ctx.ak.prelu(x, 0.25, { out });
      else if (kind === 'maxout') ctx.ak.maxout(x, { pieces: 1, out });
      else if (kind === 'async') await ctx.ak.gelu.async(x, { out });
      else if (kind === 'swiglu') ctx.ak.swiglu(x, new Float32Array(m.sab, 0, n), { out });
      else if (kind === 'geluBias') ctx.ak.gelu(x, { out, bias: new Float32Array(m.sab, 0, 1), shape: [1, n], channelAxis: 0 });
      else ctx.ak[kind](x, { out });
      for (let i = 0; i < 16; i++) if (!Object.is(whole[i], -777.25) || !Object.is(whole[16 + n + i], -777.25)) fail(`${kind} on a buffer a worker rewrites: wrote outside out`);
      return 'valid';
    },
  },

  resizable: {
    weight: 1,
    async run(ctx, r) {
      const api = r() < 0.5 ? ctx.ak : ctx.akjs;
      const F = r() < 0.5 ? Float32Array : Float64Array;
      const n = int(r, 0, 200);
      const E = F.BYTES_PER_ELEMENT;
      const buf = new ArrayBuffer((n + 4) * E, { maxByteLength: (n + 64) * E });
      const tracking = r() < 0.5;
      const x = tracking ? new F(buf) : new F(buf, 0, n + 4);
      fillData(x, r);
      const fixed = x.slice();
      const kind = pick(r, ['sync', 'async', 'shrink', 'grow', 'outAsync']);
      const op = pick(r, ['relu', 'gelu', 'softmax', 'compiled', 'geluBias', 'swiglu']);
      // The bias joins the options object itself: spreading it would run the resizing getter before the call.
      const withBias = (o) => (o === undefined ? { bias: -0.5 } : Object.defineProperty(o, 'bias', { value: -0.5, enumerable: true }));
      const call = (v, o) => (op === 'compiled' ? api.compile('x * x - 1')(v, o) : op === 'geluBias' ? api.gelu(v, withBias(o)) : op === 'swiglu' ? api.swiglu(v, v, o) : api[op](v, o));
      const callAsync = (v, o) => (op === 'compiled' ? api.compile('x * x - 1').async(v, o) : op === 'geluBias' ? api.gelu.async(v, withBias(o)) : op === 'swiglu' ? api.swiglu.async(v, v, o) : api[op].async(v, o));
      ctx.note({ api: api === ctx.ak ? 'native' : 'js', type: F.name, n, tracking, kind, op });
      if (kind === 'sync') {
        const got = call(x), want = call(fixed);
        if (!sameValues(got, want)) fail(`${op} on a resizable buffer: differs at ${firstDiff(got, want)}`);
        return 'valid';
      }
      if (kind === 'async' || kind === 'outAsync') {
        const [, e] = await attempt(() => (kind === 'async' ? callAsync(x) : callAsync(fixed, { out: x })));
        if (!(e instanceof TypeError)) fail(`${op}.async on a resizable ArrayBuffer: ${e ? e.stack : 'accepted'}`);
        return 'invalid';
      }
      const o = {};
      const to = kind === 'shrink' ? int(r, 0, n + 3) * E : (n + int(r, 5, 60)) * E;
      Object.defineProperty(o, 'out', { enumerable: true, get() { buf.resize(to); return undefined; } });
      const [got, e] = await attempt(() => call(x, o));
      const shrunk = to < (n + 4) * E;
      if (e) {
        if (!isRefusal(e) || !shrunk) fail(`${op} with a getter that resizes to ${to}: ${e.stack}`);
        return 'invalid';
      }
      if (shrunk && !tracking) fail(`${op}: computed on a view its getter shrank out of bounds`);
      if (shrunk && tracking && got.length !== (n + 4)) fail(`${op}: a length-tracking view shrunk under the call gave length ${got.length}`);
      return 'valid';
    },
  },

  reentrant: {
    weight: 2,
    async run(ctx, r) {
      const api = r() < 0.5 ? ctx.ak : ctx.akjs;
      const F = r() < 0.5 ? Float32Array : Float64Array;
      const n = int(r, 1, 200);
      const x = fillData(new F(n), r);
      const meddle = () => {
        api.leakyRelu(new Float64Array(3), { alpha: -3 });
        api.elu(new Float32Array(2), { alpha: 7 });
        api.softmax(new Float64Array(4), { shape: [2, 2], axis: 0 });
        api.compile('x * q', { params: { q: 5 } })(new Float32Array(2), { q: -0 });
        api.stats(new Float32Array(6), { shape: [2, 3], channelAxis: 1, op: 'celu', params: { alpha: 3 } });
      };
      const cases = [
        ['softplus', { beta: 2, threshold: 10 }], ['hardTanh', { min: -0.5, max: 2 }], ['rbf', { gamma: 2, center: 0.5 }],
        ['celu', { alpha: 0.7 }], ['leakyRelu', { alpha: 0.1 }], ['elu', { alpha: 1.5 }],
        ['softmax', { shape: [n], axis: 0 }], ['maxout', { pieces: 1, shape: [n] }], ['compiled', { a: 0.75 }], ['stats', { op: 'hardTanh', params: { min: -1, max: 0.5 } }],
        ['softplus', { beta: 2, bias: -0.5 }], ['gelu', { approximate: 'tanh', bias: 0.25, shape: [n], channelAxis: 0 }],
        ['glu', { shape: [1, 2 * (n >> 1)], axis: 1 }], ['geglu', { approximate: 'tanh', bias: 0.5, shape: [2 * (n >> 1)], axis: 0 }],
      ];
      const [op, plainRaw] = pick(r, cases);
      // The gated ops' one-array form: an even length; a per-channel bias of length n.
      const gatedOp = op === 'glu' || op === 'geglu';
      const plain = op === 'gelu' ? { ...plainRaw, bias: F.from(x, (v, i) => i / n - 0.5) } : plainRaw;
      const keys = Object.keys(plain);
      const key = pick(r, keys);
      const opts = {};
      for (const k of keys) {
        if (k === key) Object.defineProperty(opts, k, { enumerable: true, get: () => (meddle(), plain[k]) });
        else opts[k] = plain[k];
      }
      const backward = r() < 0.3 && op !== 'stats';
      const async = r() < 0.3 && op !== 'stats';
      ctx.note({ api: api === ctx.ak ? 'native' : 'js', op, key, backward, async, type: F.name, n });
      const act = op === 'compiled' ? api.compile('x * a + sin(a * x)', { params: { a: 1 } }) : null;
      const call = (o) => {
        if (op === 'stats') return api.stats(x, o);
        const f = act || api[op];
        const g = backward ? f.backward : f;
        const h = async ? g.async : g;
        const xs = gatedOp ? x.subarray(0, 2 * (n >> 1)) : x;
        const dy = gatedOp ? x.subarray(0, n >> 1).slice() : x.slice();
        return backward ? h(dy, xs, o) : h(xs, o);
      };
      const got = await call(opts);
      const want = await call(plain);
      if (op === 'stats') {
        if (JSON.stringify(got) !== JSON.stringify(want)) fail(`stats with a re-entrant getter on ${key}: differs`);
      } else if (ArrayBuffer.isView(got)) {
        // Values bit for bit, ±0 apart; a NaN's payload is no contract (V8's tiers make different ones).
        if (!sameValues(got, want)) fail(`${op} with a re-entrant getter on ${key}: differs at ${firstDiff(got, want)}`);
      } else {
        // With a bias, backward gives { dx, dbias }.
        if (!sameValues(got.dx, want.dx)) fail(`${op}.backward with a re-entrant getter on ${key}: dx differs at ${firstDiff(got.dx, want.dx)}`);
        const d1 = typeof got.dbias === 'number' ? [got.dbias] : got.dbias, d2 = typeof want.dbias === 'number' ? [want.dbias] : want.dbias;
        if (!sameValues(d1, d2)) fail(`${op}.backward with a re-entrant getter on ${key}: dbias differs at ${firstDiff(d1, d2)}`);
      }
      return 'valid';
    },
  },

  lies: {
    weight: 2,
    async run(ctx, r) {
      const api = r() < 0.5 ? ctx.ak : ctx.akjs;
      const F = r() < 0.5 ? Float32Array : Float64Array;
      const E = F.BYTES_PER_ELEMENT;
      const n = int(r, 1, 400);
      const buf = new ArrayBuffer((2 * n + 8) * E);
      const lieKind = pick(r, ['subclass', 'own']);
      const field = pick(r, ['buffer', 'byteOffset', 'byteLength', 'length']);
      const target = pick(r, ['x', 'out']);
      const where = pick(r, ['separate', 'inplace', 'partial', 'after']);
      const lieValue = field === 'buffer' ? new ArrayBuffer(8) : pick(r, [0, 1, 1e9, -1, 4 * n]);
      const Lie = class extends F {};
      Object.defineProperty(Lie.prototype, field, { get: () => lieValue });
      const make = (liar, off, len) => {
        if (!liar) return new F(buf, off * E, len);
        if (lieKind === 'subclass') return new Lie(buf, off * E, len);
        const v = new F(buf, off * E, len);
        Object.defineProperty(v, field, { value: lieValue });
        return v;
      };
      const x = make(target === 'x', 0, n);
      const xs = new F(buf, 0, n);
      fillData(xs, r);
      const outOff = where === 'inplace' ? 0 : where === 'partial' ? 1 : where === 'after' ? n : n + 4;
      const out = make(target === 'out', outOff, n);
      const op = pick(r, ['relu', 'gelu', 'compiled', 'softmax', 'prelu', 'geluBias', 'reglu']);
      const ups = fillData(new F(n), r);
      const call = (v, o) => {
        if (op === 'compiled') return api.compile('x * 2 - 1')(v, { out: o });
        if (op === 'prelu') return api.prelu(v, 0.5, { out: o });
        if (op === 'geluBias') return api.gelu(v, { out: o, bias: 0.75 });
        if (op === 'reglu') return api.reglu(v, ups, { out: o });
        return api[op](v, { out: o });
      };
      ctx.note({ api: api === ctx.ak ? 'native' : 'js', lieKind, field, target, where, op, n, type: F.name });
      // The genuine call, on a copy of the buffer: what the lying call must do.
      const copy = buf.slice(0);
      const gx = new F(copy, 0, n), gout = new F(copy, outOff * E, n);
      const [, ge] = await attempt(() => call(gx, gout));
      const before = new Uint8Array(buf).slice();
      const [got, e] = await attempt(() => call(x, out));
      if (ge || e) {
        if (!ge || !e || ge.constructor !== e.constructor) fail(`${op} with ${lieKind} ${target}.${field} lying: genuine ${ge && ge.message}, lying ${e && e.message}`);
        if (!bitsEqual(new Uint8Array(buf), before)) fail(`${op}: a refused lying call wrote`);
        return 'invalid';
      }
      if (got !== out) fail(`${op}: did not return the caller's out`);
      if (!sameValues(new F(buf), new F(copy))) fail(`${op} with ${lieKind} ${target}.${field} lying: the buffer differs from the genuine call's`);
      return 'valid';
    },
  },

  zeros: {
    weight: 2,
    async run(ctx, r) {
      const F = r() < 0.5 ? Float32Array : Float64Array;
      const tiny = F === Float32Array ? 1e-45 : 5e-324;
      const x = new F(int(r, 1, 40));
      for (let i = 0; i < x.length; i++) x[i] = pick(r, [0, -0, tiny, -tiny, 0, -0]);
      const names = Object.keys(ctx.registry.unaryOps);
      const u = r();
      let what, a, b;
      if (u < 0.5) {
        const name = pick(r, names);
        const backward = r() < 0.4;
        what = `${name}${backward ? '.backward' : ''}`;
        const dy = F.from(x, (v, i) => (i % 2 ? 1 : -1));
        const o = pickParams(ctx.registry.unaryOps[name], ctx.registry);
        ctx.note({ what, type: F.name, x: Array.from(x, (v) => (Object.is(v, -0) ? '-0' : v)) });
        a = backward ? ctx.ak[name].backward(dy, x, o) : ctx.ak[name](x, o);
        b = backward ? ctx.akjs[name].backward(dy, x, o) : ctx.akjs[name](x, o);
      } else if (u < 0.6) {
        // A bias of ±0 (x + b keeps or loses x's zero sign as IEEE addition does) and the gated ops.
        const up = F.from(x, (v, i) => pick(r, [1, -1, 0, -0, tiny]));
        const kind = pick(r, ['bias', 'gated', 'gatedPair', 'gatedBackward']);
        const gname = pick(r, Object.keys(ctx.registry.gatedOps));
        const name = pick(r, names);
        const bz = pick(r, [0, -0]);
        const even = x.subarray(0, x.length & ~1);
        const run = (api) => {
          if (kind === 'bias') return api[name](x, { bias: bz, ...pickParams(ctx.registry.unaryOps[name], ctx.registry) });
          if (kind === 'gated') return api[gname](even);
          if (kind === 'gatedPair') return ctx.registry.gatedOps[gname].pair ? api[gname](x, up) : api[gname](even, { bias: bz });
          return ctx.registry.gatedOps[gname].pair ? api[gname].backward(up, x, up).dgate : api[gname].backward(up.subarray(0, even.length >> 1), even);
        };
        what = kind === 'bias' ? `${name}(x, { bias: ${Object.is(bz, -0) ? '-0' : 0} })` : `${gname} ${kind}`;
        ctx.note({ what, type: F.name, x: Array.from(x, (v) => (Object.is(v, -0) ? '-0' : v)) });
        a = run(ctx.ak);
        b = run(ctx.akjs);
      } else {
        const src = pick(r, ['x + 0', '0 - x', 'x - 0', '-0 - x', 'x * 1', 'x + (-0)', '-x', 'x * 0', 'abs(x)', 'x / 2', 'max(x, 0)', 'min(x, -0)', 'sin(x)', 'tanh(x)', 'x^3', 'sqrt(x)', 'expm1(x)', 'log1p(x)', 'x + b']);
        what = src;
        ctx.note({ what, type: F.name, x: Array.from(x, (v) => (Object.is(v, -0) ? '-0' : v)) });
        const pv = pick(r, [0, -0]);
        const hasB = /\bb\b/.test(src);
        a = ctx.ak.compile(src, hasB ? { params: { b: 1 } } : undefined)(x, hasB ? { b: pv } : undefined);
        b = ctx.akjs.compile(src, hasB ? { params: { b: 1 } } : undefined)(x, hasB ? { b: pv } : undefined);
      }
      for (let i = 0; i < x.length; i++) {
        // The sign of a zero result, bit for bit (a subnormal against zero is a rounding matter, held to the op's ULP bound elsewhere).
        if (a[i] === 0 && b[i] === 0 && !Object.is(a[i], b[i])) fail(`${what} (${F.name}) at x = ${Object.is(x[i], -0) ? '-0' : x[i]}: native ${Object.is(a[i], -0) ? '-0' : a[i]}, twin ${Object.is(b[i], -0) ? '-0' : b[i]}`);
      }
      return 'valid';
    },
  },

  fused: {
    weight: 3,
    async run(ctx, r) {
      const api = r() < 0.5 ? ctx.ak : ctx.akjs;
      const F = r() < 0.5 ? Float32Array : Float64Array;
      const E = F.BYTES_PER_ELEMENT;
      const gated = r() < 0.5;
      const backward = r() < 0.5;
      const async = r() < 0.25;
      const pad = 8;
      // One buffer for every array of the call, each at its own offset between sentinels.
      const arena = (lens) => {
        const offs = [];
        let at = pad;
        for (const n of lens) {
          offs.push(at);
          at += n + pad;
        }
        const buf = new ArrayBuffer(at * E);
        new F(buf).fill(-321.5);
        return { buf, views: lens.map((n, i) => new F(buf, offs[i] * E, n)), offs };
      };
      const sentinelsIntact = (a, lens, skip) => {
        const all = new F(a.buf);
        for (let i = 0; i < pad; i++) if (!Object.is(all[i], -321.5)) return false;
        for (let k = 0; k < lens.length; k++) {
          if (skip.includes(k)) continue;
          for (let i = 0; i < pad; i++) if (!Object.is(all[a.offs[k] + lens[k] + i], -321.5)) return false;
        }
        return true;
      };
      const close = (got, want, rel, abs) => (Number.isFinite(want) ? Math.abs(got - want) <= rel * Math.abs(want) + abs : Object.is(got, want) || (got !== got && want !== want));
      const finish = (what, dx, dbiasGot, chanOf, C, biasIsArray) => {
        const sums = new Float64Array(C), mags = new Float64Array(C);
        for (let i = 0; i < dx.length; i++) {
          sums[chanOf(i)] += dx[i];
          mags[chanOf(i)] += Math.abs(dx[i]);
        }
        const d = biasIsArray ? Array.from(dbiasGot) : [dbiasGot];
        if (d.length !== C) fail(`${what}: dbias of length ${d.length}, expected ${C}`);
        const rel = biasIsArray ? (F === Float32Array ? 2 ** -23 : 2 ** -52) : 0;
        for (let c = 0; c < C; c++) {
          const want = biasIsArray ? new F([sums[c]])[0] : sums[c];
          if (!close(d[c], want, rel, dx.length * 2 ** -53 * mags[c] * (1 + rel))) fail(`${what}: dbias[${c}] ${d[c]}, the float64 sum of dx ${sums[c]}`);
        }
      };

      if (!gated) {
        const names = Object.keys(ctx.registry.unaryOps);
        const name = pick(r, names);
        const def = ctx.registry.unaryOps[name];
        const f = api[name];
        const dims = [int(r, 1, 5), int(r, 1, 6), int(r, 1, 7)];
        const n = dims[0] * dims[1] * dims[2];
        const layout = pick(r, ['number', 'channels', 'last']);
        const C = layout === 'number' ? 1 : layout === 'channels' ? dims[1] : dims[2];
        const chanOf = layout === 'number' ? () => 0 : layout === 'channels' ? (i) => Math.floor(i / dims[2]) % dims[1] : (i) => i % dims[2];
        const fromY = backward && def.backwardUsesY && r() < 0.4;
        const lens = [n, n, layout === 'number' ? 0 : C, n];
        const a = arena(lens);
        const [x, dy, biasArr, out] = a.views;
        fillData(x, r, 0.1);
        fillData(dy, r, 0.1);
        for (let i = 0; i < dy.length; i++) if (!Number.isFinite(dy[i])) dy[i] = 1.5;
        if (biasArr.length) fillData(biasArr, r, 0.05);
        for (let i = 0; i < biasArr.length; i++) if (!Number.isFinite(biasArr[i])) biasArr[i] = 0.25;
        const bnum = pick(r, [0.5, -0, 0, -3, 1e-3, 7.25, 2 ** -30]);
        const opts = layout === 'number' ? { bias: bnum } : layout === 'channels' ? { bias: biasArr, shape: dims } : { bias: biasArr, shape: dims, channelAxis: -1 };
        const bOf = layout === 'number' ? () => new F([bnum])[0] : (i) => biasArr[chanOf(i)];
        const mutation = r() < 0.25 ? pick(r, ['biasLength', 'biasType', 'biasNaN', 'outOverBias', 'shapeMismatch']) : null;
        const inPlace = !backward && mutation !== 'outOverBias' && r() < 0.25;
        ctx.note({ api: api === ctx.ak ? 'native' : 'js', name, type: F.name, dims, layout, backward, fromY, async, inPlace, mutation });
        const t = F.from(x, (v, i) => v + bOf(i));
        let o = { ...opts };
        if (mutation === 'biasLength') o = layout === 'number' ? { bias: new F(dims[1] + 1), shape: dims } : { ...opts, bias: new F(C + 1) };
        if (mutation === 'biasType') o = { ...opts, bias: layout === 'number' ? '1' : new (F === Float32Array ? Float64Array : Float32Array)(C) };
        if (mutation === 'biasNaN') o = { ...opts, bias: pick(r, [NaN, Infinity, 1e39]) };
        if (mutation === 'outOverBias') o = { ...opts, bias: new F(a.buf, a.offs[3] * E, Math.max(C, 1)), shape: dims, channelAxis: layout === 'last' ? -1 : 1 };
        if (mutation === 'shapeMismatch') o = { ...opts, shape: [dims[0] + 1, dims[1], dims[2]] };
        if (mutation === 'biasNaN' && F === Float64Array && o.bias === 1e39) o.bias = NaN;
        const before = new Uint8Array(a.buf).slice();
        const call = () => {
          if (!backward) {
            const target = inPlace ? x : out;
            return (async ? f.async : f)(x, { ...pickParams(def, ctx.registry), ...o, out: target });
          }
          const y = fromY ? api[name](t, pickParams(def, ctx.registry)) : null;
          const bo = fromY ? { ...o, y, out } : { ...o, out };
          return (async ? f.backward.async : f.backward)(dy, fromY ? null : x, { ...bo, ...pickParams(def, ctx.registry) });
        };
        const [got, err] = await attempt(call);
        if (mutation) {
          if (!err) fail(`${name} bias (${mutation}): accepted`);
          if (!isRefusal(err)) fail(`${name} bias (${mutation}): ${err.stack}`);
          if (!bitsEqual(new Uint8Array(a.buf), before)) fail(`${name} bias (${mutation}): a refused call wrote`);
          return 'invalid';
        }
        if (err) fail(`${name} bias ${layout}: ${err.stack}`);
        if (!sentinelsIntact(a, lens, [])) fail(`${name} bias ${layout}: wrote outside its arrays`);
        if (!backward) {
          if (got !== (inPlace ? x : out)) fail(`${name}: did not return options.out`);
          const want = f(t, pickParams(def, ctx.registry));
          if (!sameBits(got, want)) fail(`${name}(x, bias ${layout}) is not ${name}(x + b) at ${firstDiff(got, want)}`);
          return 'valid';
        }
        const want = fromY ? f.backward(dy, null, { y: api[name](t, pickParams(def, ctx.registry)), ...pickParams(def, ctx.registry) }) : f.backward(dy, t, pickParams(def, ctx.registry));
        if (got.dx !== out) fail(`${name}.backward: did not return options.out as dx`);
        if (!sameBits(got.dx, want)) fail(`${name}.backward(bias ${layout}${fromY ? ', from y' : ''}) is not the backward at x + b: ${firstDiff(got.dx, want)}`);
        finish(`${name}.backward`, got.dx, got.dbias, chanOf, C, layout !== 'number');
        return 'valid';
      }

      // The gated ops.
      const gnames = Object.keys(ctx.registry.gatedOps);
      const name = pick(r, gnames);
      const def = ctx.registry.gatedOps[name];
      const act = api[def.act];
      const aopts = def.act === 'gelu' && r() < 0.5 ? { approximate: 'tanh' } : {};
      const f = api[name];
      const pair = def.pair && r() < 0.5;
      if (pair) {
        const n = int(r, 0, 300);
        const lens = [n, n, n, n, n];
        const a = arena(lens);
        const [g, u, dy, o1, o2] = a.views;
        fillData(g, r, 0.1);
        fillData(u, r, 0.1);
        fillData(dy, r, 0.1);
        const place = pick(r, ['new', 'out', 'gate', 'up']);
        // Overlaps need a byte to share: only from n = 1.
        const mutation = r() < 0.2 ? pick(r, backward && n > 0 ? ['dgateOnDy', 'sameOut', 'bias', 'lengths'] : ['bias', 'lengths']) : null;
        ctx.note({ api: api === ctx.ak ? 'native' : 'js', name, pair: true, type: F.name, n, backward, async, place, mutation, aopts });
        const g0 = g.slice(), u0 = u.slice();
        const before = new Uint8Array(a.buf).slice();
        const call = () => {
          if (!backward) {
            const o = { ...aopts };
            if (mutation === 'bias') o.bias = 1;
            if (place !== 'new') o.out = place === 'out' ? o1 : place === 'gate' ? g : u;
            if (mutation === 'lengths') return (async ? f.async : f)(g, new F(n + 1), o);
            return (async ? f.async : f)(g, u, o);
          }
          const o = { ...aopts };
          if (place === 'out') Object.assign(o, { dgate: o1, dup: o2 });
          if (place === 'gate') Object.assign(o, { dgate: g, dup: u });
          if (mutation === 'dgateOnDy') o.dgate = dy;
          if (mutation === 'sameOut') Object.assign(o, { dgate: o1, dup: o1 });
          if (mutation === 'bias') o.bias = new F(n);
          if (mutation === 'lengths') return (async ? f.backward.async : f.backward)(dy, g, new F(n + 2), o);
          return (async ? f.backward.async : f.backward)(dy, g, u, o);
        };
        const [got, err] = await attempt(call);
        if (mutation) {
          if (!err) fail(`${name} pair (${mutation}): accepted`);
          if (!isRefusal(err)) fail(`${name} pair (${mutation}): ${err.stack}`);
          if (!bitsEqual(new Uint8Array(a.buf), before)) fail(`${name} pair (${mutation}): a refused call wrote`);
          return 'invalid';
        }
        if (err) fail(`${name} pair: ${err.stack}`);
        if (!sentinelsIntact(a, lens, [])) fail(`${name} pair: wrote outside its arrays`);
        const ag = act(g0, aopts);
        if (!backward) {
          const want = F.from(ag, (v, i) => v * u0[i]);
          if (place !== 'new' && got !== (place === 'out' ? o1 : place === 'gate' ? g : u)) fail(`${name}: did not return options.out`);
          if (!sameBits(got, want)) fail(`${name}(gate, up) is not ${def.act}(gate)·up at ${firstDiff(got, want)}`);
          return 'valid';
        }
        const dg = act.backward(F.from(dy, (v, i) => v * u0[i]), g0, aopts);
        const du = F.from(ag, (v, i) => v * dy[i]);
        if (!sameBits(got.dgate, dg)) fail(`${name}.backward dgate is not ${def.act}.backward(dy·up, gate) at ${firstDiff(got.dgate, dg)}`);
        if (!sameBits(got.dup, du)) fail(`${name}.backward dup is not ${def.act}(gate)·dy at ${firstDiff(got.dup, du)}`);
        return 'valid';
      }
      // One-array form: x of shape [outer, L, inner] split along axis 1 (or -1 with inner = 1).
      const last = r() < 0.4;
      const outer = int(r, 1, 6), H = int(r, 0, 9), inner = last ? 1 : int(r, 1, 5);
      const L = 2 * H;
      const n = outer * L * inner;
      const biasKind = pick(r, ['none', 'none', 'number', 'features']);
      const lens = [n, n / 2, n, biasKind === 'features' ? L : 0, n];
      const a = arena(lens);
      const [x, dy, dxo, biasArr, yo] = a.views;
      fillData(x, r, 0.1);
      fillData(dy, r, 0.1);
      fillData(biasArr, r, 0.05);
      for (let i = 0; i < biasArr.length; i++) if (!Number.isFinite(biasArr[i])) biasArr[i] = -0.5;
      const bnum = pick(r, [0.5, -0, 0, -3, 1e-3]);
      const shape = last ? [outer, L] : [outer, L, inner];
      const axis = last ? pick(r, [-1, 1, undefined]) : 1;
      const opts = { shape, ...(axis === undefined ? {} : { axis }), ...aopts };
      if (biasKind === 'number') opts.bias = bnum;
      if (biasKind === 'features') opts.bias = biasArr;
      const featureOf = (i) => Math.floor(i / inner) % L;
      const bOf = biasKind === 'number' ? () => new F([bnum])[0] : biasKind === 'features' ? (i) => biasArr[featureOf(i)] : () => 0;
      const mutation = r() < 0.2 ? pick(r, ['oddAxis', 'biasLength', 'outOverX', 'biasNaN']) : null;
      ctx.note({ api: api === ctx.ak ? 'native' : 'js', name, pair: false, type: F.name, shape, axis, backward, async, biasKind, mutation, aopts });
      let o = { ...opts };
      if (mutation === 'oddAxis') o = { ...o, shape: last ? [outer * L, 1] : [outer, L, inner].map((d, i) => (i === 1 ? d + 1 : d)) };
      if (mutation === 'oddAxis' && !last) o.shape = [outer * 2, 1, n / (outer * 2)], o.axis = 1;
      if (mutation === 'oddAxis' && n === 0) o.shape = [0, 3];
      if (mutation === 'biasLength') o.bias = new F(L + 1);
      if (mutation === 'outOverX') o.out = backward ? new F(a.buf, a.offs[0] * E + E, n) : x.subarray(0, n / 2);
      if (mutation === 'biasNaN') o.bias = NaN;
      if (mutation === 'outOverX' && n === 0) o.bias = NaN;
      const before = new Uint8Array(a.buf).slice();
      const x0 = x.slice();
      const call = () => {
        if (!backward) return (async ? f.async : f)(x, { out: yo.subarray(0, n / 2), ...o });
        return (async ? f.backward.async : f.backward)(dy, x, { out: dxo, ...o });
      };
      const [got, err] = await attempt(call);
      if (mutation) {
        if (!err) fail(`${name} (${mutation}): accepted`);
        if (!isRefusal(err)) fail(`${name} (${mutation}): ${err.stack}`);
        if (!bitsEqual(new Uint8Array(a.buf), before)) fail(`${name} (${mutation}): a refused call wrote`);
        return 'invalid';
      }
      if (err) fail(`${name} [${shape}] axis ${axis}: ${err.stack}`);
      if (!sentinelsIntact(a, lens, [4])) fail(`${name}: wrote outside its arrays`);
      const yAll = new F(a.buf, a.offs[4] * E, n);
      for (let i = n / 2; i < n; i++) if (!Object.is(yAll[i], -321.5)) fail(`${name}: wrote past out`);
      // The halves: element (o, j, i) of the gate half and of the other, x + b first.
      // Without a bias, x itself (x + 0 would turn -0 into +0).
      const t = biasKind === 'none' ? x0 : F.from(x0, (v, i) => v + bOf(i));
      const m = H * inner;
      const gI = new Int32Array(n / 2), uI = new Int32Array(n / 2);
      for (let oo = 0, k = 0; oo < outer; oo++) {
        for (let q = 0; q < m; q++, k++) {
          const first = oo * L * inner + q, second = first + m;
          gI[k] = def.gate === 'first' ? first : second;
          uI[k] = def.gate === 'first' ? second : first;
        }
      }
      const g = F.from(gI, (i) => t[i]), u = F.from(uI, (i) => t[i]);
      const ag = act(g, aopts);
      if (!backward) {
        const want = F.from(ag, (v, k) => v * u[k]);
        const y = biasKind === 'none' ? got : got;
        if (!sameBits(y, want)) fail(`${name}(x, [${shape}], bias ${biasKind}) is not ${def.act}(gate)·up at ${firstDiff(y, want)}`);
        return 'valid';
      }
      const dx = biasKind === 'none' ? got : got.dx;
      if (dx !== dxo) fail(`${name}.backward: did not return options.out`);
      const dg = act.backward(F.from(dy, (v, k) => v * u[k]), g, aopts);
      const du = F.from(ag, (v, k) => v * dy[k]);
      const want = new F(n);
      for (let k = 0; k < n / 2; k++) {
        want[gI[k]] = dg[k];
        want[uI[k]] = du[k];
      }
      if (!sameBits(dx, want)) fail(`${name}.backward([${shape}], bias ${biasKind}) is not the composition at ${firstDiff(dx, want)}`);
      if (biasKind !== 'none') finish(`${name}.backward`, dx, got.dbias, biasKind === 'number' ? () => 0 : featureOf, biasKind === 'number' ? 1 : L, biasKind === 'features');
      return 'valid';
    },
  },

  zeroHuge: {
    weight: 1,
    async run(ctx, r) {
      const api = r() < 0.5 ? ctx.ak : ctx.akjs;
      const F = r() < 0.5 ? Float32Array : Float64Array;
      const rank = int(r, 2, 4);
      const shape = [];
      for (let i = 0; i < rank; i++) shape.push(pick(r, [2 ** int(r, 20, 53), 2 ** 53 - 1, int(r, 1, 9), 2 ** 30]));
      shape[int(r, 0, rank - 1)] = 0;
      const axis = int(r, 0, rank - 1);
      // Every shaped and gated op (registry), a unary op with a bias layout, and stats();
      // forward or backward, sync or .async.
      const kind = pick(r, ['shaped', 'shaped', 'gated', 'gated', 'bias', 'stats']);
      const names = kind === 'shaped' ? Object.keys(ctx.registry.shapedOps) : kind === 'gated' ? Object.keys(ctx.registry.gatedOps) : kind === 'bias' ? Object.keys(ctx.registry.unaryOps) : ['stats'];
      const name = pick(r, names);
      const backward = kind !== 'stats' && r() < 0.5;
      const async = kind !== 'stats' && r() < 0.3;
      const bias = kind === 'bias' ? pick(r, [0.5, 'channels']) : kind === 'gated' ? pick(r, [undefined, 0.5]) : undefined;
      const op = `${name}${backward ? '.backward' : ''}${async ? '.async' : ''}`;
      ctx.note({ api: api === ctx.ak ? 'native' : 'js', op, shape, axis, bias, type: F.name });
      const x = new F(0);
      // CPU time, not wall time: at nice 19 on a loaded machine a call of no work can wait seconds for a core.
      const cpuMs = () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1000;
      };
      const form = (f) => (async ? (backward ? f.backward.async : f.async) : backward ? f.backward : f);
      const t0 = cpuMs();
      const [res, e] = await attempt(() => {
        if (kind === 'stats') return api.stats(x, { shape, channelAxis: axis });
        const f = form(api[name]);
        if (name === 'prelu') return backward ? f(x, x, 0.5, { shape, channelAxis: axis }) : f(x, 0.5, { shape, channelAxis: axis });
        let o = { shape, axis };
        if (name === 'maxout') o.pieces = 1;
        if (kind === 'gated' && bias !== undefined) o.bias = bias;
        if (kind === 'bias') o = { shape, channelAxis: axis, bias: bias === 0.5 ? 0.5 : new F(shape[axis] > 1e6 ? 0 : shape[axis]), ...pickParams(ctx.registry.unaryOps[name], ctx.registry) };
        return backward ? f(x, x, o) : f(x, o);
      });
      const ms = cpuMs() - t0;
      if (ms > 2000) fail(`${op} of an empty array with shape [${shape}]: ${ms.toFixed(0)} ms of CPU time`);
      if (e) {
        if (!(e instanceof RangeError)) fail(`${op} [${shape}]: ${e.stack}`);
        if (/shaped:|stats: expected|internal/.test(e.message)) fail(`${op} [${shape}]: an internal message leaked: ${e.message}`);
        return 'invalid';
      }
      const arr = res && !ArrayBuffer.isView(res) && kind !== 'stats' ? res.dx || res.dgate : res;
      if (kind !== 'stats' && arr.length !== 0) fail(`${op}: a non-empty result`);
      return 'valid';
    },
  },
};

module.exports = { families, caseRng, startMutator, perturbCalls };

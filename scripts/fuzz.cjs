#!/usr/bin/env node
'use strict';
/**
 * Property-based fuzzing of the public API (issue 8), shared by the short run
 * in the suite (test/fuzz-api.test.ts, on lib/) and the long one
 * (`npm run fuzz -- --runs 1000000 [--seed S]`, on dist/).
 *
 * One fast-check run is one call of one registry op, in one of its forms
 * (forward or backward, sync or async), built from a random "case": dtype,
 * length (0 to 70000, so the thread pool takes part), a view at an odd element
 * offset inside a padded buffer (plain or shared), where the output goes (a
 * new array, in place, later in the same buffer, another buffer), parameters
 * anywhere in their valid range, and data mixing ordinary values with NaN,
 * ±Inf, ±0, subnormals and huge magnitudes. Then either
 *   - valid: the result must equal the JS twin's within the op's registry
 *     bound, no input may change, and no byte of any buffer outside the output
 *     view may change (a write past the array would show there); or
 *   - one mutation that makes the call invalid (wrong types, DataView,
 *     array-likes, mismatched or partially overlapping out, bad parameters,
 *     unknown options, bad shapes, shapes overflowing 2^53, detached buffers,
 *     and buffers detached by an option getter while the call is validated):
 *     it must throw (async: reject) a TypeError or RangeError and leave every
 *     buffer byte for byte as it was.
 * The twin is trusted here; its own accuracy is tested against the float64
 * reference elsewhere (test/numerics).
 */
const fc = require('fast-check');
const { ulpError, ulpOf } = require('../test/ulp.cjs');

const EPS = { float32: 2 ** -23, float64: 2 ** -52 };
const MIN_NORMAL64 = 2 ** -1022;
const SPECIALS = [NaN, Infinity, -Infinity, 0, -0, 1e-40, -1e-40, 5e-324, 1e30, -1e30, 3e38, -3e38, 88.72, -103.9, 710, -745, 1, -1, 0.5, 6, 20];

// mulberry32 (test/rng.cjs): the case's data from one 32-bit seed, so shrinking keeps data stable.
const { rng } = require('../test/rng.cjs');

function fill(a, r, specials) {
  for (let i = 0; i < a.length; i++) {
    const u = r();
    if (u < specials) a[i] = SPECIALS[Math.floor(r() * SPECIALS.length)];
    else if (u < 0.6) a[i] = (r() * 2 - 1) * 8;
    else a[i] = (r() * 2 - 1) * 2 ** Math.floor(r() * 60 - 30);
  }
}

// ------------------------------------------------------------------ cases

/** Lengths: mostly around the kernels' unrolls and tails, sometimes past the pool's thresholds. */
function lengthArb(large) {
  return fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: 0, max: 40 }) },
    { weight: 4, arbitrary: fc.integer({ min: 41, max: 700 }) },
    { weight: 1, arbitrary: fc.integer({ min: 701, max: large }) },
  );
}

/** A value inside a parameter's valid range: the default, a bound, or anywhere between. */
function paramValue(p, r) {
  if (p.kind === 'enum') return p.values[Math.floor(r() * p.values.length)];
  const u = r();
  if (u < 0.3) return p.default;
  if (u < 0.4 && p.min !== undefined && !p.minExclusive) return p.min;
  if (u < 0.5 && p.max !== undefined) return p.max;
  const scale = 2 ** Math.floor(r() * 16 - 6);
  const lo = p.min === undefined ? -scale : p.min;
  const hi = p.max === undefined ? lo + scale : p.max;
  const v = lo + (hi - lo) * r();
  return p.minExclusive && v <= p.min ? p.default : v;
}

/** Mutations that make a call invalid. Each names what it breaks; `apply` edits the built call. */
const MUTATIONS = [
  'x:number', 'x:string', 'x:array', 'x:int32', 'x:uint8', 'x:dataview', 'x:arraylike', 'x:null', 'x:bigint64', 'x:detached',
  'x:otherDtype', 'out:otherDtype', 'out:length', 'out:partial', 'out:dataview', 'out:array', 'out:detached', 'out:uint32',
  'opts:number', 'opts:string', 'opts:array', 'opts:typed', 'opts:null', 'opt:unknown', 'opt:signalInSync',
  'param:nan', 'param:inf', 'param:-inf', 'param:below', 'param:above', 'param:string', 'param:enum',
  'getter:detachX', 'getter:detachOut',
  'shape:mismatch', 'shape:overflow', 'shape:negative', 'shape:fraction', 'shape:string', 'shape:notArray', 'shape:getterDetach',
  'axis:range', 'axis:fraction', 'pieces:zero', 'pieces:nondividing', 'alpha:nan', 'alpha:length', 'alpha:dtype',
  'bwd:xLength', 'bwd:yLength', 'bwd:dyDetached',
];

function caseArb(names, large) {
  return fc.record({
    op: fc.constantFrom(...names),
    backward: fc.boolean(),
    async: fc.boolean(),
    f64: fc.boolean(),
    n: lengthArb(large),
    offset: fc.integer({ min: 0, max: 7 }),
    shared: fc.boolean(),
    out: fc.constantFrom('new', 'inplace', 'after', 'separate'),
    seed: fc.integer({ min: 0, max: 0xffffffff }),
    specials: fc.constantFrom(0, 0.05, 0.3),
    pick: fc.integer({ min: 0, max: 1 << 30 }),
    mutation: fc.option(fc.constantFrom(...MUTATIONS), { freq: 2 }),
  });
}

// ------------------------------------------------------------------ buffers

const PAD = 9; // elements of padding after every view

/** A view of n elements at `offset` inside its own padded buffer, padding filled with a canary. */
function makeView(Ctor, n, offset, shared, r) {
  const total = offset + n + PAD;
  const buf = shared ? new SharedArrayBuffer(total * Ctor.BYTES_PER_ELEMENT) : new ArrayBuffer(total * Ctor.BYTES_PER_ELEMENT);
  const whole = new Ctor(buf);
  whole.fill(-12345.5);
  const v = new Ctor(buf, offset * Ctor.BYTES_PER_ELEMENT, n);
  fill(v, r, 0);
  return v;
}

function bytesOf(buf) {
  return new Uint8Array(buf).slice();
}

function detach(buf) {
  structuredClone(buf, { transfer: [buf] });
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

// ------------------------------------------------------------------ shapes

/** A random shape multiplying to n (rank 1 to 4), and a random axis of it. */
function shapeFor(n, r, needDivisible) {
  const rank = 1 + Math.floor(r() * 4);
  const shape = [];
  let rest = n;
  for (let k = 0; k < rank - 1; k++) {
    const divs = [];
    if (rest === 0) divs.push(0, 1, 3);
    else for (let d = 1; d <= Math.min(rest, 64); d++) if (rest % d === 0) divs.push(d);
    const d = divs[Math.floor(r() * divs.length)];
    shape.push(d);
    rest = d === 0 ? 0 : rest / d;
    if (d === 0) rest = Math.floor(r() * 5); // any trailing dims once the product is 0
  }
  shape.push(rest);
  if (n === 0 && !shape.includes(0)) shape[Math.floor(r() * shape.length)] = 0;
  const axis = Math.floor(r() * shape.length);
  let pieces = 1;
  if (needDivisible) {
    const len = shape[axis];
    const divs = [];
    for (let d = 1; d <= Math.max(1, Math.min(len, 8)); d++) if (len === 0 || len % d === 0) divs.push(d);
    pieces = divs[Math.floor(r() * divs.length)];
  }
  return { shape, axis: r() < 0.3 ? axis - shape.length : axis, pieces };
}

function splitOf(shape, axis) {
  const a = axis < 0 ? axis + shape.length : axis;
  let outer = 1, inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i];
  for (let i = a + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, len: shape[a], inner };
}

// ------------------------------------------------------------------ comparison

function fail(msg) {
  throw new Error(msg);
}

function copyOf(a) {
  return a === null || a === undefined ? a : a.slice();
}

/**
 * got vs want element-wise. tol(i, w) gives the allowed [ulps, absolute] at i (and
 * whether a non-finite result is accepted in its row);
 * NaN must match NaN, infinities exactly.
 */
function compare(what, got, want, dtype, tol) {
  if (got.length !== want.length) fail(`${what}: length ${got.length}, twin ${want.length}`);
  for (let i = 0; i < got.length; i++) {
    const g = got[i], w = want[i];
    if (Object.is(g, w)) continue;
    const [ulps, abs, overflowRow] = tol(i, w);
    if (overflowRow && !(Number.isFinite(g) && Number.isFinite(w))) continue;
    if (w !== w || g !== g) fail(`${what}[${i}]: ${g}, twin ${w}`);
    if (ulps === 0 && abs === 0) {
      if (g === w) continue; // ±0
      fail(`${what}[${i}]: ${g}, twin ${w} (exact op)`);
    }
    if (Math.abs(g - w) <= abs) continue;
    const e = ulpError(g, w, dtype);
    if (!(e <= ulps)) fail(`${what}[${i}]: ${g}, twin ${w} (${e} ulp > ${ulps}, |diff| ${Math.abs(g - w)} > ${abs})`);
  }
}

// ------------------------------------------------------------------ the engine

/**
 * @param ak the API under test; akjs the JS twin (activation-kernels/js);
 * registry { unaryOps, shapedOps }; options.large: the largest length (70000).
 * @returns { arbitrary, check(case) → Promise<'valid'|'invalid'> }
 */
function makeFuzzer(ak, akjs, registry, options = {}) {
  const large = options.large ?? 70000;
  const { unaryOps, shapedOps } = registry;
  const names = [...Object.keys(unaryOps), ...Object.keys(shapedOps)];

  function build(c) {
    const r = rng(c.seed);
    const Ctor = c.f64 ? Float64Array : Float32Array;
    const dtype = c.f64 ? 'float64' : 'float32';
    const unary = c.op in unaryOps;
    const def = unary ? unaryOps[c.op] : shapedOps[c.op];
    const call = { Ctor, dtype, unary, def, opts: {}, args: [], outIndex: null, buffers: [], mutated: c.mutation !== null };
    let n = c.n;
    let geom = null;
    if (!unary) {
      geom = shapeFor(n, r, c.op === 'maxout');
      if (c.op === 'prelu' && r() < 0.5) {
        geom.shape = [n]; // rank 1: one channel unless channelAxis is given
        geom.axis = r() < 0.5 ? 0 : -1;
      }
    }
    const mk = (len, offset = c.offset) => {
      const v = makeView(Ctor, len, offset, c.shared, r);
      call.buffers.push(v.buffer);
      return v;
    };
    const x = mk(n);
    fill(x, r, c.specials);
    call.x = x;
    if (unary) {
      for (const p of def.params) {
        if (r() < 0.5) call.opts[p.name] = paramValue(p, r);
      }
    } else if (c.op === 'maxout') {
      call.opts.shape = geom.shape;
      call.opts.axis = geom.axis;
      call.opts.pieces = geom.pieces;
    } else if (c.op === 'prelu') {
      call.opts.shape = geom.shape;
      if (geom.shape.length >= 2 || r() < 0.3) call.opts.channelAxis = geom.axis;
    } else {
      if (r() < 0.8) call.opts.shape = geom.shape;
      if (r() < 0.8) call.opts.axis = geom.axis;
      else geom.axis = -1;
      if (call.opts.shape === undefined) geom.shape = [n];
    }
    // prelu's alpha: a number or one value per channel.
    if (c.op === 'prelu') {
      const channelAxis = call.opts.channelAxis;
      const len = channelAxis === undefined && geom.shape.length < 2 ? 1 : splitOf(geom.shape, channelAxis === undefined ? 1 : channelAxis).len;
      call.channels = len;
      if (r() < 0.4) call.alpha = (r() * 2 - 1) * 3;
      else {
        call.alpha = mk(len, 1);
        fill(call.alpha, r, c.specials / 2);
      }
    }
    // The forward's output length (maxout shrinks).
    const outLen = c.op === 'maxout' ? (geom.pieces ? n / geom.pieces : n) : n;
    if (c.backward) {
      // dy is the output's shape; x (and y) the input's.
      const dyLen = c.op === 'maxout' ? outLen : n;
      call.dy = mk(dyLen);
      fill(call.dy, r, c.specials);
      const usesY = unary ? def.backwardUsesY : c.op === 'softmax' || c.op === 'logSoftmax';
      if (usesY && r() < 0.4) {
        call.y = mk(n);
        if (c.op === 'softmax') for (let i = 0; i < n; i++) call.y[i] = r();
        else if (c.op === 'logSoftmax') for (let i = 0; i < n; i++) call.y[i] = -r() * 10;
        else fill(call.y, r, c.specials);
        call.opts.y = call.y;
        if (r() < 0.4) call.xNull = true;
      }
    }
    // Where the result goes. Input of the result's length: x (forward), dy (backward; maxout: x).
    const resultLen = c.backward ? n : outLen;
    const inplaceWith = c.backward ? (c.op === 'maxout' ? x : call.dy) : c.op === 'maxout' && geom.pieces !== 1 ? null : x;
    if (c.out === 'inplace' && inplaceWith && !(c.op === 'prelu' && c.backward && false)) {
      call.opts.out = inplaceWith;
      call.inPlace = true;
    } else if (c.out === 'after') {
      // Later in x's own buffer: shares the buffer, not a byte.
      const buf = x.buffer;
      const need = (x.byteOffset + x.byteLength) / Ctor.BYTES_PER_ELEMENT + resultLen + 1;
      const big = c.shared ? new SharedArrayBuffer(need * Ctor.BYTES_PER_ELEMENT + 64) : new ArrayBuffer(need * Ctor.BYTES_PER_ELEMENT + 64);
      const whole = new Ctor(big);
      whole.fill(-6789.25);
      whole.set(new Ctor(buf));
      const nx = new Ctor(big, x.byteOffset, n);
      call.buffers[0] = big;
      call.x = nx;
      call.opts.out = new Ctor(big, x.byteOffset + x.byteLength + Ctor.BYTES_PER_ELEMENT, resultLen);
      call.opts.out.fill(-1);
    } else if (c.out === 'separate') {
      call.opts.out = mk(resultLen, (c.offset + 3) % 8);
    }
    call.geom = geom;
    call.n = n;
    call.resultLen = resultLen;
    return call;
  }

  /** The positional arguments of the call (after mutations). */
  function argsOf(c, call) {
    const x = call.xNull ? null : call.x;
    const opts = call.optsOverride !== undefined ? call.optsOverride : call.opts;
    if (c.op === 'prelu') return c.backward ? [call.dy, call.x, call.alpha, opts] : [call.x, call.alpha, opts];
    return c.backward ? [call.dy, x, opts] : [call.x, opts];
  }

  function fnOf(api, c) {
    const f = api[c.op];
    const g = c.backward ? f.backward : f;
    return c.async ? g.async : g;
  }

  /** Applies one mutation; returns false when it does not apply to this case (the case then runs valid). */
  function mutate(c, call) {
    const m = c.mutation;
    const Ctor = call.Ctor;
    const Other = Ctor === Float32Array ? Float64Array : Float32Array;
    const first = c.backward ? 'dy' : 'x';
    const setFirst = (v) => {
      if (c.backward) call.dy = v;
      else call.x = v;
    };
    const n = call.n;
    const [kind, what] = m.split(':');
    const paramDefs = call.unary ? call.def.params : [];
    switch (kind) {
      case 'x': {
        const lookup = {
          number: 3, string: 'abc', array: Array.from({ length: n }, () => 1), int32: new Int32Array(n), uint8: new Uint8Array(n * 4),
          dataview: new DataView(new ArrayBuffer(n * 8)), arraylike: { length: n, 0: 1, 1: 2 }, null: null, bigint64: new BigInt64Array(n),
        };
        if (what === 'detached') {
          if (call.shared) return false;
          const v = c.backward ? call.dy : call.x;
          if (v.buffer instanceof SharedArrayBuffer) return false;
          detach(v.buffer);
          call.buffers = call.buffers.filter((b) => b !== v.buffer);
        } else if (what === 'otherDtype') {
          // Invalid only against another array of the call: out, dy, or prelu's alpha array.
          if (!c.backward && call.opts.out === undefined && !(c.op === 'prelu' && typeof call.alpha !== 'number')) return false;
          if (!c.backward && call.inPlace) return false;
          const v = new Other(n);
          if (c.backward && c.op !== 'prelu') call.x = v; // x must match dy
          else setFirst(v);
          if (c.backward) call.xNull = false;
        } else if (what === 'null' && c.backward && call.xNull) return false;
        else setFirst(lookup[what]);
        return true;
      }
      case 'out': {
        const len = call.resultLen;
        if (what === 'otherDtype') call.opts.out = new Other(len);
        else if (what === 'length') call.opts.out = new Ctor(len + 1 + (len % 3));
        else if (what === 'dataview') call.opts.out = new DataView(new ArrayBuffer(len * 8 + 8));
        else if (what === 'array') call.opts.out = new Array(len).fill(0);
        else if (what === 'uint32') call.opts.out = new Uint32Array(len);
        else if (what === 'partial') {
          // The input of the result's length, shifted by one element inside its own buffer.
          const src = c.backward ? (c.op === 'maxout' ? call.x : call.dy) : call.x;
          if (len < 2 || src.length < 2) return false; // a one-element shift overlaps only from two elements on
          const E = Ctor.BYTES_PER_ELEMENT;
          const avail = src.buffer.byteLength / E;
          const start = src.byteOffset / E + 1;
          if (start + len > avail) return false;
          call.opts.out = new Ctor(src.buffer, start * E, len);
        } else if (what === 'detached') {
          const out = new Ctor(len);
          detach(out.buffer);
          if (len === 0) return false; // a detached zero-length view looks like an empty array: still refused, but covered by len > 0
          call.opts.out = out;
        }
        return true;
      }
      case 'opts': {
        const v = { number: 1, string: 'out', array: [], typed: new Float32Array(1), null: null }[what];
        call.optsOverride = v;
        return true;
      }
      case 'opt':
        if (what === 'unknown') call.opts[['alpah', 'Out', 'foo', 'outt', 'axes'][c.pick % 5]] = 1;
        else {
          if (c.async) return false;
          call.opts.signal = new AbortController().signal;
        }
        return true;
      case 'param': {
        if (!call.unary || paramDefs.length === 0) return false;
        const p = paramDefs[c.pick % paramDefs.length];
        if (p.kind === 'enum') {
          call.opts[p.name] = what === 'string' || what === 'enum' ? ['exact', 'TANH', '', 'none '][c.pick % 4] : what === 'nan' ? NaN : 1;
          return true;
        }
        let v;
        if (what === 'nan') v = NaN;
        else if (what === 'inf') v = Infinity;
        else if (what === '-inf') v = -Infinity;
        else if (what === 'string') v = '1';
        else if (what === 'below') {
          if (p.min === undefined) return false;
          v = p.minExclusive ? p.min : p.min - 1 - (c.pick % 5);
        } else if (what === 'above') {
          if (p.max === undefined) return false;
          v = p.max + 1 + (c.pick % 5);
        } else v = 'x';
        call.opts[p.name] = v;
        return true;
      }
      case 'getter': {
        // An option read during validation detaches an array the call already checked.
        const target = what === 'detachX' ? (c.backward ? call.dy : call.x) : call.opts.out;
        if (!target || n === 0 || target.buffer instanceof SharedArrayBuffer) return false;
        const key = call.unary ? (paramDefs[0] ? paramDefs[0].name : 'out') : c.op === 'maxout' ? 'pieces' : 'shape';
        if (key === 'out' && what === 'detachOut') return false;
        const value = call.opts[key];
        const hasValue = key in call.opts;
        const opts = { ...call.opts };
        delete opts[key];
        Object.defineProperty(opts, key, {
          enumerable: hasValue || key !== 'out',
          get() {
            if (!target.buffer.detached) detach(target.buffer);
            return key === 'out' ? value : hasValue ? value : call.unary ? paramDefs[0].default : undefined;
          },
        });
        if (!hasValue && call.unary && key !== 'out') {
          // A getter whose value is the default: the call would be valid but for the detach.
        }
        call.buffers = call.buffers.filter((b) => b !== target.buffer);
        call.optsOverride = opts;
        return true;
      }
      case 'shape': {
        if (call.unary) return false;
        const shape = call.opts.shape || [n];
        if (what === 'mismatch') call.opts.shape = c.pick % 2 ? [n + 1 + (c.pick % 3)] : [1 + (c.pick % 3), n + 1]; // never a product of n (a 0 elsewhere would keep it 0)
        else if (what === 'overflow') call.opts.shape = [2 ** 30, 2 ** 30, 2 ** 30, 0];
        else if (what === 'negative') call.opts.shape = [-1, ...shape];
        else if (what === 'fraction') call.opts.shape = [0.5, ...shape.map((d) => d * 2)];
        else if (what === 'string') call.opts.shape = shape.map(String);
        else if (what === 'notArray') call.opts.shape = { length: shape.length, 0: n };
        else {
          // A shape entry's getter detaches x after x was checked.
          if (n === 0 || call.x.buffer instanceof SharedArrayBuffer) return false;
          const s = [...shape];
          const target = c.backward ? call.dy : call.x;
          if (target.buffer instanceof SharedArrayBuffer) return false;
          const d0 = s[0];
          Object.defineProperty(s, 0, { enumerable: true, get() { if (!target.buffer.detached) detach(target.buffer); return d0; } });
          call.opts.shape = s;
          call.buffers = call.buffers.filter((b) => b !== target.buffer);
        }
        return true;
      }
      case 'axis': {
        if (call.unary || c.op === 'prelu' && call.opts.channelAxis === undefined) return false;
        const key = c.op === 'prelu' ? 'channelAxis' : 'axis';
        const rank = (call.opts.shape || [n]).length;
        call.opts[key] = what === 'range' ? (c.pick % 2 ? rank : -rank - 1) : 0.5;
        return true;
      }
      case 'pieces': {
        if (c.op !== 'maxout') return false;
        if (what === 'zero') call.opts.pieces = [0, -1, 1.5, NaN][c.pick % 4];
        else {
          const len = splitOf(call.opts.shape, call.opts.axis).len;
          let p = 2;
          while (len % p === 0 && p < 64) p++;
          if (len === 0 || len % p === 0) return false;
          call.opts.pieces = p;
        }
        return true;
      }
      case 'alpha': {
        if (c.op !== 'prelu') return false;
        if (what === 'nan') call.alpha = [NaN, Infinity, -Infinity, call.f32 ? 1e39 : -Infinity][c.pick % 4]; // 1e39: Infinity in float32
        else if (what === 'dtype') call.alpha = new Other(typeof call.alpha === 'number' ? 1 : call.alpha.length);
        else {
          call.alpha = new Ctor(call.channels + 1 + (c.pick % 3));
        }
        return true;
      }
      case 'bwd': {
        if (!c.backward) return false;
        if (what === 'xLength') {
          call.x = new Ctor(call.x.length + 1);
          call.xNull = false;
        } else if (what === 'yLength') {
          if (!call.y) return false;
          call.opts.y = new Ctor(call.y.length + 2);
        } else {
          if (call.dy.buffer instanceof SharedArrayBuffer) return false;
          detach(call.dy.buffer);
          call.buffers = call.buffers.filter((b) => b !== call.dy.buffer);
        }
        return true;
      }
      default:
        throw new Error(`unknown mutation ${m}`);
    }
  }

  /** The twin's result on copies of the inputs. */
  function expected(c, call) {
    const args = argsOf(c, call).map((a) => (ArrayBuffer.isView(a) ? a.slice() : a));
    const opts = { ...args[args.length - 1] };
    delete opts.out;
    if (opts.y) opts.y = opts.y.slice();
    args[args.length - 1] = opts;
    const f = fnOf(akjs, { ...c, async: false });
    return f(...args);
  }

  /** Allowed [ulps, absolute] per element; `pre` holds the inputs as they were before the call (it may be in place). */
  function tolerances(c, call, pre) {
    const { dtype, def } = call;
    const eps = EPS[dtype];
    if (call.unary && !c.backward) return () => (def.exact ? [0, 0] : [2 * def.ulp + 1, 0]);
    if (call.unary) {
      const bw = def.backward;
      if (bw.exact) return () => [0, 0];
      const p = def.params.map((q) => call.opts[q.name] ?? q.default);
      const pa = def.params.map((q, i) => (q.kind === 'enum' ? q.values.indexOf(p[i]) : dtype === 'float32' ? Math.fround(p[i]) : p[i]));
      // The registry's bound, ulp·ulp(dx) + eps·ε·|dy|·S: each side may be that far from dy·f',
      // so twice its S term may separate them (S from x, or from y where the call gives y).
      const fromY = call.y !== undefined && def.backwardUsesY;
      const scale = fromY ? bw.scaleY : bw.scale;
      return (i, w) => {
        const v = fromY ? pre.y[i] : pre.x && !call.xNull ? pre.x[i] : NaN;
        const dyi = Math.abs(pre.dy[i]);
        const S = scale ? Math.abs(scale(v, pa[0] ?? 0, pa[1] ?? 0)) : 0;
        const ulps = 2 * (dtype === 'float32' ? bw.ulp : bw.ulp64) + 1;
        let abs = S > 0 ? 2 * bw.eps * eps * dyi * S + ulps * ulpOf(w, dtype) : 0;
        // f' is evaluated in float64 (the registry's contract) and SPEC lets a value below the
        // smallest normal be off by up to that normal (or flushed): for a subnormal f' both
        // sides may be 2^-1022 off before the product with dy.
        if (Math.abs(w) < MIN_NORMAL64 * dyi) abs += 2 * MIN_NORMAL64 * dyi;
        return [ulps, abs];
      };
    }
    if (def.exact && !c.backward) return () => [0, 0];
    if (c.op === 'prelu' || c.op === 'maxout') return () => [0, 0];
    if (!c.backward) {
      // logSoftmax near 0 (one dominant entry) cancels (x − max) − log Σ: absolute slack of a few eps of log Σ.
      return () => [2 * def.ulp + 1, c.op === 'logSoftmax' ? 8 * eps : 0];
    }
    // softmax backward: s = Σ dy·y over a row carries ~len·eps·max|dy·y|.
    const { outer, len, inner } = splitOf(call.geom.shape, call.geom.axis);
    const rowMax = new Float64Array(outer * inner);
    // Rows whose dy holds an infinity or values within 2x of the type's largest finite number:
    // the native float32 kernels overflow dy − Σ dy·y (−Inf for a finite exact result) and
    // turn Σ dy = ±Inf times a probability that underflowed in float32 into 0·Inf = NaN, where
    // the twin works in float64. A known native-vs-twin divergence reported in issue 8,
    // accepted (a non-finite value on either side) only in such rows.
    const big = dtype === 'float32' ? 1.7e38 : 8.9e307;
    const infRow = new Uint8Array(outer * inner);
    const y = pre.y ?? null;
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < len; k++) {
        for (let j = 0; j < inner; j++) {
          const at = (o * len + k) * inner + j;
          const yy = y ? Math.abs(y[at]) : 1;
          const m = Math.abs(pre.dy[at]) * Math.max(1, c.op === 'logSoftmax' && y ? Math.exp(y[at]) : yy);
          if (!(m <= rowMax[o * inner + j])) rowMax[o * inner + j] = m;
          if (!(Math.abs(pre.dy[at]) < big) && pre.dy[at] === pre.dy[at]) infRow[o * inner + j] = 1;
        }
      }
    }
    return (i) => {
      const o = Math.floor(i / (len * inner)), j = i % inner;
      const yy = y ? Math.max(1, Math.abs(y[i])) : 1;
      return [9, 4 * eps * (len + 2) * rowMax[o * inner + j] * yy, infRow[o * inner + j] === 1];
    };
  }

  async function check(c) {
    const call = build(c);
    call.shared = c.shared;
    call.f32 = !c.f64;
    let invalid = false;
    if (c.mutation !== null) invalid = mutate(c, call);
    let want;
    if (!invalid) {
      // A random parameter set may break a cross-parameter rule (hardTanh's min < max) or round
      // out of range in float32: the twin says so, and the API under test must agree.
      try {
        want = expected(c, call);
      } catch (e) {
        if (!(e instanceof TypeError || e instanceof RangeError)) throw e;
        invalid = true;
      }
    }
    const f = fnOf(ak, c);
    const bufs = call.buffers.filter((b) => !(b instanceof ArrayBuffer && b.detached));
    if (invalid) {
      const before = bufs.map(bytesOf);
      let err = null;
      let result;
      try {
        result = c.async ? await f(...argsOf(c, call)) : f(...argsOf(c, call));
      } catch (e) {
        err = e;
      }
      if (!(err instanceof TypeError || err instanceof RangeError)) {
        fail(`${c.op}${c.backward ? '.backward' : ''}${c.async ? '.async' : ''} with ${c.mutation}: expected a TypeError or RangeError, got ${err === null ? `a result ${Object.prototype.toString.call(result)}` : err && err.stack}`);
      }
      bufs.forEach((b, k) => {
        if (!(b instanceof ArrayBuffer && b.detached) && !sameBytes(bytesOf(b), before[k])) fail(`${c.op} with ${c.mutation}: buffer ${k} was written (${err.message})`);
      });
      return 'invalid';
    }
    // Valid: expected result first (the call may be in place).
    const before = bufs.map(bytesOf);
    const pre = { x: copyOf(call.x), dy: copyOf(call.dy), y: copyOf(call.y) };
    const args = argsOf(c, call);
    const got = c.async ? await f(...args) : f(...args);
    const out = call.opts.out;
    const name = `${c.op}${c.backward ? '.backward' : ''}${c.async ? '.async' : ''}(${call.dtype}, n=${call.n})`;
    const dx = c.op === 'prelu' && c.backward ? got.dx : got;
    const wdx = c.op === 'prelu' && c.backward ? want.dx : want;
    if (out !== undefined && dx !== out) fail(`${name}: did not return options.out`);
    if (out === undefined && (dx.buffer === call.x.buffer || (call.dy && dx.buffer === call.dy.buffer))) fail(`${name}: returned a view on an input's buffer`);
    compare(name, dx, wdx, call.dtype, tolerances(c, call, pre));
    if (c.op === 'prelu' && c.backward) {
      // dalpha: a float64 sum held to 1e-6 relative of the exact sum (ShapedCall's contract),
      // plus the cancellation a sum of mixed signs allows (eps of the sum of magnitudes).
      let mag = 0;
      for (let i = 0; i < pre.x.length; i++) {
        const t = Math.abs(pre.x[i] * pre.dy[i]);
        if (!(pre.x[i] > 0) && t < Infinity) mag += t; // a non-finite term makes its channel's sum non-finite: compared as such
      }
      const tol = (i, w) => [2, 1e-6 * Math.abs(w) + 8 * EPS.float64 * mag];
      if (typeof want.dalpha === 'number') {
        if (typeof got.dalpha !== 'number') fail(`${name}: dalpha is not a number`);
        compare(`${name} dalpha`, [got.dalpha], [want.dalpha], call.dtype, tol);
      } else {
        compare(`${name} dalpha`, got.dalpha, want.dalpha, call.dtype, tol);
      }
    }
    // Nothing but the output view changed, in any buffer the call saw.
    bufs.forEach((b, k) => {
      const now = bytesOf(b);
      let lo = -1, hi = -1;
      if (out !== undefined && out.buffer === b) {
        lo = out.byteOffset;
        hi = lo + out.byteLength;
      }
      for (let i = 0; i < now.length; i++) {
        if ((i < lo || i >= hi) && now[i] !== before[k][i]) fail(`${name}: byte ${i} of buffer ${k} changed outside the output (out: ${lo}..${hi})`);
      }
    });
    return 'valid';
  }

  return { arbitrary: caseArb(names, large), check, names, build, argsOf };
}

// ------------------------------------------------------------------ CLI

/**
 * The long run: batches of cases, each family's own (scripts/fuzz-families.cjs;
 * 'calls' is makeFuzzer's registry-op property above), run in a child process.
 * Before each case the child writes the case (family, seed, index and what its
 * generator built) to a status file with a synchronous write; when the child
 * dies (a signal, an abort, an out-of-memory kill) or one case runs past
 * --hang-ms, the parent reads that file, records the crash or hang with its
 * input, starts a new child and goes on after that case.
 */
function parseArgs(argv) {
  const o = { runs: 100000, seed: Date.now() | 0, large: 70000, batch: 1000, hangMs: 60000, families: null, json: null, replay: null, child: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') o.runs = Number(argv[++i]);
    else if (argv[i] === '--seed') o.seed = Number(argv[++i]);
    else if (argv[i] === '--large') o.large = Number(argv[++i]);
    else if (argv[i] === '--batch') o.batch = Number(argv[++i]);
    else if (argv[i] === '--hang-ms') o.hangMs = Number(argv[++i]);
    else if (argv[i] === '--families') o.families = argv[++i].split(',');
    else if (argv[i] === '--json') o.json = argv[++i];
    else if (argv[i] === '--replay') o.replay = { family: argv[++i], seed: Number(argv[++i]), index: Number(argv[++i]) };
    else if (argv[i] === '--child') o.child = true;
    else if (argv[i] === '--help') {
      console.log('npm run fuzz -- [--runs N] [--seed S] [--families calls,compile,...] [--batch B] [--hang-ms T (CPU ms)] [--large L] [--json FILE]\n' +
        '             --replay FAMILY SEED INDEX   (one case in this process, with its input)');
      process.exit(0);
    } else throw new Error(`fuzz: unknown argument ${argv[i]}`);
  }
  if (!(Number.isInteger(o.runs) && o.runs > 0)) throw new Error('fuzz: --runs takes a positive integer');
  return o;
}

function loadApis() {
  const ak = require('../dist/index.js');
  const akjs = require('../dist/js.js');
  const { loadBinding } = require('../dist/backend/native.js');
  const b = loadBinding();
  return { ak: ak.default || ak, akjs: akjs.default || akjs, registry: { unaryOps: ak.unaryOps, shapedOps: ak.shapedOps, gatedOps: ak.gatedOps, requiredOptions: ak.requiredOptions }, binding: 'error' in b ? null : b.binding };
}

/** Family weights: 'calls' (the registry-op property) and the issue-16 families. */
function familyWeights(only) {
  const { families } = require('./fuzz-families.cjs');
  const w = { calls: 4 };
  for (const [k, f] of Object.entries(families)) w[k] = f.weight;
  if (only) {
    for (const k of only) if (!(k in w)) throw new Error(`fuzz: unknown family ${k} (known: ${Object.keys(w).join(', ')})`);
    for (const k of Object.keys(w)) if (!only.includes(k)) delete w[k];
  }
  return w;
}

/** When a case started: wall clock (ms) and this process's CPU time (ms, every thread). */
function stamp() {
  const u = process.cpuUsage();
  return { started: Date.now(), cpu: (u.user + u.system) / 1000 };
}

/**
 * The CPU time (ms) process pid has used, every thread, from /proc/PID/stat
 * (utime and stime, in USER_HZ = 100 ticks a second on Linux); null elsewhere.
 */
function cpuMsOf(pid) {
  try {
    const text = require('node:fs').readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return null;
  }
}

/**
 * A hang is a case that has used --hang-ms of CPU time (on Linux; elsewhere of
 * wall time). Wall time alone called cases hangs on a loaded machine: at nice 19
 * beside other builds a child gets a few percent of a core, and a case of one
 * second's work passed 60 s. A case that waits without using the CPU (a
 * deadlock) is a hang after WALL_FACTOR times --hang-ms of wall time.
 */
const WALL_FACTOR = 10;

/** The child: runs the batches it is sent, writing each case to the status file first. */
async function child(o) {
  const fs = require('node:fs');
  const { families, caseRng, startMutator } = require('./fuzz-families.cjs');
  const apis = loadApis();
  const fd = fs.openSync(process.env.AK_FUZZ_STATUS, 'w');
  const status = (obj) => {
    const text = JSON.stringify(obj);
    fs.ftruncateSync(fd, 0);
    fs.writeSync(fd, text, 0);
  };
  const fz = makeFuzzer(apis.ak, apis.akjs, apis.registry, { large: o.large });
  let mutator = null;
  process.on('message', async (m) => {
    if (m.type === 'stop') {
      if (mutator) await mutator.stop();
      process.exit(0);
    }
    const counts = { valid: 0, invalid: 0 };
    const findings = [];
    // The previous batch's last case is no longer running: the clock starts with this batch.
    status({ family: m.family, seed: m.seed, index: m.from, ...stamp() });
    if (m.family === 'calls') {
      try {
        await fc.assert(fc.asyncProperty(fz.arbitrary, async (c) => {
          status({ family: 'calls', seed: m.seed, index: m.from, ...stamp(), input: c });
          counts[await fz.check(c)]++;
        }), { numRuns: m.count, seed: m.seed });
      } catch (e) {
        findings.push({ family: 'calls', seed: m.seed, index: m.from, message: String(e && e.message).slice(0, 4000) });
      }
    } else {
      const fam = families[m.family];
      let current = null;
      const ctx = {
        ...apis,
        note: (input) => {
          current.input = input;
          status(current);
        },
        mutator: () => (mutator ??= startMutator()),
      };
      for (let i = m.from; i < m.from + m.count; i++) {
        current = { family: m.family, seed: m.seed, index: i, ...stamp() };
        status(current);
        try {
          counts[await fam.run(ctx, caseRng(m.seed, i))]++;
        } catch (e) {
          findings.push({ family: m.family, seed: m.seed, index: i, input: current.input, message: String(e && e.stack).slice(0, 4000) });
        }
      }
      if (mutator && m.family === 'shared') {
        await mutator.stop();
        mutator = null;
      }
    }
    process.send({ type: 'done', counts, findings });
  });
  process.send({ type: 'ready' });
}

async function replay(o) {
  const { families, caseRng, startMutator } = require('./fuzz-families.cjs');
  const apis = loadApis();
  let mutator = null;
  const ctx = { ...apis, note: (input) => console.log('input:', JSON.stringify(input)), mutator: () => (mutator ??= startMutator()) };
  const f = families[o.replay.family];
  if (!f) throw new Error(`fuzz: --replay knows ${Object.keys(families).join(', ')} ('calls' replays with --families calls --seed S --runs N)`);
  try {
    console.log('result:', await f.run(ctx, caseRng(o.replay.seed, o.replay.index)));
  } finally {
    if (mutator) await mutator.stop();
  }
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  if (o.child) return child(o);
  if (o.replay) return replay(o);
  const { fork } = require('node:child_process');
  const fs = require('node:fs');
  const os = require('node:os');
  const path = require('node:path');
  const weights = familyWeights(o.families);
  const info = loadApis().ak.info();
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  // The schedule: per family its share of --runs, in batches, interleaved.
  const queue = [];
  const per = {};
  for (const [k, w] of Object.entries(weights)) {
    const n = Math.max(1, Math.round((o.runs * w) / total));
    per[k] = { cases: 0, valid: 0, invalid: 0, findings: 0, crashes: 0, hangs: 0, ms: 0 };
    for (let from = 0; from < n; from += o.batch) queue.push({ family: k, seed: (o.seed + from) | 0, from, count: Math.min(o.batch, n - from) });
  }
  for (let i = queue.length - 1; i > 0; i--) {
    const j = (Math.imul(i + 1, 2654435761) >>> 0) % (i + 1);
    [queue[i], queue[j]] = [queue[j], queue[i]];
  }
  console.log(`fuzz: ${o.runs} cases, seed ${o.seed}, backend ${info.backend} (${info.isa}, ${info.threads} threads), families ${Object.entries(weights).map(([k, w]) => `${k}×${w}`).join(' ')}, ${queue.length} batches in a child process`);
  const statusFile = path.join(os.tmpdir(), `ak-fuzz-${process.pid}.status`);
  const records = [];
  const t0 = Date.now();
  let last = t0;
  let proc = null;
  const spawn = () => new Promise((resolve) => {
    // A dead child's status is no clock for the new one (its CPU time started again at 0).
    try {
      fs.unlinkSync(statusFile);
    } catch {}
    proc = fork(__filename, ['--child', '--large', String(o.large)], { env: { ...process.env, AK_FUZZ_STATUS: statusFile }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    proc.once('message', () => resolve());
  });
  const readStatus = () => {
    try {
      return JSON.parse(fs.readFileSync(statusFile, 'utf8'));
    } catch {
      return null;
    }
  };
  for (let q = 0; q < queue.length; q++) {
    const b = queue[q];
    if (proc === null) await spawn();
    const tb = Date.now();
    proc.send(b);
    const outcome = await new Promise((resolve) => {
      let timer = null;
      const onMsg = (m) => {
        if (m.type !== 'done') return;
        cleanup();
        resolve({ kind: 'done', m });
      };
      const onExit = (code, signal) => {
        cleanup();
        resolve({ kind: 'crash', code, signal });
      };
      const watch = () => {
        const s = readStatus();
        if (!s) return;
        const wall = Date.now() - s.started;
        const now = cpuMsOf(proc.pid);
        const cpu = now === null || typeof s.cpu !== 'number' ? wall : now - s.cpu;
        if (cpu > o.hangMs || wall > o.hangMs * WALL_FACTOR) {
          s.wallMs = wall;
          s.cpuMs = cpu;
          cleanup();
          proc.kill('SIGKILL');
          resolve({ kind: 'hang', status: s });
        }
      };
      const cleanup = () => {
        proc.off('message', onMsg);
        proc.off('exit', onExit);
        clearInterval(timer);
      };
      proc.on('message', onMsg);
      proc.on('exit', onExit);
      timer = setInterval(watch, 1000);
    });
    const f = per[b.family];
    f.ms += Date.now() - tb;
    if (outcome.kind === 'done') {
      f.cases += outcome.m.counts.valid + outcome.m.counts.invalid;
      f.valid += outcome.m.counts.valid;
      f.invalid += outcome.m.counts.invalid;
      for (const x of outcome.m.findings) {
        f.findings++;
        records.push({ kind: 'finding', ...x });
        console.log(`FINDING ${x.family} seed ${x.seed} index ${x.index}: ${JSON.stringify(x.input)}\n  ${x.message.split('\n')[0]}`);
      }
    } else {
      const s = outcome.kind === 'hang' ? outcome.status : readStatus();
      f[outcome.kind === 'hang' ? 'hangs' : 'crashes']++;
      records.push({ kind: outcome.kind, code: outcome.code, signal: outcome.signal, ...s });
      console.log(`${outcome.kind.toUpperCase()} (${outcome.signal || outcome.code || ''}) in ${b.family}: ${JSON.stringify(s)}`);
      if (outcome.kind === 'hang') await new Promise((r) => proc.once('exit', r));
      proc = null;
      // Go on after the case that failed: the rest of this batch as a new batch.
      const index = s && typeof s.index === 'number' ? s.index : b.from;
      const done = index + 1 - b.from;
      if (b.family !== 'calls' && done < b.count) queue.splice(q + 1, 0, { ...b, from: index + 1, count: b.count - done });
    }
    if (Date.now() - last > 30000 || q === queue.length - 1) {
      last = Date.now();
      const n = Object.values(per).reduce((a, x) => a + x.cases, 0);
      const bad = records.length;
      console.log(`${n} cases, ${bad} findings/crashes/hangs, ${((last - t0) / 1000).toFixed(0)} s (batch ${q + 1}/${queue.length})`);
    }
  }
  if (proc) {
    proc.send({ type: 'stop' });
    await new Promise((r) => proc.once('exit', r));
  }
  try {
    fs.unlinkSync(statusFile);
  } catch {}
  const secs = (Date.now() - t0) / 1000;
  console.log('\nfamily      cases   valid invalid findings crashes hangs      s');
  let all = 0;
  for (const [k, f] of Object.entries(per)) {
    all += f.cases;
    console.log(`${k.padEnd(10)} ${String(f.cases).padStart(7)} ${String(f.valid).padStart(7)} ${String(f.invalid).padStart(7)} ${String(f.findings).padStart(8)} ${String(f.crashes).padStart(7)} ${String(f.hangs).padStart(5)} ${(f.ms / 1000).toFixed(0).padStart(6)}`);
  }
  console.log(`fuzz: ${all} cases in ${secs.toFixed(0)} s: ${records.filter((r) => r.kind === 'crash').length} crashes, ${records.filter((r) => r.kind === 'finding').length} silent differences or wrong errors, ${records.filter((r) => r.kind === 'hang').length} hangs`);
  if (o.json) fs.writeFileSync(o.json, JSON.stringify({ seed: o.seed, runs: o.runs, seconds: secs, info, per, records }, null, 1));
  if (records.length) process.exitCode = 1;
}

module.exports = { makeFuzzer, fc };

if (require.main === module) {
  main().catch((e) => {
    console.error(e && e.stack ? e.stack : e);
    if (e && e.cause) console.error('Caused by:', e.cause.stack || e.cause);
    process.exit(1);
  });
}

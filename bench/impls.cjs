'use strict';
/**
 * The implementations the benchmark times. Each one is
 *   { id, label, kind, modes?, init(ctx) → { available, reason?, version?, notes? },
 *     supports(op, dtype, pass) → null | why not, prepare(task) → runner | { skip },
 *     close() }
 * where a runner is { async, before?, run(k) → output (or a promise of it),
 * batch?(reps) → a promise of { wall, cpu } ns for reps calls timed elsewhere },
 * and a task is { op, spec, params, dtype, n, pass, mode, xs, dys, mask, out }
 * (spec: the op's layout and public calls, harness.cjs opSpec): call k reads
 * the input xs[k & mask] (a pool of distinct inputs, see harness.cjs) and,
 * for pass 'backward', the incoming gradient dys[k & mask] (dx = dy · f'(x));
 * `mode` 'out' writes into the preallocated `out`, 'alloc' returns a new
 * array as a plain call does (`modes`, when given: the only modes it runs in).
 *
 * kind: 'bound' (the copies: one read and one write per element, no
 * arithmetic; see copyImpl and streamImpl for what each one bounds), 'ours'
 * (this package), 'naive' (hand-written loops), 'peer' (other libraries).
 * New backends (native ISA levels, thread counts) plug in here.
 */
const path = require('node:path');
const naive = require('./naive.cjs');
const naiveBackward = require('./naive-backward.cjs');
const { createOrtImpl } = require('./peers/ort.cjs');
const { createTfjsImpl } = require('./peers/tfjs.cjs');

const root = path.join(__dirname, '..');

/** The built package; the bench runs on what users get, so it needs `npm run build` first. */
function loadDist(file) {
  const p = path.join(root, 'dist', file);
  try {
    return require(p);
  } catch (e) {
    if (e && e.code === 'MODULE_NOT_FOUND' && String(e.message).includes(p)) {
      throw new Error(`bench: ${path.relative(root, p)} is missing; run \`npm run build\` first`);
    }
    throw e;
  }
}

/**
 * Node's own copy, out.set(x) (x.slice() allocating): what moving the bytes
 * costs from JavaScript. A reference, not a floor: an ordinary store first
 * reads the destination's cache line, so once the arrays leave the caches
 * this copy moves three lines per line written, and a kernel that writes with
 * streaming (non-temporal) stores moves two and can run faster than it. The
 * floor at those sizes is streamImpl.
 */
const copyImpl = {
  id: 'copy',
  label: 'copy (out.set)',
  kind: 'bound',
  async init() {
    return { available: true, notes: 'out.set(x) / x.slice(): one read and one write per element, no arithmetic; ordinary stores read each output line before writing it, so past the caches a kernel with streaming stores can beat it' };
  },
  supports: () => null,
  async prepare(task) {
    const { xs, mask, out } = task;
    if (task.mode === 'out') return { async: false, run: (k) => { out.set(xs[k & mask]); return out; } };
    return { async: false, run: (k) => xs[k & mask].slice() };
  },
  async close() {},
};

/**
 * A copy with streaming stores (bench/c-peers/floor.cc, built on first use;
 * absent without a C++ compiler): the least traffic a one-read, one-write
 * pass makes once the arrays leave the caches, the real floor there. At
 * cache-resident sizes streaming stores go to memory and are slower than
 * out.set, which is the floor there. Into `out` only; one thread.
 */
function streamImpl() {
  let worker = null;
  // The prepared copy: the worker keeps one array until the next prepare.
  let held = null;
  const dir = { path: null };
  return {
    id: 'stream',
    label: 'streamed copy (C)',
    kind: 'bound',
    modes: ['out'],
    async init() {
      const { buildWorkers, OUT } = require('./c-peers/build.cjs');
      const { Worker } = require('./c-peers/workers.cjs');
      const built = (await buildWorkers({ ids: ['floor'] })).floor;
      if (!built.ok) return { available: false, reason: built.reason };
      worker = new Worker('floor', path.join(OUT, 'floor'), [], {});
      const h = await worker.request('hello');
      if (!h.ok) return { available: false, reason: h.reason };
      dir.path = require('node:fs').mkdtempSync(path.join(require('node:os').tmpdir(), 'ak-stream-'));
      return { available: true, notes: `bench/c-peers/floor.cc, ${h.notes}: a copy that does not read the output's lines; the floor past the caches, slower than out.set inside them` };
    },
    supports: () => null,
    async prepare(task) {
      const fs = require('node:fs');
      const x = task.xs[0];
      if (!held || held.x !== x) {
        const file = path.join(dir.path, 'x.bin');
        fs.writeFileSync(file, Buffer.from(x.buffer, x.byteOffset, x.byteLength));
        const dtype = x instanceof Float64Array ? 'float64' : 'float32';
        const r = await worker.request(`prepare stream forward ${dtype} ${x.length} 1 0 0 0 ${file} - -`);
        if (!r.ok) return { skip: r.reason };
        held = { x };
      }
      const Ctor = x.constructor;
      return {
        async: true,
        batch: async (reps) => {
          const t = await worker.request(`run ${reps}`);
          if (!t.ok) throw new Error(t.reason);
          return t;
        },
        // The copied array, for the harness's check: the worker writes it to a file.
        run: async () => {
          const file = path.join(dir.path, 'out.bin');
          const r = await worker.request(`output ${file} ${x.length}`);
          if (!r.ok) throw new Error(r.reason);
          const b = fs.readFileSync(file);
          return new Ctor(b.buffer, b.byteOffset, x.length);
        },
      };
    },
    async close() {
      if (worker) await worker.close();
      if (dir.path) require('node:fs').rmSync(dir.path, { recursive: true, force: true });
      worker = null;
      held = null;
    },
  };
}

/**
 * One implementation over a public API object (the JS twin, or the native
 * addon under given settings). `before`, when given, runs before every timed
 * batch, outside the timing: it restores this implementation's settings
 * (thread count) that another implementation's batch may have changed.
 */
function apiImpl({ id, label, kind = 'ours', load, describe, before, close }) {
  let api = null;
  return {
    id,
    label,
    kind,
    async init(ctx) {
      const r = await load(ctx);
      if (!r.api) return { available: false, reason: r.reason };
      api = r.api;
      return { available: true, version: api.info().version, notes: describe ? describe(api) : undefined, info: api.info() };
    },
    supports(op, dtype, pass) {
      if (typeof api[op] !== 'function') return 'not in this build';
      return pass === 'backward' && typeof api[op].backward !== 'function' ? 'no backward pass in this build' : null;
    },
    async prepare(task) {
      const { xs, dys, mask, out, spec } = task;
      // The call exactly as a user writes it (default parameters), options object included (bench/harness.cjs opSpec).
      if (task.pass === 'backward') {
        const g = spec.backward(api);
        return { async: false, before, run: (k) => g(dys[k & mask], xs[k & mask], out) };
      }
      const f = spec.forward(api);
      return { async: false, before, run: (k) => f(xs[k & mask], out) };
    },
    async close() {
      if (close) close();
    },
  };
}

const jsImpl = apiImpl({
  id: 'js',
  label: 'JS twin',
  load: async () => ({ api: loadDist('js.js').default }),
  describe: () => "activation-kernels/js: the package's pure-JS implementation",
});

/**
 * The native addon, loaded once for all native implementations. The public
 * backend runs the JS twin for any op/dtype the binary has no kernel for, so
 * every native implementation probes the binding per op and dtype and
 * reports "no native kernel" instead of timing the twin under a native label.
 */
let nativeState = null;

function loadNativeState() {
  if (nativeState) return nativeState;
  let mod;
  try {
    mod = loadDist('native.js');
  } catch (e) {
    nativeState = { error: firstLine(e) };
    return nativeState;
  }
  if (typeof mod.loadNative !== 'function') {
    nativeState = { error: 'this build has no native loader' };
    return nativeState;
  }
  const r = mod.loadNative();
  if (!r.backend) {
    nativeState = { error: r.error };
    return nativeState;
  }
  const { createApi } = loadDist('api.js');
  const { unaryNames, unaryOps } = loadDist('ops.js');
  nativeState = { backend: r.backend, levels: mod.ISA_LEVELS, createApi, unaryNames, unaryOps };
  return nativeState;
}

/**
 * Sets the native pool's size, through whichever entry point this build has
 * (setThreads(n), or configure({ threads: n })); null when it has none.
 */
function threadSetter(api) {
  if (typeof api.setThreads === 'function') return (n) => api.setThreads(n);
  if (typeof api.configure === 'function') return (n) => api.configure({ threads: n });
  return null;
}

function firstLine(e) {
  return String(e && e.message ? e.message : e).split('\n')[0].slice(0, 300);
}

/**
 * Whether `backend` (the very backend object the implementation's API runs
 * on: withIsa backends need not offer every entry point the default one
 * does) computes `op` in `dtype` at ISA `level` natively: its entry points
 * return false, writing nothing, when they would leave it to the twin.
 */
function nativeHasKernel(state, backend, level, op, dtype, pass, fromY = false) {
  const id = state.unaryNames.indexOf(op);
  if (id < 0) return nativeHasShapedKernel(state, backend, op, dtype, pass, fromY);
  const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
  const p = state.unaryOps[op].params.map((d) => (d.kind === 'enum' ? d.values.indexOf(d.default) : dtype === 'float32' ? Math.fround(d.default) : d.default));
  const a = p[0] ?? 0;
  const b = p[1] ?? 0;
  if (pass === 'backward') {
    const [x, y] = fromY ? [null, new Ctor(8)] : [new Ctor(8), null];
    return typeof backend.unaryBackward === 'function' && Boolean(backend.unaryBackward(id, new Ctor(8), x, y, new Ctor(8), a, b));
  }
  return Boolean(state.backend.binding.unaryIsa(state.levels.indexOf(level), id, new Ctor(8), new Ctor(8), a, b));
}

/**
 * Shaped ops reach the native side through backend.shaped(call), which
 * returns false when it leaves the call to the twin: run the op once on a
 * small layout through an API over a backend that records that answer.
 */
function nativeHasShapedKernel(state, base, op, dtype, pass, fromY) {
  if (typeof base.shaped !== 'function') return false;
  const { opSpec, registry } = require('./harness.cjs');
  const Ctor = dtype === 'float64' ? Float64Array : Float32Array;
  const spec = opSpec(registry(), op, 64, Ctor);
  if (spec.skip) return false;
  let handled = false;
  const probe = { ...base, shaped: (call) => { const ok = base.shaped(call); handled = handled || Boolean(ok); return ok; } };
  const api = state.createApi(probe);
  const x = Ctor.from({ length: 64 }, (_, i) => (i % 7) - 3);
  const dy = new Ctor(spec.outLength).fill(0.5);
  if (pass === 'backward' && fromY) {
    if (!spec.backwardY) return false;
    spec.backwardY(api, dy, spec.forward(state.createApi(base))(x, null), null);
  } else if (pass === 'backward') spec.backward(api)(dy, x, null);
  else spec.forward(api)(x, null);
  return handled;
}

/**
 * The package's default entry (best ISA, default threads): what `require('activation-kernels')`
 * gives a user. When the addon does not load it is the JS twin, so it is
 * reported absent rather than timed twice.
 */
function nativeDefaultImpl() {
  let isa = null;
  let setThreads = null;
  let threads = 1;
  const impl = apiImpl({
    id: 'native',
    label: 'native',
    load: async () => {
      const st = loadNativeState();
      if (st.error) return { reason: `the native addon did not load: ${st.error}` };
      const api = loadDist('index.js').default;
      const info = api.info();
      if (info.backend !== 'native') return { reason: `the package entry runs the ${info.backend} backend (${info.loadError ?? 'ACTIVATION_KERNELS_BACKEND?'})` };
      isa = info.isa;
      threads = info.threads;
      setThreads = threadSetter(api);
      impl.label = `native (${info.isa}, ${info.threads} thr)`;
      return { api };
    },
    describe: (api) => {
      const i = api.info();
      return `activation-kernels default entry: native addon, ISA ${i.isa}, ${i.threads} thread(s)`;
    },
    before: () => {
      if (setThreads) setThreads(threads);
    },
    // The pool is process-wide: leave it as the run found it.
    close: () => {
      if (setThreads) setThreads(threads);
    },
  });
  const supportsApi = impl.supports;
  impl.supports = (op, dtype, pass) => supportsApi(op, dtype, pass)
    ?? (nativeHasKernel(loadNativeState(), loadNativeState().backend, isa, op, dtype, pass) ? null : `no native ${dtype} ${pass} kernel at ${isa} in this build`);
  return impl;
}

/**
 * The addon pinned to one ISA level (single thread once threads exist), to
 * show what each instruction set buys. The level the default entry already
 * runs is left out while the default is single-threaded: it would be the
 * same code timed twice.
 */
function nativeIsaImpls() {
  const st = loadNativeState();
  if (st.error) return [];
  const info = st.backend.binding.info();
  const defaultThreads = st.backend.threads();
  let setThreads = null;
  try {
    setThreads = threadSetter(loadDist('index.js').default);
  } catch {
    setThreads = null;
  }
  return info.isas
    .filter((level) => !(level === st.backend.isa && defaultThreads === 1))
    .map((level) => {
      const backend = st.backend.withIsa(level);
      const impl = apiImpl({
        id: `native-${level}`,
        label: `native ${level}${setThreads ? ', 1 thr' : ''}`,
        load: async () => ({ api: st.createApi(backend) }),
        describe: () => `native addon pinned to ISA ${level} (withIsa)${setThreads ? ', pool set to 1 thread' : ''}`,
        before: setThreads ? () => setThreads(1) : undefined,
        close: setThreads ? () => setThreads(defaultThreads) : undefined,
      });
      const supportsApi = impl.supports;
      impl.supports = (op, dtype, pass) => {
        const why = supportsApi(op, dtype, pass);
        if (why || nativeHasKernel(st, backend, level, op, dtype, pass)) return why;
        // withIsa backends reach the element-wise forward kernels only; the rest runs at the active level.
        if (nativeHasKernel(st, st.backend, st.backend.isa, op, dtype, pass)) {
          return `a pinned ISA level (withIsa) has no entry point for ${st.unaryNames.includes(op) ? 'backward passes' : 'shaped ops'}; the default native entry runs ${op}${pass === 'backward' ? '.backward' : ''} natively at ${st.backend.isa}`;
        }
        return `no native ${dtype} ${pass} kernel at ${level} in this build`;
      };
      return impl;
    });
}

const naiveImpl = {
  id: 'naive',
  label: 'naive JS loop',
  kind: 'naive',
  async init() {
    return { available: true, notes: 'the textbook formula on Math.* in a plain for loop (bench/naive.cjs, bench/naive-backward.cjs)' };
  },
  supports(op, dtype, pass) {
    return (pass === 'backward' ? naiveBackward : naive)[op] ? null : 'no hand-written loop for this op';
  },
  async prepare(task) {
    const { xs, dys, mask, out, n } = task;
    const Ctor = xs[0].constructor;
    if (task.pass === 'backward') {
      const grad = naiveBackward[task.op](task.params);
      if (task.mode === 'out') return { async: false, run: (k) => { grad(dys[k & mask], xs[k & mask], out); return out; } };
      return { async: false, run: (k) => { const dx = new Ctor(n); grad(dys[k & mask], xs[k & mask], dx); return dx; } };
    }
    const kernel = naive[task.op](task.params);
    const m = task.spec.outLength;
    if (task.mode === 'out') return { async: false, run: (k) => { kernel(xs[k & mask], out); return out; } };
    return { async: false, run: (k) => { const y = new Ctor(m); kernel(xs[k & mask], y); return y; } };
  },
  async close() {},
};

/**
 * Whether the package's default entry runs `op` natively (else the twin):
 * the kernel bench's check, with `fromY` for the backward pass from the
 * forward output (options.y), which has entry points of its own.
 */
function nativeDefaultHasKernel(op, dtype, pass, fromY = false) {
  const st = loadNativeState();
  if (st.error) return false;
  return nativeHasKernel(st, st.backend, st.backend.isa, op, dtype, pass, fromY);
}

/** Every implementation the bench knows, in table order. */
function allImpls() {
  return [copyImpl, streamImpl(), nativeDefaultImpl(), ...nativeIsaImpls(), jsImpl, naiveImpl, createOrtImpl(), createTfjsImpl()];
}

module.exports = { allImpls, loadDist, apiImpl, naive, naiveBackward, nativeDefaultHasKernel };

'use strict';
/**
 * The peer processes of the kernel bench: the C++ workers built by
 * build.cjs and the PyTorch worker (torch_peer.py), each a long-lived child
 * speaking the line protocol of worker.h. A peer that cannot start (not
 * built, library missing, python without torch) comes back with
 * available: false and the reason; nothing here throws for a missing peer.
 */
const fs = require('node:fs');
const path = require('node:path');
const readline = require('node:readline');
const { spawn, spawnSync } = require('node:child_process');
const { buildWorkers } = require('./build.cjs');

/**
 * The peers, in table order. `floor` is the C copy, not a peer library; the
 * SLEEF loop is a reference of ours (textbook formulas on SLEEF's accurate
 * vector math), shown but never counted as the fastest peer.
 */
const PEERS = [
  { id: 'floor', label: 'C copy', kind: 'floor', deb: null },
  { id: 'onednn', label: 'oneDNN', kind: 'peer', deb: 'libdnnl-dev' },
  { id: 'xnnpack', label: 'XNNPACK', kind: 'peer', deb: 'libxnnpack-dev libpthreadpool-dev' },
  { id: 'torch', label: 'PyTorch', kind: 'peer', deb: 'python3-torch' },
  { id: 'sleef', label: 'SLEEF loop', kind: 'reference', deb: 'libsleef-dev' },
];

/** One child process; request() sends a line and resolves to the JSON line it answers. */
class Worker {
  constructor(id, command, args, env) {
    this.id = id;
    this.stderr = '';
    this.exited = null;
    this.waiting = [];
    // Implementations are timed in turn: an idle worker's OpenMP threads (libgomp) must soon sleep, not spin on a
    // core the next one needs; 20000 spins keep them awake between the back-to-back calls of a batch (OMP_WAIT_POLICY=
    // PASSIVE made each 2-thread oneDNN call pay a wake-up, 7 us; the default spin outlasts a short sample).
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'], env: { GOMP_SPINCOUNT: '20000', ...process.env, ...env } });
    this.child.on('error', (e) => this.onExit(`cannot start ${command}: ${e.message}`));
    this.child.on('exit', (code, signal) => this.onExit(`exited (${signal ?? `code ${code}`})${this.stderr ? `: ${lastLine(this.stderr)}` : ''}`));
    this.child.stderr.on('data', (d) => { this.stderr = (this.stderr + d).slice(-4000); });
    this.child.stdin.on('error', () => {});
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => {
      const w = this.waiting.shift();
      if (!w) return;
      try {
        w(JSON.parse(line));
      } catch {
        w({ ok: false, reason: `unreadable answer: ${line.slice(0, 200)}` });
      }
    });
  }

  onExit(why) {
    if (this.exited) return;
    this.exited = why;
    for (const w of this.waiting.splice(0)) w({ ok: false, reason: `worker ${why}` });
  }

  request(line) {
    if (this.exited) return Promise.resolve({ ok: false, reason: `worker ${this.exited}` });
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(`${line}\n`);
    });
  }

  async close() {
    if (this.exited) return;
    const done = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.stdin.end('quit\n');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await done;
    clearTimeout(timer);
  }
}

function lastLine(s) {
  const lines = s.trim().split('\n');
  return lines[lines.length - 1].slice(0, 300);
}

/** The installed Debian package's version, or null (not Debian, or not installed). */
function debVersion(pkg) {
  if (!pkg) return null;
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8', timeout: 5000 });
  return r.status === 0 && r.stdout ? r.stdout.trim() : null;
}

/** AVX-512 as ATen's avx512 kernels need it (F, BW, VL, DQ). */
function hasAvx512() {
  try {
    const flags = fs.readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('flags')) ?? '';
    return ['avx512f', 'avx512bw', 'avx512vl', 'avx512dq'].every((f) => flags.includes(` ${f}`));
  } catch {
    return false;
  }
}

/**
 * Python interpreters to try for the torch worker: $AK_PEERS_PYTHON, then the
 * system one (Debian's python3-torch installs into /usr/bin/python3's path,
 * which a pyenv or venv python3 first on PATH does not see), then python3.
 */
function pythonCandidates() {
  const c = [];
  if (process.env.AK_PEERS_PYTHON) c.push(process.env.AK_PEERS_PYTHON);
  if (process.platform !== 'win32' && fs.existsSync('/usr/bin/python3')) c.push('/usr/bin/python3');
  c.push(process.platform === 'win32' ? 'python' : 'python3');
  return [...new Set(c)];
}

/**
 * ATen picks its kernels' ISA at load time and on some AVX-512 CPUs (this
 * Zen 5 among them) settles for AVX2; ATEN_CPU_CAPABILITY=avx512 (its own
 * switch) gives it the best it has, as every other implementation here gets.
 * An ATEN_CPU_CAPABILITY already set is left alone.
 */
function torchEnv(capability) {
  if (process.env.ATEN_CPU_CAPABILITY) return {};
  if (capability === 'default') return {};
  if (capability === 'avx512' && !hasAvx512()) return {};
  return { ATEN_CPU_CAPABILITY: capability };
}

async function hello(worker) {
  const r = await worker.request('hello');
  if (!r.ok) return { available: false, reason: r.reason };
  return { available: true, version: r.version, notes: r.notes, ops: r.ops, dtypes: r.dtypes };
}

/**
 * Starts the peers named in `ids` (default: all). Builds the C++ workers
 * first when `build` (stale or missing binaries only). Resolves to one entry
 * per peer: { id, label, kind, deb, available, reason?, version?, notes?, ops?, dtypes?, worker? }.
 */
async function startPeers({ ids = null, build = true, torchCapability = 'avx512', log = () => {} } = {}) {
  const chosen = PEERS.filter((p) => !ids || ids.includes(p.id));
  const built = build ? await buildWorkers({ ids: chosen.filter((p) => p.id !== 'torch').map((p) => p.id), log }) : null;
  const out = [];
  for (const p of chosen) {
    const entry = { ...p, available: false };
    out.push(entry);
    const deb = debVersion(p.deb && p.deb.split(' ')[0]);
    if (p.id === 'torch') {
      let reason = 'no python';
      for (const py of pythonCandidates()) {
        const env = torchEnv(torchCapability);
        const w = new Worker(p.id, py, [path.join(__dirname, 'torch_peer.py')], env);
        const h = await hello(w);
        if (h.available) {
          Object.assign(entry, h, { worker: w, python: py, env });
          break;
        }
        reason = `${py}: ${h.reason}`;
        await w.close();
      }
      if (!entry.available) entry.reason = `${reason} (npm run bench:peers -- --native installs python3-torch)`;
    } else {
      const bin = path.join(require('./build.cjs').OUT, p.id);
      if (built && !built[p.id].ok) {
        entry.reason = built[p.id].reason;
      } else if (!fs.existsSync(bin)) {
        entry.reason = 'not built (npm run bench:peers -- --native)';
      } else {
        const w = new Worker(p.id, bin, [], {});
        const h = await hello(w);
        if (h.available) Object.assign(entry, h, { worker: w });
        else {
          entry.reason = h.reason;
          await w.close();
        }
      }
    }
    if (deb) entry.version = entry.version ? `${entry.version} (Debian ${deb})` : `Debian ${deb}`;
    log(entry.available ? `peer ${p.label}: ${entry.version ?? ''} ${entry.notes ?? ''}` : `absent: ${p.label}: ${entry.reason}`);
  }
  return out;
}

async function stopPeers(peers) {
  await Promise.all(peers.filter((p) => p.worker).map((p) => p.worker.close()));
}

module.exports = { PEERS, Worker, startPeers, stopPeers, pythonCandidates };

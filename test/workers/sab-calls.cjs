// test/workers/sab-calls.cjs -- one worker of the SharedArrayBuffer test: loads the
// package, says 'ready', then on 'go' runs its call sequence on its slice of the
// shared arrays and posts the hash of every result.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { sequence, run } = require('./sequence.cjs');

const ak = require(workerData.entry);
const { sx, sy, lo, hi, seed, count, ops } = workerData;
const x = new Float32Array(sx);
const y = new Float32Array(sy);
parentPort.postMessage({ ready: true, backend: ak.info().backend });
parentPort.once('message', async () => {
  try {
    const hashes = await run(ak, ops, sequence(seed, count, lo, hi, ops.length), x, y);
    parentPort.postMessage({ hashes });
  } catch (e) {
    parentPort.postMessage({ error: String(e && e.stack) });
  }
});

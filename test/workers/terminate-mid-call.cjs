// test/workers/terminate-mid-call.cjs -- starts a long async call and reports that it
// is running, so the test can terminate this worker while the pool works for it.
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

const ak = require(workerData.entry);
const x = new Float32Array(workerData.n).fill(0.5);
const pending = ak[workerData.op].async(x, { out: x });
pending.then(() => parentPort.postMessage({ finished: true }));
parentPort.postMessage({ started: true });

#!/usr/bin/env node
// npm run test:node24: the 16-bit tests under Node 24, the first Node with a global
// Float16Array (and Math.f16round), so the Float16Array cases that Node 20 skips run
// somewhere in CI. Fetches node-<platform>-<arch> of NODE24 from the npm registry once
// into the cross cache (scripts/cross/toolchain.cjs fetch: .cache/cross/, AK_CROSS_CACHE),
// then runs vitest under it with the addon this checkout built (Node-API: one binary):
//   unit: test/half-api.test.ts, test/half.test.ts, test/half-fused.test.ts
//   numerics: test/numerics/half.test.ts (all 65,536 inputs) on the twin and the CPU's best level
//   (AK_NODE24_ISA picks another).
'use strict';
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const { fetch, root } = require('./cross/toolchain.cjs');

const NODE24 = process.env.AK_NODE24 || '24.22.3';
const node = path.join(fetch(`node-${process.platform}-${process.arch}`, NODE24), 'bin', 'node');
const vitest = path.join(root, 'node_modules', 'vitest', 'vitest.mjs');
if (!fs.existsSync(vitest)) {
  console.error('test:node24: node_modules/vitest is missing: run `npm ci` first');
  process.exit(2);
}
const probe = spawnSync(node, ['-p', 'typeof Float16Array + " " + process.version'], { encoding: 'utf8' });
if (probe.status !== 0 || !probe.stdout.startsWith('function')) {
  console.error(`test:node24: ${node} has no Float16Array (${probe.stdout.trim() || probe.stderr})`);
  process.exit(1);
}
console.log(`test:node24: ${probe.stdout.trim().split(' ')[1]} (${node})`);
// The addon's own level on this CPU (a numerics-native-<level> project exists for each level it runs).
const level = process.env.AK_NODE24_ISA || require(path.join(root, 'dist', 'index.js')).info().isa;
const runs = [
  ['--project', 'unit', 'test/half-api.test.ts', 'test/half.test.ts', 'test/half-fused.test.ts'],
  ['--project', 'numerics-js', '--project', `numerics-native-${level}`, 'test/numerics/half.test.ts'],
];
for (const args of runs) {
  const r = spawnSync(node, [vitest, 'run', ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

#!/usr/bin/env node
// Writes native/expr/opcodes.h, the C++ twin of lib/expr/opcodes.ts, from the
// compiled table (dist/expr/opcodes.js; run `npm run build` first).
// test/expr-api.test.ts fails when the committed header is stale.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.join(__dirname, '..', '..');
const { opcodesHeader } = require(path.join(root, 'dist', 'expr', 'opcodes.js'));
fs.writeFileSync(path.join(__dirname, 'opcodes.h'), opcodesHeader());

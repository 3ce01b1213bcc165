'use strict';
// Prose rendered from the registry, shared by the README's op table
// (gen-readme.cjs) and the TSDoc of the generated exports (gen-exports.cjs),
// so that a parameter's default or an op's bound reads the same in both.

function fmtNumber(v) {
  return Number.isInteger(v) ? String(v) : String(+v.toPrecision(6));
}

/** One parameter as `name` (default; range). */
function fmtParam(p) {
  if (p.kind === 'enum') return `\`${p.name}\`: ${p.values.map((v) => `'${v}'`).join(' \\| ')} (${`'${p.default}'`})`;
  const range = [];
  if (p.min !== undefined) range.push(`${p.minExclusive ? '>' : '≥'} ${p.min}`);
  if (p.max !== undefined) range.push(`≤ ${p.max}`);
  if (p.required) range.unshift('required');
  return `\`${p.name}\` (${p.required ? '' : fmtNumber(p.default)}${range.length ? `${p.required ? '' : '; '}${range.join(', ')}` : ''})`;
}

/** An accuracy bound in ULP, or "exact". */
function fmtBound(op, ulp) {
  return op.exact ? 'exact' : `${ulp} ULP`;
}

/** Text made safe inside a block comment. */
function commentSafe(s) {
  return String(s).replace(/\*\//g, '*\\/');
}

/** Example values for an op's parameters: each default, as the op reads it. */
function exampleOptions(op) {
  const ps = op.params.map((p) => `${p.name}: ${p.kind === 'enum' ? `'${p.default}'` : fmtNumber(p.default)}`);
  return ps.length ? `{ ${ps.join(', ')} }` : '';
}

/** The TSDoc of a unary op's export. */
function unaryDoc(name, op) {
  const bw = op.backward || {};
  const opts = exampleOptions(op);
  // Required parameters go into every example call ('threshold: 0.5, value: -1, ').
  const req = op.params.filter((p) => p.required).map((p) => `${p.name}: ${fmtNumber(p.default)}, `).join('');
  const lines = [
    `\`${name}\`: y = ${op.formula}, element-wise on a Float32Array or Float64Array.`,
    '',
    op.params.length ? `Parameters (options; default; range): ${op.params.map(fmtParam).join(', ').replace(/\\\|/g, '|')}.` : 'No parameters.',
    `Accuracy: ${op.exact ? 'exact (the correctly rounded value of the formula)' : `within ${op.ulp} ULP (float32) and ${op.ulp64} ULP (float64) of the exact value`}.`,
    `Backward: \`${name}.backward(dy, x${op.backwardUsesY ? ' (or null with options.y, the forward output)' : ''})\` gives dx = dy·f′(x), f′ = ${bw.derivative}.`,
    bw.kink ? `At kinks: ${bw.kink}.` : '',
    'Options: `out` (an array of x\'s type and length, x itself for in place); `.async` takes a `signal` too.',
    '',
    '@example',
    `const y = ak.${name}(x${opts ? `, ${opts}` : ''});`,
    `ak.${name}(x, { ${req}out: x });            // in place`,
    `const dx = ak.${name}.backward(dy, x${req ? `, { ${req.slice(0, -2)} }` : ''});`,
    `await ak.${name}.async(x, { ${req}out: y });`,
  ];
  return lines.filter((l, i) => l !== '' || lines[i - 1] !== '');
}

/** The TSDoc of a shaped op's export. */
function shapedDoc(name, op) {
  return [
    `\`${name}\`: ${op.formula}.`,
    '',
    `Call: \`${op.usage}\`.`,
    `Accuracy: ${op.exact ? 'exact' : `within ${op.ulp} ULP (float32) and ${op.ulp64} ULP (float64)`}.`,
    op.derivative ? `Backward: ${op.derivative}.` : '',
    op.kink ? `At kinks: ${op.kink}.` : '',
  ].filter((l, i) => i === 1 || l !== '');
}

/** The TSDoc of a gated op's export (`act`: the unary op on its gate). */
function gatedDoc(name, op, act) {
  return [
    `\`${name}\`: ${op.formula}.`,
    '',
    `Call: \`${op.usage}\`.`,
    act.params.length ? `Parameters (options; default; range): ${act.params.map(fmtParam).join(', ').replace(/\\\|/g, '|')} (those of ${op.act}).` : '',
    `Accuracy: within ${op.ulp} ULP (float32) and ${op.ulp64} ULP (float64); gradients within ${op.backwardUlp} and ${op.backwardUlp64} ULP.`,
    `Backward: \`${op.backwardUsage}\`: ${op.derivative}.`,
  ].filter((l, i) => i === 1 || l !== '');
}

/** The TSDoc of the entry points that are not ops. */
const API_DOCS = {
  info: [
    'What runs: `{ backend: \'native\' | \'js\', isa, isas, threads, version, loadError }`.',
    '',
    '`isa` is the SIMD level the native kernels run (the best the CPU has, or ACTIVATION_KERNELS_ISA),',
    '`isas` every level this CPU runs, best first, `threads` the pool size, and `loadError` why the',
    'native addon did not load (null when it did).',
  ],
  compile: [
    'Compiles an activation written as an expression of `x` (e.g. `\'x * sigmoid(beta * x)\'`) into one',
    'fused pass, forward and (symbolically differentiated) backward. The source is parsed as data,',
    'never evaluated as JavaScript.',
    '',
    'Options: `params` (named numbers the expression reads; each can be overridden per call).',
    'The result is called like an op: `act(x, { out })`, `act.backward(dy, x)`, `act.async(x)`.',
    '',
    '@example',
    "const act = ak.compile('x * sigmoid(beta * x)', { params: { beta: 1.5 } });",
    'act(x, { out: y });',
    'const dx = act.backward(dy, x, { beta: 2 });',
  ],
  stats: [
    'Statistics of an activation\'s output over x without writing it: count, NaN count, min, max,',
    'mean, variance, dead and saturated fractions, per channel with `shape` and `channelAxis`, and the',
    'channels dead for the whole batch (the dying-ReLU monitor).',
    '',
    '@example',
    "const s = ak.stats(x, { op: 'relu', shape: [n, c, h, w], channelAxis: 1 });",
  ],
  setThreads: [
    'Resizes the process-wide thread pool the native kernels share (every worker_thread included);',
    'returns the new size. 1 runs every call on the caller\'s thread.',
  ],
};

/** The TSDoc of a non-op export. */
function apiDoc(name) {
  const d = API_DOCS[name];
  if (!d) throw new Error(`registry-text: no doc for the export ${name}`);
  return d;
}

/** Block comment text from doc lines. */
function block(lines, indent = '') {
  return [`${indent}/**`, ...lines.map((l) => `${indent} *${l ? ` ${commentSafe(l)}` : ''}`), `${indent} */`].join('\n');
}

module.exports = { fmtParam, fmtBound, unaryDoc, shapedDoc, gatedDoc, apiDoc, block };

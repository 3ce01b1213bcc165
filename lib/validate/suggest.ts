/**
 * "Did you mean" for a misspelt name (an option, an op, an enum value, a
 * function of the expression language): the closest candidate by edit
 * distance, or the name other frameworks use for the same thing.
 */

/** Names PyTorch, ONNX and NumPy users type for options of ours. */
const synonyms: Readonly<Record<string, readonly string[]>> = {
  axis: ['dim', 'dims', 'dimension', 'axes'],
  channelAxis: ['channel_axis', 'channel', 'channels', 'dim', 'axis'],
  alpha: ['negative_slope', 'negativeSlope', 'slope'],
  out: ['output', 'dst', 'result'],
  approximate: ['approximation', 'approx'],
  min: ['min_val', 'minVal', 'lower'],
  max: ['max_val', 'maxVal', 'upper'],
  lambda: ['lambd'],
};

/** Optimal string alignment distance (Levenshtein with adjacent transpositions), case-insensitive. */
function distance(a: string, b: string): number {
  a = a.toLowerCase();
  b = b.toLowerCase();
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const c = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + c);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The candidate `name` was probably meant to be, or undefined. */
export function suggest(name: string, candidates: readonly string[]): string | undefined {
  if (name.length > 64) return undefined;
  for (const c of candidates) if (synonyms[c]?.includes(name)) return c;
  let best: string | undefined;
  let bestD = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const c of candidates) {
    const d = distance(name, c);
    if (d < bestD) {
      best = c;
      bestD = d;
    }
  }
  return best;
}

/** ` (did you mean "x"?)` when there is a likely candidate, else ''. */
export function didYouMean(name: unknown, candidates: readonly string[]): string {
  if (typeof name !== 'string') return '';
  const s = suggest(name.trim(), candidates);
  return s === undefined ? '' : ` (did you mean ${JSON.stringify(s)}?)`;
}

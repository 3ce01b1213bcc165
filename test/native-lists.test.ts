/**
 * lib/registry/native-lists.ts: the lists the C++ side is generated from, and
 * the addon built from them. The native side is checked by behaviour, not by
 * reading its sources: every op the registry says has a backward from y runs
 * natively from y (a missing FromY kernel used to fall back to JS silently),
 * and every shaped op code runs the op the registry names at that index.
 */
import { describe, expect, it } from 'vitest';
import { nativeLists } from '../lib/registry/native-lists';
import { shapedOps, unaryNames, unaryOps } from '../lib/registry/ops';
import { loadNative } from '../lib/backend/native';
import { runShaped } from '../lib/fallback/shaped';
import type { ShapedCall } from '../lib/types';
import { rng } from './numerics/helpers';

const native = (() => {
  const r = loadNative('');
  if (!r.backend) throw new Error(r.error);
  return r.backend;
})();

describe('nativeLists()', () => {
  const lists = nativeLists();

  it('is plain arrays of strings, in the registry order', () => {
    expect(JSON.parse(JSON.stringify(lists))).toEqual(lists);
    expect(lists.unary).toEqual(unaryNames);
    expect(lists.unaryParams).toEqual(unaryNames.map((n) => unaryOps[n].params.map((p) => p.name)));
    expect(lists.backwardFromY).toEqual(unaryNames.filter((n) => unaryOps[n].backwardUsesY));
    const calls = Object.values(shapedOps).flatMap((d) => [d.call, d.backwardCall]);
    expect([...lists.shaped].sort()).toEqual([...calls].sort());
    expect(new Set(lists.shaped).size).toBe(lists.shaped.length);
  });

  it('the addon lists the unary ops in that order', () => {
    expect(native.binding.ops().map((o) => [o.name, o.params])).toEqual(lists.unary.map((n, i) => [n, lists.unaryParams[i]]));
  });

  it('every op with a backward from y has a native kernel for it, matching the twin', () => {
    const r = rng(20);
    for (const name of lists.backwardFromY) {
      const id = lists.unary.indexOf(name);
      const def = unaryOps[name as keyof typeof unaryOps];
      for (const Ctor of [Float32Array, Float64Array]) {
        const x = Ctor.from({ length: 100 }, () => 8 * r() - 4);
        const y = new Ctor(x.length);
        def.js(x, y, 1, 0);
        const dy = Ctor.from({ length: 100 }, () => r() + 0.5);
        const dx = new Ctor(x.length);
        expect(native.unaryBackward!(id, dy, null, y, dx, 1, 0), `${name} ${Ctor.name} from y`).toBe(true);
        const want = new Ctor(x.length);
        def.backward.jsFromY!(dy, y, want, 1, 0);
        for (let i = 0; i < x.length; i++) expect(Math.abs(dx[i] - want[i]), `${name}(${x[i]})`).toBeLessThanOrEqual(1e-5 * Math.abs(want[i]) + 1e-30);
      }
    }
  });

  it('every shaped op code runs the op named at that index', () => {
    const r = rng(21);
    const [outer, len, inner] = [2, 4, 3];
    const n = outer * len * inner;
    const arr = (m: number) => Float64Array.from({ length: m }, () => 6 * r() - 3);
    const x = arr(n), dy = arr(n), alpha = arr(len), y = new Float64Array(n);
    runShaped({ op: 'softmax', x, y, outer, len, inner });
    const calls = (out: () => Float64Array, dalpha: () => Float64Array): Record<string, ShapedCall> => ({
      softmax: { op: 'softmax', x, y: out(), outer, len, inner },
      logSoftmax: { op: 'logSoftmax', x, y: out(), outer, len, inner },
      softmaxBackward: { op: 'softmaxBackward', dy, y, x: null, dx: out(), outer, len, inner },
      logSoftmaxBackward: { op: 'logSoftmaxBackward', dy, y: null, x, dx: out(), outer, len, inner },
      prelu: { op: 'prelu', x, y: out(), alpha, alphaScalar: 0, outer, len, inner },
      preluBackward: { op: 'preluBackward', dy, x, alpha, alphaScalar: 0, dx: out(), dalpha: dalpha(), outer, len, inner },
      maxout: { op: 'maxout', x, y: out().subarray(0, n / 2), outer, len, inner, pieces: 2 },
      maxoutBackward: { op: 'maxoutBackward', dy: dy.subarray(0, n / 2), x, dx: out(), outer, len, inner, pieces: 2 },
      softmin: { op: 'softmin', x, y: out(), outer, len, inner },
      softminBackward: { op: 'softminBackward', dy, y: null, x, dx: out(), outer, len, inner },
      hardmax: { op: 'hardmax', x, y: out(), outer, len, inner },
      hardmaxBackward: { op: 'hardmaxBackward', dy, x, dx: out().fill(5), outer, len, inner },
    });
    const got = calls(() => new Float64Array(n), () => new Float64Array(len));
    const want = calls(() => new Float64Array(n), () => new Float64Array(len));
    for (const op of nativeLists().shaped) {
      expect(native.shaped!(got[op]), op).toBe(true);
      runShaped(want[op]);
      const outs = (c: ShapedCall) => ('dx' in c ? [c.dx, ...('dalpha' in c ? [c.dalpha] : [])] : [c.y]);
      const [g, w] = [outs(got[op]), outs(want[op])];
      g.forEach((a, k) => a.forEach((v, i) => expect(Math.abs(v - w[k][i]), `${op}[${i}]`).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(w[k][i])))));
    }
  });
});

// The JS twin's float16 / bfloat16 conversions against independent references:
// widening of every one of the 65,536 bit patterns, and narrowing against a
// nearest-neighbour search over the sorted finite values (float16) or the
// integer round-to-nearest-even of float32 bits (bfloat16).
import { describe, expect, it } from 'vitest';
import { fromBfloat16Bits, fromFloat16Bits, narrowBits, roundToBfloat16, roundToFloat16, toBfloat16Bits, toFloat16Bits, widenBits } from '../lib/fallback/half';

const f32 = new Float32Array(1);
const b32 = new Uint32Array(f32.buffer);
function floatOfBits(b: number): number {
  b32[0] = b >>> 0;
  return f32[0];
}

/** Reference widening: the value a float16 encodes, from the IEEE definition. */
function refHalf(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 31;
  const m = h & 1023;
  if (e === 31) return m ? NaN : s * Infinity;
  return e === 0 ? s * m * 2 ** -24 : s * (1 + m / 1024) * 2 ** (e - 15);
}

// Every finite nonnegative float16, ascending (bits 0 .. 0x7bff are ordered like their values).
const positives = Array.from({ length: 0x7c00 }, (_, i) => refHalf(i));

/** Reference narrowing: the nearest finite float16 by search, ties to the even bit pattern; ±Inf past the rounding limit. */
function refToHalf(x: number): number {
  if (Number.isNaN(x)) return -1;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00; // halfway between 65504 and 2^16 rounds to even: Inf
  let lo = 0;
  let hi = positives.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (positives[mid] <= a) lo = mid;
    else hi = mid;
  }
  const dl = a - positives[lo];
  const dh = positives[hi] - a;
  const k = dl < dh ? lo : dh < dl ? hi : lo % 2 === 0 ? lo : hi;
  return sign | k;
}

/** Records a mismatch; the tests assert the list is empty (one expect per test keeps the loops fast). */
function collector() {
  const bad: string[] = [];
  return { bad, same: (got: unknown, want: unknown, what: string) => { if (!Object.is(got, want) && bad.length < 10) bad.push(`${what}: got ${String(got)}, want ${String(want)}`); } };
}

/**
 * Widens every 16-bit pattern, compares with the reference value, and narrows it back:
 * to itself, or for a NaN to a pattern with every bit of `quiet` set (a quiet NaN).
 */
function roundTripAll(widen: (h: number) => number, narrow: (x: number) => number, ref: (h: number) => number, quiet: number): string[] {
  const { bad, same } = collector();
  for (let h = 0; h < 65536; h++) {
    const v = widen(h);
    if (Number.isNaN(ref(h))) {
      same(Number.isNaN(v), true, `NaN 0x${h.toString(16)}`);
      same(narrow(v) & quiet, quiet, `NaN back 0x${h.toString(16)}`);
      continue;
    }
    same(v, ref(h), `0x${h.toString(16)}`);
    same(narrow(v), h, `back 0x${h.toString(16)}`);
  }
  return bad;
}

let seed = 0x9e3779b9;
function rand32(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return seed >>> 0;
}

describe('float16 conversions', () => {
  it('widens all 65,536 patterns exactly and narrows each back to itself (a NaN to a quiet NaN: a JS number has no observable NaN sign)', () => {
    expect(roundTripAll(fromFloat16Bits, toFloat16Bits, refHalf, 0x7e00)).toEqual([]);
  });

  it('rounds to nearest even at every midpoint and its float64 neighbours', () => {
    const { bad, same } = collector();
    for (let k = 0; k < 0x7bff; k++) {
      const mid = (positives[k] + positives[k + 1]) / 2; // exact in float64
      for (const x of [mid, mid * (1 - 2 ** -52), mid * (1 + 2 ** -52), -mid]) same(toFloat16Bits(x), refToHalf(x), `${x}`);
    }
    expect(bad).toEqual([]);
  });

  it('overflows to ±Inf as IEEE says, keeps subnormals, keeps the sign of zero', () => {
    expect(toFloat16Bits(65504)).toBe(0x7bff);
    expect(toFloat16Bits(65519.99)).toBe(0x7bff);
    expect(toFloat16Bits(65520)).toBe(0x7c00);
    expect(toFloat16Bits(-1e300)).toBe(0xfc00);
    expect(toFloat16Bits(2 ** -24)).toBe(1);
    expect(toFloat16Bits(2 ** -25)).toBe(0); // the midpoint to 0 rounds to even: 0
    expect(toFloat16Bits(2 ** -25 * (1 + 2 ** -52))).toBe(1);
    expect(toFloat16Bits(-(2 ** -26))).toBe(0x8000);
    expect(toFloat16Bits(-0)).toBe(0x8000);
    expect(toFloat16Bits(5e-324)).toBe(0);
    expect(toFloat16Bits(-Infinity)).toBe(0xfc00);
  });

  it('narrows random float32 and float64 values like the reference', () => {
    const { bad, same } = collector();
    for (let i = 0; i < 200_000; i++) {
      const x = i % 2 ? floatOfBits(rand32()) : (rand32() / 2 ** 32 - 0.5) * 2 ** ((rand32() % 60) - 30);
      const want = refToHalf(x);
      const got = toFloat16Bits(x);
      if (want < 0) {
        same(got & 0x7e00, 0x7e00, `NaN ${x}`);
        continue;
      }
      same(got, want, `${x}`);
      same(roundToFloat16(x), fromFloat16Bits(want), `round ${x}`);
    }
    expect(bad).toEqual([]);
  });
});

describe('bfloat16 conversions', () => {
  it('widens all 65,536 patterns exactly (the top half of a float32) and narrows each back', () => {
    expect(roundTripAll(fromBfloat16Bits, toBfloat16Bits, (h) => floatOfBits(h << 16), 0x7fc0)).toEqual([]);
  });

  it('narrows float32 values like the integer round-to-nearest-even of their bits (subnormals kept)', () => {
    const { bad, same } = collector();
    const check = (b: number) => {
      const x = floatOfBits(b);
      if (Number.isNaN(x)) return;
      const want = (((b >>> 0) + 0x7fff + ((b >>> 16) & 1)) >>> 16) & 0xffff;
      same(toBfloat16Bits(x), want, `0x${(b >>> 0).toString(16)}`);
      same(roundToBfloat16(x), floatOfBits(want << 16), `round 0x${(b >>> 0).toString(16)}`);
    };
    for (let i = 0; i < 200_000; i++) check(rand32());
    // Every midpoint and its neighbours, in every binade, subnormal ones included.
    for (let h = 0; h < 0x7f80; h += 7) for (const d of [0x7fff, 0x8000, 0x8001]) check(((h << 16) + d) | 0);
    for (const h of [0, 1, 0x7f, 0x80, 0x7f7f]) for (const d of [0x7fff, 0x8000, 0x8001]) check(((h << 16) + d) | 0);
    expect(bad).toEqual([]);
  });

  it('narrows float64 values once (no double rounding through float32)', () => {
    // 1 + 2^-8 + 2^-30 is above the midpoint 1 + 2^-8; float32 would round it to the midpoint first.
    expect(toBfloat16Bits(1 + 2 ** -8 + 2 ** -30)).toBe(0x3f81);
    expect(toBfloat16Bits(1 + 2 ** -8)).toBe(0x3f80);
    expect(toBfloat16Bits(3.4e38 * 1.01)).toBe(0x7f80);
    expect(toBfloat16Bits(-0)).toBe(0x8000);
  });
});

const F16 = (globalThis as { Float16Array?: unknown }).Float16Array !== undefined;

describe('array conversions (the twin over 16-bit storage)', () => {
  const all = Uint16Array.from({ length: 65536 }, (_, i) => i);
  for (const [fmt, from, to] of [[0, fromFloat16Bits, toFloat16Bits], [1, fromBfloat16Bits, toBfloat16Bits]] as const) {
    it(`format ${fmt}: widenBits of every pattern is the exact value; narrowBits of every 1021st float32 pattern is toBits of it`, () => {
      const { bad, same } = collector();
      const w = new Float32Array(65536 + 3);
      widenBits(all, fmt, w, 3);
      for (let h = 0; h < 65536; h++) same(w[3 + h], from(h), `widen 0x${h.toString(16)}`);
      const step = 1021;
      const f = new Float32Array(Math.ceil(2 ** 32 / step));
      const u = new Uint32Array(f.buffer);
      for (let i = 0; i < u.length; i++) u[i] = i * step;
      const h = new Uint16Array(f.length);
      narrowBits(f, fmt, h);
      const quiet = fmt === 0 ? 0x7e00 : 0x7fc0;
      for (let i = 0; i < f.length; i++) {
        if (Number.isNaN(f[i])) {
          // A quiet NaN. The integer forms keep the sign and the top payload bits (as the
          // native conversions do); a runtime Float16Array (Node 24) may canonicalize them.
          const kept = (u[i] >>> 16) & 0x8000 | quiet | (fmt === 0 ? (u[i] >>> 13) & 0x3ff : (u[i] >>> 16) & 0x7f);
          same(F16 && fmt === 0 ? (h[i] & quiet) === quiet : h[i], F16 && fmt === 0 ? true : kept, `NaN 0x${u[i].toString(16)}`);
        } else {
          same(h[i], to(f[i]), `narrow 0x${u[i].toString(16)}`);
        }
      }
      expect(bad).toEqual([]);
    });
  }
});

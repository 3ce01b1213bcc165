/**
 * tanhShrink's polynomials exist twice, as C++ hex floats (native/math/tanhshrink.h)
 * and as the JS twin's numbers (lib/fallback/tanhshrink-coeffs.ts), both written by
 * native/math/gen/tanhshrink_coeffs.py: the two copies must be the same doubles.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TANH_SHRINK_P, TANH_SHRINK_Q } from '../lib/fallback/tanhshrink-coeffs';

/** A C99 hex-float literal (0x1.8p-3, -0x1p+0) as a double. */
function hexFloat(s: string): number {
  const m = /^(-?)0x([0-9a-f])(?:\.([0-9a-f]*))?p([+-]?\d+)$/i.exec(s.trim());
  if (!m) throw new Error(`not a hex float: ${s}`);
  const frac = m[3] ?? '';
  const mant = parseInt(m[2] + frac, 16) / 16 ** frac.length;
  return (m[1] ? -1 : 1) * mant * 2 ** Number(m[4]);
}

function cxxArray(text: string, name: string): number[] {
  const m = new RegExp(`${name}\\[\\d+\\] = \\{([^}]*)\\}`).exec(text);
  if (!m) throw new Error(`native/math/tanhshrink.h has no ${name}`);
  return m[1].split(',').map(hexFloat);
}

describe('tanhShrink coefficients', () => {
  const h = readFileSync(join(__dirname, '..', 'native', 'math', 'tanhshrink.h'), 'utf8');
  it('are the same doubles in the native header and the JS twin', () => {
    expect(cxxArray(h, 'kTanhShrinkQ')).toEqual(TANH_SHRINK_Q);
    expect(cxxArray(h, 'kTanhShrinkP')).toEqual(TANH_SHRINK_P);
    expect(TANH_SHRINK_Q[0]).toBe(1 / 3);
  });
});

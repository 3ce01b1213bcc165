"""tanhshrink_ (native/math/tanhshrink.h) and the JS twin (lib/fallback/tanhshrink-coeffs.ts):
x - tanh(x) without the cancellation near 0, as two minimax polynomials in float64
coefficients (relative error):
  |x| < 1:      x^3 Q(x^2),  Q(s) = (x - tanh x) / x^3 on s = x^2 in [0, 1]
  1 <= |x| < 2: P(x - 1.5),  P = x - tanh x on [1, 2]
(|x| >= 2: x - tanh(x) directly, cancelling at most a factor 1.93.)
Run: python3 native/math/gen/tanhshrink_coeffs.py (about a minute on 2 cores); it rewrites
the coefficient blocks of both files (between their 'tanhshrink-coeffs' markers)."""
import os
import re
import mpmath as mp
from remez import remez_rounded, max_err, hexd

NQ, NP = 15, 18


def shrink(x):
    with mp.workdps(160):
        x = mp.mpf(x)
        return x - mp.tanh(x)


def Q(s):
    if s == 0:
        return mp.mpf(1) / 3
    x = mp.sqrt(s)
    return shrink(x) / x ** 3


def fit():
    q = remez_rounded(Q, [lambda s, k=k: s ** k for k in range(NQ + 1)], 0, 1, lambda s: 1 / Q(s), kind='d', grid=600)
    eq = max_err(Q, [lambda s, k=k: s ** k for k in range(NQ + 1)], lambda s: 1 / Q(s), q, 0, 1, grid=4000)
    P = lambda w: shrink(w + mp.mpf(1.5))
    p = remez_rounded(P, [lambda w, k=k: w ** k for k in range(NP + 1)], -0.5, 0.5, lambda w: 1 / P(w), kind='d', grid=600)
    ep = max_err(P, [lambda w, k=k: w ** k for k in range(NP + 1)], lambda w: 1 / P(w), p, -0.5, 0.5, grid=4000)
    return q, p, eq, ep


def rewrite(path, body):
    with open(path) as f:
        text = f.read()
    new = re.sub(r'(tanhshrink-coeffs:begin[^\n]*\n)(?:.*?\n)?([^\n]*tanhshrink-coeffs:end)', lambda m: m.group(1) + body + '\n' + m.group(2), text, flags=re.S)
    with open(path, 'w') as f:
        f.write(new)


if __name__ == '__main__':
    q, p, eq, ep = fit()
    note = f'max relative error of the fits (float64 coefficients): Q {mp.nstr(eq * 2 ** 53, 3)} x 2^-53, P {mp.nstr(ep * 2 ** 53, 3)} x 2^-53'
    print(note)
    root = os.path.join(os.path.dirname(__file__), '..', '..', '..')
    cxx = [f'// {note}',
           f'constexpr double kTanhShrinkQ[{NQ + 1}] = {{' + ', '.join(hexd(c) for c in q) + '};',
           f'constexpr double kTanhShrinkP[{NP + 1}] = {{' + ', '.join(hexd(c) for c in p) + '};']
    ts = [f'// {note}',
          'export const TANH_SHRINK_Q = [' + ', '.join(repr(float(c)) for c in q) + '];',
          'export const TANH_SHRINK_P = [' + ', '.join(repr(float(c)) for c in p) + '];']
    rewrite(os.path.join(root, 'native', 'math', 'tanhshrink.h'), '\n'.join(cxx))
    rewrite(os.path.join(root, 'lib', 'fallback', 'tanhshrink-coeffs.ts'), '\n'.join(ts))

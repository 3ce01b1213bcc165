"""gelu_ (native/math/gelu.h): K(z) = z h(z) with h(z) = e^{z^2/2} Phi(-z) (the
scaled Gaussian tail, erfcx(z/sqrt2)/2), so that gelu(x) = max(x, 0) - e^{-z^2/2} K(z) for
z = |x|. K is tabulated as 32 degree-5 polynomials in t = z - z0 over 8 intervals per
octave of u = z + 1 in [1, 16) (z in [0, 15)): widths 1/8 near 0 up to 1 near 15;
float: degree 5, float coefficients; double: degree 11, double coefficients.
Each fit is a minimax of the RELATIVE error with float32 coefficients (rounded one at a
time, the rest refitted; remez.remez_rounded), a little past each end because the slot
is chosen from the rounded u. On [0, 1/8) K(t)/t is fitted: no constant term, so K keeps
its relative accuracy down to z = 0 (and subnormals).
Slot of an interval: the low 5 bits of bits(u) >> 20 (exponent and 3 mantissa bits).
Run: python3 native/math/gen/gelu_coeffs.py f   (~30 s on 2 cores) and ... d (~1 min); the
outputs are the bodies of GeluTable<float> and GeluTable<double> in native/math/gelu.h."""
import functools
import sys
import multiprocessing
import mpmath as mp
import remez as R

mp.mp.dps = 40
KIND = sys.argv[1] if len(sys.argv) > 1 else 'f'
DEG = 5 if KIND == 'f' else 11


@functools.lru_cache(maxsize=None)
def h(z):
    return mp.erfc(z / mp.sqrt(2)) * mp.exp(z * z / 2) / 2


def fit(em):
    R.mp.mp.dps = 40
    e, m = em
    lo = mp.mpf(2) ** e * (1 + mp.mpf(m) / 8) - 1
    w = mp.mpf(2) ** e / 8
    k0 = 1 if lo == 0 else 0
    d = 0 if k0 else w * mp.mpf(2) ** -20  # u = z + 1 rounds: t may be ulp(u)/2 outside
    f = (lambda t: h(t)) if k0 else (lambda t: (lo + t) * h(lo + t))
    basis = [(lambda k: (lambda t: t ** k))(k) for k in range(DEG + 1 - k0)]
    wt = lambda t: 1 / f(t)
    c = R.remez_rounded(f, basis, -d, w + d, wt, kind=KIND, iters=30, grid=1000 if KIND == 'f' else 600)
    err = R.max_err(f, basis, wt, c, -d, w + d, grid=2000)
    return e, m, lo, [mp.mpf(0)] * k0 + list(c), err


if __name__ == '__main__':
    with multiprocessing.Pool(2) as pool:
        res = pool.map(fit, [(e, m) for e in range(4) for m in range(8)])
    slots = [None] * 32
    for e, m, lo, c, err in res:
        slots[((e + 127) * 8 + m) % 32] = (lo, c, err)
    def rows(vals, indent, per):
        return ',\n'.join(indent + ', '.join(vals[i:i + per]) for i in range(0, len(vals), per))
    T, hx, ub = ('float', R.hexf, 24) if KIND == 'f' else ('double', R.hexd, 53)
    per = 6 if KIND == 'f' else 4
    print('  // max relative error of the fits (%s coefficients): %.3f x 2^-%d'
          % (T, max(float(s[2]) * 2 ** ub for s in slots), ub))
    print('  static constexpr %s kZ0[32] = {\n%s};' % (T, rows([hx(s[0]) for s in slots], ' ' * 6, per)))
    print('  static constexpr %s kC[%d][32] = {' % (T, DEG + 1))
    for i in range(DEG + 1):
        print('      {\n%s},' % rows([hx(s[1][i]) for s in slots], ' ' * 10, per))
    print('  };')

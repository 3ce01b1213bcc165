"""Piecewise-polynomial tables read with lookup32 (native/vec): 32 intervals, 8 per octave
of u = s z + 1 in [1, 16), i.e. z in [0, 15/s): widths 1/(8s) near 0 up to 1/s at the top.
The slot of an interval is the low 5 bits of bits(u) >> (mantissa bits - 3): the exponent
and the top 3 mantissa bits, so slot(e, m) = ((bias + e) * 8 + m) mod 32.
Each interval gets a polynomial in t = z - z0 fitted as a minimax of the RELATIVE error
with coefficients of the target type (rounded one at a time, the rest refitted:
remez.remez_rounded), a little past each end since the slot comes from the rounded u.
Where f(0) = 0, pass f_over_z (z -> f(z)/z): on the first interval it is fitted and the
coefficients shifted up (no constant term: relative accuracy down to z = 0).
Used by gelu_coeffs.py and softplus_coeffs.py; read by slot_poly (native/math/table.h)."""
import multiprocessing
import mpmath as mp
import remez as R

mp.mp.dps = 40


def _fit(args):
    f, s, deg, kind, f_over_z, e, m = args
    R.mp.mp.dps = 40
    lo = (mp.mpf(2) ** e * (1 + mp.mpf(m) / 8) - 1) / s
    w = mp.mpf(2) ** e / 8 / s
    k0 = 1 if (f_over_z is not None and lo == 0) else 0
    d = 0 if lo == 0 else w * mp.mpf(2) ** -20  # u = s z + 1 rounds: t may be ulp(u)/(2s) outside
    g = f_over_z if k0 else (lambda t: f(lo + t))
    basis = [(lambda k: (lambda t: t ** k))(k) for k in range(deg + 1 - k0)]
    wt = lambda t: 1 / g(t)
    c = R.remez_rounded(g, basis, -d, w + d, wt, kind=kind, iters=30, grid=1000 if kind == 'f' else 600)
    err = R.max_err(g, basis, wt, c, -d, w + d, grid=2000)
    return e, m, lo, [mp.mpf(0)] * k0 + list(c), err


def table(f, s, deg, kind, f_over_z=None):
    """Prints the C++ body (kZ0, kC) of a table of f (f: mpf -> mpf, picklable)."""
    bias = 127 if kind == 'f' else 1023
    with multiprocessing.Pool(2) as pool:
        res = pool.map(_fit, [(f, s, deg, kind, f_over_z, e, m) for e in range(4) for m in range(8)])
    slots = [None] * 32
    for e, m, lo, c, err in res:
        slots[((e + bias) * 8 + m) % 32] = (lo, c, err)

    def rows(vals, indent, per):
        return ',\n'.join(indent + ', '.join(vals[i:i + per]) for i in range(0, len(vals), per))
    T, hx, ub = ('float', R.hexf, 24) if kind == 'f' else ('double', R.hexd, 53)
    per = 6 if kind == 'f' else 4
    print('  // max relative error of the fits (%s coefficients): %.3f x 2^-%d'
          % (T, max(float(x[2]) * 2 ** ub for x in slots), ub))
    print('  static constexpr %s kZ0[32] = {\n%s};' % (T, rows([hx(x[0]) for x in slots], ' ' * 6, per)))
    print('  static constexpr %s kC[%d][32] = {' % (T, deg + 1))
    for i in range(deg + 1):
        print('      {\n%s},' % rows([hx(x[1][i]) for x in slots], ' ' * 10, per))
    print('  };')

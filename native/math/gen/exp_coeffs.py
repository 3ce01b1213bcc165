"""exp_/expm1_ (native/math/exp.h): after n = round(x/ln2), r = x - n*ln2, |r| <= ln2/2,
    expm1(r) ~= r + r^2 * Q(r)
with Q the minimax fit of (e^r - 1 - r)/r^2 under the weight r^2/|expm1(r)|, i.e. the
RELATIVE error of expm1(r) (which is what expm1_ needs when n = 0; exp_ = 1 + that
inherits an even smaller relative error). One Q serves both functions.
Run: python3 native/math/gen/exp_coeffs.py"""
import mpmath as mp
from remez import remez, rounded, max_err, hexf, hexd

h = mp.log(2) / 2
f = lambda r: (mp.exp(r) - 1 - r) / r**2 if r != 0 else mp.mpf(0.5)
w = lambda r: r**2 / abs(mp.expm1(r)) if r != 0 else mp.mpf(0)
w_exp = lambda r: r**2 / mp.exp(r)
for kind, deg in (('f', 4), ('d', 9)):
    basis = [(lambda k: (lambda r: r**k))(k) for k in range(deg + 1)]
    c = remez(f, basis, -h * 1.002, h * 1.002, w)
    cr = rounded(c, kind)
    e = max_err(f, basis, w, cr, -h, h, 4000)
    e2 = max_err(f, basis, w_exp, cr, -h, h, 4000)
    u = 2**24 if kind == 'f' else 2**53
    print(kind, 'deg Q', deg, 'rel err expm1(r)', mp.nstr(e, 5), '=', mp.nstr(e * u, 4), 'x 2^-%d;' % (24 if kind == 'f' else 53),
          'rel err e^r', mp.nstr(e2 * u, 4))
    print('  Q:', ', '.join(hexf(x) if kind == 'f' else hexd(x) for x in cr))

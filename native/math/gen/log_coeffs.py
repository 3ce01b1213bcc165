"""log_/log1p_ (native/math/log.h): x = 2^k (1 + f), f in [sqrt(1/2) - 1, sqrt(2) - 1].

float:  log1p(f) ~= f - f^2/2 + f^3 * P(f), P the minimax fit of the RELATIVE error of
        log1p(f) (k = 0 needs relative accuracy near f = 0; for k != 0 the absolute
        error is what counts and it is smaller still).
double: with s = f / (2 + f), log1p(f) = 2 atanh(s) = f - h + s*(h + R(s^2)), h = f^2/2,
        R(z) = 2atanh(s)/s - 2 = sum_{j>=1} 2 z^j / (2j+1), z in [0, 0.0295]; R(z) = z*G(z)
        with G the minimax fit of R's relative error (s only enters the small correction
        term, so the rounding of the division is harmless).
Run: python3 native/math/gen/log_coeffs.py"""
import mpmath as mp
from remez import remez, rounded, max_err, hexf, hexd

lo = mp.sqrt(0.5) - 1
hi = mp.sqrt(2) - 1
f = lambda t: (mp.log1p(t) - t + t**2 / 2) / t**3 if t != 0 else mp.mpf(1) / 3
w = lambda t: abs(t**3 / mp.log1p(t)) if t != 0 else mp.mpf(0)
for deg in (6, 7):
    basis = [(lambda k: (lambda t: t**k))(k) for k in range(deg + 1)]
    c = remez(f, basis, lo * 1.003, hi * 1.003, w)
    cr = rounded(c, 'f')
    e = max_err(f, basis, w, cr, lo, hi, 4000)
    print('f deg P', deg, 'rel err', mp.nstr(e, 5), '=', mp.nstr(e * 2**24, 4), 'x 2^-24')
    print('  P:', ', '.join(hexf(x) for x in cr))

smax = hi / (2 + hi)
zmax = smax**2
G = lambda z: (2 * mp.atanh(mp.sqrt(z)) / mp.sqrt(z) - 2) / z if z != 0 else mp.mpf(2) / 3
for deg in (5, 6, 7):
    basis = [(lambda k: (lambda z: z**k))(k) for k in range(deg + 1)]
    c = remez(G, basis, 0, zmax * 1.01, lambda z: 1 / G(z))
    cr = rounded(c, 'd')
    e = max_err(G, basis, lambda z: 1 / G(z), cr, 0, zmax, 4000)
    print('d deg G', deg, 'rel err of R', mp.nstr(e, 5), '=', mp.nstr(e * 2**53, 4), 'x 2^-53')
    print('  G:', ', '.join(hexd(x) for x in cr))

"""erf_/erfc_ float (native/math/erf.h). Three regions on a = |x|:

  R0  a < 0.75:         erf(a) = a + a*E1(a^2),  E1(z) = erf(sqrt z)/sqrt z - 1,
                        fit for ABSOLUTE error (E1 crosses 0 near a = 0.6);
                        erfc(a) = (1 - a) - a*E1(a^2) (no harmful cancellation).
  R1  0.75 <= a < 2.25: erfc(a) = e^{-a^2} * H(a) / a, H(a) = a e^{a^2} erfc(a), a polynomial
                        in v = a - 1.5 (relative fit),
  R2  2.25 <= a <= 10.06: same H, as a polynomial in v = 1/a^2 (relative fit; H tends to
                        1/sqrt(pi) like the asymptotic series, smooth in 1/a^2).
R1 and R2 share the degree (9) so the kernel evaluates one Horner chain with per-lane
selected coefficients. R0 and R2 coefficients are rounded to float one at a time with
re-fits (remez_rounded; plain rounding costs R2 ~0.4 x 2^-24). R1 is centred (its
interval contains v = 0, where the re-fit basis v, v^2, .. is not a Haar system), so it
is fitted once and rounded (0.44 x 2^-24; an uncentred v = a - 0.74 re-fit reaches
0.22 x 2^-24 but its alternating Horner sum loses more than that in evaluation).
(Tried and rejected: one polynomial for R1+R2 in t = (a-3)/(a+3), degree 9, fits to
0.21 x 2^-24 but measures 2.5 ulp near a = 0.8 in the sweep: evaluation error at t ~ -0.6.)
Run: python3 native/math/gen/erf_coeffs.py   (about a minute)"""
import mpmath as mp
from remez import remez, remez_rounded, rounded, max_err, hexf

mp.mp.dps = 40
T0, S, XMAX = mp.mpf('0.75'), mp.mpf('2.25'), mp.mpf('10.06')
C1 = (T0 + S) / 2

E1 = lambda z: (mp.erf(mp.sqrt(z)) / mp.sqrt(z) - 1) if z != 0 else 2 / mp.sqrt(mp.pi) - 1
deg = 6
basis = [(lambda k: (lambda z: z**k))(k) for k in range(deg + 1)]
cr = remez_rounded(E1, basis, 0, T0**2 * 1.01, kind='f', grid=1001)
e = max_err(E1, basis, lambda z: 1, cr, 0, T0**2, 3000)
print('R0 E1 deg', deg, 'abs err', mp.nstr(e, 4), '=', mp.nstr(e * 2**26, 3), 'x 2^-26')
print('   ', ', '.join(hexf(x) for x in cr))

H = lambda a: a * mp.exp(a * a) * mp.erfc(a)
deg = 9
basis = [(lambda k: (lambda v: v**k))(k) for k in range(deg + 1)]
f1 = lambda v: H(v + C1)
cr = rounded(remez(f1, basis, T0 - C1 - mp.mpf('0.002'), S - C1 + mp.mpf('0.002'), lambda v: 1 / f1(v)), 'f')
e = max_err(f1, basis, lambda v: 1 / f1(v), cr, T0 - C1, S - C1, 3000)
print('R1 H(a), v = a - %s, deg' % mp.nstr(C1, 4), deg, 'rel err', mp.nstr(e, 4), '=', mp.nstr(e * 2**24, 3), 'x 2^-24')
print('   ', ', '.join(hexf(x) for x in cr))
f2 = lambda v: H(1 / mp.sqrt(v))
lo2, hi2 = 1 / XMAX**2, 1 / S**2
cr = remez_rounded(f2, basis, lo2 * mp.mpf('0.99'), hi2 * mp.mpf('1.005'), lambda v: 1 / f2(v), kind='f', grid=1001)
e = max_err(f2, basis, lambda v: 1 / f2(v), cr, lo2, hi2, 3000)
print('R2 H(a), v = 1/a^2, deg', deg, 'rel err', mp.nstr(e, 4), '=', mp.nstr(e * 2**24, 3), 'x 2^-24')
print('   ', ', '.join(hexf(x) for x in cr))

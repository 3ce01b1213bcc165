#!/usr/bin/env python3
"""Derive the coefficients used by lib/fallback/erf.ts and print them as a
TypeScript block (everything between the GENERATED markers of erf.ts).

    python3 lib/fallback/gen/erf_coeffs.py            # print the TS block
    python3 lib/fallback/gen/erf_coeffs.py --report   # also print fit errors (stderr)
    python3 lib/fallback/gen/erf_coeffs.py --write    # rewrite the block in erf.ts

Approximations (all fits are Chebyshev-node interpolants computed in 256-bit
arithmetic, converted to monomial form and rounded to doubles; the error of the
ROUNDED polynomial is then measured at many points):

1. erf, |x| < 0.5:  erf(x) = x + x*P(z),  z = x*x,  P(z) ~ erf(sqrt z)/sqrt z - 1
   (one polynomial in z on [0, 1/4]; absolute error of P <= 2^-62 before
   rounding the coefficients; the constant term is kept as a double-double
   P0 + P0_TAIL, and P0 also split into 26-bit halves for an exact x*P0).

2. erfcx(x) = exp(x^2) erfc(x), 0.25 <= x < 32: K intervals per binade
   [2^e (1 + i/K), 2^e (1 + (i+1)/K)), indexed by the exponent and the top
   log2(K) mantissa bits of x.  On each: erfcx(m + t) = c0 + S(t),
   c0 = double nearest erfcx(m) (m = interval midpoint, a short double), and
   S(t) = s0 + c1 t + ... + cd t^d (s0 absorbs the rounding of c0).
   The relative error of c0 + S is <= 2^-60.  c0 is also given split into
   two 26-bit halves (Veltkamp) for an exact product with the exp table.

3. erfcx(x), x >= 32: x sqrt(pi) erfcx(x) = 1 + u A(u), u = 1/x^2 <= 2^-10,
   A of low degree (the asymptotic series' remainder is ~exp(-1/u) there);
   1/sqrt(pi) as a double-double.

4. exp(+-x^2) for erfc and erfcx: x^2 = p + pe exactly (Dekker), then
   exp(-p-pe) = 2^k * T_j * (1 + q(r)), n = round(-p*64/ln2), j = n mod 64,
   k = floor(n/64), r = -p - n*L1 - n*L2 - pe, T_j = 2^(j/64) as a double-double
   (hi, lo, and hi split into 26-bit halves).  q(r) = r + r^2 G(r),
   G ~ (expm1(r) - r)/r^2 on |r| <= ln2/128 (+ margin).
"""
import sys
import mpmath as mp

mp.mp.prec = 256

K_PER_BINADE = 16      # intervals per binade for erfcx
E_LO, E_HI = -2, 4    # binades 2^-2 .. 2^4 (x in [0.25, 32))
ZMAX = mp.mpf(1) / 4  # erf polynomial for |x| < 0.5
TARGET_REL = mp.mpf(2) ** -62  # approximation error before rounding the coefficients
REPORT = '--report' in sys.argv


def log(*a):
    if REPORT:
        print(*a, file=sys.stderr)


def rnd(v):
    """Nearest double of an mpf (normal range only here)."""
    with mp.workprec(53):
        return float(+mp.mpf(v))


def split26(a: float):
    """Veltkamp split of a double into hi (26 bits) + lo, hi + lo == a."""
    c = 134217729.0 * a
    hi = c - (c - a)
    lo = a - hi
    assert hi + lo == a
    return hi, lo


def cheb_monomial(f, a, b, deg, center=None, nodes_extra=0):
    """Interpolate f at deg+1 Chebyshev nodes of [a, b]; return monomial
    coefficients in (x - center) (mpf), center defaults to 0."""
    a = mp.mpf(a)
    b = mp.mpf(b)
    c0 = mp.mpf(0) if center is None else mp.mpf(center)
    mid = (a + b) / 2
    half = (b - a) / 2
    n = deg + 1
    xs = [mid + half * mp.cos(mp.pi * (i + mp.mpf(1) / 2) / n) for i in range(n)]
    # scale variable for conditioning
    sc = max(abs(a - c0), abs(b - c0))
    A = mp.matrix(n, n)
    y = mp.matrix(n, 1)
    for i, xv in enumerate(xs):
        u = (xv - c0) / sc
        for j in range(n):
            A[i, j] = u ** j
        y[i] = f(xv)
    sol = mp.lu_solve(A, y)
    return [sol[j] / sc ** j for j in range(n)]


def horner(coefs, u):
    s = mp.mpf(0)
    for c in reversed(coefs):
        s = s * u + c
    return s


# ---------------------------------------------------------------- erf |x|<1
def erf_P(z):
    z = mp.mpf(z)
    if z == 0:
        return 2 / mp.sqrt(mp.pi) - 1
    x = mp.sqrt(z)
    return mp.erf(x) / x - 1


def fit_erf_small():
    """P0 is carried as P0 + P0_TAIL (double-double); the rest rounded to double."""
    for deg in range(6, 20):
        cs = cheb_monomial(erf_P, 0, ZMAX, deg)
        cd = [rnd(c) for c in cs]
        tail = rnd(cs[0] - cd[0])
        cdm = [mp.mpf(cd[0]) + tail] + [mp.mpf(c) for c in cd[1:]]
        err = mp.mpf(0)
        err_exact = mp.mpf(0)
        for i in range(2001):
            z = ZMAX * mp.mpf(i) / 2000
            f = erf_P(z)
            err = max(err, abs(horner(cdm, z) - f))
            err_exact = max(err_exact, abs(horner(cs, z) - f))
        log(f'erf P deg {deg}: max abs err 2^{float(mp.log(err, 2)):.2f}'
            f' (unrounded coefficients 2^{float(mp.log(err_exact, 2)):.2f})')
        if err_exact <= TARGET_REL:
            return cd, tail, err
    raise RuntimeError('erf small fit failed')


# ------------------------------------------------------------------ erfcx
def erfcx(x):
    x = mp.mpf(x)
    return mp.exp(x * x) * mp.erfc(x)


def intervals():
    out = []
    for e in range(E_LO, E_HI + 1):
        for i in range(K_PER_BINADE):
            a = 2.0 ** e * (1 + i / K_PER_BINADE)
            b = 2.0 ** e * (1 + (i + 1) / K_PER_BINADE)
            out.append((a, b))
    return out


def fit_interval(a, b, deg):
    m = (a + b) / 2  # exact in double (short)
    fm = erfcx(m)
    c0 = rnd(fm)

    def S(x):
        return erfcx(x) - c0

    cs = cheb_monomial(S, a, b, deg, center=m)
    cd = [rnd(c) for c in cs]
    cdm = [mp.mpf(c) for c in cd]
    err = mp.mpf(0)
    err_exact = mp.mpf(0)
    for i in range(301):
        x = mp.mpf(a) + (mp.mpf(b) - a) * i / 300
        f = erfcx(x)
        err = max(err, abs(c0 + horner(cdm, x - m) - f) / f)
        err_exact = max(err_exact, abs(c0 + horner(cs, x - m) - f) / f)
    rho = max(abs(horner(cdm, mp.mpf(a) - m)), abs(horner(cdm, mp.mpf(b) - m))) / fm
    return m, c0, cd, err, err_exact, rho


def fit_erfcx_table():
    ivs = intervals()
    for deg in range(8, 26):
        rows = []
        worst = mp.mpf(0)
        worst_rho = mp.mpf(0)
        ok = True
        for (a, b) in ivs:
            m, c0, cd, err, err_exact, rho = fit_interval(a, b, deg)
            worst = max(worst, err)
            worst_rho = max(worst_rho, rho)
            if err_exact > TARGET_REL:
                ok = False
                break
            rows.append((m, c0, cd))
        log(f'erfcx deg {deg}: {"ok" if ok else "fail"} worst rel err 2^{float(mp.log(worst, 2)):.2f}'
            + (f' max |S|/F {float(worst_rho):.4f}' if ok else ''))
        if ok:
            return deg, rows, worst
    raise RuntimeError('erfcx fit failed')


# ------------------------------------------------------- erfcx, x >= 32
UMAX = mp.mpf(1) / 1024  # u = 1/x^2 for x >= 32


def asym_A(u):
    """A(u) with x*sqrt(pi)*erfcx(x) = 1 + u*A(u), u = 1/x^2."""
    u = mp.mpf(u)
    x = 1 / mp.sqrt(u)
    with mp.workprec(mp.mp.prec + 64):
        G = x * mp.sqrt(mp.pi) * erfcx(x)
        return (G - 1) / u


def fit_asym():
    for deg in range(3, 16):
        cs = cheb_monomial(asym_A, 0, UMAX, deg)
        cd = [rnd(c) for c in cs]
        err = mp.mpf(0)
        for i in range(1, 401):
            u = UMAX * mp.mpf(i) / 400
            err = max(err, abs(u * (horner([mp.mpf(c) for c in cd], u) - asym_A(u))))
        log(f'erfcx asymptotic deg {deg}: max abs err of u*A 2^{float(mp.log(err, 2)):.2f}')
        if err <= TARGET_REL:
            return cd, err
    raise RuntimeError('asymptotic fit failed')


# -------------------------------------------------------------------- exp
N_EXP = 64


def exp_consts():
    ln2 = mp.log(2)
    step = ln2 / N_EXP
    # L1: step truncated to 36 significant bits so n*L1 is exact for |n| < 2^17
    e = int(mp.floor(mp.log(step, 2)))
    L1 = float(mp.floor(step * mp.mpf(2) ** (35 - e)) / mp.mpf(2) ** (35 - e))
    L2 = rnd(step - L1)
    inv = rnd(N_EXP / ln2)
    table = []
    for j in range(N_EXP):
        t = mp.power(2, mp.mpf(j) / N_EXP)
        hi = rnd(t)
        lo = rnd(t - hi)
        hh, hl = split26(hi)
        table.append((hi, lo, hh, hl))
    rmax = float(step / 2) * 1.01 + 2.0 ** -40

    def G(r):
        # (expm1(r) - r)/r^2 = sum_k r^k/(k+2)!, summed directly (no cancellation)
        r = mp.mpf(r)
        s, term, k = mp.mpf(0), mp.mpf(1) / 2, 0
        while abs(term) > mp.mpf(2) ** -300:
            s += term
            k += 1
            term = term * r / (k + 2)
        return s

    for deg in range(2, 8):
        cs = cheb_monomial(G, -rmax, rmax, deg)
        cd = [rnd(c) for c in cs]
        err = mp.mpf(0)
        for i in range(401):
            r = -rmax + 2 * rmax * mp.mpf(i) / 400
            q = r + r * r * horner([mp.mpf(c) for c in cd], r)
            err = max(err, abs(q - mp.expm1(r)) / mp.exp(r))
        log(f'exp G deg {deg}: rel err 2^{float(mp.log(err, 2)):.2f}')
        if err <= mp.mpf(2) ** -62:
            break
    return L1, L2, inv, table, cd


# --------------------------------------------------------------- thresholds
def thresholds():
    # erfc(x) < 2^-1075 (rounds to 0) for x >= XUNDER = 27.3; check.
    tiny = mp.mpf(2) ** -1075
    x0 = mp.findroot(lambda x: mp.log(mp.erfc(x)) - mp.log(tiny), 26.5)
    log(f'erfc underflow (== 2^-1075) at x = {mp.nstr(x0, 20)}')
    assert mp.erfc(27.3) < tiny
    # erfc(x) < 2^-54 (erf rounds to 1, erfc(-x) rounds to 2) for x >= 6
    assert mp.erfc(6) < mp.mpf(2) ** -54
    x1 = mp.findroot(lambda x: mp.log(mp.erfc(x)) + 54 * mp.log(2), 5.9)
    log(f'erfc(x) == 2^-54 at x = {mp.nstr(x1, 20)}')


def fmt(v: float) -> str:
    r = repr(float(v))
    # 17 significant digits is always a round trip; repr is the shortest one.
    assert float(r) == v
    return r


def main():
    thresholds()
    ps, p0tail, perr = fit_erf_small()
    deg, rows, ferr = fit_erfcx_table()
    L1, L2, inv, table, G = exp_consts()
    A, aerr = fit_asym()
    isp = 1 / mp.sqrt(mp.pi)
    isp_hi = rnd(isp)
    isp_lo = rnd(isp - isp_hi)

    out = []
    out.append('// BEGIN GENERATED by lib/fallback/gen/erf_coeffs.py -- do not edit by hand')
    out.append(f'// erf(x) = x + x*P(x^2), |x| < 0.5, degree {len(ps) - 1}; max |P error| = 2^{float(mp.log(perr, 2)):.1f}')
    out.append(f'const P_DEG = {len(ps) - 1};')
    for i, c in enumerate(ps):
        out.append(f'const P{i} = {fmt(c)};')
    h, l = split26(ps[0])
    out.append(f'const P0_TAIL = {fmt(p0tail)}; // P0 + P0_TAIL: the constant term as a double-double')
    out.append(f'const P0_H26 = {fmt(h)}; // P0 = P0_H26 + P0_L26 (26-bit halves)')
    out.append(f'const P0_L26 = {fmt(l)};')
    out.append(f'// exp(-p): n = round(p*INV_LN2_64), r = -p - n*LN2_64_HI - n*LN2_64_LO')
    out.append(f'const INV_LN2_64 = {fmt(inv)};')
    out.append(f'const LN2_64_HI = {fmt(L1)}; // 36 significant bits')
    out.append(f'const LN2_64_LO = {fmt(L2)};')
    out.append('// expm1(r) = r + r^2*(G0 + r*(G1 + ...)), |r| <= ln2/128')
    for i, c in enumerate(G):
        out.append(f'const G{i} = {fmt(c)};')
    out.append('// 2^(j/64), j = 0..63: hi, lo, 26-bit halves of hi')
    out.append('const EXP2_TAB = new Float64Array([')
    for (hi, lo, hh, hl) in table:
        out.append(f'  {fmt(hi)}, {fmt(lo)}, {fmt(hh)}, {fmt(hl)},')
    out.append(']);')
    stride = 4 + deg + 1
    out.append(f'// erfcx on {len(rows)} intervals ({K_PER_BINADE} per binade from 2^{E_LO} to 2^{E_HI + 1}),')
    out.append(f'// degree {deg}; max rel error 2^{float(mp.log(ferr, 2)):.1f}.')
    out.append(f'// Row: m, c0, c0 hi26, c0 lo, s0, c1 .. c{deg}; erfcx(m+t) = c0 + s0 + c1 t + ...')
    out.append(f'const CX_DEG = {deg};')
    out.append(f'const CX_STRIDE = {stride};')
    out.append(f'const CX_PER_BINADE_LOG2 = {K_PER_BINADE.bit_length() - 1};')
    out.append(f'const CX_FIRST_BINADE = {E_LO};')
    out.append('const CX_TAB = new Float64Array([')
    for (m, c0, cd) in rows:
        hh, hl = split26(c0)
        vals = [m, c0, hh, hl] + cd
        out.append('  ' + ', '.join(fmt(v) for v in vals) + ',')
    out.append(']);')
    out.append(f'// erfcx(x) = (1/sqrt(pi))/x * (1 + u*A(u)), u = 1/x^2 <= 1/1024 (x >= 32),')
    out.append(f'// degree {len(A) - 1}; max |u*A error| = 2^{float(mp.log(aerr, 2)):.1f}')
    out.append(f'const A_DEG = {len(A) - 1};')
    for i, c in enumerate(A):
        out.append(f'const A{i} = {fmt(c)};')
    out.append(f'const INV_SQRT_PI_HI = {fmt(isp_hi)}; // 1/sqrt(pi) = HI + LO')
    out.append(f'const INV_SQRT_PI_LO = {fmt(isp_lo)};')
    out.append('// END GENERATED')
    block = '\n'.join(out) + '\n'

    if '--write' in sys.argv:
        import os
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'erf.ts')
        src = open(path).read()
        b = src.index('// BEGIN GENERATED')
        e = src.index('// END GENERATED')
        e = src.index('\n', e) + 1
        open(path, 'w').write(src[:b] + block + src[e:])
        print(f'wrote {path}', file=sys.stderr)
    else:
        sys.stdout.write(block)


if __name__ == '__main__':
    main()

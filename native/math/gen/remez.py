"""Minimax (Remez exchange) fits used to derive the constants in native/math/*.h.

Written for this project (no coefficients copied from elsewhere). Usage from the
per-function scripts in this directory:

    from remez import remez, rounded, max_err
    c = remez(f, basis, lo, hi, weight)   # minimise max |weight(x) * (f(x) - sum c_k basis_k(x))|

All arithmetic is mpmath at 60 digits. `rounded(c, 'f'|'d')` rounds each coefficient to
float32/float64, `max_err` re-measures the weighted error of the rounded fit on a
dense grid (so the printed error is the one the C++ code actually gets, up to the
rounding of its own arithmetic).
"""
import struct
import mpmath as mp

mp.mp.dps = 60


def _solve(f, basis, weight, pts):
    n = len(basis)
    A = mp.matrix(n + 1, n + 1)
    b = mp.matrix(n + 1, 1)
    for i, x in enumerate(pts):
        for k, phi in enumerate(basis):
            A[i, k] = phi(x)
        A[i, n] = (-1) ** i / weight(x)
        b[i] = f(x)
    sol = mp.lu_solve(A, b)
    return [sol[k] for k in range(n)], sol[n]


def _err(f, basis, weight, c, x):
    return weight(x) * (f(x) - mp.fsum(ck * phi(x) for ck, phi in zip(c, basis)))


def remez(f, basis, lo, hi, weight=lambda x: 1, iters=30, grid=3001, verbose=False):
    """Minimax fit of f on [lo, hi] in span(basis) with the given weight."""
    lo, hi = mp.mpf(lo), mp.mpf(hi)
    n = len(basis)
    # Chebyshev-like start, nudged so no point sits on a forced zero of the error (x = 0)
    pts = [(lo + hi) / 2 + (hi - lo) / 2 * (mp.mpf(0.0031) - mp.mpf(0.99) * mp.cos(mp.pi * i / n)) for i in range(n + 1)]
    xs = [lo + (hi - lo) * (1 - mp.cos(mp.pi * i / grid)) / 2 for i in range(grid + 1)]
    best = None
    for it in range(iters):
        c, E = _solve(f, basis, weight, pts)
        es = [_err(f, basis, weight, c, x) for x in xs]
        # local extrema of the error, grouped in runs of equal sign
        ext = []
        i = 0
        while i < len(xs):
            j = i
            s = es[i] >= 0
            k = i
            while j < len(xs) and (es[j] >= 0) == s:
                if abs(es[j]) > abs(es[k]):
                    k = j
                j += 1
            ext.append(k)
            i = j
        # keep n+1 alternating extrema with the largest magnitudes
        while len(ext) > n + 1:
            # drop the smaller end, or merge smallest pair
            if abs(es[ext[0]]) < abs(es[ext[-1]]):
                ext.pop(0)
            else:
                ext.pop()
        m = max(abs(e) for e in es)
        if verbose:
            print(it, mp.nstr(abs(E), 8), mp.nstr(m, 8))
        if best is None or m < best[1]:
            best = (c, m)
        if len(ext) < n + 1:
            break
        pts = [xs[k] for k in ext]
        if m - abs(E) < abs(E) * mp.mpf('1e-6'):
            break
    return best[0]


def to_float(x):
    return struct.unpack('f', struct.pack('f', float(x)))[0]


def rounded(c, kind):
    return [mp.mpf(to_float(x)) if kind == 'f' else mp.mpf(float(x)) for x in c]


def max_err(f, basis, weight, c, lo, hi, grid=20000):
    lo, hi = mp.mpf(lo), mp.mpf(hi)
    return max(abs(_err(f, basis, weight, c, lo + (hi - lo) * i / grid)) for i in range(grid + 1))


def _trim(h):
    m, e = h.split('p')
    if '.' in m:
        m = m.rstrip('0').rstrip('.')
    return m + 'p' + e


def hexf(x):
    """C99 hex-float literal of a float32 value (with f suffix)."""
    return _trim(float(to_float(x)).hex()) + 'f'


def hexd(x):
    return _trim(float(x).hex())


def remez_rounded(f, basis, lo, hi, weight=lambda x: 1, kind='f', **kw):
    """Minimax fit whose coefficients are representable in float32/float64: round the
    coefficients one at a time (lowest order first) and re-fit the remaining ones
    against f minus the rounded part, so later terms absorb the earlier roundings."""
    fixed = []
    for i in range(len(basis)):
        rest = basis[i:]
        g = (lambda fx: (lambda x: f(x) - mp.fsum(c * b(x) for c, b in zip(fx, basis))))(list(fixed))
        c = remez(g, rest, lo, hi, weight, **kw)
        fixed.append(rounded([c[0]], kind)[0])
    return fixed

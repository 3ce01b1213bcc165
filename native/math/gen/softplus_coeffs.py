"""softplus_ (native/math/softplus.h), float: M(z) = log1p(w)/w with w = e^{-z}, so that
softplus(x) = max(x, 0) + e^{-z} M(z) for z = |x| (M in [ln 2, 1): relative accuracy of the
tail, where softplus ~ e^x, comes with e^{-z}). M is tabulated on z in [0, 30)
(slot_table.py, s = 1/2: widths 1/4 near 0 up to 2 near 30): float degree 5 (M rounds to
1 from z ~ 17 on), double degree 11.
Run: python3 native/math/gen/softplus_coeffs.py f   (~30 s on 2 cores) and ... d (~1 min); the
outputs are the bodies of SoftplusTable<float> and SoftplusTable<double> in
native/math/softplus.h."""
import functools
import sys
import mpmath as mp
import slot_table


@functools.lru_cache(maxsize=None)
def M(z):
    w = mp.exp(-z)
    return mp.log1p(w) / w


if __name__ == '__main__':
    kind = sys.argv[1] if len(sys.argv) > 1 else 'f'
    slot_table.table(M, mp.mpf(1) / 2, 5 if kind == 'f' else 11, kind)

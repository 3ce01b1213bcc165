"""gelu_ (native/math/gelu.h): K(z) = z h(z) with h(z) = e^{z^2/2} Phi(-z) (the scaled
Gaussian tail, erfcx(z/sqrt2)/2), so that gelu(x) = max(x, 0) - e^{-z^2/2} K(z) for z = |x|.
K is tabulated on z in [0, 15) (slot_table.py, s = 1): float degree 5, double degree 11.
K(0) = 0: h = K/z is fitted on the first interval (no constant term).
Run: python3 native/math/gen/gelu_coeffs.py f   (~30 s on 2 cores) and ... d (~1 min); the
outputs are the bodies of GeluTable<float> and GeluTable<double> in native/math/gelu.h."""
import functools
import sys
import mpmath as mp
import slot_table


@functools.lru_cache(maxsize=None)
def h(z):
    return mp.erfc(z / mp.sqrt(2)) * mp.exp(z * z / 2) / 2


def K(z):
    return z * h(z)


if __name__ == '__main__':
    kind = sys.argv[1] if len(sys.argv) > 1 else 'f'
    slot_table.table(K, 1, 5 if kind == 'f' else 11, kind, f_over_z=h)

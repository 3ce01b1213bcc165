// native/math/table.h -- reading the piecewise-polynomial tables that gen/slot_table.py
// fits (gelu_'s K, softplus_'s M).
#ifndef AK_MATH_TABLE_H_
#define AK_MATH_TABLE_H_

#include "common.h"

namespace ak {
namespace AK_ISA_NS {
namespace mathd {

// The table Tb's value at z, given u = s z + 1 < 16 (s the table's scale): 32 intervals,
// 8 per octave of u, slot = the low 5 bits of bits(u) >> (mantissa bits - 3), and on each
// a polynomial in t = z - Tb::kZ0[slot] whose coefficient i is Tb::kC[i][slot], read
// with lookup32 (one vpermt2ps per coefficient on AVX-512).
template <class Tb, class V>
AK_INLINE V slot_poly(V z, V u) {
  constexpr int kDeg = sizeof(Tb::kC) / sizeof(Tb::kC[0]) - 1;
  V slot = shr_bits<FP<V>::kMant - 3>(u);
  V t = z - lookup32(slot, Tb::kZ0);  // exact (Sterbenz; t = z on the first interval)
  V k = lookup32(slot, Tb::kC[kDeg]);
  for (int i = kDeg - 1; i >= 0; --i) k = fma(k, t, lookup32(slot, Tb::kC[i]));
  return k;
}

}  // namespace mathd
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_MATH_TABLE_H_

// native/expr/expr_avx512.cc -- the expression interpreter at the avx512 level: the only
// expression TU built with this level's flags (as native/isa/avx512.cc for the kernels).
#define AK_ISA_AVX512 1
#include "../vec/vec.h"
#include "../math/all.h"
#include "../kernels/widen.h"
#include "interp.h"
#include "stats.h"

namespace ak {
namespace AK_ISA_NS {
namespace exprk {

bool run_f32(const expr::Program& p, const float* const* in, float* out, size_t n, const KernelTable& calls) {
  return run<Vf>(p, in, out, n, calls);
}
bool run_f64(const expr::Program& p, const double* const* in, double* out, size_t n, const KernelTable& calls) {
  return run<Vd>(p, in, out, n, calls);
}

void stats_f32(const float* x, size_t outer, size_t C, size_t inner, bool has_shape, double dead_max, double lo,
               double hi, expr::Moments* out) {
  stats(x, outer, C, inner, has_shape, dead_max, lo, hi, out);
}
void stats_f64(const double* x, size_t outer, size_t C, size_t inner, bool has_shape, double dead_max, double lo,
               double hi, expr::Moments* out) {
  stats(x, outer, C, inner, has_shape, dead_max, lo, hi, out);
}

}  // namespace exprk
}  // namespace AK_ISA_NS
}  // namespace ak

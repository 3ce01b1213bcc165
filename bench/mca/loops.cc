// bench/mca/loops.cc -- the main loops of the kernels, one vector per iteration, between
// llvm-mca region markers, for bench/mca.cjs: compiled once per ISA level from the same
// kernel source the addon uses (kernels/unary.h, math/, the softmax row pass of
// kernels/shaped.h), then llvm-mca estimates each region's steady-state cycles per
// iteration on several CPUs. The including command line defines one AK_ISA_* macro.
// Nothing here is linked into the addon.
#include <cmath>
#include <cstddef>

#include "../../native/vec/vec.h"
#include "../../native/math/all.h"
#include "../../native/kernels/widen.h"
#include "../../native/kernels/unary.h"
#include "../../native/kernels/shaped.h"

#if defined(__aarch64__) || defined(_M_ARM64)
#define AK_MCA(what) __asm__ volatile("// LLVM-MCA-" what ::: "memory")
#else
#define AK_MCA(what) __asm__ volatile("# LLVM-MCA-" what ::: "memory")
#endif

namespace ak {
namespace AK_ISA_NS {
namespace mca {

#define AK_MCA_UNARY(op, V, tag)                                                  \
  extern "C" void mca_##tag(const V::T* x, V::T* y, size_t n) {                   \
    const kern::op::K<V> k(Params{});                                             \
    for (size_t i = 0; i + V::N <= n; i += V::N) {                                \
      AK_MCA("BEGIN " #tag);                                                      \
      store(y + i, k(load(x + i)));                                               \
      AK_MCA("END " #tag);                                                        \
    }                                                                             \
  }

AK_MCA_UNARY(relu, Vf, relu_f32)
AK_MCA_UNARY(sigmoid, Vf, sigmoid_f32)
AK_MCA_UNARY(tanh, Vf, tanh_f32)
AK_MCA_UNARY(gelu, Vf, gelu_f32)
AK_MCA_UNARY(silu, Vf, silu_f32)
AK_MCA_UNARY(sigmoid, Vd, sigmoid_f64)
AK_MCA_UNARY(gelu, Vd, gelu_f64)

// softmax's row pass (float32, shp::softmax_row_scaled): e = 2^j·e^x with the max's
// scaling folded into exp, stored, and summed in float64 lanes.
extern "C" double mca_softmax_f32(const float* x, float* y, size_t n, float m) {
  using namespace mathd;
  const Vf j = splat<Vf>(-std::floor(m * 0x1.715476p+0f));
  const Vf lo = splat<Vf>(m - 128);
  shp::Acc<Vf> acc;
  for (size_t i = 0; i + Vf::N <= n; i += Vf::N) {
    AK_MCA("BEGIN softmax_f32");
    const Vf v = maxFast(lo, load(x + i));
    Vf e_n;
    const Vf rr = reduce_ln2(v, e_n);
    const Vf e = ldexp_int(expm1_reduced(rr) + K<Vf>(1), e_n + j);
    store(y + i, e);
    acc.add(e);
    AK_MCA("END softmax_f32");
  }
  acc.all_lanes_total();
  Vd s[shp::Acc<Vf>::kParts];
  acc.lanes(s);
  return lane0(s[0]);
}

}  // namespace mca
}  // namespace AK_ISA_NS
}  // namespace ak

// native/kernels/half_tile.h -- every float32 element-wise kernel over 16-bit storage
// (float16 or bfloat16 bit patterns): widen a tile to float32 exactly, run the float32
// kernel on it, round once to the output type. Included by isa/table.inc after
// vec/half.h, so each level converts with its own instructions and computes with its
// own float32 kernels: the half results are those of the float32 op, rounded once.
//
// The tile lives on the stack and is small enough to stay in L1 with the 16-bit input
// and output beside it (three float32 tiles for a backward call), so the widened data
// is never written to memory. A float32 output ("widen on the way out") needs no
// buffer at all: the input is widened into the output and the kernel runs in place.
#ifndef AK_KERNELS_HALF_TILE_H_
#define AK_KERNELS_HALF_TILE_H_

#include <cstddef>
#include <cstdint>
#include <type_traits>

#include "signatures.h"

namespace ak {
namespace AK_ISA_NS {
namespace half {

// 1024 floats: 4 KiB per buffer, a multiple of every kernel's unroll × lanes, so only
// a call's last tile runs a kernel's masked tail (as with runtime/tiled.h's tiles).
constexpr size_t kTile = 1024;

template <HalfFormat F>
AK_INLINE void widen(const uint16_t* src, float* dst, size_t n) {
  if constexpr (F == kFloat16) widen_f16(src, dst, n); else widen_bf16(src, dst, n);
}
template <HalfFormat F>
AK_INLINE void narrow(const float* src, uint16_t* dst, size_t n) {
  if constexpr (F == kFloat16) narrow_f16(src, dst, n); else narrow_bf16(src, dst, n);
}

// The inner float32 call writes into a tile (or an output it just widened): streaming
// stores would push that tile out of the cache right before it is read again.
inline Params in_cache(Params p) {
  p.stream = false;
  return p;
}

// y = op(x), x in format F; y in F (Out = uint16_t) or float32. x == y allowed (each
// tile is read before it is written).
template <HalfFormat F, class Out, UnaryKernel<float> K>
void unary(const uint16_t* x, Out* y, size_t n, const Params& p) {
  const Params q = in_cache(p);
  alignas(64) float t[std::is_same<Out, float>::value ? 1 : kTile];
  for (size_t i = 0; i < n; i += kTile) {
    const size_t m = n - i < kTile ? n - i : kTile;
    if constexpr (std::is_same<Out, float>::value) {
      widen<F>(x + i, y + i, m);
      K(y + i, y + i, m, q);
    } else {
      widen<F>(x + i, t, m);
      K(t, t, m, q);
      narrow<F>(t, y + i, m);
    }
  }
}

// dx = dy·f'(in), dy and in in format F; dx in F or float32. dx may be dy or in.
template <HalfFormat F, class Out, BwdKernel<float> K>
void backward(const uint16_t* dy, const uint16_t* in, Out* dx, size_t n, const Params& p) {
  const Params q = in_cache(p);
  alignas(64) float a[std::is_same<Out, float>::value ? 1 : kTile];
  alignas(64) float b[kTile];
  for (size_t i = 0; i < n; i += kTile) {
    const size_t m = n - i < kTile ? n - i : kTile;
    widen<F>(in + i, b, m);
    if constexpr (std::is_same<Out, float>::value) {
      widen<F>(dy + i, dx + i, m);
      K(dx + i, b, dx + i, m, q);
    } else {
      widen<F>(dy + i, a, m);
      K(a, b, a, m, q);
      narrow<F>(a, dx + i, m);
    }
  }
}

}  // namespace half
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_KERNELS_HALF_TILE_H_

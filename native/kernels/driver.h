// native/kernels/driver.h -- turns an op's per-vector function into a kernel over an
// array: an unrolled main loop, single vectors, then one masked partial vector.
// Included after vec/vec.h in an ISA translation unit (namespace ak::AK_ISA_NS).
#ifndef AK_KERNELS_DRIVER_H_
#define AK_KERNELS_DRIVER_H_

#include <cstdint>
#include <type_traits>

#include "signatures.h"

namespace ak {
namespace AK_ISA_NS {
namespace kern {

// Base of every op: kUnroll independent vectors per main-loop trip hide the latency
// of long dependency chains (the polynomial of exp, a division) behind each other.
template <int Unroll>
struct OpBase {
  static constexpr int kUnroll = Unroll;
};

// y[i] = op(x[i]) for i in [0, n). Reads and writes only [0, n) of each array: the
// tail goes through loadPartial/storePartial, which never touch (nor fault on) lanes
// past n. x == y works because every vector is loaded before its store.
// An op may name a cheaper op that computes it exactly for some parameters
// (`using Special = ...; static bool special(T a, T b)`): the choice is made once per
// call, not per vector, so each loop is the other op's own tight loop.
template <class Op, class = void>
struct HasSpecial : std::false_type {};
template <class Op>
struct HasSpecial<Op, std::void_t<typename Op::Special>> : std::true_type {};

// y[i] = k(x[i]) for i in [i0, n): the unrolled main loop, single vectors, then one
// masked partial vector; whole vectors are written with store(), or non-temporally with
// stream() (y + i0 then aligned to the vector size).
template <bool kStream, size_t U, class V, class Kf>
AK_INLINE void map_from(const Kf& k, const typename V::T* x, typename V::T* y, size_t i, size_t n) {
  constexpr size_t N = V::N;
  auto put = [](typename V::T* q, V v) {
    if constexpr (kStream) stream(q, v); else store(q, v);
  };
  if (n - i >= U * N) {
    for (; i <= n - U * N; i += U * N) {
      V v[U];
      for (size_t u = 0; u < U; ++u) v[u] = load(x + i + u * N);
      for (size_t u = 0; u < U; ++u) v[u] = k(v[u]);
      for (size_t u = 0; u < U; ++u) put(y + i + u * N, v[u]);
    }
  }
  for (; i + N <= n; i += N) put(y + i, k(load(x + i)));
  if (i < n) storePartial(y + i, k(loadPartial(x + i, n - i)), n - i);
}

template <class Op, class V>
void unary_map(const typename V::T* x, typename V::T* y, size_t n, const Params& p) {
  using T = typename V::T;
  if constexpr (HasSpecial<Op>::value) {
    if (Op::special(static_cast<T>(p.a), static_cast<T>(p.b))) return unary_map<typename Op::Special, V>(x, y, n, p);
  }
  using K = typename Op::template K<V>;
  const K k(p);  // per-call constants (splatted parameters) hoisted out of the loop
  constexpr size_t N = V::N;
  constexpr size_t U = static_cast<size_t>(Op::kUnroll);
  // One partial vector up to the first vector-aligned element of y, so that the whole
  // vectors after it are aligned stores (an unaligned one spans two cache lines: the
  // cheap ops are bound by the stores), and streamed ones (non-temporal) for large
  // outputs, the fence ordering them before the tile is reported done. Small calls
  // (under two trips of the main loop) skip the extra partial vector.
  size_t i = 0;
  const size_t mis = (reinterpret_cast<uintptr_t>(y) / sizeof(T)) % N;
  if (mis != 0 && (p.stream || n >= 2 * U * N)) {
    i = n < N - mis ? n : N - mis;
    storePartial(y, k(loadPartial(x, i)), i);
  }
  if (!p.stream) {
    map_from<false, U, V>(k, x, y, i, n);
    return;
  }
  map_from<true, U, V>(k, x, y, i, n);
  stream_fence();
}

// y[i] = op(x[i] + bias): the op's own functor on sums formed in the lane type (b null:
// p.bias for every element), the main loop unrolled as unary_map's. Never streams: a
// fused call's output goes through L1-sized chunks.
template <class Op, class V>
void unary_map_bias(const typename V::T* x, const typename V::T* b, typename V::T* y, size_t n, const Params& p) {
  using T = typename V::T;
  if constexpr (HasSpecial<Op>::value) {
    if (Op::special(static_cast<T>(p.a), static_cast<T>(p.b))) return unary_map_bias<typename Op::Special, V>(x, b, y, n, p);
  }
  using K = typename Op::template K<V>;
  const K k(p);
  if (b == nullptr) {
    const V bs = splat<V>(static_cast<T>(p.bias));
    const auto kb = [&](V v) { return k(v + bs); };
    map_from<false, static_cast<size_t>(Op::kUnroll), V>(kb, x, y, 0, n);
    return;
  }
  constexpr size_t N = V::N;
  constexpr size_t U = static_cast<size_t>(Op::kUnroll);
  size_t i = 0;
  if (n >= U * N) {
    for (; i <= n - U * N; i += U * N) {
      V v[U];
      for (size_t u = 0; u < U; ++u) v[u] = load(x + i + u * N) + load(b + i + u * N);
      for (size_t u = 0; u < U; ++u) v[u] = k(v[u]);
      for (size_t u = 0; u < U; ++u) store(y + i + u * N, v[u]);
    }
  }
  for (; i + N <= n; i += N) store(y + i, k(load(x + i) + load(b + i)));
  if (i < n) storePartial(y + i, k(loadPartial(x + i, n - i) + loadPartial(b + i, n - i)), n - i);
}

}  // namespace kern
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_KERNELS_DRIVER_H_

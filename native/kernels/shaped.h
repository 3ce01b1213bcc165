// native/kernels/shaped.h -- softmax / logSoftmax (forward and backward), prelu and
// maxout kernels, templates over the vector type. Semantics: lib/fallback/shaped.ts.
//
// Arrays are outer × len × inner around the axis (see kernels/signatures.h). Two layouts:
//  - contiguous rows (inner == 1): each row is vectorized along the axis, its max and
//    sums reduced across lanes;
//  - strided rows (inner > 1): vectors run across `cols` adjacent columns (one row per
//    lane), stepping along the axis by `inner`; no horizontal reduction.
// Both go through the same pass functions, parametrized by a Walk (how a row is cut
// into vectors) so the arithmetic is written once.
//
// Softmax of a row: m = max (NaN if any NaN), e_k = e^(x_k − m) with x_k − m carried
// exactly (two-sum; e^(d + dl) = e^d(1 + dl)), t = Σ e_k − 1 accumulated in float64
// without the max's own term (ties: each further max adds exactly 1), so logSoftmax can
// take log1p(t) (accurate when one element dominates). A row with +Inf, or of −Inf
// only, has t = NaN (as the twin: its e^(Inf − Inf)). softmax = e/(1 + t),
// logSoftmax = ((x − m) − log1p(t)) + dl.
#ifndef AK_KERNELS_SHAPED_H_
#define AK_KERNELS_SHAPED_H_

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "signatures.h"
#include "unary.h"

namespace ak {
namespace AK_ISA_NS {
namespace shp {

using kern::two_sum_err;
template <class V> using T_ = typename V::T;

template <class V>
AK_INLINE V inf_v() { return splat<V>(std::numeric_limits<T_<V>>::infinity()); }
template <class V>
AK_INLINE V nan_v() { return splat<V>(std::numeric_limits<T_<V>>::quiet_NaN()); }

// Lanes [0, r) set: compares a lane-index vector against r.
template <class V>
AK_INLINE typename V::M lanes_below(size_t r) {
  alignas(64) static constexpr T_<V> kIota[16] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
  static_assert(V::N <= 16, "kIota too short");
  return lt(load(kIota), splat<V>(T_<V>(r)));
}

template <class V>
AK_INLINE V load_n(const T_<V>* p, size_t r) { return r == V::N ? load(p) : loadPartial(p, r); }
template <class V>
AK_INLINE void store_n(T_<V>* p, V v, size_t r) {
  if (r == V::N) store(p, v); else storePartial(p, v, r);
}
// Lanes past r (contiguous rows only) read as −Inf: neutral for the max, e^−Inf = 0 in
// the sums, and never equal to a finite max.
// Neg: the row read as −x (softmin), negated before the padding.
template <class V, bool Neg>
AK_INLINE V neg_if(V v) {
  if constexpr (Neg) return -v; else return v;
}
template <class V, bool Neg = false>
AK_INLINE V load_row(const T_<V>* p, size_t r) {
  return r == V::N ? neg_if<V, Neg>(load(p)) : select(lanes_below<V>(r), neg_if<V, Neg>(loadPartial(p, r)), -inf_v<V>());
}

// The max of the lanes, NaN if any is NaN (once per row: through memory, which also
// keeps GCC 12's -Wuninitialized noise about its own AVX-512 shuffle intrinsics away).
template <class V>
AK_INLINE T_<V> lanes_max(V v) {
  alignas(64) T_<V> b[V::N];
  store(b, v);
  T_<V> m = b[0];
  for (size_t i = 1; i < V::N; ++i) m = (b[i] > m || b[i] != b[i]) && m == m ? b[i] : m;
  return m;
}

// The sum of the lanes, in lane order (through memory, as lanes_max).
template <class V>
AK_INLINE T_<V> lanes_sum(V v) {
  alignas(64) T_<V> b[V::N];
  store(b, v);
  T_<V> s = b[0];
  for (size_t i = 1; i < V::N; ++i) s += b[i];
  return s;
}

// Per-lane float64 sums of lanes of V. float32: exact products/terms summed in float64
// (error ~len·2^-53, far below float32's); float64: compensated (Neumaier by two-sum).
template <class V> struct Acc;
template <> struct Acc<Vf> {
  Vd s[kx::kParts];
  Acc() { for (auto& v : s) v = zero<Vd>(); }
  AK_INLINE void add(Vf e) {
    Vd w[kx::kParts];
    kx::widen(e, w);
    for (int i = 0; i < kx::kParts; ++i) s[i] = s[i] + w[i];
  }
  AK_INLINE void add_prod(Vf a, Vf b) {
    Vd wa[kx::kParts], wb[kx::kParts];
    kx::widen(a, wa);
    kx::widen(b, wb);
    for (int i = 0; i < kx::kParts; ++i) s[i] = fma(wa[i], wb[i], s[i]);
  }
  AK_INLINE void all_lanes_total() {
    double t = 0;
    for (int i = 0; i < kx::kParts; ++i) t += lanes_sum(s[i]);
    for (auto& v : s) v = splat<Vd>(t);
  }
  AK_INLINE void lanes(Vd* out) const { for (int i = 0; i < kx::kParts; ++i) out[i] = s[i]; }
  static constexpr int kParts = kx::kParts;
};
template <> struct Acc<Vd> {
  Vd s = zero<Vd>(), c = zero<Vd>();
  AK_INLINE void add(Vd e) {
    const Vd u = s + e;
    c = c + two_sum_err(s, e, u);
    s = u;
  }
  AK_INLINE void add_prod(Vd a, Vd b) { add(a * b); }
  // The lanes' partial sums are added with their own compensation (Neumaier): a plain
  // sum of 8 lanes lost up to ~4 ULP of the row sum at avx512 (measured).
  AK_INLINE void all_lanes_total() {
    alignas(64) double bs[Vd::N], bc[Vd::N];
    store(bs, s);
    store(bc, c);
    double hi = bs[0], lo = bc[0];
    for (size_t i = 1; i < Vd::N; ++i) {
      const double t = hi + bs[i];
      lo += std::fabs(hi) >= std::fabs(bs[i]) ? (hi - t) + bs[i] : (bs[i] - t) + hi;
      lo += bc[i];
      hi = t;
    }
    s = splat<Vd>(hi);
    c = splat<Vd>(lo);
  }
  // An infinite or NaN sum has a NaN compensation: the sum is the answer then.
  AK_INLINE void lanes(Vd* out) const {
    out[0] = select(lt(abs(s), inf_v<Vd>()), s + c, s);
  }
  static constexpr int kParts = 1;
};

// Float64 lanes of V -> V, and back.
AK_INLINE void to_d(Vf v, Vd* out) { kx::widen(v, out); }
AK_INLINE void to_d(Vd v, Vd* out) { out[0] = v; }
template <class V> AK_INLINE V from_d(const Vd* in);
template <> AK_INLINE Vf from_d<Vf>(const Vd* in) { return kx::narrow(in); }
template <> AK_INLINE Vd from_d<Vd>(const Vd* in) { return in[0]; }

// How a row is cut into vectors. Contig: along the axis, N elements at a time, the row's
// statistics reduced across lanes. Strided: one step of `inner` per axis position, `cols`
// (<= N) adjacent rows in the lanes. Neg: load_x reads −x (softmin).
template <class V, bool Neg = false>
struct Contig {
  size_t len;
  template <class F>
  AK_INLINE void each(F&& f) const {
    size_t k = 0;
    for (; k + V::N <= len; k += V::N) f(k, V::N);
    if (k < len) f(k, len - k);
  }
  AK_INLINE V load_x(const T_<V>* p, size_t r) const { return load_row<V, Neg>(p, r); }
  static constexpr bool kNeg = Neg;
  AK_INLINE V reduce_max(V m) const { return splat<V>(lanes_max(m)); }
  AK_INLINE V reduce_sum(V m) const { return splat<V>(lanes_sum(m)); }
  static constexpr bool kReduce = true;
};
template <class V, bool Neg = false>
struct Strided {
  size_t len, inner, cols;
  template <class F>
  AK_INLINE void each(F&& f) const {
    for (size_t k = 0; k < len; ++k) f(k * inner, cols);
  }
  AK_INLINE V load_x(const T_<V>* p, size_t r) const { return neg_if<V, Neg>(load_n<V>(p, r)); }
  static constexpr bool kNeg = Neg;
  AK_INLINE V reduce_max(V m) const { return m; }
  AK_INLINE V reduce_sum(V m) const { return m; }
  static constexpr bool kReduce = false;
};

// e^(v − m) with v − m = d + dl exactly (dl = 0 where d is infinite).
template <class V>
AK_INLINE V exp_diff(V v, V m, V* d_out, V* dl_out) {
  const V d = v - m;
  V dl = two_sum_err(v, -m, d);
  dl = select(lt(abs(d), inf_v<V>()), dl, zero<V>());
  *d_out = d;
  *dl_out = dl;
  const V e = exp_(d);
  return fma(e, dl, e);
}

// The row statistics: m (per lane, reduced for Contig), and per lane in float64 either
// S = 1 + t (want_log false) or log1p(t), converted to V. `e_out`: where to store e_k
// (softmax forward), or null.
template <class V, class W>
AK_INLINE void row_stats(const W& w, const T_<V>* x, T_<V>* e_out, bool log, V* m_out, V* st_out) {
  V m = -inf_v<V>();
  w.each([&](size_t off, size_t r) { m = max(m, w.load_x(x + off, r)); });
  m = w.reduce_max(m);
  Acc<V> acc;
  V cnt = zero<V>();
  const V one = splat<V>(T_<V>(1));
  if (log) {
    w.each([&](size_t off, size_t r) {
      const V v = w.load_x(x + off, r);
      V d, dl;
      const V e = exp_diff(v, m, &d, &dl);
      const auto tie = eq(v, m);
      acc.add(select(tie, zero<V>(), e));
      cnt = cnt + select(tie, one, zero<V>());
    });
  } else {
    // softmax needs S = 1 + t only to its relative precision: Σe straight (the max's
    // term is 1), and the NaN rows come out by themselves (e^(Inf − Inf) is NaN).
    // e^(d + dl) with dl folded into the reduced argument, as softmax_row_fast computes it:
    // a row gives the same bits on either path, whatever tiling (which groups of strided
    // columns go which way) a call was cut into.
    w.each([&](size_t off, size_t r) {
      const V v = w.load_x(x + off, r);
      const V d = v - m;
      V dl = two_sum_err(v, -m, d);
      dl = select(lt(abs(d), inf_v<V>()), dl, zero<V>());
      const V e = exp_dd_(d, dl);
      if (e_out) store_n(e_out + off, e, r);
      acc.add(e);
    });
    cnt = zero<V>();  // t = S − 1 below, S = t + 1 again (exact for S in [1, 2])
  }
  if (W::kReduce) {
    acc.all_lanes_total();
    cnt = w.reduce_sum(cnt);
  }
  Vd s[Acc<V>::kParts], c[Acc<V>::kParts], md[Acc<V>::kParts], r[Acc<V>::kParts];
  acc.lanes(s);
  to_d(cnt, c);
  to_d(m, md);
  for (int i = 0; i < Acc<V>::kParts; ++i) {
    Vd t = s[i] + (c[i] - splat<Vd>(1.0));
    t = select(lt(abs(md[i]), inf_v<Vd>()), t, nan_v<Vd>());  // ±Inf max: NaN row
    r[i] = log ? log1p_(t) : t + splat<Vd>(1.0);
  }
  *m_out = m;
  *st_out = from_d<V>(r);
}

// e / S: by the reciprocal rs = 1/S and one correction with the exact residual
// e − q·S (FMA), which gives the quotient to within a hair of correct rounding at
// three FMA-port operations instead of a division. Without FMA: the division.
template <class V>
AK_INLINE V div_by(V e, V S, V rs) {
  if constexpr (kHasFma) {
    const V q = e * rs;
    return fma(fnma(q, S, e), rs, q);
  } else {
    (void)rs;
    return e / S;
  }
}

// Softmax forward on the common row: every max finite and |m| < 2^20 (float) / 2^40
// (double). Each v is first raised to at least m − 128 (float) / m − 760 (double), whose
// e^(v − m) rounds to 0 as the true value does, so d = v − m is finite and small and
// e^(d + dl) needs none of exp_'s clamps or the infinite-d guard; |m| bounded keeps
// m − 128 within ulp(m) of its value. exp_dd_ computes the same e in row_stats for d
// down to its clamp, below which both give 0. Returns false, having written nothing,
// for the other rows (row_stats' path).
template <class V, class W>
AK_INLINE bool softmax_row_fast(const W& w, const T_<V>* x, T_<V>* y) {
  using namespace mathd;
  V m = -inf_v<V>();
  // The NaN-propagating max, as row_stats: a NaN row always takes row_stats' path.
  w.each([&](size_t off, size_t r) { m = max(m, w.load_x(x + off, r)); });
  m = w.reduce_max(m);
  if (!(lanes_max(abs(m)) < (kIsF32<V> ? T_<V>(0x1p20) : T_<V>(0x1p40)))) return false;
  const V floor = m - C<V>(128.0f, 760.0);
  Acc<V> acc;
  w.each([&](size_t off, size_t r) {
    const V v = maxFast(floor, w.load_x(x + off, r));
    const V d = v - m;
    const V dl = two_sum_err(v, -m, d);
    V n;
    const V rr = reduce_ln2(d, n) + dl;  // sets n: sequenced before n is read
    const V e = ldexp_int(exp_reduced(rr), n);
    store_n(y + off, e, r);
    acc.add(e);
  });
  if (W::kReduce) acc.all_lanes_total();
  Vd s[Acc<V>::kParts];
  acc.lanes(s);
  const V st = from_d<V>(s);
  const V rs = splat<V>(T_<V>(1)) / st;
  w.each([&](size_t off, size_t r) { store_n(y + off, div_by(load_n<V>(y + off, r), st, rs), r); });
  return true;
}

// Softmax forward (float32) on a contiguous row with |m| <= 40, the usual
// logits: e_k = e^(x_k) · 2^j, j = −⌊m·log2e⌋, with 2^j folded into exp's own final
// scaling, so no argument x − m is ever rounded (nor carried as d + dl) and the largest
// term lies in [1, 2). Each x_k is first raised to at least m − 128 / m − 760 (its term
// is 0 there either way), which keeps the reduction within its exact range. A row is one
// tile's, so which path a row takes never depends on the tiling.
// Rows up to this long keep e in a per-thread scratch row when the output is streamed.
constexpr size_t kScratchRow = 8192;

template <class V, class W>
AK_INLINE bool softmax_row_scaled(const W& w, const T_<V>* x, T_<V>* y, bool streamed) {
  using namespace mathd;
  using T = T_<V>;
  // maxFast may drop a NaN: then the NaN entry's e, the sum and so the whole row are NaN,
  // as they must be (a row is never split, so no other path sees it).
  V mv = -inf_v<V>();
  w.each([&](size_t off, size_t r) { mv = maxFast(mv, w.load_x(x + off, r)); });
  const T m = lanes_max(mv);
  if (!(m >= -(kIsF32<V> ? T(40) : T(0x1p20)) && m <= (kIsF32<V> ? T(40) : T(0x1p20)))) return false;
  const V j = splat<V>(-std::floor(m * (kIsF32<V> ? T(0x1.715476p+0f) : T(0x1.71547652b82fep+0))));
  const V floor = splat<V>(m - (kIsF32<V> ? T(128) : T(760)));
  // Streamed output: e goes to a scratch row (L1) and y is written once, non-temporally.
  alignas(64) static thread_local T scratch[kScratchRow];
  streamed = streamed && w.len <= kScratchRow;
  T* const e_row = streamed ? scratch : y;
  Acc<V> acc;
  w.each([&](size_t off, size_t r) {
    const V v = maxFast(floor, w.load_x(x + off, r));
    V n;
    const V rr = reduce_ln2(v, n);  // sets n: sequenced before n is read
    const V e = ldexp_int(expm1_reduced(rr) + K<V>(1), n + j);
    store_n(e_row + off, e, r);
    acc.add(e);
  });
  acc.all_lanes_total();
  Vd s[Acc<V>::kParts], sh[Acc<V>::kParts];
  acc.lanes(s);
  // S as hi + lo in V: its float64 value (not a float rounding of it) divides, so rows of
  // equal entries give exactly 1/len and every quotient is within a hair of correct rounding.
  const V st = from_d<V>(s);
  to_d(st, sh);
  for (int i = 0; i < Acc<V>::kParts; ++i) sh[i] = s[i] - sh[i];
  const V st_lo = from_d<V>(sh);
  const V rs = splat<V>(T(1)) / st;
  auto quotient = [&](V e) {
    V q;
    if constexpr (kHasFma) {
      q = e * rs;
      q = fma(fnma(q, st_lo, fnma(q, st, e)), rs, q);
    } else {  // no FMA (the portable scalar build): divide in float64, round once
      Vd wq[Acc<V>::kParts];
      to_d(e, wq);
      for (int i = 0; i < Acc<V>::kParts; ++i) wq[i] = wq[i] / s[i];
      q = from_d<V>(wq);
    }
    return q;
  };
  if (!streamed) {
    w.each([&](size_t off, size_t r) { store_n(y + off, quotient(load_n<V>(y + off, r)), r); });
    return true;
  }
  // y is aligned to its element size (a typed array's): plain stores up to the first
  // vector-aligned element, whole vectors streamed, the tail plain again.
  constexpr size_t N = V::N;
  const size_t len = w.len;
  const size_t mis = (reinterpret_cast<uintptr_t>(y) / sizeof(T)) % N;
  size_t k = mis == 0 ? 0 : std::min(len, N - mis);
  if (k > 0) store_n(y, quotient(load_n<V>(e_row, k)), k);
  for (; k + N <= len; k += N) stream(y + k, quotient(load(e_row + k)));
  if (k < len) store_n(y + k, quotient(load_n<V>(e_row + k, len - k)), len - k);
  return true;
}

// logSoftmax forward (float32) on a contiguous row with |m| <= 40: the terms scaled as
// softmax_row_scaled's, e'_k = e^(x_k)·2^j, and t = Σ e^(x_k − m) over the entries other
// than the maxima as (Σ' e'_k) / e'_m, with e'_m = e^m·2^j in float64 (so t keeps exp's
// relative error in float, ~1 ULP, however small t is: y at the maximum is −log1p(t)),
// each further maximum adding exactly 1. Then y = (x − m) − log1p(t): no two-sum, since
// x − m ≤ 0 and log1p(t) ≥ 0 do not cancel, the one rounding of x − m is within ulp(y).
// A NaN entry passes the floor (maxFast's second operand) and makes the row NaN.
template <class V, class W>
AK_INLINE bool log_softmax_row_scaled(const W& w, const T_<V>* x, T_<V>* y) {
  using namespace mathd;
  using T = T_<V>;
  V mv = -inf_v<V>();
  w.each([&](size_t off, size_t r) { mv = maxFast(mv, w.load_x(x + off, r)); });
  // Per row, the scalar steps (m, e'_m, log1p) are a latency chain the passes wait on:
  // m by a shuffle tree, e'_m issued before the exp pass, which hides it.
  const T m = hmax(mv);
  if (!(m >= T(-40) && m <= T(40))) return false;
  const T jf = -std::floor(m * T(0x1.715476p+0f));
  const Vd em = ldexp_int(exp_(splat<Vd>(double(m))), splat<Vd>(double(jf)));
  const V j = splat<V>(jf), mvec = splat<V>(m), one = splat<V>(T(1));
  const V floor = splat<V>(m - T(128));
  Acc<V> acc;
  V cnt = zero<V>();
  // The terms other than the maxima (0 in their place), the maxima counted.
  const auto term = [&](size_t off, size_t r) {
    const V xv = w.load_x(x + off, r);
    const V v = maxFast(floor, xv);
    V n;
    const V rr = reduce_ln2(v, n);  // sets n: sequenced before n is read
    const V e = ldexp_int(expm1_reduced(rr) + K<V>(1), n + j);
    const auto tie = eq(xv, mvec);
    cnt = cnt + select(tie, one, zero<V>());
    return select(tie, zero<V>(), e);
  };
  // Two vectors' terms added in float before widening: one more rounding of ≤ 2^-24 of
  // a pair, so ≤ 2^-24·t in all (exact for subnormal terms), at half the conversions.
  size_t k = 0;
  for (; k + 2 * V::N <= w.len; k += 2 * V::N) {
    const V a = term(k, V::N);
    acc.add(a + term(k + V::N, V::N));
  }
  if (k < w.len) acc.add(term(k, std::min(V::N, w.len - k)));
  if (k + V::N < w.len) acc.add(term(k + V::N, w.len - k - V::N));
  acc.all_lanes_total();
  Vd s[Acc<V>::kParts];
  acc.lanes(s);
  const Vd t = s[0] / em + splat<Vd>(double(hsum(cnt)) - 1.0);
  Vd l[Acc<V>::kParts];
  for (auto& li : l) li = log1p_(t);
  const V st = from_d<V>(l);
  w.each([&](size_t off, size_t r) { store_n(y + off, (load_n<V>(x + off, r) - mvec) - st, r); });
  return true;
}

template <class V, class W>
AK_INLINE void softmax_row(const W& w, const T_<V>* x, T_<V>* y, bool log, bool streamed) {
  if constexpr (W::kReduce) {
    // float32 only: in float64 the scaled form measured worse (2.74 against 2.14 ULP on
    // random rows centred up to ±500: e^x of large |x| carries its reduction's error).
    if (mathd::kIsF32<V> && !log && softmax_row_scaled<V, W>(w, x, y, streamed)) return;
    if (mathd::kIsF32<V> && log && log_softmax_row_scaled<V, W>(w, x, y)) return;
  }
  if (!log && softmax_row_fast<V>(w, x, y)) return;
  V m, st;
  row_stats<V>(w, x, log ? nullptr : y, log, &m, &st);
  const V rs = splat<V>(T_<V>(1)) / st;
  if (log) {
    w.each([&](size_t off, size_t r) {
      const V v = load_n<V>(x + off, r);
      const V d = v - m;
      V dl = two_sum_err(v, -m, d);
      dl = select(lt(abs(d), inf_v<V>()), dl, zero<V>());
      store_n(y + off, (d - st) + dl, r);
    });
  } else {
    w.each([&](size_t off, size_t r) { store_n(y + off, div_by(load_n<V>(y + off, r), st, rs), r); });
  }
}

// Runs `row(walk, offset)` over the tile: contiguous rows (inner == 1) one by one,
// strided blocks in column chunks of N.
template <class V, bool Neg = false, class F>
AK_INLINE void for_rows(size_t rows, size_t len, size_t inner, size_t cols, F&& row) {
  if (inner == 1) {
    const Contig<V, Neg> w{len};
    for (size_t o = 0; o < rows; ++o) row(w, o * len);
  } else {
    for (size_t o = 0; o < rows; ++o) {
      for (size_t c = 0; c < cols; c += V::N) {
        const Strided<V, Neg> w{len, inner, cols - c < V::N ? cols - c : V::N};
        row(w, o * len * inner + c);
      }
    }
  }
}

template <class V>
void softmax_rows(const T_<V>* x, T_<V>* y, size_t rows, size_t len, size_t inner, size_t cols, unsigned flags) {
  const bool log = (flags & kSoftmaxLog) != 0, streamed = (flags & kSoftmaxStream) != 0;
  const auto row = [&](const auto& w, size_t base) { softmax_row<V>(w, x + base, y + base, log, streamed); };
  if ((flags & kSoftmaxNeg) != 0) {
    for_rows<V, true>(rows, len, inner, cols, row);
  } else {
    for_rows<V>(rows, len, inner, cols, row);
  }
  if (streamed) stream_fence();
}

// softmax (softmin: kNeg) from y along a contiguous float32 row: Σdy·y as exact float64
// products in four independent accumulators (one chain of float64 adds was the row's
// critical path), then dx = y(dy − s) while the row is still in L1.
template <bool kNeg>
AK_INLINE void softmax_bwd_y_row(const float* dy, const float* y, float* dx, size_t len) {
  constexpr size_t N = Vf::N, U = 4;
  Acc<Vf> acc[U];
  size_t k = 0;
  for (; k + U * N <= len; k += U * N) {
    for (size_t u = 0; u < U; ++u) acc[u].add_prod(load(dy + k + u * N), load(y + k + u * N));
  }
  for (size_t u = 0; k + N <= len; k += N, ++u) acc[u].add_prod(load(dy + k), load(y + k));
  if (k < len) acc[U - 1].add_prod(loadPartial(dy + k, len - k), loadPartial(y + k, len - k));
  for (int i = 0; i < Acc<Vf>::kParts; ++i) acc[0].s[i] = (acc[0].s[i] + acc[1].s[i]) + (acc[2].s[i] + acc[3].s[i]);
  acc[0].all_lanes_total();
  Vd sd[Acc<Vf>::kParts];
  acc[0].lanes(sd);
  const Vf s = from_d<Vf>(sd);
  const auto one = [&](size_t off, size_t r) {
    const Vf p = load_n<Vf>(y + off, r), g = load_n<Vf>(dy + off, r);
    store_n(dx + off, kNeg ? -(p * (g - s)) : p * (g - s), r);
  };
  k = 0;
  for (; k + 2 * N <= len; k += 2 * N) {
    one(k, N);
    one(k + N, N);
  }
  for (; k < len; k += N) one(k, len - k < N ? len - k : N);
}

// Backward. From y: softmax dx = y(dy − Σdy·y), logSoftmax dx = dy − e^y·Σdy. From x:
// the probabilities p = e/(1 + t) recomputed from the row statistics on every pass.
// softmin (a Neg walk): the softmax gradient at −x, negated.
template <class V, class W>
AK_INLINE void softmax_bwd_row(const W& w, const T_<V>* dy, const T_<V>* y, const T_<V>* x, T_<V>* dx, bool log) {
  if constexpr (W::kReduce && mathd::kIsF32<V>) {
    if (y != nullptr && !log) return softmax_bwd_y_row<W::kNeg>(dy, y, dx, w.len);
  }
  V m = zero<V>(), st = zero<V>();
  if (y == nullptr) row_stats<V>(w, x, nullptr, false, &m, &st);
  auto prob = [&](size_t off, size_t r) -> V {
    if (y == nullptr) {
      V d, dl;
      return exp_diff(w.load_x(x + off, r), m, &d, &dl) / st;
    }
    const V v = load_n<V>(y + off, r);
    return log ? exp_(v) : v;
  };
  Acc<V> acc;
  w.each([&](size_t off, size_t r) {
    const V g = load_n<V>(dy + off, r);
    if (log) acc.add(g); else acc.add_prod(g, prob(off, r));
  });
  if (W::kReduce) acc.all_lanes_total();
  Vd sd[Acc<V>::kParts];
  acc.lanes(sd);
  const V s = from_d<V>(sd);
  w.each([&](size_t off, size_t r) {
    const V p = prob(off, r);
    const V g = load_n<V>(dy + off, r);
    if constexpr (W::kNeg) {
      store_n(dx + off, -(p * (g - s)), r);
    } else {
      store_n(dx + off, log ? fnma(p, s, g) : p * (g - s), r);
    }
  });
}

template <class V>
void softmax_bwd_rows(const T_<V>* dy, const T_<V>* y, const T_<V>* x, T_<V>* dx, size_t rows, size_t len,
                      size_t inner, size_t cols, unsigned flags) {
  const bool log = (flags & kSoftmaxLog) != 0;
  const auto row = [&](const auto& w, size_t base) {
    softmax_bwd_row<V>(w, dy + base, y ? y + base : nullptr, x ? x + base : nullptr, dx + base, log);
  };
  if ((flags & kSoftmaxNeg) != 0) {
    for_rows<V, true>(rows, len, inner, cols, row);
  } else {
    for_rows<V>(rows, len, inner, cols, row);
  }
}

// ---------------------------------------------------------------- prelu

// y = x > 0 ? x : α_c·x (NaN: NaN·α). One product: exact.
template <class V>
AK_INLINE V prelu_v(V v, V a) { return select(gt(v, zero<V>()), v, v * a); }

// α vector for channels [c, c + r) (inner == 1 layout) or the scalar.
template <class V>
AK_INLINE V alpha_at(const T_<V>* alpha, T_<V> scalar, size_t c, size_t r) {
  return alpha ? load_n<V>(alpha + c, r) : splat<V>(scalar);
}

// Whole rows of channels-last data, len a multiple of N: one contiguous run of vectors,
// the slopes' vector cycling with period len (no per-row loop setup, no partial vectors).
template <class V>
void prelu_rows(const T_<V>* x, T_<V>* y, const T_<V>* alpha, T_<V> scalar, size_t len, size_t total) {
  constexpr size_t N = V::N;
  if (!alpha) {
    const V a = splat<V>(scalar);
    size_t i = 0;
    for (; i + 2 * N <= total; i += 2 * N) {
      const V v0 = load(x + i), v1 = load(x + i + N);
      store(y + i, prelu_v(v0, a));
      store(y + i + N, prelu_v(v1, a));
    }
    for (; i < total; i += N) store(y + i, prelu_v(load(x + i), a));
    return;
  }
  size_t j = 0, i = 0;
  if (len % (2 * N) == 0) {
    for (; i < total; i += 2 * N) {
      const V v0 = load(x + i), v1 = load(x + i + N);
      store(y + i, prelu_v(v0, load(alpha + j)));
      store(y + i + N, prelu_v(v1, load(alpha + j + N)));
      j = j + 2 * N == len ? 0 : j + 2 * N;
    }
    return;
  }
  for (; i < total; i += N) {
    store(y + i, prelu_v(load(x + i), load(alpha + j)));
    j = j + N == len ? 0 : j + N;
  }
}

template <class V>
void prelu_box(const T_<V>* x, T_<V>* y, const T_<V>* alpha, T_<V> scalar, size_t len, size_t inner, const Box& b) {
  constexpr size_t N = V::N;
  if (inner == 1 && b.c0 == 0 && b.c1 == len && len % N == 0) {
    const size_t base = b.o0 * len;
    return prelu_rows<V>(x + base, y + base, alpha, scalar, len, (b.o1 - b.o0) * len);
  }
  for (size_t o = b.o0; o < b.o1; ++o) {
    if (inner == 1) {
      const size_t base = o * len;
      for (size_t c = b.c0; c < b.c1; c += N) {
        const size_t r = b.c1 - c < N ? b.c1 - c : N;
        store_n(y + base + c, prelu_v(load_n<V>(x + base + c, r), alpha_at<V>(alpha, scalar, c, r)), r);
      }
      continue;
    }
    for (size_t c = b.c0; c < b.c1; ++c) {
      const V a = splat<V>(alpha ? alpha[c] : scalar);
      const size_t base = (o * len + c) * inner;
      size_t i = b.i0;
      for (; i + 2 * N <= b.i1; i += 2 * N) {
        const V v0 = load(x + base + i), v1 = load(x + base + i + N);
        store(y + base + i, prelu_v(v0, a));
        store(y + base + i + N, prelu_v(v1, a));
      }
      for (; i < b.i1; i += N) {
        const size_t r = b.i1 - i < N ? b.i1 - i : N;
        store_n(y + base + i, prelu_v(load_n<V>(x + base + i, r), a), r);
      }
    }
  }
}

// dx = x > 0 ? dy : dy·α_c (NaN where x is NaN); the term of dα_c is x·dy where x is not
// > 0 (a NaN x gives a NaN term, as the twin). partial[c - c0] (sum) and
// partial[(c1 - c0) + c - c0] (compensation) receive the box's float64 sums per channel.
template <class V>
AK_INLINE V prelu_dx(V g, V v, V a) {
  const auto pos = gt(v, zero<V>());
  return select(pos, g, select(isnan(v), v, g * a));
}

// The inner == 1 layout, channels [c, c + w) with w <= kB·N: slot j += v_j·g_j over
// rows [o0, o1) in o order, compensated per slot (Neumaier by two-sum; float32: the
// product is exact in float64; float64: its rounding error joins the compensation),
// sums and compensations held in registers and stored to ps, pc once (a load and a
// store of every slot on every row made the loop latency-bound).
template <class V, size_t kB, bool kFull>
AK_INLINE void prelu_bwd_cols(const T_<V>* dy, const T_<V>* x, const T_<V>* alpha, T_<V> scalar, T_<V>* dx, size_t len,
                              size_t o0, size_t o1, size_t c, size_t w, double* ps, double* pc) {
  constexpr size_t N = V::N;
  constexpr bool kF = std::is_same<V, Vf>::value;
  constexpr int P = kF ? kx::kParts : 1;
  // kFull (w = kB·N): fixed trip counts, so that the arrays below become registers.
  Vd s[kB][P], k[kB][P];
  V a[kB];
  size_t rn[kB];
  for (size_t j = 0; j < kB; ++j) {
    rn[j] = kFull ? N : (w > j * N ? (w - j * N < N ? w - j * N : N) : 0);
    a[j] = kFull ? alpha_at<V>(alpha, scalar, c + j * N, N) : rn[j] ? alpha_at<V>(alpha, scalar, c + j * N, rn[j]) : zero<V>();
    for (int q = 0; q < P; ++q) s[j][q] = k[j][q] = zero<Vd>();
  }
  for (size_t o = o0; o < o1; ++o) {
    const size_t base = o * len + c;
    for (size_t j = 0; j < kB; ++j) {
      if (!kFull && rn[j] == 0) break;
      const size_t off = base + j * N;
      const V g = kFull ? load(dy + off) : load_n<V>(dy + off, rn[j]);
      const V v = kFull ? load(x + off) : load_n<V>(x + off, rn[j]);
      if (kFull) store(dx + off, prelu_dx(g, v, a[j])); else store_n(dx + off, prelu_dx(g, v, a[j]), rn[j]);
      const auto neg = mnot(gt(v, zero<V>()));
      const V nv = select(neg, v, zero<V>()), ng = select(neg, g, zero<V>());
      Vd pr[P], pe[P];
      if constexpr (kF) {
        Vd wv[P], wg[P];
        kx::widen(nv, wv);
        kx::widen(ng, wg);
        for (int q = 0; q < P; ++q) pr[q] = wv[q] * wg[q];
      } else {
        pr[0] = nv * ng;
        pe[0] = kern::finite_or_zero(two_prod_err(nv, ng, pr[0]));
      }
      for (int q = 0; q < P; ++q) {
        const Vd u = s[j][q] + pr[q];
        const Vd e = two_sum_err(s[j][q], pr[q], u);
        if constexpr (kF) k[j][q] = k[j][q] + e; else k[j][q] = k[j][q] + (e + pe[q]);
        s[j][q] = u;
      }
    }
  }
  for (size_t j = 0; j < kB; ++j) {
    for (int q = 0; q < P; ++q) {
      const size_t lo = j * N + static_cast<size_t>(q) * Vd::N;
      if (lo >= w) break;
      const size_t r = w - lo < Vd::N ? w - lo : Vd::N;
      store_n(ps + lo, s[j][q], r);
      store_n(pc + lo, k[j][q], r);
    }
  }
}

template <class V>
void prelu_bwd_box(const T_<V>* dy, const T_<V>* x, const T_<V>* alpha, T_<V> scalar, T_<V>* dx, size_t len,
                   size_t inner, const Box& b, double* partial) {
  constexpr size_t N = V::N;
  const size_t nc = b.c1 - b.c0;
  double* ps = partial;
  double* pc = partial + nc;
  for (size_t j = 0; j < 2 * nc; ++j) partial[j] = 0;
  auto add_scalar = [&](size_t j, double hi, double lo) {  // Neumaier, in channel order
    const double s = ps[j] + hi;
    const double bb = s - ps[j];
    pc[j] += ((ps[j] - (s - bb)) + (hi - bb)) + lo;
    ps[j] = s;
  };
  if (inner == 1) {
    // One channel per lane: the terms go to per-channel float64 slots, in o order.
    constexpr size_t kB = V::N * sizeof(T_<V>) >= 64 ? 4 : 2;  // the slots fit the registers
    for (size_t c = b.c0; c < b.c1; c += kB * N) {
      const size_t w = b.c1 - c < kB * N ? b.c1 - c : kB * N;
      double* cs = ps + (c - b.c0);
      double* cp = pc + (c - b.c0);
      if (w == kB * N) {
        prelu_bwd_cols<V, kB, true>(dy, x, alpha, scalar, dx, len, b.o0, b.o1, c, w, cs, cp);
      } else {
        prelu_bwd_cols<V, kB, false>(dy, x, alpha, scalar, dx, len, b.o0, b.o1, c, w, cs, cp);
      }
    }
    return;
  }
  for (size_t o = b.o0; o < b.o1; ++o) {
    for (size_t c = b.c0; c < b.c1; ++c) {
      const V a = splat<V>(alpha ? alpha[c] : scalar);
      const size_t base = (o * len + c) * inner;
      Acc<V> acc;
      for (size_t i = b.i0; i < b.i1; i += N) {
        const size_t r = b.i1 - i < N ? b.i1 - i : N;
        const V g = load_n<V>(dy + base + i, r), v = load_n<V>(x + base + i, r);
        store_n(dx + base + i, prelu_dx(g, v, a), r);
        // Lanes past r were loaded as 0: 0 > 0 fails, and their term 0·0 = 0.
        const auto neg = mnot(gt(v, zero<V>()));
        acc.add_prod(select(neg, v, zero<V>()), select(neg, g, zero<V>()));
      }
      Vd lanes[Acc<V>::kParts];
      acc.lanes(lanes);
      double hi = 0;
      for (int k = 0; k < Acc<V>::kParts; ++k) hi += lanes_sum(lanes[k]);
      add_scalar(c - b.c0, hi, 0.0);
    }
  }
}

// ---------------------------------------------------------------- maxout

// The scan of one group per lane: the first maximum of pieces 0..pieces-1 (a NaN counts
// as the maximum and ends the search; the first of equal maxima wins, which decides the
// sign of a zero maximum as the twin does). load(j) gives piece j of every lane's group;
// with kArg, *arg gets the winning piece's index.
template <bool kArg, class V, class L>
AK_INLINE V group_first_max(size_t pieces, L&& load, V* arg) {
  V m = load(size_t{0});
  if constexpr (kArg) *arg = zero<V>();
  for (size_t j = 1; j < pieces; ++j) {
    const V v = load(j);
    const auto take = mand(mor(gt(v, m), isnan(v)), mnot(isnan(m)));
    m = select(take, v, m);
    if constexpr (kArg) *arg = select(take, splat<V>(T_<V>(j)), *arg);
  }
  return m;
}

// Groups of `pieces` consecutive elements (inner == 1, the features-last layout): piece
// j of the n <= N groups starting at src, gathered into lane order through buf.
template <class V>
AK_INLINE V gather_piece(const T_<V>* src, size_t pieces, size_t j, size_t n, T_<V>* buf) {
  for (size_t l = 0; l < n; ++l) buf[l] = src[l * pieces + j];
  return load_n<V>(buf, n);
}

// Rows r in [r0, r1) are (o, group) pairs in order: input at r·pieces·inner (pieces rows
// of inner), output at r·inner. Vectors run across inner (one group per lane); with
// inner == 1, across N consecutive groups (gather_piece), no branch per element.
template <class V>
void maxout_rows(const T_<V>* x, T_<V>* y, size_t inner, size_t pieces, size_t r0, size_t r1) {
  constexpr size_t N = V::N;
  if (inner == 1) {
    alignas(64) T_<V> buf[V::N];
    for (size_t r = r0; r < r1; r += N) {
      const size_t n = r1 - r < N ? r1 - r : N;
      const T_<V>* src = x + r * pieces;
      const V m = group_first_max<false, V>(pieces, [&](size_t j) { return gather_piece<V>(src, pieces, j, n, buf); }, nullptr);
      store_n(y + r, m, n);
    }
    return;
  }
  for (size_t r = r0; r < r1; ++r) {
    const T_<V>* src = x + r * pieces * inner;
    T_<V>* dst = y + r * inner;
    for (size_t i = 0; i < inner; i += N) {
      const size_t n = inner - i < N ? inner - i : N;
      const V m = group_first_max<false, V>(pieces, [&](size_t j) { return load_n<V>(src + j * inner + i, n); }, nullptr);
      store_n(dst + i, m, n);
    }
  }
}

// dx = dy routed to each group's first maximum (as group_first_max), +0 elsewhere. Each
// group (with inner == 1: each block of N groups) is read whole before any of it is written.
// dy null: 1 for every group, which is hardmax (one group of `len` per row: its one-hot).
template <class V>
void maxout_bwd_rows(const T_<V>* dy, const T_<V>* x, T_<V>* dx, size_t inner, size_t pieces, size_t r0, size_t r1) {
  constexpr size_t N = V::N;
  if (inner == 1) {
    alignas(64) T_<V> buf[V::N];
    for (size_t r = r0; r < r1; r += N) {
      const size_t n = r1 - r < N ? r1 - r : N;
      const T_<V>* src = x + r * pieces;
      T_<V>* dst = dx + r * pieces;
      V arg;
      group_first_max<true, V>(pieces, [&](size_t j) { return gather_piece<V>(src, pieces, j, n, buf); }, &arg);
      const V gv = dy ? load_n<V>(dy + r, n) : splat<V>(T_<V>(1));
      for (size_t j = 0; j < pieces; ++j) {
        store(buf, select(eq(arg, splat<V>(T_<V>(j))), gv, zero<V>()));
        for (size_t l = 0; l < n; ++l) dst[l * pieces + j] = buf[l];
      }
    }
    return;
  }
  for (size_t r = r0; r < r1; ++r) {
    const T_<V>* src = x + r * pieces * inner;
    T_<V>* dst = dx + r * pieces * inner;
    const T_<V>* g = dy ? dy + r * inner : nullptr;
    for (size_t i = 0; i < inner; i += N) {
      const size_t n = inner - i < N ? inner - i : N;
      V arg;
      group_first_max<true, V>(pieces, [&](size_t j) { return load_n<V>(src + j * inner + i, n); }, &arg);
      const V gv = g ? load_n<V>(g + i, n) : splat<V>(T_<V>(1));
      for (size_t j = 0; j < pieces; ++j) {
        store_n(dst + j * inner + i, select(eq(arg, splat<V>(T_<V>(j))), gv, zero<V>()), n);
      }
    }
  }
}

}  // namespace shp
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_KERNELS_SHAPED_H_

// native/expr/stats.h -- the one-pass statistics of stats() (lib/expr/stats.ts), over
// the vector type of the translation unit. Included by isa/table.inc after
// vec/vec.h and kernels/widen.h.
//
// Same algorithm as the JS twin: the data is cut into segments of at most kSegment
// elements of one channel; a segment is summed (float64 lanes, NaN lanes masked out,
// min/max/dead/saturated counted on the way) and then re-read from cache for its
// centred sum of squares, and segments are merged with Chan's formula (pairwise for
// the whole array). float32 data is widened to float64 lanes as it is read.
// The caller holds an FpEnvGuard.
#ifndef AK_EXPR_STATS_H_
#define AK_EXPR_STATS_H_

#include <cmath>
#include <algorithm>
#include <cstddef>
#include <limits>
#include <type_traits>
#include <vector>

#include "../runtime/fpenv.h"
#include "../runtime/pool.h"
#include "program.h"

namespace ak {
namespace AK_ISA_NS {
namespace exprk {

// Applies f to the float64 image of the N lanes starting at p (Vd-sized pieces).
template <class T, class F>
AK_INLINE void each_vd(const T* p, F&& f) {
  if constexpr (sizeof(T) == 8) {
    f(load(p));
  } else {
    Vd w[kx::kParts];
    kx::widen(load(p), w);
    for (int i = 0; i < kx::kParts; ++i) f(w[i]);
  }
}
template <class T> constexpr size_t lanes() { return sizeof(T) == 8 ? Vd::N : Vf::N; }

// Thresholds in the data's type with the same meaning: x <= t for every x of type T
// exactly when x <= le_bound<T>(t) (likewise ge_bound for x >= t).
template <class T> inline T le_bound(double t) {
  if constexpr (sizeof(T) == 8) {
    return t;
  } else {
    const float f = static_cast<float>(t);
    return !(static_cast<double>(f) > t) ? f : std::nextafter(f, -INFINITY);
  }
}
template <class T> inline T ge_bound(double t) {
  if constexpr (sizeof(T) == 8) {
    return t;
  } else {
    const float f = static_cast<float>(t);
    return !(static_cast<double>(f) < t) ? f : std::nextafter(f, INFINITY);
  }
}

// The NaN-free contiguous case: min/max/counts in the data's own lanes, sums widened
// to float64 lanes, no masking. Returns false (nothing written) when the sum shows a
// NaN (or +Inf with -Inf), and the general loop below sorts that segment out.
template <class T>
bool contiguous(const T* p, size_t len, double dead_max, double lo, double hi, expr::Moments* out) {
  using VT = typename std::conditional<sizeof(T) == 4, Vf, Vd>::type;
  constexpr size_t L = VT::N;
  const VT zero_t = zero<VT>(), one_t = splat<VT>(T(1));
  const VT dm = splat<VT>(le_bound<T>(dead_max)), vlo = splat<VT>(le_bound<T>(lo)), vhi = splat<VT>(ge_bound<T>(hi));
  VT mn = splat<VT>(T(INFINITY)), mx = splat<VT>(T(-INFINITY)), dead = zero_t, sat = zero_t;
  Vd s0 = zero<Vd>(), s1 = zero<Vd>();
  size_t j = 0;
  for (; j + L <= len; j += L) {
    const VT v = load(p + j);
    mn = minFast(v, mn);
    mx = maxFast(v, mx);
    dead = dead + select(le(v, dm), one_t, zero_t);
    sat = sat + select(mor(le(v, vlo), ge(v, vhi)), one_t, zero_t);
    if constexpr (sizeof(T) == 4) {
      Vd w[kx::kParts];
      kx::widen(v, w);
      s0 = s0 + w[0];
      if constexpr (kx::kParts > 1) s1 = s1 + w[1];
    } else {
      s0 = s0 + v;
    }
  }
  double ts = 0, tmn = INFINITY, tmx = -INFINITY, tdead = 0, tsat = 0;
  for (; j < len; ++j) {
    const double v = static_cast<double>(p[j]);
    ts += v;
    if (v < tmn) tmn = v;
    if (v > tmx) tmx = v;
    if (v <= dead_max) tdead += 1;
    if (v <= lo || v >= hi) tsat += 1;
  }
  const double sum = hsum(s0 + s1) + ts;
  if (sum != sum) return false;
  const double n = static_cast<double>(len);
  const double mean = n > 0 ? sum / n : 0;
  const Vd m = splat<Vd>(mean);
  Vd q0 = zero<Vd>(), q1 = zero<Vd>();
  j = 0;
  for (; j + L <= len; j += L) {
    if constexpr (sizeof(T) == 4) {
      Vd w[kx::kParts];
      kx::widen(load(p + j), w);
      const Vd d0 = w[0] - m;
      q0 = q0 + d0 * d0;
      if constexpr (kx::kParts > 1) {
        const Vd d1 = w[1] - m;
        q1 = q1 + d1 * d1;
      }
    } else {
      const Vd d = load(p + j) - m;
      q0 = q0 + d * d;
    }
  }
  double tq = 0;
  for (; j < len; ++j) {
    const double d = static_cast<double>(p[j]) - mean;
    tq += d * d;
  }
  const double vmn = static_cast<double>(hmin(mn)), vmx = static_cast<double>(hmax(mx));
  out->n = n;
  out->nan = 0;
  out->min = vmn < tmn ? vmn : tmn;
  out->max = vmx > tmx ? vmx : tmx;
  out->mean = mean;
  out->m2 = hsum(q0 + q1) + tq;
  out->dead = static_cast<double>(hsum(dead)) + tdead;
  out->sat = static_cast<double>(hsum(sat)) + tsat;
  return true;
}

// Moments of x[base + r*stride + j], r < runs, j < len.
template <class T>
void segment(const T* x, size_t base, size_t runs, size_t len, size_t stride, double dead_max, double lo, double hi,
             expr::Moments* out) {
  if (runs == 1 && contiguous(x + base, len, dead_max, lo, hi, out)) return;
  const Vd zero_v = zero<Vd>(), one = splat<Vd>(1.0);
  const Vd dm = splat<Vd>(dead_max), vlo = splat<Vd>(lo), vhi = splat<Vd>(hi);
  const Vd inf = splat<Vd>(std::numeric_limits<double>::infinity());
  Vd s = zero_v, cnt = zero_v, mn = inf, mx = -inf, dead = zero_v, sat = zero_v;
  double ss = 0, scnt = 0, smn = INFINITY, smx = -INFINITY, sdead = 0, ssat = 0;
  constexpr size_t L = lanes<T>();
  for (size_t r = 0; r < runs; ++r) {
    const T* p = x + base + r * stride;
    size_t j = 0;
    for (; j + L <= len; j += L) {
      each_vd(p + j, [&](Vd v) {
        const auto ok = mnot(isnan(v));
        s = s + select(ok, v, zero_v);
        cnt = cnt + select(ok, one, zero_v);
        mn = select(ok, minFast(v, mn), mn);
        mx = select(ok, maxFast(v, mx), mx);
        dead = dead + select(le(v, dm), one, zero_v);
        sat = sat + select(mor(le(v, vlo), ge(v, vhi)), one, zero_v);
      });
    }
    for (; j < len; ++j) {
      const double v = static_cast<double>(p[j]);
      if (v != v) continue;
      ss += v;
      scnt += 1;
      if (v < smn) smn = v;
      if (v > smx) smx = v;
      if (v <= dead_max) sdead += 1;
      if (v <= lo || v >= hi) ssat += 1;
    }
  }
  const double n = hsum(cnt) + scnt;
  const double sum = hsum(s) + ss;
  const double mean = n > 0 ? sum / n : 0;
  double m2 = 0;
  if (n > 0) {
    const Vd m = splat<Vd>(mean);
    Vd q = zero_v;
    double sq = 0;
    for (size_t r = 0; r < runs; ++r) {
      const T* p = x + base + r * stride;
      size_t j = 0;
      for (; j + L <= len; j += L) {
        each_vd(p + j, [&](Vd v) {
          const Vd d = v - m;
          q = q + select(isnan(v), zero_v, d * d);
        });
      }
      for (; j < len; ++j) {
        const double d = static_cast<double>(p[j]) - mean;
        if (d == d) sq += d * d;
      }
    }
    m2 = hsum(q) + sq;
  }
  out->n = n;
  out->nan = static_cast<double>(runs * len) - n;
  const double vmn = hmin(mn), vmx = hmax(mx);
  out->min = vmn < smn ? vmn : smn;
  out->max = vmx > smx ? vmx : smx;
  out->mean = mean;
  out->m2 = m2;
  out->dead = hsum(dead) + sdead;
  out->sat = hsum(sat) + ssat;
}

// The whole array as outer x C x inner (C = inner = 1, outer = n: no channel axis).
// out[c] for each channel, out[C] the total; the same segmentation as the JS twin.
// Segments are independent: large arrays compute them on the pool (tiles of whole
// segments, each written to its own slot), and the merges then run in segment order on
// the calling thread, so the result is the same bits whatever the thread count.
struct Seg {
  size_t base, runs, len, stride, c;
};

template <class T>
void stats(const T* x, size_t outer, size_t C, size_t inner, bool has_shape, double dead_max, double lo, double hi,
           expr::Moments* out) {
  using expr::Moments;
  for (size_t c = 0; c <= C; ++c) out[c] = Moments{};
  std::vector<Seg> segs;
  if (!has_shape || inner >= expr::kSegment / 4) {
    for (size_t o = 0; o < outer; ++o) {
      for (size_t c = 0; c < C; ++c) {
        const size_t b = (o * C + c) * inner;
        for (size_t j = 0; j < inner; j += expr::kSegment) {
          const size_t len = inner - j < expr::kSegment ? inner - j : expr::kSegment;
          segs.push_back(Seg{b + j, 1, len, 0, c});
        }
      }
    }
  } else {
    const size_t row = C * inner;
    size_t rows_per = expr::kSegment / row;
    if (rows_per < 1) rows_per = 1;
    for (size_t o0 = 0; o0 < outer; o0 += rows_per) {
      const size_t rows = outer - o0 < rows_per ? outer - o0 : rows_per;
      for (size_t c = 0; c < C; ++c) segs.push_back(Seg{o0 * row + c * inner, rows, inner, row, c});
    }
  }
  std::vector<Moments> res(segs.size());
  auto one = [&](size_t i) {
    const Seg& g = segs[i];
    segment(x, g.base, g.runs, g.len, g.stride, dead_max, lo, hi, &res[i]);
  };
  // ~64K elements per tile; one thread below ~4 tiles, where the pool would not pay.
  const size_t n = outer * C * inner;
  const size_t per_tile = segs.empty() ? 1 : std::max<size_t>(1, (size_t{1} << 16) * segs.size() / std::max<size_t>(n, 1));
  const size_t tiles = (segs.size() + per_tile - 1) / per_tile;
  if (n >= (size_t{1} << 18) && tiles > 1) {
    pool::parallel_for(tiles, [&](size_t t) {
      FpEnvGuard fp;  // pool threads start from their own environment
      const size_t end = std::min(segs.size(), (t + 1) * per_tile);
      for (size_t i = t * per_tile; i < end; ++i) one(i);
    });
  } else {
    for (size_t i = 0; i < segs.size(); ++i) one(i);
  }
  std::vector<Moments> levels;  // pairwise merging of the segments into the total
  std::vector<bool> used;
  auto add_total = [&](Moments m) {
    for (size_t l = 0;; ++l) {
      if (l == levels.size()) {
        levels.push_back(m);
        used.push_back(true);
        return;
      }
      if (!used[l]) {
        levels[l] = m;
        used[l] = true;
        return;
      }
      expr::merge(&m, levels[l]);
      used[l] = false;
    }
  };
  for (size_t i = 0; i < segs.size(); ++i) {
    expr::merge(&out[segs[i].c], res[i]);
    add_total(res[i]);
  }
  for (size_t l = 0; l < levels.size(); ++l) {
    if (used[l]) expr::merge(&out[C], levels[l]);
  }
}

}  // namespace exprk
}  // namespace AK_ISA_NS
}  // namespace ak

#endif  // AK_EXPR_STATS_H_

// SLEEF as a reference of the kernel bench (bench/c-peers/worker.h has the
// protocol): the textbook formula of each transcendental op, vectorized, in a
// plain loop of ours over SLEEF's accurate vector functions (exp, expm1,
// log1p, tanh: 1.0 ULP; erfc: 1.5 ULP). What an activation costs when it is
// written the straightforward way on an accurate vector libm, the accuracy
// class the package is in (oneDNN and XNNPACK trade accuracy for speed).
// Built with -march=native: 16 lanes with AVX-512, 8 with AVX2; the arithmetic
// uses the GCC/clang vector extensions on SLEEF's own vector types.
#include <cmath>
#include <cstring>
#include <map>

#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif
#include <sleef.h>

#include "worker.h"

namespace {

#if defined(__AVX512F__)
using V = __m512;
constexpr int W = 16;
#define AK_SLEEF(fn, ulp) Sleef_##fn##f16_##ulp
const char* kLanes = "16 lanes (AVX-512)";
#elif defined(__AVX2__)
using V = __m256;
constexpr int W = 8;
#define AK_SLEEF(fn, ulp) Sleef_##fn##f8_##ulp
const char* kLanes = "8 lanes (AVX2)";
#else
#error "the SLEEF worker needs AVX2 or AVX-512 (it is built with -march=native)"
#endif

inline V exp_(V x) { return AK_SLEEF(exp, u10)(x); }
inline V expm1_(V x) { return AK_SLEEF(expm1, u10)(x); }
inline V log1p_(V x) { return AK_SLEEF(log1p, u10)(x); }
inline V tanh_(V x) { return AK_SLEEF(tanh, u10)(x); }
inline V erfc_(V x) { return AK_SLEEF(erfc, u15)(x); }

inline V splat(float v) {
  V r;
  for (int i = 0; i < W; i++) r[i] = v;
  return r;
}

// a > b ? x : y, lane-wise.
inline V pick(V a, V b, V x, V y) { return a > b ? x : y; }

constexpr float kInvSqrt2 = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;
constexpr float kSqrt2OverPi = 0.79788456080286536f;

using Fwd = V (*)(V x);
using Bwd = V (*)(V dy, V x);

const std::map<std::string, Fwd>& forwardOps() {
  static const std::map<std::string, Fwd> ops = {
      {"sigmoid", [](V x) { return splat(1) / (splat(1) + exp_(-x)); }},
      {"tanh", [](V x) { return tanh_(x); }},
      {"silu", [](V x) { return x / (splat(1) + exp_(-x)); }},
      {"elu", [](V x) { return pick(x, splat(0), x, expm1_(x)); }},
      // The package's default threshold: above 20 the result is x.
      {"softplus", [](V x) { return pick(x, splat(20), x, log1p_(exp_(x))); }},
      {"mish", [](V x) { return x * tanh_(pick(x, splat(20), x, log1p_(exp_(x)))); }},
      // erfc, not 1 + erf: no cancellation in the negative tail.
      {"gelu", [](V x) { return splat(0.5f) * x * erfc_(-x * splat(kInvSqrt2)); }},
      {"gelu:tanh", [](V x) { return splat(0.5f) * x * (splat(1) + tanh_(splat(kSqrt2OverPi) * (x + splat(0.044715f) * x * x * x))); }},
  };
  return ops;
}

const std::map<std::string, Bwd>& backwardOps() {
  static const std::map<std::string, Bwd> ops = {
      {"sigmoid",
       [](V dy, V x) {
         const V s = splat(1) / (splat(1) + exp_(-x));
         return dy * s * (splat(1) - s);
       }},
      {"tanh",
       [](V dy, V x) {
         const V t = tanh_(x);
         return dy * (splat(1) - t * t);
       }},
      {"silu",
       [](V dy, V x) {
         const V s = splat(1) / (splat(1) + exp_(-x));
         return dy * s * (splat(1) + x * (splat(1) - s));
       }},
      {"elu", [](V dy, V x) { return pick(x, splat(0), dy, dy * exp_(x)); }},
      {"gelu",
       [](V dy, V x) {
         const V cdf = splat(0.5f) * erfc_(-x * splat(kInvSqrt2));
         return dy * (cdf + x * splat(kInvSqrt2Pi) * exp_(splat(-0.5f) * x * x));
       }},
  };
  return ops;
}

class Sleef : public peers::Peer {
 public:
  std::string hello() override {
    peers::OpList list;
    for (const auto& e : forwardOps()) {
      if (backwardOps().count(e.first)) list.add(e.first, {"forward", "backward"});
      else list.add(e.first, {"forward"});
    }
    return std::string("{\"ok\":true,\"peer\":\"sleef\",\"version\":null,\"notes\":") +
           peers::jsonString(std::string("the formulas in a loop of ours over SLEEF's u10/u15 vector functions, ") + kLanes) +
           ",\"dtypes\":[\"float32\"],\"ops\":" + list.done() + "}";
  }

  std::string prepare(const peers::Task& t, std::string& impl) override {
    if (t.dtype != "float32") return "float32 only";
    if (t.threads != 1) return "one thread only";
    fwd_ = nullptr;
    bwd_ = nullptr;
    if (t.pass == "forward") {
      const auto it = forwardOps().find(t.op);
      if (it == forwardOps().end()) return "no SLEEF loop for " + t.op;
      fwd_ = it->second;
    } else if (t.pass == "backward") {
      const auto it = backwardOps().find(t.op);
      if (it == backwardOps().end()) return "no SLEEF backward loop for " + t.op;
      bwd_ = it->second;
    } else {
      return "no SLEEF loop for " + t.op + " " + t.pass;
    }
    // Default parameters only (elu's alpha 1, softplus's beta 1): the table above has no others.
    if ((t.op == "elu" && t.a != 1) || (t.op == "softplus" && (t.a != 1 || t.b != 20))) return "default parameters only";
    t_ = t;
    impl = kLanes;
    return "";
  }

  void call() override {
    const float* x = static_cast<const float*>(t_.x);
    const float* dy = static_cast<const float*>(t_.dy);
    float* out = static_cast<float*>(t_.out);
    const size_t n = t_.n;
    size_t i = 0;
    V a, b;
    for (; i + W <= n; i += W) {
      std::memcpy(&a, x + i, sizeof a);
      if (fwd_) {
        a = fwd_(a);
      } else {
        std::memcpy(&b, dy + i, sizeof b);
        a = bwd_(b, a);
      }
      std::memcpy(out + i, &a, sizeof a);
    }
    if (i == n) return;
    // The tail through one zero-padded vector.
    const size_t k = n - i;
    a = splat(0);
    b = splat(0);
    std::memcpy(&a, x + i, k * sizeof(float));
    if (fwd_) {
      a = fwd_(a);
    } else {
      std::memcpy(&b, dy + i, k * sizeof(float));
      a = bwd_(b, a);
    }
    std::memcpy(out + i, &a, k * sizeof(float));
  }

  void release() override {}

 private:
  peers::Task t_;
  Fwd fwd_ = nullptr;
  Bwd bwd_ = nullptr;
};

}  // namespace

int main() {
  Sleef peer;
  return peers::Server(peer).serve();
}

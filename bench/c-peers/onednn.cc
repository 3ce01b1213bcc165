// oneDNN as a kernel-level peer (bench/c-peers/worker.h has the protocol):
// eltwise_forward / eltwise_backward (from src, and from dst through the
// *_use_dst_for_bwd algorithms where oneDNN has them), softmax_v2 (accurate and
// log; its backward reads dst) and prelu, through the public
// C++ API (dnnl.hpp), on the CPU engine. Threads: oneDNN's OpenMP runtime,
// omp_set_num_threads before each primitive is created.
#include <omp.h>

#include <map>

#include "dnnl.hpp"
#include "worker.h"

namespace {

using dnnl::algorithm;
using dnnl::memory;
using dnnl::prop_kind;
using Tag = memory::format_tag;

// The package op → the eltwise algorithm and its alpha/beta from the op's parameters (a, b).
struct Eltwise {
  algorithm alg;
  // The algorithm whose backward reads dst instead of src; undef when oneDNN has none.
  algorithm fromDst;
  // alpha, beta from the package's parameters; returns "" or why they do not fit.
  std::string (*params)(double a, double b, float& alpha, float& beta);
};

std::string none(double, double, float& alpha, float& beta) {
  alpha = beta = 0;
  return "";
}
std::string slope(double a, double, float& alpha, float& beta) {
  alpha = static_cast<float>(a);
  beta = 0;
  return "";
}
std::string clip(double a, double b, float& alpha, float& beta) {
  alpha = static_cast<float>(a);
  beta = static_cast<float>(b);
  return "";
}
std::string relu6(double, double, float& alpha, float& beta) {
  alpha = 0;
  beta = 6;
  return "";
}
std::string softplus(double a, double b, float& alpha, float& beta) {
  // soft_relu is log(1 + e^x) with no threshold; past x = 20 that rounds to x in float32 anyway.
  if (a != 1 || b != 20) return "soft_relu has no beta or threshold (only beta 1, threshold 20)";
  alpha = beta = 0;
  return "";
}

const std::map<std::string, Eltwise>& eltwiseOps() {
  static const std::map<std::string, Eltwise> ops = {
      {"relu", {algorithm::eltwise_relu, algorithm::undef, none}},
      {"leakyRelu", {algorithm::eltwise_relu, algorithm::undef, slope}},
      {"relu6", {algorithm::eltwise_clip, algorithm::undef, relu6}},
      {"hardTanh", {algorithm::eltwise_clip, algorithm::undef, clip}},
      {"elu", {algorithm::eltwise_elu, algorithm::eltwise_elu_use_dst_for_bwd, slope}},
      {"sigmoid", {algorithm::eltwise_logistic, algorithm::eltwise_logistic_use_dst_for_bwd, none}},
      {"tanh", {algorithm::eltwise_tanh, algorithm::eltwise_tanh_use_dst_for_bwd, none}},
      {"softplus", {algorithm::eltwise_soft_relu, algorithm::undef, softplus}},
      {"swish", {algorithm::eltwise_swish, algorithm::undef, slope}},
      {"silu", {algorithm::eltwise_swish, algorithm::undef, [](double, double, float& alpha, float& beta) { alpha = 1; beta = 0; return std::string(); }}},
      {"gelu", {algorithm::eltwise_gelu_erf, algorithm::undef, none}},
      {"gelu:tanh", {algorithm::eltwise_gelu_tanh, algorithm::undef, none}},
      {"mish", {algorithm::eltwise_mish, algorithm::undef, none}},
      {"hardSwish", {algorithm::eltwise_hardswish, algorithm::undef, none}},
  };
  return ops;
}

class OneDnn : public peers::Peer {
 public:
  OneDnn() : eng_(dnnl::engine::kind::cpu, 0), strm_(eng_) {}

  std::string hello() override {
    const dnnl_version_t* v = dnnl_version();
    char ver[64];
    std::snprintf(ver, sizeof ver, "%d.%d.%d", v->major, v->minor, v->patch);
    peers::OpList ops;
    for (const auto& e : eltwiseOps()) {
      if (e.second.fromDst == algorithm::undef) ops.add(e.first, {"forward", "backward"});
      else ops.add(e.first, {"forward", "backward", "backward-y"});
    }
    ops.add("softmax", {"forward", "backward-y"});
    ops.add("logSoftmax", {"forward", "backward-y"});
    ops.add("prelu", {"forward", "backward"});
    return std::string("{\"ok\":true,\"peer\":\"onednn\",\"version\":\"") + ver +
           "\",\"notes\":" + peers::jsonString(std::string("CPU engine, ") + (v->cpu_runtime == DNNL_RUNTIME_OMP ? "OpenMP" : "non-OpenMP") +
                                               " runtime; softmax backward from dst only") +
           ",\"dtypes\":[\"float32\"],\"ops\":" + ops.done() + "}";
  }

  std::string prepare(const peers::Task& t, std::string& impl) override {
    if (t.dtype != "float32") return "oneDNN's CPU eltwise/softmax primitives have no " + t.dtype;
    omp_set_num_threads(t.threads);
    args_.clear();
    const auto f32 = memory::data_type::f32;
    auto mem = [&](const memory::desc& md, void* p) { return memory(md, eng_, p); };
    const bool fwd = t.pass == "forward", fromY = t.pass == "backward-y";
    if (!fwd && !fromY && t.pass != "backward") return "unknown pass " + t.pass;
    if (t.op == "softmax" || t.op == "logSoftmax") {
      if (!t.cols || t.n % t.cols) return "n is not whole rows";
      const memory::desc md({static_cast<memory::dim>(t.n / t.cols), static_cast<memory::dim>(t.cols)}, f32, Tag::ab);
      if (!fwd && !fromY) return "oneDNN's softmax backward reads the forward output (backward-y)";
      const algorithm alg = t.op == "softmax" ? algorithm::softmax_accurate : algorithm::softmax_log;
      const dnnl::softmax_v2_forward::primitive_desc fpd({fwd ? prop_kind::forward_inference : prop_kind::forward_training, alg, md, md, 1}, eng_);
      if (fwd) {
        impl = fpd.impl_info_str();
        prim_ = dnnl::softmax_v2_forward(fpd);
        args_ = {{DNNL_ARG_SRC, mem(md, t.x)}, {DNNL_ARG_DST, mem(md, t.out)}};
        return "";
      }
      // The backward pass reads the forward output: computed once here, outside the timing.
      y_.assign(t.n, 0.f);
      dnnl::softmax_v2_forward(fpd).execute(strm_, {{DNNL_ARG_SRC, mem(md, t.x)}, {DNNL_ARG_DST, mem(md, y_.data())}});
      strm_.wait();
      const dnnl::softmax_v2_backward::primitive_desc bpd({alg, md, md, md, 1}, eng_, fpd);
      impl = bpd.impl_info_str();
      prim_ = dnnl::softmax_v2_backward(bpd);
      args_ = {{DNNL_ARG_DST, mem(md, y_.data())}, {DNNL_ARG_DIFF_DST, mem(md, t.dy)}, {DNNL_ARG_DIFF_SRC, mem(md, t.out)}};
      return "";
    }
    if (t.op == "prelu") {
      if (fromY) return "oneDNN's prelu backward reads src";
      if (!t.cols || t.n % t.cols || !t.aux) return "prelu needs whole rows of channels and their slopes";
      const memory::desc md({static_cast<memory::dim>(t.n / t.cols), static_cast<memory::dim>(t.cols)}, f32, Tag::ab);
      const memory::desc wd({1, static_cast<memory::dim>(t.cols)}, f32, Tag::ab);
      const dnnl::prelu_forward::primitive_desc fpd({fwd ? prop_kind::forward_inference : prop_kind::forward_training, md, wd}, eng_);
      if (fwd) {
        impl = fpd.impl_info_str();
        prim_ = dnnl::prelu_forward(fpd);
        args_ = {{DNNL_ARG_SRC, mem(md, t.x)}, {DNNL_ARG_WEIGHTS, mem(wd, t.aux)}, {DNNL_ARG_DST, mem(md, t.out)}};
        return "";
      }
      dw_.assign(t.cols, 0.f);
      const dnnl::prelu_backward::primitive_desc bpd({md, wd, md, wd}, eng_, fpd);
      impl = bpd.impl_info_str();
      prim_ = dnnl::prelu_backward(bpd);
      args_ = {{DNNL_ARG_SRC, mem(md, t.x)},           {DNNL_ARG_WEIGHTS, mem(wd, t.aux)}, {DNNL_ARG_DIFF_DST, mem(md, t.dy)},
               {DNNL_ARG_DIFF_SRC, mem(md, t.out)},    {DNNL_ARG_DIFF_WEIGHTS, mem(wd, dw_.data())}};
      return "";
    }
    const auto it = eltwiseOps().find(t.op);
    if (it == eltwiseOps().end()) return "no oneDNN primitive for " + t.op;
    float alpha, beta;
    const std::string why = it->second.params(t.a, t.b, alpha, beta);
    if (!why.empty()) return why;
    const algorithm alg = fromY ? it->second.fromDst : it->second.alg;
    if (alg == algorithm::undef) return "oneDNN's backward of " + t.op + " reads src";
    const memory::desc md({static_cast<memory::dim>(t.n)}, f32, Tag::a);
    const dnnl::eltwise_forward::primitive_desc fpd({fwd ? prop_kind::forward_inference : prop_kind::forward_training, alg, md, alpha, beta}, eng_);
    if (fwd) {
      impl = fpd.impl_info_str();
      prim_ = dnnl::eltwise_forward(fpd);
      args_ = {{DNNL_ARG_SRC, mem(md, t.x)}, {DNNL_ARG_DST, mem(md, t.out)}};
      return "";
    }
    const dnnl::eltwise_backward::primitive_desc bpd({alg, md, md, alpha, beta}, eng_, fpd);
    impl = bpd.impl_info_str();
    prim_ = dnnl::eltwise_backward(bpd);
    if (fromY) {
      // The forward output, computed once here, outside the timing.
      y_.assign(t.n, 0.f);
      dnnl::eltwise_forward(fpd).execute(strm_, {{DNNL_ARG_SRC, mem(md, t.x)}, {DNNL_ARG_DST, mem(md, y_.data())}});
      strm_.wait();
      args_ = {{DNNL_ARG_DST, mem(md, y_.data())}, {DNNL_ARG_DIFF_DST, mem(md, t.dy)}, {DNNL_ARG_DIFF_SRC, mem(md, t.out)}};
      return "";
    }
    args_ = {{DNNL_ARG_SRC, mem(md, t.x)}, {DNNL_ARG_DIFF_DST, mem(md, t.dy)}, {DNNL_ARG_DIFF_SRC, mem(md, t.out)}};
    return "";
  }

  void call() override {
    prim_.execute(strm_, args_);
    strm_.wait();
  }

  void release() override {
    prim_ = dnnl::primitive();
    args_.clear();
    y_.clear();
    dw_.clear();
  }

 private:
  dnnl::engine eng_;
  dnnl::stream strm_;
  dnnl::primitive prim_;
  std::unordered_map<int, memory> args_;
  std::vector<float> y_, dw_;
};

}  // namespace

int main() {
  try {
    OneDnn peer;
    return peers::Server(peer).serve();
  } catch (const std::exception& e) {
    std::string line;
    // Answer every request with the reason, so the driver lists the peer as absent.
    while (std::getline(std::cin, line) && line != "quit") peers::fail(std::string("oneDNN did not start: ") + e.what());
    return 0;
  }
}

// XNNPACK as a kernel-level peer (bench/c-peers/worker.h has the protocol):
// its public NC float32 operators (xnn_create_*_nc_f32, xnn_setup_*, then
// xnn_run_operator per call), forward only: XNNPACK is an inference library.
// The operator is set up once for the prepared arrays, so a timed call is
// xnn_run_operator alone. Threads: a pthreadpool of that size (none for one).
#include <cmath>
#include <map>

#include "worker.h"
#include "xnnpack.h"

namespace {

// Creates the operator for n elements (rows × cols for the row-wise ops) and sets it up on x → out.
using Make = xnn_status (*)(const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool);

// Element-wise operators see the array as n rows of one channel, the layout XNNPACK flattens to one pass.
template <typename Create, typename Setup>
xnn_status unary(const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool, Create create, Setup setup) {
  xnn_status s = create(op);
  if (s != xnn_status_success) return s;
  return setup(*op, t.n, static_cast<const float*>(t.x), static_cast<float*>(t.out), pool);
}

xnn_status clampTo(const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool, float lo, float hi) {
  return unary(t, op, pool, [&](xnn_operator_t* o) { return xnn_create_clamp_nc_f32(1, 1, 1, lo, hi, 0, o); }, xnn_setup_clamp_nc_f32);
}

const std::map<std::string, Make>& ops() {
  static const std::map<std::string, Make> table = {
      {"relu", [](const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool) { return clampTo(t, op, pool, 0.f, INFINITY); }},
      {"relu6", [](const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool) { return clampTo(t, op, pool, 0.f, 6.f); }},
      {"hardTanh",
       [](const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool) { return clampTo(t, op, pool, static_cast<float>(t.a), static_cast<float>(t.b)); }},
      {"leakyRelu",
       [](const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool) {
         return unary(t, op, pool, [&](xnn_operator_t* o) { return xnn_create_leaky_relu_nc_f32(1, 1, 1, static_cast<float>(t.a), 0, o); },
                      xnn_setup_leaky_relu_nc_f32);
       }},
      {"elu",
       [](const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool) {
         return unary(t, op, pool, [&](xnn_operator_t* o) { return xnn_create_elu_nc_f32(1, 1, 1, static_cast<float>(t.a), 0, o); },
                      xnn_setup_elu_nc_f32);
       }},
      {"sigmoid",
       [](const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool) {
         return unary(t, op, pool, [](xnn_operator_t* o) { return xnn_create_sigmoid_nc_f32(1, 1, 1, 0, o); }, xnn_setup_sigmoid_nc_f32);
       }},
      {"hardSwish",
       [](const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool) {
         return unary(t, op, pool, [](xnn_operator_t* o) { return xnn_create_hardswish_nc_f32(1, 1, 1, 0, o); }, xnn_setup_hardswish_nc_f32);
       }},
      {"softmax",
       [](const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool) {
         if (!t.cols || t.n % t.cols) return xnn_status_invalid_parameter;
         xnn_status s = xnn_create_softmax_nc_f32(t.cols, t.cols, t.cols, 0, op);
         if (s != xnn_status_success) return s;
         return xnn_setup_softmax_nc_f32(*op, t.n / t.cols, static_cast<const float*>(t.x), static_cast<float*>(t.out), pool);
       }},
      {"prelu",
       [](const peers::Task& t, xnn_operator_t* op, pthreadpool_t pool) {
         if (!t.cols || t.n % t.cols || !t.aux) return xnn_status_invalid_parameter;
         xnn_status s = xnn_create_prelu_nc_f32(t.cols, t.cols, t.cols, static_cast<const float*>(t.aux), 0, op);
         if (s != xnn_status_success) return s;
         return xnn_setup_prelu_nc_f32(*op, t.n / t.cols, static_cast<const float*>(t.x), static_cast<float*>(t.out), pool);
       }},
  };
  return table;
}

class Xnnpack : public peers::Peer {
 public:
  Xnnpack() : init_(xnn_initialize(nullptr)) {}

  std::string hello() override {
    if (init_ != xnn_status_success) return "{\"ok\":false,\"reason\":\"xnn_initialize failed (status " + std::to_string(init_) + ")\"}";
    peers::OpList list;
    for (const auto& e : ops()) list.add(e.first, {"forward"});
    return "{\"ok\":true,\"peer\":\"xnnpack\",\"version\":null,\"notes\":\"NC float32 operators, set up once, xnn_run_operator per call\","
           "\"dtypes\":[\"float32\"],\"ops\":" +
           list.done() + "}";
  }

  std::string prepare(const peers::Task& t, std::string& impl) override {
    if (t.dtype != "float32") return "XNNPACK's operators here are float32 only";
    if (t.pass != "forward") return "XNNPACK has no backward pass";
    const auto it = ops().find(t.op);
    if (it == ops().end()) return "no XNNPACK operator for " + t.op;
    if (t.threads > 1) pool_ = pthreadpool_create(t.threads);
    const xnn_status s = it->second(t, &op_, pool_);
    if (s != xnn_status_success) {
      release();
      return "XNNPACK refused the operator (status " + std::to_string(s) + ")";
    }
    impl = t.threads > 1 ? "pthreadpool of " + std::to_string(pthreadpool_get_threads_count(pool_)) : "no threadpool";
    return "";
  }

  void call() override { xnn_run_operator(op_, pool_); }

  void release() override {
    if (op_) xnn_delete_operator(op_);
    op_ = nullptr;
    if (pool_) pthreadpool_destroy(pool_);
    pool_ = nullptr;
  }

 private:
  xnn_status init_;
  xnn_operator_t op_ = nullptr;
  pthreadpool_t pool_ = nullptr;
};

}  // namespace

int main() {
  Xnnpack peer;
  return peers::Server(peer).serve();
}

// native/napi/expr.cc -- the Node-API entry points of compiled custom activations.
// Compiled without ISA flags; the work runs through a TiledCall like every other
// kernel family (inline or on the pool, synchronously or not).
//
//   runProgram(code, consts, inputs, out) -> boolean
//       out = program(inputs) on the active ISA level; false (nothing written) when
//       this level has no native kernel for one of the program's CALLs or the arrays
//       are not float32/float64, and the JS interpreter then runs it.
//   runProgramAsync(code, consts, inputs, out, done) -> ticket | null
//       the same on pool workers (see start_async: cancelAsync(ticket) withdraws it
//       before it starts); null when not handled, as unaryAsync.
//   stats(x, outer, C, inner, hasShape, deadMax, lo, hi, out) -> boolean
//       stats() of lib/expr/stats.ts on the active level (synchronous, one thread):
//       out, a Float64Array of 8 * (C + 1), receives per channel then for the whole
//       array: n, nanCount, min, max, mean, m2, dead, saturated.
// code: Int32Array, consts: Float64Array (lib/expr/codegen.ts), inputs: an Array of
// one (x) or two (x, dy) views of out's type and length. The JS layer validated the
// arrays; the program is checked here (expr::check) once per call, then copied, so a
// call that runs later on the pool never reads JS memory but its arrays.
#include <node_api.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

#include "../expr/program.h"
#include "../runtime/fpenv.h"
#include "args.h"
#include "async.h"
#include "env.h"

namespace ak {
namespace napi {
namespace {

using expr::kMaxInputs;
using expr::kMaxRegs;
using expr::Moments;
using expr::Program;

// No program of compile() comes near this (2000 operations and their derivative);
// anything larger is a misuse of the binding, refused before it is copied.
constexpr size_t kMaxProgramWords = size_t{1} << 20;

// Whether every constant operand of p is a float32 number of the normal range (or
// zero) when converted: a float32 run holds its constants in float32 lanes, where 1e39
// would be +Inf and 1e-46 zero. A program with another constant is declined on float32
// arrays, and the JS interpreter computes it in float64, rounding once (lib/expr/interp.ts),
// so both backends give that one answer.
bool float32_constants(const Program& p) {
  for (size_t i = 0; i < p.n_instr; ++i) {
    const int32_t* w = p.code + 4 * i;
    const expr::Form f = expr::kForm[w[0]];
    if (f != expr::kK && f != expr::kRK) continue;
    const double k = p.consts[f == expr::kK ? w[2] : w[3]];
    const double a = std::fabs(k);
    if (k == 0 || k != k) continue;
    if (!(a >= 1.1754943508222875e-38 && a <= 3.4028234663852886e38)) return false;
  }
  return true;
}

// From this many elements a call is split over threads: every program costs at least
// one memory pass plus one opcode per element, about a cheap unary op's work.
constexpr size_t kParallelMin = 1 << 15;

template <class T>
class ExprCall final : public TiledCall {
 public:
  // ElementwiseSplit: tiles of 16-256 KiB of each array, a multiple of kTile.
  ExprCall(const KernelTable* t, std::vector<int32_t> code, std::vector<double> consts, const Program& p, const T* const* in,
           int n_in, T* out, size_t n)
      : t_(t), code_(std::move(code)), consts_(std::move(consts)), p_(p), out_(out), split_(n) {
    p_.code = code_.data() + 4;
    p_.consts = consts_.data();
    for (int k = 0; k < n_in; ++k) in_[k] = in[k];
  }
  size_t tiles() const override { return split_.tiles(); }
  void run(size_t t) const override {
    const size_t b = split_.begin(t);
    const size_t len = split_.len(t);
    const T* in[kMaxInputs] = {in_[0] + b, in_[1] ? in_[1] + b : nullptr};
    FpEnvGuard fp;
    t_->of<T>().expr(p_, in, out_ + b, len, *t_);
  }

 private:
  const KernelTable* t_;  // runnable(*t_, p_) was checked
  std::vector<int32_t> code_;
  std::vector<double> consts_;
  Program p_;
  const T* in_[kMaxInputs] = {nullptr, nullptr};
  T* out_;
  ElementwiseSplit<T> split_;
};

// Parses (code, consts, inputs, out[, done]) and builds the call; *handled = false when
// the program cannot run natively here (not an error). Returns null after throwing.
std::unique_ptr<TiledCall> prepare(napi_env env, napi_callback_info info, bool async, napi_value* keep, size_t* nkeep,
                                   napi_value* done, bool* handled, bool* threw) {
  *handled = false;
  *threw = true;
  Args<5, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  const size_t argc = args.argc;
  const napi_value* argv = args.argv;
  if (argc < (async ? 5u : 4u)) return (throw_type(env, "runProgram: expected (code, consts, inputs, out[, done])"), nullptr);
  View code, consts, out;
  if (!get_typed_array(env, argv[0], &code) || code.type != napi_int32_array ||
      !get_typed_array(env, argv[1], &consts) || consts.type != napi_float64_array || !get_typed_array(env, argv[3], &out)) {
    return (throw_type(env, "runProgram: expected an Int32Array, a Float64Array, an Array of views and a view"), nullptr);
  }
  bool is_array;
  uint32_t n_in = 0;
  if (napi_is_array(env, argv[2], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[2], &n_in) != napi_ok ||
      n_in < 1 || n_in > static_cast<uint32_t>(kMaxInputs)) {
    return (throw_type(env, "runProgram: inputs must be an Array of one or two views"), nullptr);
  }
  const void* in[kMaxInputs] = {nullptr, nullptr};
  *nkeep = 0;
  for (uint32_t k = 0; k < n_in; ++k) {
    napi_value v;
    View iv;
    napi_get_element(env, argv[2], k, &v);
    if (!get_typed_array(env, v, &iv) || iv.type != out.type || iv.length != out.length) {
      return (throw_type(env, "runProgram: every input must have out's type and length"), nullptr);
    }
    // An input may be out itself (in place) or share no byte with it (check_alias).
    if (!check_alias(env, "runProgram", out, "options.out", iv, k == 0 ? "x" : "dy", Alias::kInPlace)) return nullptr;
    in[k] = iv.data;
    keep[(*nkeep)++] = v;
  }
  keep[(*nkeep)++] = argv[3];
  if (async) *done = argv[4];
  *threw = false;
  if (out.type != napi_float32_array && out.type != napi_float64_array) return nullptr;
  // Copied first, then checked and run from the copy: JS memory (a SharedArrayBuffer
  // another thread may be rewriting) is read once, so what was checked is what runs.
  if (code.length > kMaxProgramWords || consts.length > kMaxProgramWords) {
    *threw = true;
    return (throw_range(env, "runProgram: program larger than any compile() makes"), nullptr);
  }
  const int32_t* cw = static_cast<const int32_t*>(code.data);
  const double* cd = static_cast<const double*>(consts.data);
  std::vector<int32_t> code_copy(cw, cw + code.length);
  std::vector<double> consts_copy(cd, cd + consts.length);
  // A valid program wider than this interpreter's register file is not an error: the
  // JS interpreter, which has no such limit, runs it.
  if (code_copy.size() >= 4 && code_copy[1] > kMaxRegs) return nullptr;
  Program p;
  if (const char* err = expr::check(code_copy.data(), code_copy.size(), consts_copy.data(), consts_copy.size(),
                                    static_cast<int>(n_in), &p)) {
    *threw = true;
    return (throw_type(env, err), nullptr);
  }
  const KernelTable* t = args.data->active;
  const bool f32 = out.type == napi_float32_array;
  if (t == nullptr || !(f32 ? expr::runnable<float>(*t, p) && float32_constants(p) : expr::runnable<double>(*t, p))) return nullptr;
  std::unique_ptr<TiledCall> call;
  if (f32) {
    call = std::make_unique<ExprCall<float>>(t, std::move(code_copy), std::move(consts_copy), p,
                                             reinterpret_cast<const float* const*>(in), static_cast<int>(n_in),
                                             static_cast<float*>(out.data), out.length);
  } else {
    call = std::make_unique<ExprCall<double>>(t, std::move(code_copy), std::move(consts_copy), p,
                                              reinterpret_cast<const double* const*>(in), static_cast<int>(n_in),
                                              static_cast<double*>(out.data), out.length);
  }
  call->parallel = out.length >= kParallelMin;
  *handled = true;
  return call;
}

napi_value RunProgram(napi_env env, napi_callback_info info) {
  napi_value keep[kMaxInputs + 1];
  size_t nkeep;
  bool handled, threw;
  std::unique_ptr<TiledCall> call = prepare(env, info, false, keep, &nkeep, nullptr, &handled, &threw);
  if (threw) return nullptr;
  if (!handled) return boolean(env, false);
  run_tiled(*call);
  return boolean(env, true);
}

napi_value RunProgramAsync(napi_env env, napi_callback_info info) {
  napi_value keep[kMaxInputs + 1];
  size_t nkeep;
  napi_value done;
  bool handled, threw;
  std::unique_ptr<TiledCall> call = prepare(env, info, true, keep, &nkeep, &done, &handled, &threw);
  if (threw) return nullptr;
  if (!handled) return null_value(env);
  return start_async(env, std::move(call), keep, nkeep, done);
}

napi_value Stats(napi_env env, napi_callback_info info) {
  Args<9, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  const size_t argc = args.argc;
  const napi_value* argv = args.argv;
  View x, out;
  size_t outer = 0, C = 0, inner = 0;
  double d[3];  // deadMax, lo, hi
  bool has_shape = false;
  bool ok = argc == 9 && get_typed_array(env, argv[0], &x) && get_typed_array(env, argv[8], &out) && out.type == napi_float64_array &&
            napi_get_value_bool(env, argv[4], &has_shape) == napi_ok && get_size(env, argv[1], &outer) &&
            get_size(env, argv[2], &C) && get_size(env, argv[3], &inner);
  static const int kArg[3] = {5, 6, 7};
  for (int i = 0; ok && i < 3; ++i) ok = napi_get_value_double(env, argv[kArg[i]], &d[i]) == napi_ok;
  if (!ok) return throw_type(env, "stats: expected (x, outer, C, inner, hasShape, deadMax, lo, hi, out)");
  // outer * C * inner without overflow (each is at most 2^53), and out sized by the
  // caller for C + 1 channels, so the per-channel buffer below is no larger than out.
  if (out.length % 8 != 0 || C != out.length / 8 - 1 || !product_is(outer, C, inner, x.length)) {
    return throw_range(env, "stats: shape or out length mismatch");
  }
  if (!check_alias(env, "stats", out, "the moments", x, "x", Alias::kDisjoint)) return nullptr;
  if (x.type != napi_float32_array && x.type != napi_float64_array) return boolean(env, false);
  const KernelTable* t = args.data->active;
  if (t == nullptr) return boolean(env, false);
  std::vector<Moments> m(C + 1);
  if (x.type == napi_float32_array) {
    expr::stats<float>(*t, x.cptr<float>(), outer, C, inner, has_shape, d[0], d[1], d[2], m.data());
  } else {
    expr::stats<double>(*t, x.cptr<double>(), outer, C, inner, has_shape, d[0], d[1], d[2], m.data());
  }
  double* o = static_cast<double*>(out.data);
  for (size_t c = 0; c <= C; ++c) {
    const Moments& k = m[c];
    const double v[8] = {k.n, k.nan, k.min, k.max, k.mean, k.m2, k.dead, k.sat};
    std::memcpy(o + 8 * c, v, sizeof v);
  }
  return boolean(env, true);
}

}  // namespace

void init_expr(napi_env env, napi_value exports, EnvState* s) {
  define(env, exports, s, {{"runProgram", RunProgram}, {"runProgramAsync", RunProgramAsync}, {"stats", Stats}});
}

}  // namespace napi
}  // namespace ak

// native/napi/shaped.cc -- the shaped ops' entry points. Compiled without ISA flags.
//
//   shaped(op, outer, len, inner, param, a0, a1, a2, a3, a4) -> boolean
//   shapedAsync(op, outer, len, inner, param, a0, a1, a2, a3, a4, done) -> ticket | null
//       op (kShaped* below) and the arrays a0.. in the order listed there (null where the
//       ShapedCall has null); param: alphaScalar (prelu) or pieces (maxout)
//
// The calls and their tilings are in runtime/shaped_calls.h.
#include <memory>

#include "../dispatch/table.h"
#include "../runtime/shaped_calls.h"
#include "args.h"
#include "async.h"
#include "env.h"

namespace ak {

namespace napi {
namespace {

// Shaped op codes: registry/shaped_ops.inc, generated from lib's SHAPED_OPS. The arrays
// of each, in order (arg_spec below):
//   softmax, logSoftmax, softmin, hardmax   x, y
//   softmaxBackward, logSoftmaxBackward,
//   softminBackward                         dy, y|null, x|null, dx
//   prelu                                   x, y, alpha|null                param: alphaScalar
//   preluBackward                           dy, x, alpha|null, dx, dalpha (Float64Array)
//   maxout                                  x, y                            param: pieces
//   maxoutBackward                          dy, x, dx                       param: pieces
//   hardmaxBackward                         dy, x, dx
enum ShapedOp : uint32_t {
#define AK_SHAPED_OP(name, Name) k##Name,
#include "../registry/shaped_ops.inc"
  kNumShapedOps
};

// From this many elements a call is split over the pool (a tile is ~kTileBytes of each
// array; below this the hand-out costs more than a second thread brings).
constexpr size_t kShapedParallelMin = size_t{1} << 16;

// Builds the call for one dtype; null when this op has no native kernel yet.
template <class T>
std::unique_ptr<TiledCall> make_shaped(const Kernels<T>& k, uint32_t op, size_t outer, size_t len, size_t inner,
                                       double param, const View* a) {
  switch (op) {
    case kSoftmax:
    case kLogSoftmax:
    case kSoftmin:
      if (!k.softmax) return nullptr;
      return std::unique_ptr<TiledCall>(new SoftmaxCall<T>(k.softmax, a[0].cptr<T>(), a[1].mptr<T>(), outer, len, inner,
                                                           op == kLogSoftmax ? kSoftmaxLog : op == kSoftmin ? kSoftmaxNeg : 0u));
    case kSoftmaxBackward:
    case kLogSoftmaxBackward:
    case kSoftminBackward:
      if (!k.softmax_bwd) return nullptr;
      return std::unique_ptr<TiledCall>(new SoftmaxBwdCall<T>(
          k.softmax_bwd, a[0].cptr<T>(), a[1].cptr<T>(), a[1].present ? nullptr : a[2].cptr<T>(), a[3].mptr<T>(), outer,
          len, inner, op == kLogSoftmaxBackward ? kSoftmaxLog : op == kSoftminBackward ? kSoftmaxNeg : 0u));
    case kHardmax:  // maxout's backward with dy = 1 and one group of len per row
      if (!k.maxout_bwd) return nullptr;
      if (len == 0) return std::unique_ptr<TiledCall>(new ZeroCall<T>(a[1].mptr<T>(), 0));  // no element
      return std::unique_ptr<TiledCall>(
          new MaxoutBwdCall<T>(k.maxout_bwd, nullptr, a[0].cptr<T>(), a[1].mptr<T>(), outer, len, inner, len));
    case kHardmaxBackward:
      return std::unique_ptr<TiledCall>(new ZeroCall<T>(a[2].mptr<T>(), outer * len * inner));
    case kPrelu:
      if (!k.prelu) return nullptr;
      return std::unique_ptr<TiledCall>(
          new PreluCall<T>(k.prelu, a[0].cptr<T>(), a[1].mptr<T>(), a[2].cptr<T>(), param, outer, len, inner));
    case kPreluBackward:
      if (!k.prelu_bwd) return nullptr;
      return std::unique_ptr<TiledCall>(new PreluBwdCall<T>(k.prelu_bwd, a[0].cptr<T>(), a[1].cptr<T>(), a[2].cptr<T>(),
                                                            param, a[3].mptr<T>(), static_cast<double*>(a[4].data),
                                                            outer, len, inner));
    case kMaxout:
      if (!k.maxout) return nullptr;
      return std::unique_ptr<TiledCall>(new MaxoutCall<T>(k.maxout, a[0].cptr<T>(), a[1].mptr<T>(), outer, len, inner,
                                                          static_cast<size_t>(param)));
    case kMaxoutBackward:
      if (!k.maxout_bwd) return nullptr;
      return std::unique_ptr<TiledCall>(new MaxoutBwdCall<T>(k.maxout_bwd, a[0].cptr<T>(), a[1].cptr<T>(), a[2].mptr<T>(),
                                                             outer, len, inner, static_cast<size_t>(param)));
    default:
      return nullptr;
  }
}

// Which arrays op uses (by position), which may be null, and whether they must all have
// the data's length (n = outer·len·inner) -- alpha, dalpha and maxout's y/dy do not.
struct ArgSpec {
  int count;
  uint8_t nullable;  // bit i: a_i may be null
};
ArgSpec arg_spec(uint32_t op) {
  switch (op) {
    case kSoftmax:
    case kLogSoftmax:
    case kSoftmin:
    case kHardmax: return {2, 0};
    case kSoftmaxBackward:
    case kLogSoftmaxBackward:
    case kSoftminBackward: return {4, 0x6};
    case kPrelu: return {3, 0x4};
    case kPreluBackward: return {5, 0x4};
    case kMaxout: return {2, 0};
    case kMaxoutBackward: return {3, 0};
    case kHardmaxBackward: return {3, 0};
    default: return {0, 0};  // an op without native entry: make_shaped declines it
  }
}

// Parses (op, outer, len, inner, param, a0..a4); sets *error for a misuse.
// The arrays a_i of op's call by their API names; outputs (bit i) and the arrays read
// throughout the call (alpha, bit i), which share no byte with an output.
struct ArgRoles {
  const char* names[5];
  uint8_t outputs;
  uint8_t disjoint;
};
ArgRoles arg_roles(uint32_t op) {
  switch (op) {
    case kSoftmaxBackward:
    case kLogSoftmaxBackward:
    case kSoftminBackward: return {{"dy", "options.y", "x", "options.out", ""}, 0x8, 0};
    case kHardmaxBackward: return {{"dy", "x", "options.out", "", ""}, 0x4, 0};
    case kPrelu: return {{"x", "options.out", "alpha", "", ""}, 0x2, 0x4};
    case kPreluBackward: return {{"dy", "x", "alpha", "options.out", "dalpha"}, 0x18, 0x14};
    case kMaxoutBackward: return {{"dy", "x", "options.out", "", ""}, 0x4, 0};
    default: return {{"x", "options.out", "", "", ""}, 0x2, 0};  // softmax, hardmax, maxout
  }
}

// Each output against every other array (check_alias): the very same range as a data
// input is an in-place call; two outputs, or an output and alpha, share no byte.
bool shaped_aliases(napi_env env, uint32_t op, int count, const View* a) {
  const ArgRoles r = arg_roles(op);
  for (int o = 0; o < count; ++o) {
    if (!((r.outputs >> o) & 1)) continue;
    for (int i = 0; i < count; ++i) {
      if (i == o) continue;
      const bool disjoint = ((r.disjoint | r.outputs) >> i & 1) || ((r.disjoint >> o) & 1);
      if (!check_alias(env, "shaped", a[o], r.names[o], a[i], r.names[i], disjoint ? Alias::kDisjoint : Alias::kInPlace)) {
        return false;
      }
    }
  }
  return true;
}

std::unique_ptr<TiledCall> shaped_call(napi_env env, const EnvState* e, const napi_value* argv, const char** error) {
  *error = nullptr;
  uint32_t op;
  size_t outer, len, inner;
  double param;
  if (napi_get_value_uint32(env, argv[0], &op) != napi_ok || op >= kNumShapedOps || !get_size(env, argv[1], &outer) ||
      !get_size(env, argv[2], &len) || !get_size(env, argv[3], &inner) || !get_number(env, argv[4], &param)) {
    *error = "shaped: expected (op, outer, len, inner, param, ...arrays)";
    return nullptr;
  }
  const ArgSpec spec = arg_spec(op);
  View a[5];
  napi_typedarray_type type = napi_float64_array;
  bool have_type = false;
  for (int i = 0; i < spec.count; ++i) {
    const bool nullable = (spec.nullable >> i) & 1;
    if (!(nullable ? get_float_view_or_null(env, argv[5 + i], &a[i]) : get_float_view(env, argv[5 + i], &a[i]))) {
      *error = "shaped: every array must be a Float32Array or Float64Array";
      return nullptr;
    }
    const bool is_dalpha = op == kPreluBackward && i == 4;
    if (!a[i].present || is_dalpha) continue;
    if (have_type && a[i].type != type) {
      *error = "shaped: the arrays of a call must have one type";
      return nullptr;
    }
    type = a[i].type;
    have_type = true;
  }
  // Lengths: every data-shaped array holds outer·len·inner elements (maxout's reduced
  // side outer·(len/pieces)·inner); alpha and dalpha hold len.
  const size_t n = outer * len * inner;
  if (!product_is(outer, len, inner, n)) {
    *error = "shaped: outer·len·inner overflows";
    return nullptr;
  }
  for (int i = 0; i < spec.count; ++i) {
    if (!a[i].present) continue;
    size_t want = n;
    if ((op == kPrelu && i == 2) || (op == kPreluBackward && (i == 2 || i == 4))) want = len;
    if ((op == kMaxout && i == 1) || (op == kMaxoutBackward && i == 0)) {
      if (!(param >= 1) || static_cast<size_t>(param) != param || len % static_cast<size_t>(param) != 0) {
        *error = "shaped: pieces must divide len";
        return nullptr;
      }
      want = outer * (len / static_cast<size_t>(param)) * inner;
    }
    if (a[i].length != want) {
      *error = "shaped: an array's length does not match the shape";
      return nullptr;
    }
  }
  if (op == kPreluBackward && a[4].type != napi_float64_array) {
    *error = "shaped: dalpha must be a Float64Array";
    return nullptr;
  }
  if (op == kPrelu || op == kPreluBackward) {
    if (a[2].present && a[2].type != type) {
      *error = "shaped: alpha must have the data's type";
      return nullptr;
    }
  }
  if ((op == kSoftmaxBackward || op == kLogSoftmaxBackward || op == kSoftminBackward) && !a[1].present && !a[2].present) {
    *error = "shaped: softmax backward needs y or x";
    return nullptr;
  }
  if (!shaped_aliases(env, op, spec.count, a)) {
    *error = already_thrown();
    return nullptr;
  }
  const KernelTable& t = *e->active;
  std::unique_ptr<TiledCall> call = type == napi_float32_array
                                        ? make_shaped<float>(t.f32, op, outer, len, inner, param, a)
                                        : make_shaped<double>(t.f64, op, outer, len, inner, param, a);
  if (call) call->parallel = n >= kShapedParallelMin;
  return call;
}

napi_value Shaped(napi_env env, napi_callback_info info) {
  Args<10, EnvState> args;  // the arrays not passed read as undefined
  if (!args.read(env, info)) return nullptr;
  if (args.argc < 6) return throw_type(env, "shaped: expected (op, outer, len, inner, param, ...arrays)");
  const char* error;
  std::unique_ptr<TiledCall> call = shaped_call(env, args.data, args.argv, &error);
  if (error == already_thrown()) return nullptr;
  if (error) return throw_type(env, error);
  if (!call) return boolean(env, false);
  run_tiled(*call);
  return boolean(env, true);
}

napi_value ShapedAsync(napi_env env, napi_callback_info info) {
  Args<11, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  if (args.argc < 11) return throw_type(env, "shapedAsync: expected (op, outer, len, inner, param, a0..a4, done)");
  const char* error;
  std::unique_ptr<TiledCall> call = shaped_call(env, args.data, args.argv, &error);
  if (error == already_thrown()) return nullptr;
  if (error) return throw_type(env, error);
  if (!call) return null_value(env);
  // start_async keeps at most four values alive; the fifth array of a call (prelu's
  // dalpha) is kept by the JS caller until the promise settles (lib/native.ts).
  return start_async(env, std::move(call), args.argv + 5, 4, args[10]);
}

}  // namespace

void init_shaped(napi_env env, napi_value exports, EnvState* s) {
  define(env, exports, s, {{"shaped", Shaped}, {"shapedAsync", ShapedAsync}});
}

}  // namespace napi
}  // namespace ak

// native/shaped.cc -- Node-API entry points of the backward passes and the shaped ops.
// Compiled without ISA flags.
//
// Exports (added by init_shaped):
//   unaryBackward(id, dy, x, y, dx, a, b) -> boolean
//       dx = dy·f'(x), or dy·g(y) when y is not null (x then ignored); false (nothing
//       written) when that op/dtype/form has no native kernel
//   unaryBackwardAsync(id, dy, x, y, dx, a, b, done) -> ticket | null
//   shaped(op, outer, len, inner, param, a0, a1, a2, a3, a4) -> boolean
//   shapedAsync(op, outer, len, inner, param, a0, a1, a2, a3, a4, done) -> ticket | null
//       op (kShaped* below) and the arrays a0.. in the order listed there (null where the
//       ShapedCall has null); param: alphaScalar (prelu) or pieces (maxout)
//
// The calls and their tilings are in runtime/elementwise.h and runtime/shaped_calls.h.
// The JS layer validated everything; the checks here only turn a misuse into a
// TypeError instead of an out-of-bounds access.
#include "shaped.h"

#include <memory>

#include "async.h"
#include "runtime/elementwise.h"
#include "runtime/shaped_calls.h"

namespace ak {

namespace scalar { extern const ShapedTable kShapedTable; }
#if defined(__x86_64__) || defined(_M_X64)
namespace avx2 { extern const ShapedTable kShapedTable; }
namespace avx512 { extern const ShapedTable kShapedTable; }
#endif

const ShapedTable* shaped_table(Isa isa) {
  if (!isa_supported(isa)) return nullptr;
  switch (isa) {
    case Isa::kScalar: return &scalar::kShapedTable;
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::kAvx2: return &avx2::kShapedTable;
    case Isa::kAvx512: return &avx512::kShapedTable;
#endif
    default: return nullptr;
  }
}

namespace {

// Shaped op codes (lib/native.ts SHAPED_OPS has the same order).
enum ShapedOp : uint32_t {
  kSoftmax = 0,              // x, y
  kLogSoftmax = 1,           // x, y
  kSoftmaxBackward = 2,      // dy, y|null, x|null, dx
  kLogSoftmaxBackward = 3,   // dy, y|null, x|null, dx
  kPrelu = 4,                // x, y, alpha|null         param: alphaScalar
  kPreluBackward = 5,        // dy, x, alpha|null, dx, dalpha (Float64Array)
  kMaxout = 6,               // x, y                      param: pieces
  kMaxoutBackward = 7,       // dy, x, dx                 param: pieces
  kNumShapedOps = 8,
};

// From this many elements a call is split over the pool (a tile is ~kTileBytes of each
// array; below this the hand-out costs more than a second thread brings).
constexpr size_t kShapedParallelMin = size_t{1} << 16;

struct Env {
  const KernelTable* const* active;
};

const ShapedTable* active_table(const Env* e) { return shaped_table((*e->active)->isa); }

napi_value throw_type(napi_env env, const char* msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return nullptr;
}

struct View {
  napi_typedarray_type type = napi_float64_array;
  size_t length = 0;
  void* data = nullptr;
  bool present = false;
};

// A Float32Array/Float64Array, or (when nullable) null/undefined.
bool get_view(napi_env env, napi_value v, View* out, bool nullable) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_null || t == napi_undefined) {
    out->present = false;
    return nullable;
  }
  napi_value buffer;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buffer, &offset) != napi_ok) return false;
  out->present = true;
  return out->type == napi_float32_array || out->type == napi_float64_array;
}

bool get_number(napi_env env, napi_value v, double* out) {
  if (napi_get_value_double(env, v, out) == napi_ok) return true;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) == napi_ok && t == napi_undefined) {
    *out = 0;
    return true;
  }
  return false;
}

bool get_size(napi_env env, napi_value v, size_t* out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0) || d > 9007199254740992.0 ||
      d != static_cast<double>(static_cast<size_t>(d))) {
    return false;
  }
  *out = static_cast<size_t>(d);
  return true;
}

napi_value boolean(napi_env env, bool b) {
  napi_value r;
  napi_get_boolean(env, b, &r);
  return r;
}
napi_value null_value(napi_env env) {
  napi_value r;
  napi_get_null(env, &r);
  return r;
}

// ---------------------------------------------------------------- unary backward

// Parses (id, dy, x, y, dx, a, b) into a call, or sets *error (a TypeError message);
// null call and no error: no native kernel for it.
std::unique_ptr<TiledCall> backward_call(napi_env env, const Env* e, const napi_value* argv, const char** error) {
  *error = nullptr;
  uint32_t id;
  if (napi_get_value_uint32(env, argv[0], &id) != napi_ok || id >= kNumUnaryOps) {
    *error = "unaryBackward: the op id must be an integer below the number of ops";
    return nullptr;
  }
  View dy, x, y, dx;
  if (!get_view(env, argv[1], &dy, false) || !get_view(env, argv[2], &x, true) || !get_view(env, argv[3], &y, true) ||
      !get_view(env, argv[4], &dx, false)) {
    *error = "unaryBackward: dy, x, y, dx must be Float32Array or Float64Array (x or y may be null)";
    return nullptr;
  }
  const View& in = y.present ? y : x;
  if (!in.present || in.type != dy.type || dx.type != dy.type || in.length != dy.length || dx.length != dy.length) {
    *error = "unaryBackward: dy, dx and x (or y) must have one type and one length";
    return nullptr;
  }
  Params p;
  if (!get_number(env, argv[5], &p.a) || !get_number(env, argv[6], &p.b)) {
    *error = "unaryBackward: parameters a and b must be numbers";
    return nullptr;
  }
  const ShapedTable* t = active_table(e);
  if (t == nullptr) return nullptr;
  std::unique_ptr<TiledCall> call;
  if (dy.type == napi_float32_array) {
    const BwdKernel<float> k = y.present ? t->f32.bwd_y[id] : t->f32.bwd_x[id];
    if (k) {
      call.reset(new BackwardCall<float>(k, static_cast<const float*>(dy.data), static_cast<const float*>(in.data),
                                         static_cast<float*>(dx.data), dy.length, p));
    }
  } else {
    const BwdKernel<double> k = y.present ? t->f64.bwd_y[id] : t->f64.bwd_x[id];
    if (k) {
      call.reset(new BackwardCall<double>(k, static_cast<const double*>(dy.data), static_cast<const double*>(in.data),
                                          static_cast<double*>(dx.data), dy.length, p));
    }
  }
  // Three arrays per element instead of two: the forward's measured threshold is kept
  // (the backward costs at least as much per element).
  if (call) call->parallel = dy.length >= parallel_min(id);
  return call;
}

Env* cb_env(napi_env env, napi_callback_info info, size_t* argc, napi_value* argv) {
  void* data = nullptr;
  if (napi_get_cb_info(env, info, argc, argv, nullptr, &data) != napi_ok) return nullptr;
  return static_cast<Env*>(data);
}

napi_value UnaryBackward(napi_env env, napi_callback_info info) {
  size_t argc = 7;
  napi_value argv[7];
  Env* e = cb_env(env, info, &argc, argv);
  if (e == nullptr) return nullptr;
  if (argc < 7) return throw_type(env, "unaryBackward: expected (id, dy, x, y, dx, a, b)");
  const char* error;
  std::unique_ptr<TiledCall> call = backward_call(env, e, argv, &error);
  if (error) return throw_type(env, error);
  if (!call) return boolean(env, false);
  run_tiled(*call);
  return boolean(env, true);
}

napi_value UnaryBackwardAsync(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  Env* e = cb_env(env, info, &argc, argv);
  if (e == nullptr) return nullptr;
  if (argc < 8) return throw_type(env, "unaryBackwardAsync: expected (id, dy, x, y, dx, a, b, done)");
  const char* error;
  std::unique_ptr<TiledCall> call = backward_call(env, e, argv, &error);
  if (error) return throw_type(env, error);
  if (!call) return null_value(env);
  return start_async(env, std::move(call), argv + 1, 4, argv[7]);
}

// ---------------------------------------------------------------- shaped ops

template <class T>
const T* cptr(const View& v) { return v.present ? static_cast<const T*>(v.data) : nullptr; }
template <class T>
T* mptr(const View& v) { return v.present ? static_cast<T*>(v.data) : nullptr; }

// Builds the call for one dtype; null when this op has no native kernel yet.
template <class T>
std::unique_ptr<TiledCall> make_shaped(const ShapedKernels<T>& k, uint32_t op, size_t outer, size_t len, size_t inner,
                                       double param, const View* a) {
  switch (op) {
    case kSoftmax:
    case kLogSoftmax:
      if (!k.softmax) return nullptr;
      return std::unique_ptr<TiledCall>(
          new SoftmaxCall<T>(k.softmax, cptr<T>(a[0]), mptr<T>(a[1]), outer, len, inner, op == kLogSoftmax));
    case kSoftmaxBackward:
    case kLogSoftmaxBackward:
      if (!k.softmax_bwd) return nullptr;
      return std::unique_ptr<TiledCall>(new SoftmaxBwdCall<T>(k.softmax_bwd, cptr<T>(a[0]), cptr<T>(a[1]),
                                                              a[1].present ? nullptr : cptr<T>(a[2]), mptr<T>(a[3]),
                                                              outer, len, inner, op == kLogSoftmaxBackward));
    case kPrelu:
      if (!k.prelu) return nullptr;
      return std::unique_ptr<TiledCall>(
          new PreluCall<T>(k.prelu, cptr<T>(a[0]), mptr<T>(a[1]), cptr<T>(a[2]), param, outer, len, inner));
    case kPreluBackward:
      if (!k.prelu_bwd) return nullptr;
      return std::unique_ptr<TiledCall>(new PreluBwdCall<T>(k.prelu_bwd, cptr<T>(a[0]), cptr<T>(a[1]), cptr<T>(a[2]),
                                                            param, mptr<T>(a[3]), static_cast<double*>(a[4].data),
                                                            outer, len, inner));
    case kMaxout:
      if (!k.maxout) return nullptr;
      return std::unique_ptr<TiledCall>(new MaxoutCall<T>(k.maxout, cptr<T>(a[0]), mptr<T>(a[1]), outer, len, inner,
                                                          static_cast<size_t>(param)));
    case kMaxoutBackward:
      if (!k.maxout_bwd) return nullptr;
      return std::unique_ptr<TiledCall>(new MaxoutBwdCall<T>(k.maxout_bwd, cptr<T>(a[0]), cptr<T>(a[1]), mptr<T>(a[2]),
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
constexpr ArgSpec kSpecs[kNumShapedOps] = {
    {2, 0}, {2, 0}, {4, 0x6}, {4, 0x6}, {3, 0x4}, {5, 0x4}, {2, 0}, {3, 0},
};

// Parses (op, outer, len, inner, param, a0..a4); sets *error for a misuse.
std::unique_ptr<TiledCall> shaped_call(napi_env env, const Env* e, const napi_value* argv, const char** error) {
  *error = nullptr;
  uint32_t op;
  size_t outer, len, inner;
  double param;
  if (napi_get_value_uint32(env, argv[0], &op) != napi_ok || op >= kNumShapedOps || !get_size(env, argv[1], &outer) ||
      !get_size(env, argv[2], &len) || !get_size(env, argv[3], &inner) || !get_number(env, argv[4], &param)) {
    *error = "shaped: expected (op, outer, len, inner, param, ...arrays)";
    return nullptr;
  }
  const ArgSpec spec = kSpecs[op];
  View a[5];
  napi_typedarray_type type = napi_float64_array;
  bool have_type = false;
  for (int i = 0; i < spec.count; ++i) {
    if (!get_view(env, argv[5 + i], &a[i], (spec.nullable >> i) & 1)) {
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
  if (len != 0 && outer * len != 0 && n / (outer * len) != inner) {
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
  if ((op == kSoftmaxBackward || op == kLogSoftmaxBackward) && !a[1].present && !a[2].present) {
    *error = "shaped: softmax backward needs y or x";
    return nullptr;
  }
  const ShapedTable* t = active_table(e);
  if (t == nullptr) return nullptr;
  std::unique_ptr<TiledCall> call = type == napi_float32_array
                                        ? make_shaped<float>(t->f32, op, outer, len, inner, param, a)
                                        : make_shaped<double>(t->f64, op, outer, len, inner, param, a);
  if (call) call->parallel = n >= kShapedParallelMin;
  return call;
}

napi_value Shaped(napi_env env, napi_callback_info info) {
  size_t argc = 10;
  napi_value argv[10];
  Env* e = cb_env(env, info, &argc, argv);
  if (e == nullptr) return nullptr;
  napi_value undef;
  napi_get_undefined(env, &undef);
  for (size_t i = argc; i < 10; ++i) argv[i] = undef;
  if (argc < 6) return throw_type(env, "shaped: expected (op, outer, len, inner, param, ...arrays)");
  const char* error;
  std::unique_ptr<TiledCall> call = shaped_call(env, e, argv, &error);
  if (error) return throw_type(env, error);
  if (!call) return boolean(env, false);
  run_tiled(*call);
  return boolean(env, true);
}

napi_value ShapedAsync(napi_env env, napi_callback_info info) {
  size_t argc = 11;
  napi_value argv[11];
  Env* e = cb_env(env, info, &argc, argv);
  if (e == nullptr) return nullptr;
  if (argc < 11) return throw_type(env, "shapedAsync: expected (op, outer, len, inner, param, a0..a4, done)");
  const char* error;
  std::unique_ptr<TiledCall> call = shaped_call(env, e, argv, &error);
  if (error) return throw_type(env, error);
  if (!call) return null_value(env);
  // start_async keeps at most four values alive; the fifth array of a call (prelu's
  // dalpha) is kept by the JS caller until the promise settles (lib/native.ts).
  return start_async(env, std::move(call), argv + 5, 4, argv[10]);
}

void delete_env(void* data) { delete static_cast<Env*>(data); }

}  // namespace

void init_shaped(napi_env env, napi_value exports, const KernelTable* const* active) {
  Env* e = new Env{active};
  // Freed when the environment is torn down; tiles never touch it (only the JS thread
  // reads it, at each call), so the order against async.cc's hook does not matter.
  napi_add_env_cleanup_hook(env, delete_env, e);
  const napi_property_descriptor props[] = {
      {"unaryBackward", nullptr, UnaryBackward, nullptr, nullptr, nullptr, napi_enumerable, e},
      {"unaryBackwardAsync", nullptr, UnaryBackwardAsync, nullptr, nullptr, nullptr, napi_enumerable, e},
      {"shaped", nullptr, Shaped, nullptr, nullptr, nullptr, napi_enumerable, e},
      {"shapedAsync", nullptr, ShapedAsync, nullptr, nullptr, nullptr, napi_enumerable, e},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
}

}  // namespace ak

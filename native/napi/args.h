// native/napi/args.h -- reading a call's arguments and throwing for a misuse: the one
// copy every entry family (napi/*.cc) uses.
//
// The JS layer validated everything before it calls the binding; these checks only
// make sure a misuse throws a TypeError instead of reading garbage. Data pointers of
// views are used in place (the engine's pointer already includes byteOffset;
// SharedArrayBuffer-backed views work alike).
#ifndef AK_NAPI_ARGS_H_
#define AK_NAPI_ARGS_H_

#include <node_api.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "../kernels/signatures.h"

namespace ak {
namespace napi {

// Throws a TypeError (code ERR_INVALID_ARG_TYPE); returns null for `return throw_type(...)`.
inline napi_value throw_type(napi_env env, const char* msg) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", msg);
  return nullptr;
}

// Throws a RangeError (code ERR_OUT_OF_RANGE); returns null.
inline napi_value throw_range(napi_env env, const char* msg) {
  napi_throw_range_error(env, "ERR_OUT_OF_RANGE", msg);
  return nullptr;
}

inline napi_value boolean(napi_env env, bool b) {
  napi_value r;
  napi_get_boolean(env, b, &r);
  return r;
}

inline napi_value null_value(napi_env env) {
  napi_value r;
  napi_get_null(env, &r);
  return r;
}

// A typed array's element type, length and data; present is false for an absent
// (null or undefined) nullable argument.
struct View {
  napi_typedarray_type type = napi_int8_array;
  size_t length = 0;
  void* data = nullptr;
  bool present = false;

  bool is_float() const { return type == napi_float32_array || type == napi_float64_array; }
  template <class T>
  const T* cptr() const { return present ? static_cast<const T*>(data) : nullptr; }
  template <class T>
  T* mptr() const { return present ? static_cast<T*>(data) : nullptr; }
};

// Any typed array.
inline bool get_typed_array(napi_env env, napi_value v, View* out) {
  out->present = napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, nullptr, nullptr) == napi_ok;
  return out->present;
}

// A Float32Array or Float64Array.
inline bool get_float_view(napi_env env, napi_value v, View* out) { return get_typed_array(env, v, out) && out->is_float(); }

// A Float32Array or Float64Array, or null/undefined (present false).
inline bool get_float_view_or_null(napi_env env, napi_value v, View* out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_null || t == napi_undefined) {
    out->present = false;
    return true;
  }
  return get_float_view(env, v, out);
}

// A float array, or a Uint16Array of 16-bit float storage (its format passed apart).
inline bool get_storage_view(napi_env env, napi_value v, View* out) {
  return get_typed_array(env, v, out) && (out->is_float() || out->type == napi_uint16_array);
}

// The same, or null/undefined (present false).
inline bool get_storage_view_or_null(napi_env env, napi_value v, View* out) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_null || t == napi_undefined) {
    out->present = false;
    return true;
  }
  return get_storage_view(env, v, out);
}

// The bytes of a typed-array element of type t.
inline size_t element_bytes(napi_typedarray_type t) {
  switch (t) {
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array: return 1;
    case napi_int16_array:
    case napi_uint16_array: return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array: return 4;
    default: return 8;
  }
}

// How an output may share memory with another array of its call: kInPlace, only as
// the very same range (an in-place call); kDisjoint, not a byte.
enum class Alias { kInPlace, kDisjoint };

// Throws the JS overlap check's RangeError (lib/validate/values.ts checkNoPartialOverlap,
// checkDisjoint) when `out` shares memory with `other` other than as `rule` allows, and
// returns false; absent arrays pass. The JS check compares buffer objects, so it cannot
// see two SharedArrayBuffer objects over one memory (structuredClone of a
// SharedArrayBuffer); this compares the data pointers, before any byte is written.
inline bool check_alias(napi_env env, const char* fn, const View& out, const char* out_name, const View& other,
                        const char* other_name, Alias rule) {
  if (!out.present || !other.present) return true;
  const uintptr_t o0 = reinterpret_cast<uintptr_t>(out.data), x0 = reinterpret_cast<uintptr_t>(other.data);
  const uintptr_t o1 = o0 + out.length * element_bytes(out.type), x1 = x0 + other.length * element_bytes(other.type);
  if (!(o0 < x1 && x0 < o1)) return true;
  if (rule == Alias::kInPlace && o0 == x0 && o1 == x1) return true;
  const uintptr_t base = o0 < x0 ? o0 : x0;
  const std::string bytes = "(bytes " + std::to_string(o0 - base) + ".." + std::to_string(o1 - base) + " against " +
                            std::to_string(x0 - base) + ".." + std::to_string(x1 - base) +
                            " of one memory, through two buffer objects)";
  const std::string msg =
      rule == Alias::kInPlace
          ? std::string(fn) + ": Expected " + other_name + " itself or an array not overlapping it for " + out_name +
                " but received one that overlaps it partially " + bytes
          : std::string(fn) + ": Expected an array not overlapping " + other_name + " for " + out_name +
                " but received one that does " + bytes;
  throw_range(env, msg.c_str());
  return false;
}

// The error of a call whose reading already threw (check_alias): entry points return
// null for it instead of throwing their own TypeError.
inline const char* already_thrown() {
  static const char k[] = "";
  return k;
}

// An element-wise call's input and output types agree: the same type, or 16-bit
// storage widened on the way out into a Float32Array.
inline bool storage_pair(const View& in, const View& out) {
  return in.type == out.type || (in.type == napi_uint16_array && out.type == napi_float32_array);
}

// The format of 16-bit storage (HalfFormat: 0 float16, 1 bfloat16); v may be null (absent).
inline bool get_half_format(napi_env env, napi_value v, uint32_t* out) {
  return v != nullptr && napi_get_value_uint32(env, v, out) == napi_ok && *out < kNumHalfFormats;
}

// A number; undefined reads as 0 (an op's unused parameters).
inline bool get_number(napi_env env, napi_value v, double* out) {
  if (napi_get_value_double(env, v, out) == napi_ok) return true;
  napi_valuetype t;
  if (napi_typeof(env, v, &t) == napi_ok && t == napi_undefined) {
    *out = 0;
    return true;
  }
  return false;
}

// An integer in [0, 2^53] (a count or an extent).
inline bool get_size(napi_env env, napi_value v, size_t* out) {
  double d;
  if (napi_get_value_double(env, v, &d) != napi_ok || !(d >= 0) || d > 9007199254740992.0 ||
      d != static_cast<double>(static_cast<size_t>(d))) {
    return false;
  }
  *out = static_cast<size_t>(d);
  return true;
}

// Whether a * b * c is `n`, without overflow: a zero factor makes 0 whatever the others.
inline bool product_is(size_t a, size_t b, size_t c, size_t n) {
  if (a == 0 || b == 0 || c == 0) return n == 0;
  const size_t max = ~size_t{0};
  if (a > max / b || a * b > max / c) return false;
  return a * b * c == n;
}

// The callback's arguments (up to N; argc is how many were passed, argv[argc..N)
// undefined) and the data pointer its function was created with.
template <size_t N, class Data>
struct Args {
  size_t argc = N;
  napi_value argv[N > 0 ? N : 1];
  Data* data = nullptr;
  // False (nothing thrown) when Node-API could not read the call.
  bool read(napi_env env, napi_callback_info info) {
    void* d = nullptr;
    if (napi_get_cb_info(env, info, &argc, argv, nullptr, &d) != napi_ok || d == nullptr) return false;
    data = static_cast<Data*>(d);
    return true;
  }
  napi_value operator[](size_t i) const { return argv[i]; }
};

// Adds functions to `exports`, each created with `data`.
struct Export {
  const char* name;
  napi_callback fn;
};
template <size_t N>
void define(napi_env env, napi_value exports, void* data, const Export (&fns)[N]) {
  napi_property_descriptor props[N];
  for (size_t i = 0; i < N; ++i) {
    props[i] = {fns[i].name, nullptr, fns[i].fn, nullptr, nullptr, nullptr, napi_default_jsproperty, data};
  }
  napi_define_properties(env, exports, N, props);
}

}  // namespace napi
}  // namespace ak

#endif  // AK_NAPI_ARGS_H_

// native/napi/fused.cc -- the fused element-wise pass's entry points (a unary op with a
// bias, the gated ops). Compiled without ISA flags.
//
//   fused(backward, act, a, b, geom, a0..a6) -> boolean
//   fusedAsync(backward, act, a, b, geom, a0..a6, done) -> ticket | null
//       geom: Float64Array [outer, m, stride, gOff, uOff, inner, gC0, uC0, sOuter, sC,
//             sInner, biased, biasScalar, fromY] (lib/backend/native-calls.ts fusedGeom)
//       forward arrays:  g, u|null, y, bias|null           (a4..a6 unused)
//       backward arrays: dy, g, u|null, dg, du|null, bias|null, dbias|null (Float64Array)
//   false / null (nothing written): this level has no kernel for the op.
//
// The calls are in runtime/fused.h.
#include <memory>

#include "../dispatch/table.h"
#include "../runtime/fused.h"
#include "args.h"
#include "async.h"
#include "env.h"

namespace ak {
namespace napi {
namespace {

constexpr size_t kGeomLen = 14;

struct FusedArgs {
  bool backward;
  uint32_t act;
  Params p;
  FusedGeom G;
  bool biased, from_y;
  double bias_scalar;
  View a[7];
  napi_typedarray_type type;
};

// off + (outer − 1)·stride + m ≤ len, without overflow (every term ≤ 2^53).
bool fits(size_t off, const FusedGeom& G, size_t len) {
  if (G.outer == 0 || G.m == 0) return true;
  if (off > len || G.m > len - off) return false;
  const size_t room = len - off - G.m;
  return G.stride == 0 || (G.outer - 1) <= room / G.stride;
}

// Each output against every other array of the call (check_alias): an output may be
// the very same range as g or u (in place), and as dy when the call is not gated; dg
// and du the same range only in the one-array gated form, where the geometry puts them
// on the two halves; the bias and dbias share no byte with an output.
bool fused_aliases(napi_env env, const FusedArgs& f) {
  const View* a = f.a;
  const char* g_name = a[f.backward ? 2 : 1].present ? "gate" : "x";
  if (!f.backward) {
    return check_alias(env, "fused", a[2], "options.out", a[0], g_name, Alias::kInPlace) &&
           check_alias(env, "fused", a[2], "options.out", a[1], "up", Alias::kInPlace) &&
           check_alias(env, "fused", a[2], "options.out", a[3], "options.bias", Alias::kDisjoint);
  }
  const bool gated = a[2].present;
  const char* out_names[2] = {gated ? "options.dgate" : "options.out", "options.dup"};
  for (int o = 0; o < 2; ++o) {
    const View& out = a[3 + o];
    const char* name = out_names[o];
    if (!check_alias(env, "fused", out, name, a[0], "dy", gated ? Alias::kDisjoint : Alias::kInPlace) ||
        !check_alias(env, "fused", out, name, a[1], g_name, Alias::kInPlace) ||
        !check_alias(env, "fused", out, name, a[2], "up", Alias::kInPlace) ||
        !check_alias(env, "fused", out, name, a[5], "options.bias", Alias::kDisjoint)) {
      return false;
    }
  }
  if (!check_alias(env, "fused", a[3], out_names[0], a[4], "options.dup",
                   f.G.g_off != f.G.u_off ? Alias::kInPlace : Alias::kDisjoint)) {
    return false;
  }
  for (int i = 0; i < 6; ++i) {
    if (!check_alias(env, "fused", a[6], "dbias", a[i], "every other array", Alias::kDisjoint)) return false;
  }
  return true;
}

// Parses (backward, act, a, b, geom, a0..a6); sets *error for a misuse.
bool read_fused(napi_env env, const napi_value* argv, FusedArgs* f, const char** error) {
  *error = "fused: expected (backward, act, a, b, geom, ...arrays)";
  View geom;
  if (napi_get_value_bool(env, argv[0], &f->backward) != napi_ok ||
      napi_get_value_uint32(env, argv[1], &f->act) != napi_ok || f->act >= kNumUnaryOps ||
      !get_number(env, argv[2], &f->p.a) || !get_number(env, argv[3], &f->p.b) || !get_typed_array(env, argv[4], &geom) ||
      geom.type != napi_float64_array || geom.length < kGeomLen) {
    return false;
  }
  const double* gv = static_cast<const double*>(geom.data);
  size_t v[11];
  for (int i = 0; i < 11; ++i) {
    const double d = gv[i];
    if (!(d >= 0) || d > 9007199254740992.0 || d != static_cast<double>(static_cast<size_t>(d))) {
      *error = "fused: the geometry must be integers in [0, 2^53]";
      return false;
    }
    v[i] = static_cast<size_t>(d);
  }
  f->G = {v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]};
  f->biased = gv[11] != 0;
  f->bias_scalar = gv[12];
  f->from_y = gv[13] != 0;
  if (f->G.inner == 0) {
    *error = "fused: inner must be at least 1";
    return false;
  }
  // Forward: g, u?, y, bias?; backward: dy, g, u?, dg, du?, bias?, dbias?.
  const int count = f->backward ? 7 : 4;
  const uint8_t nullable = f->backward ? 0x74 : 0x0a;
  *error = "fused: every array must be a Float32Array or Float64Array (or null where optional)";
  for (int i = 0; i < count; ++i) {
    const bool ok = (nullable >> i) & 1 ? get_float_view_or_null(env, argv[5 + i], &f->a[i]) : get_float_view(env, argv[5 + i], &f->a[i]);
    if (!ok) return false;
  }
  const int dbias_at = f->backward ? 6 : -1;
  f->type = f->a[0].type;
  for (int i = 0; i < count; ++i) {
    if (i == dbias_at || !f->a[i].present) continue;
    if (f->a[i].type != f->type) {
      *error = "fused: the arrays of a call must have one type";
      return false;
    }
  }
  const FusedGeom& G = f->G;
  const size_t N = G.outer * G.m;
  if (G.m != 0 && N / G.m != G.outer) {
    *error = "fused: outer·m overflows";
    return false;
  }
  const View& g = f->a[f->backward ? 1 : 0];
  const View& u = f->a[f->backward ? 2 : 1];
  const View& out = f->a[f->backward ? 0 : 2];  // dy (backward) or y: the output-shaped array
  const View& bias = f->a[f->backward ? 5 : 3];
  *error = "fused: an array's length does not match the geometry";
  if (out.length != N || !fits(G.g_off, G, g.length) || (u.present && !fits(G.u_off, G, u.length))) return false;
  if (f->backward) {
    const View& dg = f->a[3];
    const View& du = f->a[4];
    if (!fits(G.g_off, G, dg.length) || u.present != du.present || (du.present && !fits(G.u_off, G, du.length))) return false;
    if (f->from_y && u.present) {
      *error = "fused: a gated backward is computed from x";
      return false;
    }
    const View& dbias = f->a[6];
    if (dbias.present) {
      const size_t sn = G.s_outer * G.s_c * G.s_inner;
      if (dbias.type != napi_float64_array || dbias.length != G.s_c || (G.s_c != 0 && G.s_inner != 0 && sn / G.s_c / G.s_inner != G.s_outer) ||
          sn != dg.length) {
        *error = "fused: dbias must be a Float64Array of sC values and sOuter·sC·sInner the length of dg";
        return false;
      }
    }
  }
  if (bias.present && G.m > 0) {
    const size_t last = (G.m - 1) / G.inner;
    const size_t c0 = u.present && G.u_c0 > G.g_c0 ? G.u_c0 : G.g_c0;
    if (c0 > bias.length || last >= bias.length - c0) {
      *error = "fused: the bias is shorter than the channels the geometry names";
      return false;
    }
  }
  if (!fused_aliases(env, *f)) {
    *error = already_thrown();
    return false;
  }
  *error = nullptr;
  return true;
}

template <class T>
std::unique_ptr<TiledCall> make_fused(const Kernels<T>& k, const FusedArgs& f) {
  const UnaryKernel<T> act = k.unary[f.act];
  const BwdKernel<T> bwd = f.from_y ? k.bwd_y[f.act] : k.bwd_x[f.act];
  const UnaryBiasKernel<T> act_bias = k.unary_bias[f.act];
  if (!act || !act_bias || !k.product || !k.sum || !k.add_scalar || (f.backward && !bwd)) return nullptr;
  FusedBias<T> bias;
  bias.on = f.biased;
  bias.scalar = static_cast<T>(f.bias_scalar);
  bias.sum = k.sum;
  bias.add_scalar = k.add_scalar;
  std::unique_ptr<TiledCall> call;
  if (!f.backward) {
    bias.values = f.a[3].cptr<T>();
    call.reset(new FusedCall<T>(act, act_bias, k.product, f.p, f.G, f.a[0].cptr<T>(), f.a[1].cptr<T>(), f.a[2].mptr<T>(), bias));
  } else {
    bias.values = f.a[5].cptr<T>();
    call.reset(new FusedBwdCall<T>(act, bwd, k.product, f.p, f.G, f.from_y, f.a[0].cptr<T>(), f.a[1].cptr<T>(),
                                   f.a[2].cptr<T>(), f.a[3].mptr<T>(), f.a[4].mptr<T>(), bias,
                                   f.a[6].present ? static_cast<double*>(f.a[6].data) : nullptr));
  }
  call->parallel = f.G.outer * f.G.m >= parallel_min(f.act);
  return call;
}

std::unique_ptr<TiledCall> fused_call(napi_env env, const EnvState* e, const napi_value* argv, const char** error) {
  FusedArgs f;
  if (!read_fused(env, argv, &f, error)) return nullptr;
  const KernelTable& t = *e->active;
  return f.type == napi_float32_array ? make_fused<float>(t.f32, f) : make_fused<double>(t.f64, f);
}

napi_value Fused(napi_env env, napi_callback_info info) {
  Args<12, EnvState> args;  // the arrays not passed read as undefined
  if (!args.read(env, info)) return nullptr;
  if (args.argc < 9) return throw_type(env, "fused: expected (backward, act, a, b, geom, ...arrays)");
  const char* error;
  std::unique_ptr<TiledCall> call = fused_call(env, args.data, args.argv, &error);
  if (error == already_thrown()) return nullptr;
  if (error) return throw_type(env, error);
  if (!call) return boolean(env, false);
  run_tiled(*call);
  return boolean(env, true);
}

napi_value FusedAsync(napi_env env, napi_callback_info info) {
  Args<13, EnvState> args;
  if (!args.read(env, info)) return nullptr;
  if (args.argc < 13) return throw_type(env, "fusedAsync: expected (backward, act, a, b, geom, a0..a6, done)");
  const char* error;
  std::unique_ptr<TiledCall> call = fused_call(env, args.data, args.argv, &error);
  if (error == already_thrown()) return nullptr;
  if (error) return throw_type(env, error);
  if (!call) return null_value(env);
  // start_async keeps four arrays alive; the JS caller keeps the call (geom, the other
  // arrays) referenced until the promise settles (lib/backend/native-calls.ts).
  return start_async(env, std::move(call), args.argv + 5, 4, args[12]);
}

}  // namespace

void init_fused(napi_env env, napi_value exports, EnvState* s) {
  define(env, exports, s, {{"fused", Fused}, {"fusedAsync", FusedAsync}});
}

}  // namespace napi
}  // namespace ak

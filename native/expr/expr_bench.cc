// native/expr/expr_bench.cc -- single-thread throughput of the native expression
// interpreter against the built-in kernels, driven by bench/expr-quick.cjs:
//
//   expr_bench <cases.bin> <swish id:a:b> <id1:a:b,id2:a:b,...>
//
// cases.bin is expr_check's format with two float32 cases: the program of
// x * sigmoid(x), then a program equal to the registry ops id1, id2, ... applied in
// turn (a, b: each op's parameters). Prints, on each level this CPU runs, Melem/s of: the first program, the
// built-in swish kernel, the second program, and the chain of built-in kernels;
// then, per level, the stats() scan of 16M float32 (sigmoid's saturation
// thresholds) against memcpy of the same array: "stats <level> <scan> <copy>".
#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../runtime/cpu.h"
#include "../dispatch/table.h"
#include "../runtime/fpenv.h"
#include "program.h"

namespace {

struct Case {
  std::vector<int32_t> code;
  std::vector<double> consts;
  std::vector<float> x;
};

template <class F>
double median_seconds(F f, int reps = 15) {
  f();
  f();
  std::vector<double> t;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

bool read_cases(const char* path, std::vector<Case>* out) {
  FILE* f = std::fopen(path, "rb");
  if (!f) return false;
  auto u32 = [&]() {
    uint32_t v = 0;
    if (std::fread(&v, 4, 1, f) != 1) v = 0;
    return v;
  };
  const uint32_t count = u32();
  for (uint32_t c = 0; c < count; ++c) {
    Case k;
    if (u32() != 0) return false;  // float32 only
    k.code.resize(u32());
    if (std::fread(k.code.data(), 4, k.code.size(), f) != k.code.size()) return false;
    k.consts.resize(u32());
    if (std::fread(k.consts.data(), 8, k.consts.size(), f) != k.consts.size()) return false;
    if (u32() != 1) return false;
    k.x.resize(u32());
    if (std::fread(k.x.data(), 4, k.x.size(), f) != k.x.size()) return false;
    out->push_back(std::move(k));
  }
  std::fclose(f);
  return out->size() == 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<Case> cases;
  if (argc != 4 || !read_cases(argv[1], &cases)) {
    std::fprintf(stderr, "usage: expr_bench <cases.bin> <swish id> <id1,id2,...>\n");
    return 2;
  }
  // "id:a:b" -> op id and its Params.
  const auto parse_op = [](const char*& s, unsigned* id, ak::Params* p) {
    char* e;
    *id = static_cast<unsigned>(std::strtoul(s, &e, 10));
    p->a = *e == ':' ? std::strtod(e + 1, &e) : 0;
    p->b = *e == ':' ? std::strtod(e + 1, &e) : 0;
    s = *e == ',' ? e + 1 : e;
  };
  unsigned swish;
  ak::Params swish_p;
  const char* s0 = argv[2];
  parse_op(s0, &swish, &swish_p);
  std::vector<unsigned> chain;
  std::vector<ak::Params> chain_p;
  for (const char* s = argv[3]; *s;) {
    unsigned id;
    ak::Params p;
    parse_op(s, &id, &p);
    chain.push_back(id);
    chain_p.push_back(p);
  }
  ak::expr::Program prog[2];
  for (int i = 0; i < 2; ++i) {
    const char* err = ak::expr::check(cases[i].code.data(), cases[i].code.size(), cases[i].consts.data(),
                                      cases[i].consts.size(), 1, &prog[i]);
    if (err) {
      std::fprintf(stderr, "program %d: %s\n", i, err);
      return 1;
    }
  }
  const size_t n = cases[0].x.size();
  std::vector<float> y(n);
  for (int level = 0; level < ak::kNumIsas; ++level) {
    const ak::Isa isa = static_cast<ak::Isa>(level);
    const ak::KernelTable* t = ak::kernel_table(isa);
    if (t == nullptr) continue;
    const float* in0[1] = {cases[0].x.data()};
    const float* in1[1] = {cases[1].x.data()};
    const double tp = median_seconds([&] { ak::expr::run<float>(*t, prog[0], in0, y.data(), n); });
    const auto k = t->f32.unary[swish];
    const double ts = k ? median_seconds([&] { ak::FpEnvGuard g; k(cases[0].x.data(), y.data(), n, swish_p); }) : 0;
    const double tf = median_seconds([&] { ak::expr::run<float>(*t, prog[1], in1, y.data(), n); });
    bool all = true;
    for (unsigned id : chain) all = all && t->f32.unary[id] != nullptr;
    const double tc = all ? median_seconds([&] {
      ak::FpEnvGuard g;
      t->f32.unary[chain[0]](cases[1].x.data(), y.data(), n, chain_p[0]);
      for (size_t j = 1; j < chain.size(); ++j) t->f32.unary[chain[j]](y.data(), y.data(), n, chain_p[j]);
    }) : 0;
    const auto rate = [&](double s) { return s > 0 ? n / s / 1e6 : 0.0; };
    std::printf("%s %.1f %.1f %.1f %.1f\n", ak::isa_name(isa), rate(tp), rate(ts), rate(tf), rate(tc));
  }
  // stats at 16M float32 against the copy bound.
  const size_t m = size_t(16) << 20;
  std::vector<float> big(m), dst(m);
  for (size_t i = 0; i < m; ++i) big[i] = static_cast<float>((i * 2654435761u % 1000) / 100.0 - 5);
  const double tcopy = median_seconds([&] { std::memcpy(dst.data(), big.data(), m * sizeof(float)); });
  std::vector<ak::expr::Moments> mo(2);
  for (int level = 0; level < ak::kNumIsas; ++level) {
    const ak::Isa isa = static_cast<ak::Isa>(level);
    const ak::KernelTable* t = ak::kernel_table(isa);
    if (t == nullptr) continue;
    const double tstat = median_seconds([&] {
      ak::expr::stats<float>(*t, big.data(), 1, 1, m, false, NAN, -6.905752272297920, 6.905752272297920, mo.data());
    });
    std::printf("stats %s %.1f %.1f\n", ak::isa_name(isa), m / tstat / 1e6, m / tcopy / 1e6);
  }
  return 0;
}

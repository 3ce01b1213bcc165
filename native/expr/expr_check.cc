// native/expr/expr_check.cc -- test driver of the native expression interpreter, run by
// test/expr-native.test.ts: reads programs and inputs written by the JS side, runs
// each on every ISA level, writes the outputs back for comparison with the JS
// interpreter and the float64 evaluation.
//
//   expr_check <cases.bin> <results.bin>
//
// cases.bin (little-endian): u32 count, then per case
//   u32 dtype (0 float32, 1 float64), u32 nWords, i32 code[nWords],
//   u32 nConsts, f64 consts[nConsts], u32 nInputs, u32 n, T input[nInputs][n]
// results.bin: per case, per level (scalar, avx2, avx512, neon: native/runtime/cpu.h order): u8 status
//   (0 level not runnable here, 1 ran, 2 declined: a CALL without native kernel,
//   3 refused by expr::check) followed by T out[n] when status is 1.
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <vector>

#include "../runtime/cpu.h"
#include "program.h"

namespace {

struct Reader {
  const std::vector<unsigned char>& b;
  size_t p = 0;
  bool ok = true;
  template <class T> T get() {
    T v{};
    if (p + sizeof(T) > b.size()) {
      ok = false;
      return v;
    }
    std::memcpy(&v, b.data() + p, sizeof(T));
    p += sizeof(T);
    return v;
  }
  template <class T> std::vector<T> vec(size_t n) {
    std::vector<T> v(n);
    for (size_t i = 0; i < n && ok; ++i) v[i] = get<T>();
    return v;
  }
};

template <class T>
void run_case(Reader& r, FILE* out, uint32_t n_words, const std::vector<int32_t>& code, const std::vector<double>& consts) {
  const uint32_t n_inputs = r.get<uint32_t>();
  const uint32_t n = r.get<uint32_t>();
  std::vector<std::vector<T>> in(n_inputs);
  for (auto& v : in) v = r.vec<T>(n);
  std::vector<const T*> ptrs;
  for (auto& v : in) ptrs.push_back(v.data());
  ak::expr::Program p;
  const char* err = ak::expr::check(code.data(), n_words, consts.data(), consts.size(), static_cast<int>(n_inputs), &p);
  for (int level = 0; level < ak::kNumIsas; ++level) {
    const ak::Isa isa = static_cast<ak::Isa>(level);
    unsigned char status;
    std::vector<T> y(n);
    if (err != nullptr) {
      status = 3;
    } else if (const ak::KernelTable* t = ak::kernel_table(isa)) {
      status = ak::expr::run<T>(*t, p, ptrs.data(), y.data(), n) ? 1 : 2;
    } else {
      status = 0;
    }
    std::fwrite(&status, 1, 1, out);
    if (status == 1) std::fwrite(y.data(), sizeof(T), n, out);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: expr_check <cases.bin> <results.bin>\n");
    return 2;
  }
  FILE* f = std::fopen(argv[1], "rb");
  if (!f) return 2;
  std::vector<unsigned char> buf;
  unsigned char chunk[1 << 16];
  size_t got;
  while ((got = std::fread(chunk, 1, sizeof chunk, f)) > 0) buf.insert(buf.end(), chunk, chunk + got);
  std::fclose(f);
  FILE* out = std::fopen(argv[2], "wb");
  if (!out) return 2;
  Reader r{buf};
  const uint32_t count = r.get<uint32_t>();
  for (uint32_t c = 0; c < count && r.ok; ++c) {
    const uint32_t dtype = r.get<uint32_t>();
    const uint32_t n_words = r.get<uint32_t>();
    const std::vector<int32_t> code = r.vec<int32_t>(n_words);
    const uint32_t n_consts = r.get<uint32_t>();
    const std::vector<double> consts = r.vec<double>(n_consts);
    if (dtype == 0) {
      run_case<float>(r, out, n_words, code, consts);
    } else {
      run_case<double>(r, out, n_words, code, consts);
    }
  }
  std::fclose(out);
  if (!r.ok) {
    std::fprintf(stderr, "expr_check: truncated input\n");
    return 1;
  }
  std::printf("%u cases\n", count);
  return 0;
}

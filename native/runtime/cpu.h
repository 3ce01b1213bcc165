// native/runtime/cpu.h -- which ISA levels this CPU *and its operating system* can run.
// Compiled without any ISA flag: safe to call on every CPU the build targets.
#ifndef AK_RUNTIME_CPU_H_
#define AK_RUNTIME_CPU_H_

namespace ak {

// Levels in increasing order; each x86 one implies the ones below it. kNeon (arm64)
// stands alone above them: a build has either the x86 levels or it, never both.
enum class Isa : int { kScalar = 0, kAvx2 = 1, kAvx512 = 2, kNeon = 3 };
constexpr int kNumIsas = 4;

const char* isa_name(Isa isa);
// Parses "scalar" | "avx2" | "avx512" | "neon" (exact, lower case); false if unknown.
bool isa_from_name(const char* name, Isa* out);

struct CpuFeatures {
  // Each flag is true only when the instructions exist AND the OS saves the register
  // state they need (XCR0), so a level reported here never raises #UD.
  bool avx2_fma = false;     // AVX, AVX2, FMA3, F16C + XMM/YMM state
  bool avx512 = false;       // AVX-512 F, DQ, BW, VL + opmask/ZMM state, on top of avx2_fma
};

// Detected once (cpuid + xgetbv), then cached; thread-safe.
const CpuFeatures& cpu_features();

// The best level this CPU runs and this build contains.
Isa best_isa();
// Whether `isa` is compiled into this build and runnable here.
bool isa_supported(Isa isa);
// Whether `isa` is compiled into this build (runnable or not).
bool isa_compiled(Isa isa);

}  // namespace ak

#endif  // AK_RUNTIME_CPU_H_

// NEON (AArch64 Advanced SIMD) level. AdvSIMD with float64 lanes and FMA is part of
// the AArch64 baseline, so this TU needs no ISA flag and every arm64 CPU runs it; it
// is compiled only for arm64 targets (binding.gyp, CMakeLists.txt).
#define AK_ISA_NEON 1
#define AK_TABLE_ISA ::ak::Isa::kNeon
#include "table.inc"

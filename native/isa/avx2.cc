// AVX2 + FMA level. The only TU built with -mavx2 -mfma -mf16c (MSVC: /arch:AVX2); cpu.cc
// checks AVX, AVX2, FMA, F16C and the OS's YMM state before dispatch.cc hands it out.
#define AK_ISA_AVX2 1
#define AK_TABLE_ISA ::ak::Isa::kAvx2
#include "table.inc"

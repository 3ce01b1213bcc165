// AVX-512 level. The only TU built with -mavx512f -mavx512dq -mavx512bw -mavx512vl
// (MSVC: /arch:AVX512); cpu.cc checks each of those and the OS's opmask/ZMM state.
#define AK_ISA_AVX512 1
#define AK_TABLE_ISA ::ak::Isa::kAvx512
#include "table.inc"

// native/expr/expr_avx512.cc -- the expression interpreter at the avx512 level: the only
// expression TU built with this level's flags (as native/isa/avx512.cc for the kernels).
#define AK_ISA_AVX512 1
#include "expr_level.inc"

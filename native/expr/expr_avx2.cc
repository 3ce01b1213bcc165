// native/expr/expr_avx2.cc -- the expression interpreter at the avx2 level: the only
// expression TU built with this level's flags (as native/isa/avx2.cc for the kernels).
#define AK_ISA_AVX2 1
#include "expr_level.inc"

// native/expr/expr_scalar.cc -- the expression interpreter at the scalar level: the only
// expression TU built with this level's flags (as native/isa/scalar.cc for the kernels).
#define AK_ISA_SCALAR 1
#include "expr_level.inc"

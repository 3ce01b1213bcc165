// Per-ISA instantiation of the math tests (see math_sweep.cc for the build line).
#define AK_ISA_NEON 1
#include "math_isa.inc"

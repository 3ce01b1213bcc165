// Per-ISA instantiation of the half conversions under test (see half_test.cc).
#define AK_ISA_AVX2 1
#include "half_isa.inc"

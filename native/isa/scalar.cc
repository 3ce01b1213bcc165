// Scalar level: portable C++, compiled for the build's baseline target (SSE2 on
// x86-64), no ISA flags. Every build has it.
#define AK_ISA_SCALAR 1
#define AK_TABLE_ISA ::ak::Isa::kScalar
#include "table.inc"

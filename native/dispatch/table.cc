// native/dispatch/table.cc -- maps an ISA level to its table, refusing levels the CPU/OS
// cannot run. Compiled without ISA flags.
#include "table.h"

namespace ak {

namespace scalar { extern const KernelTable kKernelTable; }
#if defined(__x86_64__) || defined(_M_X64)
namespace avx2 { extern const KernelTable kKernelTable; }
namespace avx512 { extern const KernelTable kKernelTable; }
#elif defined(__aarch64__) || defined(_M_ARM64)
namespace neon { extern const KernelTable kKernelTable; }
#endif

const KernelTable* kernel_table(Isa isa) {
  if (!isa_supported(isa)) return nullptr;
  switch (isa) {
    case Isa::kScalar: return &scalar::kKernelTable;
#if defined(__x86_64__) || defined(_M_X64)
    case Isa::kAvx2: return &avx2::kKernelTable;
    case Isa::kAvx512: return &avx512::kKernelTable;
#elif defined(__aarch64__) || defined(_M_ARM64)
    case Isa::kNeon: return &neon::kKernelTable;
#endif
    default: return nullptr;
  }
}

}  // namespace ak

# binding.gyp -- what `npm install` (node-gyp) builds when no prebuilt binary fits,
# and what `npm run build:native` builds for tests. The developers' build with
# sanitizers is CMakeLists.txt; test/native-build.test.ts keeps the two source lists
# equal.
#
# Only native/isa/avx2.cc and native/isa/avx512.cc get ISA flags (each in its own
# static library, since gyp has no per-file flags); everything else targets the
# baseline CPU, so the binary runs anywhere and cpu.cc decides what may execute.
# On arm64, native/isa/neon.cc is baseline code too and is part of ak_core.
{
  'target_defaults': {
    'cflags_cc': ['-std=c++17', '-ffp-contract=off', '-fPIC'],
    'cflags_cc!': ['-std=gnu++17'],
    'defines': ['NAPI_VERSION=8', 'NAPI_DISABLE_CPP_EXCEPTIONS', 'NODE_ADDON_API_DISABLE_DEPRECATED'],
    'xcode_settings': {
      'CLANG_CXX_LANGUAGE_STANDARD': 'c++17',
      'OTHER_CPLUSPLUSFLAGS': ['-ffp-contract=off'],
      'MACOSX_DEPLOYMENT_TARGET': '10.15',
    },
    'msvs_settings': {
      'VCCLCompilerTool': {'AdditionalOptions': ['/std:c++17', '/fp:precise']},
    },
  },
  'targets': [
    {
      # ISA-independent core: the runtime (CPU detection, pool, tiled calls), dispatch and the
      # scalar kernels.
      'target_name': 'ak_core',
      'type': 'static_library',
      'sources': [
        'native/runtime/cpu.cc',
        'native/runtime/pool.cc',
        'native/runtime/tiled.cc',
        'native/dispatch/table.cc',
        'native/isa/scalar.cc',
        'native/expr/expr.cc',
      ],
      # The NEON level needs no flag (AdvSIMD is the AArch64 baseline): it joins the core.
      'conditions': [
        ['target_arch=="arm64"', {'sources': ['native/isa/neon.cc']}],
      ],
    },
    {
      'target_name': 'activation_kernels',
      'sources': ['native/napi/module.cc', 'native/napi/unary.cc', 'native/napi/backward.cc', 'native/napi/shaped.cc', 'native/napi/fused.cc',
                  'native/napi/expr.cc', 'native/napi/async.cc'],
      'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")"],
      'dependencies': ['ak_core'],
      'conditions': [
        ['target_arch=="x64"', {'dependencies': ['ak_isa_avx2', 'ak_isa_avx512']}],
      ],
    },
    {
      # Native test: every kernel x ISA level x length next to mprotect'ed guard
      # pages, and the caller's MXCSR round trip. Run by test/native-guard.test.ts.
      'target_name': 'ak_native_test',
      'type': 'executable',
      'sources': ['native/tests/guard_test.cc'],
      'dependencies': ['ak_core'],
      'conditions': [
        ['target_arch=="x64"', {'dependencies': ['ak_isa_avx2', 'ak_isa_avx512']}],
      ],
    },
    {
      # Native test of the backward and shaped kernels against guard pages. Run by
      # test/native-backward-guard.test.ts.
      'target_name': 'ak_shaped_test',
      'type': 'executable',
      'sources': ['native/tests/shaped_guard_test.cc'],
      'dependencies': ['ak_core'],
      'conditions': [
        ['target_arch=="x64"', {'dependencies': ['ak_isa_avx2', 'ak_isa_avx512']}],
      ],
    },
  ],
  'conditions': [
    ['target_arch=="x64"', {
      'targets': [
        {
          'target_name': 'ak_isa_avx2',
          'type': 'static_library',
          'sources': ['native/isa/avx2.cc'],
          'cflags_cc': ['-mavx2', '-mfma', '-mf16c'],
          'xcode_settings': {'OTHER_CPLUSPLUSFLAGS': ['-ffp-contract=off', '-mavx2', '-mfma', '-mf16c']},
          'msvs_settings': {'VCCLCompilerTool': {'AdditionalOptions': ['/arch:AVX2']}},
        },
        {
          'target_name': 'ak_isa_avx512',
          'type': 'static_library',
          'sources': ['native/isa/avx512.cc'],
          # -Wno-(maybe-)uninitialized: GCC 12 warns inside its own _mm512_undefined_*()
          # and _mm512_extractf64x4_pd.
          'cflags_cc': ['-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl', '-Wno-maybe-uninitialized', '-Wno-uninitialized'],
          'xcode_settings': {
            'OTHER_CPLUSPLUSFLAGS': ['-ffp-contract=off', '-mavx512f', '-mavx512dq', '-mavx512bw', '-mavx512vl'],
          },
          'msvs_settings': {'VCCLCompilerTool': {'AdditionalOptions': ['/arch:AVX512']}},
        },
      ],
    }],
  ],
}

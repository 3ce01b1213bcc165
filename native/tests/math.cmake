# native/tests/math.cmake -- the native math accuracy sweep (owner: vec/math).
# Include from the top-level CMakeLists.txt:   include(native/tests/math.cmake)
# Gives the executable `math_sweep` and the ctest `math_sweep_quick` (stride 4099, seconds).
# Exhaustive run: ./math_sweep --stride 1   (see native/math/README.md for timings).
set(AK_MATH_TEST_DIR ${CMAKE_CURRENT_LIST_DIR})
find_package(Threads REQUIRED)

set(AK_MATH_SWEEP_SOURCES ${AK_MATH_TEST_DIR}/math_sweep.cc ${AK_MATH_TEST_DIR}/math_isa_scalar.cc)
if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64|x64)$")
  list(APPEND AK_MATH_SWEEP_SOURCES ${AK_MATH_TEST_DIR}/math_isa_avx2.cc ${AK_MATH_TEST_DIR}/math_isa_avx512.cc)
  if(MSVC)
    set_source_files_properties(${AK_MATH_TEST_DIR}/math_isa_avx2.cc PROPERTIES COMPILE_OPTIONS "/arch:AVX2")
    set_source_files_properties(${AK_MATH_TEST_DIR}/math_isa_avx512.cc PROPERTIES COMPILE_OPTIONS "/arch:AVX512")
  else()
    set_source_files_properties(${AK_MATH_TEST_DIR}/math_isa_avx2.cc PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma")
    set_source_files_properties(${AK_MATH_TEST_DIR}/math_isa_avx512.cc PROPERTIES
      COMPILE_OPTIONS "-mavx512f;-mavx512dq;-mavx512bw;-mavx512vl")
  endif()
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "^(aarch64|arm64|ARM64)$")
  list(APPEND AK_MATH_SWEEP_SOURCES ${AK_MATH_TEST_DIR}/math_isa_neon.cc)  # AdvSIMD: no flag
endif()

add_executable(math_sweep ${AK_MATH_SWEEP_SOURCES})
target_compile_features(math_sweep PRIVATE cxx_std_17)
target_link_libraries(math_sweep PRIVATE Threads::Threads)
if(NOT MSVC)
  # gcc 12 warns inside its own avx512 intrinsic headers (_mm512_undefined_*).
  target_compile_options(math_sweep PRIVATE -Wno-uninitialized -Wno-maybe-uninitialized)
endif()
add_test(NAME math_sweep_quick COMMAND math_sweep --quick --samples 20000)

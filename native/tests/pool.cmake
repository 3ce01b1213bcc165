# native/tests/pool.cmake -- the thread pool's stress test (owner: threads/async).
# Include from the top-level CMakeLists.txt:   include(native/tests/pool.cmake)
# Gives pool_stress (optimised) and pool_stress_tsan (ThreadSanitizer), each a ctest
# running the quick variant; `./pool_stress` without --quick runs ten times longer.
set(AK_POOL_DIR ${CMAKE_CURRENT_LIST_DIR}/..)
find_package(Threads REQUIRED)

set(AK_POOL_STRESS_SOURCES ${AK_POOL_DIR}/tests/pool_stress.cc ${AK_POOL_DIR}/runtime/pool.cc)

add_executable(pool_stress ${AK_POOL_STRESS_SOURCES})
target_compile_features(pool_stress PRIVATE cxx_std_17)
target_include_directories(pool_stress PRIVATE ${AK_POOL_DIR})
target_link_libraries(pool_stress PRIVATE Threads::Threads)
add_test(NAME pool_stress COMMAND pool_stress --quick)

if(NOT MSVC AND CMAKE_SYSTEM_NAME STREQUAL "Linux")
  add_executable(pool_stress_tsan ${AK_POOL_STRESS_SOURCES})
  target_compile_features(pool_stress_tsan PRIVATE cxx_std_17)
  target_include_directories(pool_stress_tsan PRIVATE ${AK_POOL_DIR})
  target_compile_options(pool_stress_tsan PRIVATE -fsanitize=thread -O1 -g)
  target_link_options(pool_stress_tsan PRIVATE -fsanitize=thread)
  target_link_libraries(pool_stress_tsan PRIVATE Threads::Threads)
  add_test(NAME pool_stress_tsan COMMAND pool_stress_tsan --quick)
  set_tests_properties(pool_stress_tsan PROPERTIES ENVIRONMENT "TSAN_OPTIONS=halt_on_error=1")
endif()

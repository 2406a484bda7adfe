# paymesh_library(NAME SOURCES... DEPS ...): one static library per lib/ folder.
function(paymesh_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(paymesh_${name} STATIC ${ARG_SOURCES})
  add_library(paymesh::${name} ALIAS paymesh_${name})
  target_include_directories(paymesh_${name} PUBLIC ${PROJECT_SOURCE_DIR}/lib)
  target_link_libraries(paymesh_${name} PUBLIC ${ARG_DEPS} PRIVATE paymesh_warnings)
endfunction()

# Test sources are compiled without optimisation: they are most of the build (one gtest
# binary per library), their run time is in the libraries they test, which keep the
# preset's -O2, and -O0 takes a quarter off their compile time (docs/BENCHMARKS.md,
# "Build time"). The release preset builds no tests; -Werror at -O3 there still sees
# the warnings only optimisation finds.
set(PAYMESH_TEST_COMPILE_OPTIONS -O0 CACHE STRING "Extra compile options for test sources")

# paymesh_test(NAME SOURCES... DEPS ...): one gtest binary per library, registered
# per test case with ctest. Discovery runs when ctest runs, not at build time. The tools
# the tests run (tests/support/tools.h) are the ones cmake/dependencies.cmake found.
function(paymesh_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_executable(${name}_test ${ARG_SOURCES})
  target_link_libraries(${name}_test PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main paymesh_warnings)
  target_compile_options(${name}_test PRIVATE ${PAYMESH_TEST_COMPILE_OPTIONS})
  target_compile_definitions(${name}_test PRIVATE
    PAYMESH_SOURCE_DIR="${PROJECT_SOURCE_DIR}" PAYMESH_BINARY_DIR="${PROJECT_BINARY_DIR}" ${PAYMESH_TEST_TOOLS})
  # The sanitizers run the same tests several times slower (the CA-rotation soak takes
  # about 330 s under them on the documented machine).
  set(timeout 300)
  if(PAYMESH_SANITIZE)
    set(timeout 900)
  endif()
  gtest_discover_tests(${name}_test DISCOVERY_MODE PRE_TEST
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTIES LABELS ${name} TIMEOUT ${timeout})
endfunction()

# octet_add_gtest(NAME SOURCES a.cpp b.cpp [LIBS x y])
# One gtest binary per suite; every TEST becomes one ctest test (discovered when ctest runs, so
# cross builds discover through the qemu emulator of the toolchain file).
find_package(GTest REQUIRED)
include(GoogleTest)
function(octet_add_gtest name)
  cmake_parse_arguments(T "" "" "SOURCES;LIBS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  target_link_libraries(${name} PRIVATE octet_internal GTest::gtest GTest::gtest_main ${T_LIBS})
  gtest_discover_tests(${name} DISCOVERY_MODE PRE_TEST DISCOVERY_TIMEOUT 120
    PROPERTIES TIMEOUT 600)
endfunction()

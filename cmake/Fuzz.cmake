# The wire's libFuzzer target (fuzz/): built by clang in a build of its own, because the rest
# is built by g++; left out (with a message) where clang is not installed or a sanitizer build
# is running. Its test fuzzes for 30 s, starting from the checked-in corpus of valid frames.
find_program(PARCOOK_CLANGXX NAMES clang++-14 clang++)
if(NOT PARCOOK_CLANGXX OR PARCOOK_SANITIZE)
  message(STATUS "wire fuzz target: skipped (no clang++, or a sanitizer build)")
  return()
endif()
include(ExternalProject)
set(fuzz_dir ${CMAKE_BINARY_DIR}/fuzz)
ExternalProject_Add(wire_fuzz
  SOURCE_DIR ${PROJECT_SOURCE_DIR}/fuzz
  BINARY_DIR ${fuzz_dir}
  CMAKE_ARGS -DCMAKE_CXX_COMPILER=${PARCOOK_CLANGXX} -DCMAKE_BUILD_TYPE=RelWithDebInfo
             -DPARCOOK_SOURCE_DIR=${PROJECT_SOURCE_DIR} -G Ninja
  BUILD_ALWAYS ON
  INSTALL_COMMAND "")
add_test(NAME "fuzz: the wire's frame and call decoders, 30 s"
  COMMAND sh -c "mkdir -p found && exec ./wire_fuzz -max_total_time=30 -rss_limit_mb=1024 found \
${PROJECT_SOURCE_DIR}/fuzz/corpus/wire"
  WORKING_DIRECTORY ${fuzz_dir})
set_tests_properties("fuzz: the wire's frame and call decoders, 30 s" PROPERTIES
  LABELS "distributed;fuzz" TIMEOUT 120)

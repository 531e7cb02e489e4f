# Sanitizer builds, one kind per build tree (each needs every library it watches built
# its way):
#
#   RELATE_SANITIZE=ON       AddressSanitizer + UndefinedBehaviorSanitizer (make test)
#   RELATE_TSAN=ON           ThreadSanitizer (make tsan, build/tsan); not with the above
#   RELATE_BUILD_FUZZERS=ON  libFuzzer targets in fuzz/ (make fuzz, build/fuzz; clang):
#                            everything built with -fsanitize=fuzzer-no-link plus ASan
#                            and UBSan, the fuzz programs linked with -fsanitize=fuzzer
option(RELATE_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(RELATE_TSAN "Build with ThreadSanitizer" OFF)
option(RELATE_BUILD_FUZZERS "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

if(RELATE_TSAN AND (RELATE_SANITIZE OR RELATE_BUILD_FUZZERS))
  message(FATAL_ERROR "RELATE_TSAN cannot be combined with RELATE_SANITIZE or "
                      "RELATE_BUILD_FUZZERS: ThreadSanitizer and AddressSanitizer exclude "
                      "each other; use a build tree of its own (make tsan uses build/tsan)")
endif()
if(RELATE_BUILD_FUZZERS AND NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  message(FATAL_ERROR "RELATE_BUILD_FUZZERS needs clang's libFuzzer, not "
                      "${CMAKE_CXX_COMPILER_ID}: configure a new build tree with "
                      "-DCMAKE_CXX_COMPILER=clang++ (make fuzz does)")
endif()

if(RELATE_SANITIZE OR RELATE_BUILD_FUZZERS)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
if(RELATE_BUILD_FUZZERS)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
if(RELATE_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()

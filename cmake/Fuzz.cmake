# SPDX-License-Identifier: BSD-2-Clause
# Fuzz.cmake - the libFuzzer build (NETSTEP_FUZZ=ON, in its own tree build-fuzz).
#
# Every target is compiled with clang's coverage instrumentation plus
# AddressSanitizer and UndefinedBehaviorSanitizer, so the fuzzer is guided by
# the stack's branches and a memory error or undefined behaviour is a crash.
# Only the libraries the targets link (stack/, sim/) and tests/fuzz/ are
# built: the Check suites, the view and the benchmarks are not fuzz targets.
# `make fuzz` and `make test-fuzz` configure it (tests/fuzz/README.md).

option(NETSTEP_FUZZ "Build the libFuzzer targets of tests/fuzz/ (clang only)" OFF)

if(NETSTEP_FUZZ)
    if(NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
        message(FATAL_ERROR "NETSTEP_FUZZ needs clang (libFuzzer): configure with "
                            "CC=clang, as `make fuzz` does")
    endif()
    if(NETSTEP_SANITIZE)
        message(FATAL_ERROR "NETSTEP_FUZZ brings its own sanitizers: leave NETSTEP_SANITIZE off")
    endif()
    set(NETSTEP_LTO OFF CACHE BOOL "" FORCE)
    add_compile_options(-fsanitize=fuzzer-no-link,address,undefined
                        -fno-sanitize-recover=all -fno-omit-frame-pointer -g)
    add_link_options(-fsanitize=address,undefined)
    # clang's -Wformat=2 also flags vsnprintf() wrappers that lack a format
    # attribute (stack/trace.c); gcc's does not, and the gcc builds keep
    # -Werror for everything else.
    list(APPEND NETSTEP_WARNINGS -Wno-format-nonliteral)
endif()

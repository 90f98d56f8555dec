# SPDX-License-Identifier: BSD-2-Clause
# Warnings.cmake - compiler flags for the project's own code, in one place.
#
# netstep_target_flags(TARGET) gives a target the strict warnings (-Werror) and,
# when NETSTEP_SANITIZE is on, AddressSanitizer + UndefinedBehaviorSanitizer.

option(NETSTEP_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)

set(NETSTEP_WARNINGS
    -Wall -Wextra -Werror
    -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wpointer-arith
    -Wformat=2 -Wvla -Wcast-align -Wwrite-strings -Wundef
    -Wno-missing-field-initializers)

function(netstep_target_flags target)
    target_compile_options(${target} PRIVATE ${NETSTEP_WARNINGS})
    if(NETSTEP_SANITIZE)
        target_compile_options(${target} PRIVATE
            -fsanitize=address,undefined -fno-sanitize-recover=all
            -fno-omit-frame-pointer)
        target_link_options(${target} PRIVATE -fsanitize=address,undefined)
    endif()
endfunction()

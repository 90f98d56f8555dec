# SPDX-License-Identifier: BSD-2-Clause
# Install.cmake - where `cmake --install` puts netstep, and the Debian package.
#
# GNUInstallDirs layout: the program in bin; the lessons in
# share/netstep/scenarios (the program finds them relative to itself, so the
# prefix can move); man pages in man1 and man5; bash and zsh completion;
# README, docs, NEWS, LICENSE and a Debian copyright file in share/doc/netstep.
# `make deb` (or `cpack -G DEB` in a build tree) turns the same rules into
# netstep_VERSION_ARCH.deb with Depends computed from the shared libraries.

# Directories the install creates: rwxr-xr-x whatever the umask.
set(CMAKE_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS
    OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)

# Who answers for the package: Debian's Maintainer field and the changelog's
# trailer. The default is the identity the project commits under.
set(NETSTEP_MAINTAINER "The netstep authors <maintainers@users.noreply.r-seed-3279fe7f.example>"
    CACHE STRING "Name <address> for the package's Maintainer field")
# The date of the release named by project(VERSION); update the two together.
set(NETSTEP_RELEASE_DATE "Sun, 06 Dec 2026 12:00:00 +0000")

install(TARGETS netstep RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/scenarios/
        DESTINATION ${CMAKE_INSTALL_DATADIR}/netstep/scenarios
        FILES_MATCHING PATTERN "*.scn")

# Man pages and the changelog go in compressed, as Debian policy wants them;
# gzip -n leaves out the name and time, so the package is reproducible.
set(NETSTEP_GZ_DIR ${CMAKE_CURRENT_BINARY_DIR}/gz)
configure_file(${CMAKE_SOURCE_DIR}/cmake/changelog.in ${NETSTEP_GZ_DIR}/changelog @ONLY)
configure_file(${CMAKE_SOURCE_DIR}/cmake/copyright.in ${NETSTEP_GZ_DIR}/copyright @ONLY)
set(NETSTEP_GZ_OUT)
foreach(src docs/netstep.1 docs/netstep-scenario.5 ${NETSTEP_GZ_DIR}/changelog)
    get_filename_component(name ${src} NAME)
    if(IS_ABSOLUTE ${src})
        set(in ${src})
    else()
        set(in ${CMAKE_SOURCE_DIR}/${src})
    endif()
    add_custom_command(OUTPUT ${NETSTEP_GZ_DIR}/${name}.gz
        COMMAND sh -c "gzip -9n < \"$0\" > \"$1\"" ${in} ${NETSTEP_GZ_DIR}/${name}.gz
        DEPENDS ${in} VERBATIM)
    list(APPEND NETSTEP_GZ_OUT ${NETSTEP_GZ_DIR}/${name}.gz)
endforeach()
add_custom_target(netstep_gz ALL DEPENDS ${NETSTEP_GZ_OUT})
install(FILES ${NETSTEP_GZ_DIR}/netstep.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${NETSTEP_GZ_DIR}/netstep-scenario.5.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

# Completion: bash-completion loads completions/netstep on first use. zsh
# reads vendor-completions under /usr on Debian and site-functions under any
# other prefix; the choice is made when installing, since the package (CPack
# installs with the prefix /usr) and `cmake --install --prefix DIR` share
# one build tree.
install(FILES ${CMAKE_SOURCE_DIR}/completions/netstep.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME netstep)
install(CODE "
    if(CMAKE_INSTALL_PREFIX MATCHES \"/usr$\")
        set(netstep_zsh_dir vendor-completions)
    else()
        set(netstep_zsh_dir site-functions)
    endif()
    file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_DATADIR}/zsh/\${netstep_zsh_dir}\"
         TYPE FILE FILES \"${CMAKE_SOURCE_DIR}/completions/_netstep\")
")

install(FILES ${CMAKE_SOURCE_DIR}/README.md ${CMAKE_SOURCE_DIR}/NEWS ${CMAKE_SOURCE_DIR}/LICENSE
              ${NETSTEP_GZ_DIR}/copyright ${NETSTEP_GZ_DIR}/changelog.gz
        DESTINATION ${CMAKE_INSTALL_DOCDIR})
install(DIRECTORY ${CMAKE_SOURCE_DIR}/docs/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/docs
        FILES_MATCHING PATTERN "*.md")

# --- the Debian package -------------------------------------------------------
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME netstep)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_VENDOR "The netstep authors")
set(CPACK_PACKAGE_CONTACT ${NETSTEP_MAINTAINER})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER ${NETSTEP_MAINTAINER})
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# bash-completion loads completions/netstep; zsh needs nothing more.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "bash-completion")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "tshark | wireshark")
# The summary line is project(DESCRIPTION); this is the long description.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
"netstep runs a small simulated network inside one program: hosts with a
real Ethernet, ARP, IPv4, ICMP, UDP and TCP stack behind BSD-style sockets,
joined by links with delay, rate and loss. A scenario file makes socket
calls one step at a time, and netstep shows what each call sets off below
the socket: which layer did what, why (the RFC section) and what caused it,
in a trace, in pcap captures and in a terminal view for the classroom.
About forty lessons come with it, from ARP to TCP congestion control.")
include(CPack)

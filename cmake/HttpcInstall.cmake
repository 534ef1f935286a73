# SPDX-License-Identifier: MIT
# What `cmake --install` adds beside what client/, mockserver/ and runner/
# install themselves (the libraries, httpc.h, httpc.pc and the three commands):
#   lib/cmake/httpc/            find_package(httpc CONFIG): httpc::httpc,
#                               httpc::httpc_static
#   share/httpc/scenarios/      the scenario library (httpc-conform's default)
#   share/man/man1, man5        httpc(1), httpc-mock(1), httpc-conform(1),
#                               httpc-scenario(5)
include(CMakePackageConfigHelpers)

# ---- the CMake package (client/CMakeLists.txt puts the libraries in httpcTargets)
set(HTTPC_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/httpc)
install(EXPORT httpcTargets NAMESPACE httpc:: DESTINATION ${HTTPC_CMAKE_DIR})
configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/httpcConfig.cmake.in
  ${PROJECT_BINARY_DIR}/cmake/httpcConfig.cmake
  INSTALL_DESTINATION ${HTTPC_CMAKE_DIR})
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/httpcConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMajorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/httpcConfig.cmake
              ${PROJECT_BINARY_DIR}/cmake/httpcConfigVersion.cmake
  DESTINATION ${HTTPC_CMAKE_DIR})

# ---- the scenario library: every *.scn, the files they send ('file "..."',
# e.g. *.reply), FORMAT.md, requirements.txt, REQUIREMENTS.md; not the tools
# that generate scenarios (scenarios/tools/).
install(DIRECTORY ${PROJECT_SOURCE_DIR}/scenarios/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/httpc/scenarios
  PATTERN tools EXCLUDE
  PATTERN __pycache__ EXCLUDE
  PATTERN "*.pyc" EXCLUDE
  PATTERN "*~" EXCLUDE
  PATTERN ".*" EXCLUDE)

# ---- man pages (docs/man/)
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/httpc.1
              ${PROJECT_SOURCE_DIR}/docs/man/httpc-mock.1
              ${PROJECT_SOURCE_DIR}/docs/man/httpc-conform.1
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES ${PROJECT_SOURCE_DIR}/docs/man/httpc-scenario.5
  DESTINATION ${CMAKE_INSTALL_MANDIR}/man5)

# `cmake --install`: liboctet.a, the public headers, a CMake package (find_package(octet) then
# target_link_libraries(app PRIVATE octet::octet)) and a pkg-config file.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(TARGETS octet EXPORT octetTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(FILES include/octet/octet.h include/octet/octet_c.h
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}/octet)
install(EXPORT octetTargets NAMESPACE octet:: DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/octet)

file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/octetConfig.cmake.in [=[
@PACKAGE_INIT@
include(CMakeFindDependencyMacro)
find_dependency(Threads)
include("${CMAKE_CURRENT_LIST_DIR}/octetTargets.cmake")
check_required_components(octet)
]=])
configure_package_config_file(${CMAKE_CURRENT_BINARY_DIR}/octetConfig.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/octetConfig.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/octet)
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/octetConfigVersion.cmake
  VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/octetConfig.cmake ${CMAKE_CURRENT_BINARY_DIR}/octetConfigVersion.cmake
  DESTINATION ${CMAKE_INSTALL_LIBDIR}/cmake/octet)

# pkg-config: static library, so the private dependency (pthreads) is listed for linking. The
# prefix is relative to the .pc file, so the install tree can be moved (or installed with --prefix).
set(_octet_pc "prefix=\${pcfiledir}/../..
libdir=\${prefix}/${CMAKE_INSTALL_LIBDIR}
includedir=\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}

Name: octet
Description: int8 CNN inference engine for Arm Cortex-A
Version: ${PROJECT_VERSION}
Cflags: -I\${includedir} -DOCTET_ARCH_${OCTET_ARCH}=1
Libs: -L\${libdir} -loctet -lpthread
")
file(GENERATE OUTPUT ${CMAKE_CURRENT_BINARY_DIR}/octet.pc CONTENT "${_octet_pc}")
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/octet.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

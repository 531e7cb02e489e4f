# Install rules: headers, libraries, the CMake package (RelateConfig.cmake with one
# export set per component) and pkg-config files. A part of Relate declares what it
# installs with relate_install(); the top level writes the package once every part
# has, with relate_install_package().
include(CMakePackageConfigHelpers)

set(RELATE_CMAKE_DIR ${CMAKE_INSTALL_LIBDIR}/cmake/Relate)

# relate_install(COMPONENT <core|sqlite|postgres|mysql> TARGETS <target>...
#                [HEADERS <include directory>])
function(relate_install)
  cmake_parse_arguments(ARG "" "COMPONENT;HEADERS" "TARGETS" ${ARGN})
  set_property(GLOBAL APPEND PROPERTY RELATE_COMPONENTS ${ARG_COMPONENT})
  foreach(target IN LISTS ARG_TARGETS)
    target_include_directories(${target} INTERFACE
                               $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
  endforeach()
  if(NOT RELATE_INSTALL)
    return()
  endif()
  install(TARGETS ${ARG_TARGETS} EXPORT Relate_${ARG_COMPONENT}
          ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
          LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
          RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  if(ARG_HEADERS)
    install(DIRECTORY ${ARG_HEADERS}/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
            FILES_MATCHING PATTERN "*.hpp")
  endif()
endfunction()

function(relate_install_package)
  if(NOT RELATE_INSTALL)
    return()
  endif()
  get_property(components GLOBAL PROPERTY RELATE_COMPONENTS)
  list(REMOVE_DUPLICATES components)
  foreach(component IN LISTS components)
    install(EXPORT Relate_${component} NAMESPACE relate::
            FILE RelateTargets-${component}.cmake DESTINATION ${RELATE_CMAKE_DIR})
  endforeach()
  list(REMOVE_ITEM components core)
  set(RELATE_INSTALLED_COMPONENTS ${components})
  configure_package_config_file(${PROJECT_SOURCE_DIR}/cmake/RelateConfig.cmake.in
                                ${PROJECT_BINARY_DIR}/RelateConfig.cmake
                                INSTALL_DESTINATION ${RELATE_CMAKE_DIR})
  # 0.x: a minor version may break the API, so only the same minor version matches.
  write_basic_package_version_file(${PROJECT_BINARY_DIR}/RelateConfigVersion.cmake
                                   COMPATIBILITY SameMinorVersion)
  install(FILES ${PROJECT_BINARY_DIR}/RelateConfig.cmake
                ${PROJECT_BINARY_DIR}/RelateConfigVersion.cmake
                ${PROJECT_SOURCE_DIR}/cmake/RelateLinkFeatures.cmake
          DESTINATION ${RELATE_CMAKE_DIR})

  # pkg-config, for builds without CMake: relate (core and loaders) and one file per
  # backend. Backends and loaders register from static initializers: a static archive
  # links whole, a shared library stays needed under --as-needed.
  file(RELATIVE_PATH RELATE_PC_TO_PREFIX "/prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/prefix")
  if(RELATE_SHARED)
    set(keep "--no-as-needed")
  else()
    set(keep "--whole-archive")
  endif()
  # One token per library: pkg-config drops repeated flags, so a shared
  # -Wl,--whole-archive ... -Wl,--no-whole-archive pair would not survive two files.
  foreach(name loaders sqlite postgres mysql)
    set(keep_${name} "-Wl,--push-state,${keep},-lrelate_${name},--pop-state")
  endforeach()
  set(pc_relate_requires "")
  set(pc_relate_libs "${keep_loaders} -lrelate_core")
  set(pc_sqlite_requires "relate sqlite3")
  set(pc_sqlite_libs "${keep_sqlite}")
  set(pc_postgres_requires "relate libpq")
  set(pc_postgres_libs "${keep_postgres} -lsoci_postgresql -lsoci_core")
  set(pc_mysql_requires "relate")
  set(pc_mysql_libs "${keep_mysql} -lmysqlcppconn")
  foreach(component relate ${components})
    set(RELATE_PC_REQUIRES ${pc_${component}_requires})
    set(RELATE_PC_LIBS ${pc_${component}_libs})
    if(component STREQUAL "relate")
      set(RELATE_PC_NAME "Relate")
      set(RELATE_PC_CFLAGS "-I\${includedir} -std=c++20")
      set(file relate.pc)
    else()
      set(RELATE_PC_NAME "Relate ${component} backend")
      set(RELATE_PC_CFLAGS "")
      set(file relate-${component}.pc)
    endif()
    configure_file(${PROJECT_SOURCE_DIR}/cmake/relate.pc.in ${PROJECT_BINARY_DIR}/pkgconfig/${file}
                   @ONLY)
    install(FILES ${PROJECT_BINARY_DIR}/pkgconfig/${file}
            DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
  endforeach()
endfunction()

# relate_registering_library(<name> COMPONENT <component> SOURCES <file>...
#                            [INSTALL_ALSO <target>...])
#
# A part of Relate that registers itself from static initializers: a backend under
# its URL schemes, loader strategies under their names. Nothing refers to them by
# name, so they link through the RELATE_REGISTERING feature (RelateLinkFeatures.cmake).
# Defines
#   relate_<name>_impl  the library librelate_<name> (alias relate::<name>_impl), static
#                       or shared as BUILD_SHARED_LIBS says, with the directory's
#                       include/ as its public headers
#   relate::<name>      what applications link: that library, kept whole
# and installs both, with INSTALL_ALSO, in <component>'s export set. The caller adds
# the library's own dependencies to relate_<name>_impl (keyword signature).
function(relate_registering_library name)
  cmake_parse_arguments(ARG "" "COMPONENT" "SOURCES;INSTALL_ALSO" ${ARGN})
  set(impl relate_${name}_impl)
  add_library(${impl} ${ARG_SOURCES})
  relate_library_properties(${impl})
  target_include_directories(${impl} PUBLIC
                             $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>)
  target_link_libraries(${impl} PUBLIC relate::core PRIVATE $<BUILD_INTERFACE:relate_warnings>)
  set_target_properties(${impl} PROPERTIES OUTPUT_NAME relate_${name} EXPORT_NAME ${name}_impl)
  # Named through its relate:: alias, which is also its name once installed: the
  # generator expression is exported as written.
  add_library(relate::${name}_impl ALIAS ${impl})

  add_library(relate_${name} INTERFACE)
  target_link_libraries(relate_${name} INTERFACE
                        "$<LINK_LIBRARY:RELATE_REGISTERING,relate::${name}_impl>")
  set_target_properties(relate_${name} PROPERTIES EXPORT_NAME ${name})
  add_library(relate::${name} ALIAS relate_${name})

  relate_install(COMPONENT ${ARG_COMPONENT} TARGETS ${ARG_INSTALL_ALSO} ${impl} relate_${name}
                 HEADERS ${CMAKE_CURRENT_SOURCE_DIR}/include)
endfunction()

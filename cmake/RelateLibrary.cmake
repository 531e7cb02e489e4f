# relate_library_properties(<target>)
#
# What every Relate library shares, static or shared (BUILD_SHARED_LIBS): hidden
# visibility, so that a shared library exports its public API (the declarations marked
# RELATE_API) and nothing else; the package version; and, once installed, a run path
# of $ORIGIN so that Relate's libraries find each other in whatever prefix they land;
# and a unity build unless RELATE_UNITY_BUILD is off.
function(relate_library_properties target)
  set_target_properties(${target} PROPERTIES
    UNITY_BUILD ${RELATE_UNITY_BUILD}
    UNITY_BUILD_BATCH_SIZE 8
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON
    VERSION ${Relate_VERSION}
    SOVERSION ${Relate_VERSION_MAJOR}.${Relate_VERSION_MINOR}
    INSTALL_RPATH "$ORIGIN")
endfunction()

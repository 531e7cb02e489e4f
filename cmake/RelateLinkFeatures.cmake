# Relate's backends and loader strategies register from static initializers, and no
# application refers to them by name. Linking them must not let the linker drop them:
#   RELATE_REGISTERING   a static archive links whole; a shared library stays needed
#                        even where the toolchain links with --as-needed.
# A $<LINK_LIBRARY:...> feature is looked up where the linking target is defined, so
# RelateConfig.cmake and, under add_subdirectory, Relate's top level define it for
# the application too.
set(CMAKE_LINK_LIBRARY_USING_RELATE_REGISTERING_SUPPORTED TRUE)
if(RELATE_SHARED)
  set(CMAKE_LINK_LIBRARY_USING_RELATE_REGISTERING
      "LINKER:--push-state,--no-as-needed" "<LINK_ITEM>" "LINKER:--pop-state")
else()
  set(CMAKE_LINK_LIBRARY_USING_RELATE_REGISTERING
      "LINKER:--push-state,--whole-archive" "<LINK_ITEM>" "LINKER:--pop-state")
endif()

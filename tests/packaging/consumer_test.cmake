# Builds and runs examples/consumer, a project outside Relate's tree, against Relate:
#   MODE=installed     cmake --install of this build tree into a scratch prefix, then
#                      find_package(Relate ... COMPONENTS sqlite postgres mysql), and
#                      the same program built with pkg-config's flags alone;
#   MODE=subdirectory  Relate's source tree through add_subdirectory;
#   MODE=components    a Relate built with the SQLite backend alone, each source
#                      compiled on its own (no unity build), installed:
#                      COMPONENTS sqlite configures; mysql (left out) and oracle
#                      (unknown) stop the configure step with errors naming them.
#   MODE=readme_recipe README's install recipe ("Using it from CMake"), read from
#                      README.md and run as written on a copy of the source tree as a
#                      clone has it: it must build the libraries alone, without a single
#                      compiler warning; then the consumer, built against what it
#                      installed with -Wall -Wextra -Werror.
# Run with cmake -P and -D: MODE, SOURCE_DIR, BUILD_DIR, WORK_DIR, GENERATOR, CXX,
# CXX_FLAGS (the flags this build compiles with, e.g. the sanitizers).
cmake_minimum_required(VERSION 3.25)

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
                  WORKING_DIRECTORY ${WORK_DIR})
  if(NOT rc EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "failed (${rc}): ${command}\n${out}\n${err}")
  endif()
  set(run_output "${out}" PARENT_SCOPE)
  set(run_errors "${err}" PARENT_SCOPE)
endfunction()

# The sh block that follows `marker` in README.md, one command per line, each a list.
function(readme_commands marker out_var)
  file(READ ${SOURCE_DIR}/README.md readme)
  string(FIND "${readme}" "${marker}" at)
  if(at EQUAL -1)
    message(FATAL_ERROR "README.md has no '${marker}'")
  endif()
  string(SUBSTRING "${readme}" ${at} -1 readme)
  if(NOT readme MATCHES "```sh\n([^`]*)```")
    message(FATAL_ERROR "README.md has no sh block after '${marker}'")
  endif()
  string(STRIP "${CMAKE_MATCH_1}" block)
  string(REPLACE "\n" ";" lines "${block}")
  set(${out_var} "${lines}" PARENT_SCOPE)
endfunction()

# What a clone of SOURCE_DIR holds, copied to `destination`: the files git tracks or
# would add (not ignored), or, without git, everything but build/ and .git.
function(copy_source_tree destination)
  execute_process(COMMAND git -C ${SOURCE_DIR} ls-files --cached --others --exclude-standard
                  RESULT_VARIABLE rc OUTPUT_VARIABLE files ERROR_QUIET)
  if(rc EQUAL 0)
    string(REPLACE "\n" ";" files "${files}")
    foreach(file IN LISTS files)
      if(file AND EXISTS ${SOURCE_DIR}/${file})
        get_filename_component(dir ${destination}/${file} DIRECTORY)
        file(COPY ${SOURCE_DIR}/${file} DESTINATION ${dir})
      endif()
    endforeach()
  else()
    file(COPY ${SOURCE_DIR}/ DESTINATION ${destination}
         REGEX "^${SOURCE_DIR}/(build|\\.git)(/|$)" EXCLUDE)
  endif()
endfunction()

# The program on SQLite and on every server the test run started.
function(run_program program)
  run(${program} "sqlite:///${WORK_DIR}/library.db")
  message(STATUS "${run_output}")
  foreach(var RELATE_TEST_POSTGRESQL_URL RELATE_TEST_MYSQL_URL)
    if(DEFINED ENV{${var}})
      run(${program} "$ENV{${var}}")
      message(STATUS "${run_output}")
    endif()
  endforeach()
endfunction()

file(REMOVE_RECURSE ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
set(consumer ${SOURCE_DIR}/examples/consumer)
# Without debug information: these builds are run, never debugged.
set(configure ${CMAKE_COMMAND} -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX}
              "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}" -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG=-g0)

if(MODE STREQUAL "installed")
  set(prefix ${WORK_DIR}/prefix)
  run(${CMAKE_COMMAND} --install ${BUILD_DIR} --prefix ${prefix})
  run(${configure} -S ${consumer} -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix})
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
  run_program(${WORK_DIR}/build/library_app)

  # Without CMake: the compiler and linker flags come from the .pc files.
  file(GLOB pc_dirs LIST_DIRECTORIES true ${prefix}/lib*/pkgconfig ${prefix}/lib/*/pkgconfig)
  list(JOIN pc_dirs ":" pc_path)
  set(ENV{PKG_CONFIG_PATH} "${pc_path}")
  run(pkg-config --cflags --libs relate-sqlite relate-postgres relate-mysql)
  string(STRIP "${run_output}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  separate_arguments(cxx_flags UNIX_COMMAND "${CXX_FLAGS}")
  # A shared Relate in a prefix the loader does not search: the program says where.
  set(rpath "")
  foreach(dir IN LISTS pc_dirs)
    get_filename_component(libdir ${dir} DIRECTORY)
    if(EXISTS ${libdir}/librelate_core.so)
      list(APPEND rpath -Wl,-rpath,${libdir})
    endif()
  endforeach()
  run(${CXX} ${cxx_flags} ${consumer}/main.cpp -o ${WORK_DIR}/library_app_pc ${flags} ${rpath})
  run_program(${WORK_DIR}/library_app_pc)
elseif(MODE STREQUAL "subdirectory")
  run(${configure} -S ${consumer} -B ${WORK_DIR}/build -DRELATE_SOURCE_DIR=${SOURCE_DIR})
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
  run_program(${WORK_DIR}/build/library_app)
elseif(MODE STREQUAL "components")
  # A Relate built with the SQLite backend alone, installed.
  set(prefix ${WORK_DIR}/prefix)
  # Also the one build that compiles each source of core alone (RELATE_UNITY_BUILD off):
  # a source that compiles only beside others in its unity batch fails here.
  run(${configure} -S ${SOURCE_DIR} -B ${WORK_DIR}/relate -DRELATE_WITH_POSTGRES=OFF
      -DRELATE_WITH_MYSQL=OFF -DRELATE_BUILD_TESTS=OFF -DRELATE_BUILD_EXAMPLES=OFF
      -DRELATE_BUILD_BENCH=OFF -DRELATE_UNITY_BUILD=OFF)
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/relate)
  run(${CMAKE_COMMAND} --install ${WORK_DIR}/relate --prefix ${prefix})
  # find_package(Relate COMPONENTS <components>) in a project of its own: sets
  # `configured` and `errors`.
  function(find_relate components)
    string(REPLACE ";" " " list "${components}")
    string(MAKE_C_IDENTIFIER "${list}" name)
    set(project ${WORK_DIR}/find_${name})
    file(WRITE ${project}/CMakeLists.txt
         "cmake_minimum_required(VERSION 3.25)\nproject(find LANGUAGES CXX)\n"
         "find_package(Relate CONFIG REQUIRED COMPONENTS ${list})\n")
    execute_process(COMMAND ${configure} -S ${project} -B ${project}/build
                            -DCMAKE_PREFIX_PATH=${prefix}
                    RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
    if(rc EQUAL 0)
      set(configured TRUE PARENT_SCOPE)
    else()
      set(configured FALSE PARENT_SCOPE)
    endif()
    # CMake wraps long messages: compare with single spaces.
    string(REGEX REPLACE "[ \t\r\n]+" " " err "${err}")
    set(errors "${err}" PARENT_SCOPE)
  endfunction()

  find_relate("sqlite")
  if(NOT configured)
    message(FATAL_ERROR "find_package(Relate COMPONENTS sqlite) failed:\n${errors}")
  endif()
  find_relate("sqlite;mysql")
  if(configured OR NOT errors MATCHES "built without its 'mysql' backend")
    message(FATAL_ERROR "a backend the installation lacks is not named:\n${errors}")
  endif()
  find_relate("sqlite;oracle")
  if(configured OR NOT errors MATCHES "Relate has no component 'oracle'")
    message(FATAL_ERROR "an unknown component is not named:\n${errors}")
  endif()
elseif(MODE STREQUAL "readme_recipe")
  copy_source_tree(${WORK_DIR}/relate)
  readme_commands("Installed:" commands)
  set(prefix ${WORK_DIR}/prefix)
  foreach(command IN LISTS commands)
    string(REPLACE "/opt/relate" "${prefix}" command "${command}")
    separate_arguments(command UNIX_COMMAND "${command}")
    run(${command})
    if("${run_output}${run_errors}" MATCHES "warning:")
      message(FATAL_ERROR "README's recipe printed a compiler warning:\n${run_output}\n${run_errors}")
    endif()
  endforeach()
  # The libraries and nothing else: none of Relate's own programs.
  foreach(dir tests bench examples fuzz)
    if(EXISTS ${WORK_DIR}/relate/build/${dir})
      message(FATAL_ERROR "README's recipe built Relate's ${dir} (relate/build/${dir})")
    endif()
  endforeach()
  run(${CMAKE_COMMAND} -G ${GENERATOR} -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_BUILD_TYPE=Release
      -S ${consumer} -B ${WORK_DIR}/build -DCMAKE_PREFIX_PATH=${prefix})
  run(${CMAKE_COMMAND} --build ${WORK_DIR}/build)
  run_program(${WORK_DIR}/build/library_app)
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
file(REMOVE_RECURSE ${WORK_DIR})

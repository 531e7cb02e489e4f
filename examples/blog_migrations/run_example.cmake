# ctest's example.blog_migrations: the program's upgrade, check, then downgrade to
# base and check again (which must find the database behind: exit 1).
file(REMOVE ${DATABASE})
set(url "sqlite:///${DATABASE}")
foreach(step "upgrade;0" "check;0" "history;0" "downgrade;base;0" "check;1" "upgrade;0" "check;0")
  list(POP_BACK step expected)
  execute_process(COMMAND ${PROGRAM} --url ${url} ${step} RESULT_VARIABLE status
                  OUTPUT_VARIABLE out ERROR_VARIABLE err)
  message(STATUS "${step}: ${status}\n${out}${err}")
  if(NOT status EQUAL expected)
    message(FATAL_ERROR "${step} exited ${status}, expected ${expected}")
  endif()
endforeach()

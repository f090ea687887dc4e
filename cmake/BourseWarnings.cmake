# Warnings as errors on our own code (never on third-party headers).
function(bourse_strict target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror -Wshadow
                         $<$<COMPILE_LANGUAGE:CXX>:-Wnon-virtual-dtor>)
endfunction()

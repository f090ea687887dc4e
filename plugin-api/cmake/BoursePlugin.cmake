# bourse_add_plugin(<name> SOURCES <src>... [LINK_LIBRARIES <lib>...] [NO_STATIC])
#
# Builds <name>.so, a loadable Bourse plugin module, and (unless NO_STATIC) the
# static library <name>-static from the same objects, so unit tests can drive
# the plugin through the fake host without dlopen.
#
# Plugins export exactly one symbol, bourse_module_entry: hidden visibility for
# our code plus a linker version script for everything else (libstdc++ template
# instantiations are default-visibility and would otherwise be exported, letting
# two plugins interpose each other's copies). -fno-gnu-unique: a STB_GNU_UNIQUE
# symbol makes glibc refuse to ever unload the library, which breaks hot reload.
function(bourse_add_plugin name)
  cmake_parse_arguments(ARG "NO_STATIC" "" "SOURCES;LINK_LIBRARIES" ${ARGN})
  if(NOT ARG_SOURCES)
    message(FATAL_ERROR "bourse_add_plugin(${name}): SOURCES is required")
  endif()

  add_library(${name}-objects OBJECT ${ARG_SOURCES})
  set_target_properties(${name}-objects PROPERTIES
    POSITION_INDEPENDENT_CODE ON CXX_VISIBILITY_PRESET hidden C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(${name}-objects PUBLIC Bourse::PluginAPI ${ARG_LINK_LIBRARIES})
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(${name}-objects PRIVATE -fno-gnu-unique)
  endif()

  set(exports ${CMAKE_CURRENT_BINARY_DIR}/${name}.exports)
  file(WRITE ${exports} "{ global: bourse_module_entry; local: *; };\n")

  add_library(${name} MODULE $<TARGET_OBJECTS:${name}-objects>)
  target_link_libraries(${name} PRIVATE ${name}-objects)
  set_target_properties(${name} PROPERTIES PREFIX "")
  if(BOURSE_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${BOURSE_PLUGIN_OUTPUT_DIR})
  endif()
  # Refuse undefined symbols at link time, not at load time.
  target_link_options(${name} PRIVATE -Wl,--no-undefined -Wl,--version-script=${exports})
  set_property(TARGET ${name} APPEND PROPERTY LINK_DEPENDS ${exports})

  if(NOT ARG_NO_STATIC)
    add_library(${name}-static STATIC $<TARGET_OBJECTS:${name}-objects>)
    target_link_libraries(${name}-static PUBLIC ${name}-objects)
  endif()
endfunction()

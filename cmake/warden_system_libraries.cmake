# libargon2 (Django's Argon2 hasher) and libcrypt (libxcrypt's bcrypt, Django's bcrypt
# hasher) ship no CMake package: found by header and library as IMPORTED targets.
# Included by the top-level CMakeLists.txt and by the installed package config.
foreach(lib IN ITEMS argon2 crypt)
  if(NOT TARGET warden_deps::${lib})
    string(TOUPPER ${lib} LIB)
    if(lib STREQUAL "argon2")
      set(header argon2.h)
      set(package libargon2-dev)
    else()
      set(header crypt.h)
      set(package libcrypt-dev)
    endif()
    find_path(WARDEN_${LIB}_INCLUDE_DIR ${header})
    find_library(WARDEN_${LIB}_LIBRARY ${lib})
    if(NOT WARDEN_${LIB}_INCLUDE_DIR OR NOT WARDEN_${LIB}_LIBRARY)
      message(FATAL_ERROR "warden needs lib${lib} (${header}); on Debian: apt-get install ${package}")
    endif()
    add_library(warden_deps::${lib} UNKNOWN IMPORTED)
    set_target_properties(warden_deps::${lib} PROPERTIES
      IMPORTED_LOCATION "${WARDEN_${LIB}_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${WARDEN_${LIB}_INCLUDE_DIR}")
  endif()
endforeach()

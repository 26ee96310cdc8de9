# What an installed warden's INTERFACE target links to (used by wardenConfig.cmake).
include(CMakeFindDependencyMacro)
find_dependency(Threads)
find_dependency(OpenSSL 3.0)
find_dependency(SQLite3)
find_dependency(ZLIB)
find_dependency(Boost 1.81 CONFIG COMPONENTS json)
include("${CMAKE_CURRENT_LIST_DIR}/warden_system_libraries.cmake")
# The network stores' client libraries, for warden::postgres and warden::redis (each
# target needs its library only when a program links it).
find_package(PostgreSQL QUIET)
find_package(PkgConfig QUIET)
if(PkgConfig_FOUND)
  pkg_check_modules(HIREDIS QUIET IMPORTED_TARGET hiredis)
endif()

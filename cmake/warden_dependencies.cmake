# What an installed warden's INTERFACE target links to (used by wardenConfig.cmake).
include(CMakeFindDependencyMacro)
find_dependency(Threads)
find_dependency(OpenSSL 3.0)
find_dependency(SQLite3)
find_dependency(ZLIB)
find_dependency(Boost 1.81 CONFIG COMPONENTS json)
include("${CMAKE_CURRENT_LIST_DIR}/warden_system_libraries.cmake")

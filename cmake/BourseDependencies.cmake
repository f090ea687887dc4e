# Third-party dependencies, all from Debian packages (deploy/install-deps.sh).
find_package(Threads REQUIRED)

# Debian's Poco config links Poco::DataPostgreSQL to PostgreSQL::client, which
# nothing defines: define it before find_package(Poco).
find_package(PostgreSQL REQUIRED)
if(NOT TARGET PostgreSQL::client)
  add_library(PostgreSQL::client INTERFACE IMPORTED)
  target_link_libraries(PostgreSQL::client INTERFACE PostgreSQL::PostgreSQL)
endif()
find_package(SQLite3 REQUIRED)  # the kernel tunes SQLite process-wide before Poco opens it
find_package(ZLIB REQUIRED)  # live bots keep their saved state deflated in memory
find_package(Poco 1.11 REQUIRED COMPONENTS Foundation Net Util JSON Data DataSQLite DataPostgreSQL Crypto JWT NetSSL)

# Boost.DLL (header-only) needs Boost.Filesystem in 1.74.
find_package(Boost 1.74 REQUIRED COMPONENTS filesystem)
find_package(yaml-cpp REQUIRED)

find_package(PkgConfig REQUIRED)
pkg_check_modules(CPPUNIT REQUIRED IMPORTED_TARGET cppunit)
pkg_check_modules(ARGON2 REQUIRED IMPORTED_TARGET libargon2)

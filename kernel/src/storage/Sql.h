//
// Sql.h — small helpers over Poco::Data used across the kernel.
//
#pragma once

#include <Poco/Data/Statement.h>

#include <cstddef>

namespace bourse {

/// Executes a statement built without `now` and returns how many rows it
/// changed (both SQLite and PostgreSQL report this), e.g.
///   if (affected((s << "UPDATE ... WHERE id = $1", use(id))) == 0) ...
inline std::size_t affected(Poco::Data::Statement statement) {
    return statement.execute();
}

}  // namespace bourse

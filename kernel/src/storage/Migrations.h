//
// Migrations.h — the schema, as an ordered list of versioned steps. Append only:
// a released step never changes; fix mistakes with a new step.
//
#pragma once

#include <vector>

namespace bourse {

struct Migration {
    int version;
    const char* name;
    const char* sql;          ///< portable SQL; statements separated by ';'
    const char* postgresSql;  ///< when the dialects differ; nullptr: use sql
};

const std::vector<Migration>& migrations();

} // namespace bourse

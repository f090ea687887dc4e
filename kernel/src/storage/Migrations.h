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
    const char* sql;  ///< statements separated by ';'; {{serial_primary_key}} is filled in per dialect
};

const std::vector<Migration>& migrations();

}  // namespace bourse

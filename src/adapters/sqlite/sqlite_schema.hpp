#pragma once
#include "adapters/sqlite/sqlite_connection.hpp"

namespace paredao::sqlite {

// Creates or upgrades the schema (versioned with PRAGMA user_version). Throws on failure.
void apply_schema(Connection& connection);

}  // namespace paredao::sqlite

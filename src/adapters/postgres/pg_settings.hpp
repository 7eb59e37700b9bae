#pragma once
// Settings every process of a deployment shares, kept in PostgreSQL (table `settings`): the
// challenge signing secret (so a challenge issued by one api copy verifies on another) and the
// generated admin token.
#include <functional>
#include <string>

#include "adapters/postgres/pg_connection.hpp"

namespace paredao::pg {

// The stored value of `name`; when there is none, stores `generate()` first. Concurrent callers
// all get the one value that won. Throws pg::Error.
std::string shared_setting(Connection& connection, const std::string& name,
                           const std::function<std::string()>& generate);

}  // namespace paredao::pg

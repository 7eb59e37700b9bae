#pragma once
// The versioned PostgreSQL schema of the distributed mode, applied by `paredao migrate`.
#include <vector>

#include "adapters/postgres/pg_connection.hpp"

namespace paredao::pg {

// Applies every migration not applied yet, all in one transaction, under an advisory lock
// so that several processes migrating at once apply each version once. Returns the versions
// applied by this call (empty when the schema was current). No deadline of the server's on its
// statements: `connection`'s own deadline bounds each (a backfill reads every vote). Throws
// pg::Error.
std::vector<int> migrate(Connection& connection);
// The same, up to `version` only: a test's way to hold data of an older schema.
std::vector<int> migrate_to(Connection& connection, int version);

// The newest schema version this binary knows.
int latest_schema_version();

// The schema version of the database (0 when never migrated). Throws pg::Error.
int schema_version(Connection& connection);

// Creates the daily partitions of `votes` from today to `days_ahead` days ahead (UTC), those
// missing only. Votes land in a partition made in advance; the default partition only catches
// a vote whose day was not prepared (a clock far off), so nothing is ever refused for it.
// Returns how many partitions were created. Throws pg::Error.
int ensure_vote_partitions(Connection& connection, int days_ahead);

}  // namespace paredao::pg

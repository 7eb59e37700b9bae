#include <chrono>

#include "adapters/logging/json_log.hpp"
#include "adapters/postgres/pg_schema.hpp"
#include "adapters/postgres/pg_settings.hpp"
#include "adapters/system/secret_file.hpp"
#include "cmd/distributed.hpp"

namespace paredao {

int run_migrate(const MigrateConfig& config) {
  // A migration that fills a new table from the votes reads them all: about 1.6 s per 3.6 M
  // votes (an hour at 1,000 votes/s) for version 6, so minutes for a season of nights.
  pg::Connection connection(config.postgres_url, std::chrono::hours(1));
  const auto applied = pg::migrate(connection);
  boost::json::array versions;
  for (const int version : applied) versions.push_back(version);
  const int partitions = pg::ensure_vote_partitions(connection, 7);
  // Created now, so that every process started afterwards shares them.
  pg::shared_setting(connection, "challenge_secret", [] { return random_hex(32); });
  const auto admin_token =
      pg::shared_setting(connection, "admin_token", [] { return random_hex(24); });
  log::info("migrated", {{"applied_versions", versions},
                         {"schema_version", pg::schema_version(connection)},
                         {"partitions_created", partitions}});
  log::info("admin_token", {{"token", admin_token},
                            {"stored_in", "PostgreSQL table settings, name admin_token"},
                            {"hint", "used by the api copies unless --admin-token is given"}});
  return 0;
}

}  // namespace paredao

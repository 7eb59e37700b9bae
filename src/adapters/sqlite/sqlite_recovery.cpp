#include "adapters/sqlite/sqlite_recovery.hpp"

#include <vector>

#include "adapters/sqlite/sqlite_connection.hpp"
#include "adapters/sqlite/sqlite_schema.hpp"

namespace paredao {

RecoveryReport recover_from_sqlite(const std::filesystem::path& database, TallyStore& tallies,
                                   TimePoint now,
                                   const std::function<void(const std::string&, TimePoint)>& burn) {
  sqlite::Connection connection(database);
  sqlite::apply_schema(connection);
  RecoveryReport report;

  std::vector<TallyDelta> deltas;
  sqlite::Statement rollup(connection.handle(),
                           "SELECT poll_id, hour, candidate_id, votes FROM hourly_tally");
  while (rollup.next_row()) {
    deltas.push_back(
        TallyDelta{rollup.text(0), rollup.text(2), rollup.integer(1), rollup.integer(3)});
    report.votes += deltas.back().votes;
  }
  tallies.apply(deltas);

  // Newest first, until the running maximum of the expiries has passed: no older vote can hold
  // an unexpired challenge (schema version 3).
  const std::int64_t now_ms = now.time_since_epoch().count();
  sqlite::Statement challenges(connection.handle(),
                               "SELECT challenge_id, challenge_expires_at_ms, expiry_horizon_ms "
                               "FROM votes ORDER BY rowid DESC");
  while (challenges.next_row() && challenges.integer(2) > now_ms) {
    if (challenges.integer(1) <= now_ms) continue;
    burn(challenges.text(0), TimePoint{std::chrono::milliseconds{challenges.integer(1)}});
    ++report.burned_challenges;
  }
  return report;
}

}  // namespace paredao

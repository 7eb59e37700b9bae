#pragma once
// Start-up: rebuilding what the embedded mode keeps in memory from what SQLite made durable.
#include <filesystem>
#include <functional>
#include <string>

#include "app/ports/tally_store.hpp"

namespace paredao {

struct RecoveryReport {
  std::int64_t votes = 0;              // votes counted in the rollup
  std::int64_t burned_challenges = 0;  // unexpired challenge ids handed to `burn`
};

// Loads the hourly rollup into `tallies` and hands every challenge id that has not yet expired at
// `now` to `burn`, so that a challenge stays single-use across a restart. Throws
// std::runtime_error if the database cannot be read.
RecoveryReport recover_from_sqlite(const std::filesystem::path& database, TallyStore& tallies,
                                   TimePoint now,
                                   const std::function<void(const std::string&, TimePoint)>& burn);

}  // namespace paredao

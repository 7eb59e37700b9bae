#include "cmd/serve.hpp"

#include <fstream>

#include "adapters/altcha/altcha_verifier.hpp"
#include "adapters/logging/json_log.hpp"
#include "adapters/memory/memory_replay_guard.hpp"
#include "adapters/memory/memory_tally_store.hpp"
#include "adapters/sqlite/sqlite_poll_repository.hpp"
#include "adapters/sqlite/sqlite_recovery.hpp"
#include "adapters/sqlite/sqlite_vote_log.hpp"
#include "adapters/system/random_ids.hpp"
#include "adapters/system/secret_file.hpp"
#include "adapters/system/system_clock.hpp"
#include "app/poll_admin.hpp"
#include "app/tally_snapshots.hpp"
#include "cmd/demo_poll.hpp"
#include "cmd/http_front.hpp"

namespace paredao {
namespace {

namespace fs = std::filesystem;

// Enough for 5 minutes of challenges at the 25,000 votes/s record: about 0.5 GiB at worst
// (16-byte keys, see MemoryReplayGuard).
constexpr std::size_t kMaxRememberedChallenges = 8'000'000;

}  // namespace

int run_serve(const ServeConfig& config, const fs::path& executable) {
  fs::create_directories(config.data_dir);
  const auto database = config.data_dir / "paredao.db";
  const auto first_start_marker = config.data_dir / "initialized";
  const bool first_start = !fs::exists(first_start_marker);

  std::string admin_token;
  if (config.admin_token) {
    admin_token = *config.admin_token;
  } else {
    admin_token = load_or_create_secret(config.data_dir / "admin-token", 24);
    log_generated_admin_token(admin_token, (config.data_dir / "admin-token").string());
  }

  SystemClock clock;
  RandomIdGenerator ids;
  SqlitePollRepository polls_store(database);
  PollCatalog catalog;
  for (auto& poll : polls_store.load_all()) catalog.put(std::move(poll));

  MemoryTallyStore tallies;
  MemoryReplayGuard replay_guard(kMaxRememberedChallenges);
  const auto now = clock.now();
  const auto recovered =
      recover_from_sqlite(database, tallies, now, [&](const std::string& id, TimePoint expires_at) {
        (void)replay_guard.burn(id, expires_at, now);
      });

  Metrics metrics;
  TallySnapshots snapshots(tallies, clock);
  // Called on the committer thread after each batch.
  auto after_batch = [&metrics, &snapshots, last_refresh = std::chrono::steady_clock::time_point{}](
                         const BatchReport& report) mutable {
    metrics.observe_batch(report.votes, report.seconds, report.committed);
    // On change, so that a voter's receipt already counts the vote; at most every 20 ms, so
    // that under load the committer does not copy the counters for every batch.
    const auto now = std::chrono::steady_clock::now();
    if (report.committed && now - last_refresh >= std::chrono::milliseconds(20)) {
      snapshots.refresh();
      last_refresh = now;
    }
    if (!report.committed) log::error("vote_batch_failed", {{"votes", report.votes}});
  };
  SqliteVoteLog vote_log(database, tallies, SqliteVoteLogSettings{}, after_batch);
  AltchaVerifier verifier(
      AltchaSettings{.secret = load_or_create_secret(config.data_dir / "challenge-secret", 32),
                     .max_counter = config.pow_difficulty,
                     .ttl_seconds = config.challenge_ttl_seconds});

  PollAdmin admin(polls_store, catalog, clock, ids);
  if (first_start && config.demo && !catalog.find("demo")) {
    auto demo = admin.create(demo_poll());
    if (demo.ok()) (void)admin.open("demo");
    log::info("demo_created", {{"poll_id", "demo"}, {"ok", demo.ok()}});
  }
  std::ofstream(first_start_marker) << "paredao\n";

  FrontUseCases front(catalog, verifier, replay_guard, vote_log, ids, clock, snapshots);
  serve_http_front(config, executable,
                   front.services(
                       admin, metrics,
                       [&vote_log]() -> std::optional<std::string> {
                         if (!vote_log.healthy()) return std::string("sqlite");
                         return std::nullopt;
                       },
                       admin_token),
                   snapshots,
                   {{"mode", "embedded"},
                    {"data_dir", config.data_dir.string()},
                    {"recovered_votes", recovered.votes},
                    {"recovered_challenges", recovered.burned_challenges}});
  // Every request in flight has been answered; commit anything still queued, then stop.
  vote_log.stop();
  log::info("stopped");
  return 0;
}

}  // namespace paredao

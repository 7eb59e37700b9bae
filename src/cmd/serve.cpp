#include "cmd/serve.hpp"

#include <fstream>

#include "adapters/altcha/altcha_verifier.hpp"
#include "adapters/logging/json_log.hpp"
#include "adapters/memory/memory_pace_ledger.hpp"
#include "adapters/memory/memory_replay_guard.hpp"
#include "adapters/memory/memory_tally_store.hpp"
#include "adapters/sqlite/data_dir_probe.hpp"
#include "adapters/sqlite/sqlite_batch_log.hpp"
#include "adapters/sqlite/sqlite_poll_repository.hpp"
#include "adapters/sqlite/sqlite_recovery.hpp"
#include "adapters/sqlite/sqlite_vote_review.hpp"
#include "adapters/system/random_ids.hpp"
#include "adapters/system/secret_file.hpp"
#include "adapters/system/system_clock.hpp"
#include "adapters/tracing/otel_tracer.hpp"
#include "app/poll_admin.hpp"
#include "app/readiness.hpp"
#include "app/review_ports.hpp"
#include "app/tally_snapshots.hpp"
#include "app/vote_pipeline.hpp"
#include "cmd/demo_poll.hpp"
#include "cmd/distributed.hpp"
#include "cmd/http_front.hpp"
#include "cmd/lifecycle.hpp"

namespace paredao {
namespace {

namespace fs = std::filesystem;

// Enough for 5 minutes of challenges at the 25,000 votes/s record: about 0.5 GiB at worst
// (16-byte keys, see MemoryReplayGuard).
constexpr std::size_t kMaxRememberedChallenges = 8'000'000;
// Networks (and kinds of event) whose last minute is kept: about 150 MB when all are live.
constexpr std::size_t kMaxPaceWindows = 1'000'000;

}  // namespace

int run_serve(const ServeConfig& config, const fs::path& executable) {
  block_stop_signals();  // before any thread starts: they all inherit it
  fs::create_directories(config.data_dir);
  const auto database = config.data_dir / "paredao.db";
  const auto first_start_marker = config.data_dir / "initialized";
  const bool first_start = !fs::exists(first_start_marker);

  std::string admin_token;
  if (config.http.admin_token) {
    admin_token = *config.http.admin_token;
  } else {
    admin_token = load_or_create_secret(config.data_dir / "admin-token", 24);
    log_generated_admin_token(admin_token, (config.data_dir / "admin-token").string());
  }

  // Objects without threads, which the components below use: they outlive them.
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
  OtelTracer tracer(tracing_settings("paredao", config.tracing));
  TallySnapshots snapshots(tallies, clock);
  SqliteBatchLog batch_log(database);
  MemoryPaceLedger pace(clock, kMaxPaceWindows);
  DataDirProbe data_dir(config.data_dir);
  AltchaVerifier verifier(
      AltchaSettings{.secret = load_or_create_secret(config.data_dir / "challenge-secret", 32),
                     .ttl_seconds = config.http.challenge_ttl_seconds,
                     .derivation = config.http.derivation});
  PollAdmin admin(polls_store, catalog, clock, ids);
  SqliteVoteReview review_store(database);
  CommittedBarrier committed;
  LocalReviewedCounts reviewed_counts(tallies, snapshots);
  ReviewHeldVotes review(ReviewPorts{.catalog = catalog,
                                     .review = review_store,
                                     .barrier = committed,
                                     .counts = reviewed_counts,
                                     .clock = clock,
                                     .ids = ids});
  if (first_start && config.http.demo && !catalog.find("demo")) {
    auto demo = admin.create(demo_poll());
    if (demo.ok()) (void)admin.open("demo");
    log::info("demo_created", {{"poll_id", "demo"}, {"ok", demo.ok()}});
  }
  std::ofstream(first_start_marker) << "paredao\n";

  // The components, started in this order and stopped in the reverse one: the HTTP server first
  // (every request in flight answered), then the pipeline (every queued vote written).
  Lifecycle components;
  components.add("repeated log lines", std::make_unique<RepeatedLogLines>());
  auto& readiness = components.add(
      "readiness", std::make_unique<Readiness>(std::vector<HealthProbe*>{&data_dir}));
  components.add("snapshot refresher", std::make_unique<SnapshotRefresher>(snapshots));
  auto& pipeline = components.add(
      "vote pipeline",
      std::make_unique<VotePipeline>(VotePipelinePorts{.local_guard = replay_guard,
                                                       .log = batch_log,
                                                       .ids = ids,
                                                       .clock = clock,
                                                       .counts = &tallies,
                                                       .snapshots = &snapshots,
                                                       .tracer = &tracer},
                                     VotePipelineSettings{}, observe_pipeline(metrics)));
  auto& front = components.keep(
      "use cases", std::make_unique<FrontUseCases>(catalog, verifier, pipeline, ids, clock,
                                                   snapshots, pace, config.http));
  auto services = front.services(admin, review, metrics, readiness, admin_token);
  services.measure_at_scrape = [&data_dir](Metrics& measured) {
    if (const auto space = data_dir.space()) {
      measured.set_data_dir_space(double(space->free_bytes), double(space->size_bytes));
    }
  };
  components.add("http",
                 std::make_unique<HttpFront>(
                     config.http, executable, services, tracer,
                     boost::json::object{{"mode", "embedded"},
                                         {"data_dir", config.data_dir.string()},
                                         {"recovered_votes", recovered.votes},
                                         {"recovered_challenges", recovered.burned_challenges}}));
  wait_for_stop_signal();
  components.stop();
  log::info("stopped");
  return 0;
}

}  // namespace paredao

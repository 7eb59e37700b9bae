#include "adapters/altcha/altcha_verifier.hpp"
#include "adapters/amqp/amqp_batch_log.hpp"
#include "adapters/amqp/amqp_probe.hpp"
#include "adapters/logging/json_log.hpp"
#include "adapters/memory/memory_replay_guard.hpp"
#include "adapters/postgres/pg_catalog_sync.hpp"
#include "adapters/postgres/pg_poll_repository.hpp"
#include "adapters/postgres/pg_probe.hpp"
#include "adapters/postgres/pg_schema.hpp"
#include "adapters/postgres/pg_settings.hpp"
#include "adapters/postgres/pg_vote_history.hpp"
#include "adapters/postgres/pg_vote_review.hpp"
#include "adapters/redis/redis_counters.hpp"
#include "adapters/redis/redis_inflight_batches.hpp"
#include "adapters/redis/redis_pace_ledger.hpp"
#include "adapters/redis/redis_probe.hpp"
#include "adapters/system/random_ids.hpp"
#include "adapters/system/secret_file.hpp"
#include "adapters/system/system_clock.hpp"
#include "adapters/tracing/otel_tracer.hpp"
#include "app/inflight_barrier.hpp"
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

// A local first line against replays on this copy; the shared guard in Redis is the rule.
constexpr std::size_t kMaxLocalChallenges = 2'000'000;

}  // namespace

int run_api(const ApiConfig& config, const std::filesystem::path& executable) {
  block_stop_signals();  // before any thread starts: they all inherit it
  const auto& servers = config.servers;
  const auto queues = amqp::QueueNames::for_deployment(servers.deployment);
  SystemClock clock;
  RandomIdGenerator ids;

  std::string admin_token, challenge_secret;
  {
    pg::Connection connection(servers.postgres_url);
    require_schema(connection);
    challenge_secret =
        pg::shared_setting(connection, "challenge_secret", [] { return random_hex(32); });
    if (config.http.admin_token) {
      admin_token = *config.http.admin_token;
    } else {
      admin_token = pg::shared_setting(connection, "admin_token", [] { return random_hex(24); });
      log_generated_admin_token(admin_token, "PostgreSQL table settings, name admin_token");
    }
  }

  // Objects without threads, which the components below use: they outlive them.
  PollCatalog catalog;
  const RedisSettings redis{.endpoint = servers.redis, .prefix = servers.deployment};
  RedisTallyStore tallies(redis);
  RedisReplayGuard shared_guard(redis);
  MemoryReplayGuard local_guard(kMaxLocalChallenges);
  Metrics metrics;
  OtelTracer tracer(tracing_settings("paredao-api", config.tracing));
  TallySnapshots snapshots(tallies, clock);
  amqp::ConfirmedPublisher publisher(servers.amqp, queues);
  publisher.connect();
  AmqpBatchLog batch_log(publisher, tracer);
  // A short deadline per attempt: the pipeline retries the settlement for 10 s in all.
  PgVoteHistory settlement(servers.postgres_url, std::chrono::milliseconds(2000));
  AltchaVerifier verifier(AltchaSettings{.secret = challenge_secret,
                                         .ttl_seconds = config.http.challenge_ttl_seconds,
                                         .derivation = config.http.derivation});
  RedisProbe redis_probe(servers.redis, Health::kDown);
  AmqpProbe broker_probe(servers.amqp, queues, publisher);
  PgProbe postgres_probe(servers.postgres_url, Health::kDegraded);

  // The review of held votes: exact once the workers have recorded every batch answered 202.
  PgVoteReview review_store(servers.postgres_url);
  // Two connections: the pipeline's registrations never wait behind a review's reads.
  RedisInflightBatches registry_for_pipeline(redis);
  OwnInflightBatches inflight(registry_for_pipeline);
  RedisInflightBatches registry_for_review(redis);
  InflightBarrier barrier(registry_for_review, review_store, &inflight, InflightBarrierSettings{},
                          [&metrics](const RegisteredBatch& batch) {
                            metrics.count_batch_given_up();
                            log::error("batch_never_recorded",
                                       {{"batch_id", batch.batch_id},
                                        {"registered_at_ms", batch.at_ms},
                                        {"hint",
                                         "a batch answered 202 is not in PostgreSQL: "
                                         "see the dead-letter queue"}});
                          });
  RedisLiveCounters live_counters(redis);
  SharedReviewedCounts reviewed_counts(live_counters, snapshots);
  ReviewHeldVotes review(ReviewPorts{.catalog = catalog,
                                     .review = review_store,
                                     .barrier = barrier,
                                     .counts = reviewed_counts,
                                     .clock = clock,
                                     .ids = ids});

  // The components, started in this order and stopped in the reverse one: the HTTP server first
  // (every request in flight answered), then the pipeline (every queued vote published or
  // settled), then the catalog.
  Lifecycle components;
  components.add("repeated log lines", std::make_unique<RepeatedLogLines>());
  auto& catalog_sync = components.add(
      "catalog sync",
      std::make_unique<PgCatalogSync>(
          CatalogSyncSettings{.url = servers.postgres_url, .instance_id = "api-" + random_hex(8)},
          catalog));
  auto& polls_store = components.keep(
      "poll repository",
      std::make_unique<PgPollRepository>(servers.postgres_url, [&catalog_sync](std::int64_t v) {
        catalog_sync.wait_until_everywhere(v);
      }));
  auto& admin =
      components.keep("poll admin", std::make_unique<PollAdmin>(polls_store, catalog, clock, ids));
  if (config.http.demo && catalog.all().empty()) {
    // Only into an empty deployment; two copies starting at once both try and one wins.
    auto demo = admin.create(demo_poll());
    if (demo.ok()) (void)admin.open("demo");
    log::info("demo_created", {{"poll_id", "demo"}, {"ok", demo.ok()}});
  }
  components.add("inflight sweeper", std::make_unique<InflightSweeper>(barrier));
  auto& readiness =
      components.add("readiness", std::make_unique<Readiness>(std::vector<HealthProbe*>{
                                      &redis_probe, &broker_probe, &postgres_probe}));
  snapshots.refresh();
  components.add("snapshot refresher", std::make_unique<SnapshotRefresher>(snapshots));
  auto& pace = components.add("pace ledger", std::make_unique<RedisPaceLedger>(redis));
  auto& pipeline = components.add(
      "vote pipeline", std::make_unique<VotePipeline>(
                           VotePipelinePorts{.local_guard = local_guard,
                                             .log = batch_log,
                                             .ids = ids,
                                             .clock = clock,
                                             .shared_guard = &shared_guard,
                                             .settlement = &settlement,
                                             .inflight = &inflight,
                                             .tracer = &tracer},
                           VotePipelineSettings{.max_batch = 5000}, observe_pipeline(metrics)));
  auto& front = components.keep(
      "use cases", std::make_unique<FrontUseCases>(catalog, verifier, pipeline, ids, clock,
                                                   snapshots, pace, config.http));
  components.add("http", std::make_unique<HttpFront>(
                             config.http, executable,
                             front.services(admin, review, metrics, readiness, admin_token), tracer,
                             boost::json::object{{"mode", "distributed"},
                                                 {"role", "api"},
                                                 {"deployment", servers.deployment}}));
  wait_for_stop_signal();
  components.stop();
  log::info("stopped");
  return 0;
}

}  // namespace paredao

#include "adapters/altcha/altcha_verifier.hpp"
#include "adapters/amqp/amqp_vote_log.hpp"
#include "adapters/logging/json_log.hpp"
#include "adapters/memory/memory_replay_guard.hpp"
#include "adapters/postgres/pg_catalog_sync.hpp"
#include "adapters/postgres/pg_poll_repository.hpp"
#include "adapters/postgres/pg_schema.hpp"
#include "adapters/postgres/pg_settings.hpp"
#include "adapters/postgres/pg_vote_history.hpp"
#include "adapters/redis/redis_counters.hpp"
#include "adapters/system/random_ids.hpp"
#include "adapters/system/secret_file.hpp"
#include "adapters/system/system_clock.hpp"
#include "app/poll_admin.hpp"
#include "app/tally_snapshots.hpp"
#include "cmd/demo_poll.hpp"
#include "cmd/distributed.hpp"
#include "cmd/http_front.hpp"

namespace paredao {
namespace {

// A local first line against replays on this copy; the shared guard in Redis is the rule.
constexpr std::size_t kMaxLocalChallenges = 2'000'000;

}  // namespace

int run_api(const ServeConfig& config, const std::filesystem::path& executable) {
  const auto endpoints = distributed_endpoints(config);
  SystemClock clock;
  RandomIdGenerator ids;

  std::string admin_token, challenge_secret;
  {
    pg::Connection connection(config.postgres_url);
    require_schema(connection);
    challenge_secret =
        pg::shared_setting(connection, "challenge_secret", [] { return random_hex(32); });
    if (config.admin_token) {
      admin_token = *config.admin_token;
    } else {
      admin_token = pg::shared_setting(connection, "admin_token", [] { return random_hex(24); });
      log_generated_admin_token(admin_token, "PostgreSQL table settings, name admin_token");
    }
  }

  PollCatalog catalog;
  PgCatalogSync catalog_sync(
      CatalogSyncSettings{.url = config.postgres_url, .instance_id = "api-" + random_hex(8)},
      catalog);
  PgPollRepository polls_store(config.postgres_url, [&catalog_sync](std::int64_t version) {
    catalog_sync.wait_until_everywhere(version);
  });

  const RedisSettings redis{.endpoint = endpoints.redis, .prefix = config.deployment};
  RedisTallyStore tallies(redis);
  RedisReplayGuard shared_guard(redis);
  MemoryReplayGuard local_guard(kMaxLocalChallenges);

  Metrics metrics;
  TallySnapshots snapshots(tallies, clock);
  amqp::ConfirmedPublisher publisher(endpoints.amqp,
                                     amqp::QueueNames::for_deployment(config.deployment));
  PgVoteHistory settling_history(config.postgres_url);
  AmqpVoteLog vote_log(publisher, shared_guard, settling_history, ids, clock, AmqpVoteLogSettings{},
                       [&metrics](const PublishReport& report) {
                         metrics.observe_batch(report.votes, report.seconds, report.confirmed);
                       });
  AltchaVerifier verifier(AltchaSettings{.secret = challenge_secret,
                                         .max_counter = config.pow_difficulty,
                                         .ttl_seconds = config.challenge_ttl_seconds});

  PollAdmin admin(polls_store, catalog, clock, ids);
  if (config.demo && catalog.all().empty()) {
    // Only into an empty deployment; two copies starting at once both try and one wins.
    auto demo = admin.create(demo_poll());
    if (demo.ok()) (void)admin.open("demo");
    log::info("demo_created", {{"poll_id", "demo"}, {"ok", demo.ok()}});
  }

  FrontUseCases front(catalog, verifier, local_guard, vote_log, ids, clock, snapshots);
  snapshots.refresh();

  serve_http_front(config, executable,
                   front.services(
                       admin, metrics,
                       [&]() -> std::optional<std::string> {
                         if (!catalog_sync.healthy()) return std::string("postgres");
                         if (!tallies.healthy() || !vote_log.guard_healthy())
                           return std::string("redis");
                         if (!vote_log.healthy()) return std::string("rabbitmq");
                         return std::nullopt;
                       },
                       admin_token),
                   snapshots,
                   {{"mode", "distributed"}, {"role", "api"}, {"deployment", config.deployment}});
  vote_log.stop();
  log::info("stopped");
  return 0;
}

}  // namespace paredao

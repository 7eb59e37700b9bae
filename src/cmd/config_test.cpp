#include "cmd/config.hpp"

#include <gtest/gtest.h>

#include <map>

namespace paredao {
namespace {

using Env = std::map<std::string, std::string>;

GetEnv env_of(const Env& values) {
  return [values](const std::string& name) -> std::optional<std::string> {
    const auto found = values.find(name);
    if (found == values.end()) return std::nullopt;
    return found->second;
  };
}

// The config of `command`; fails the test when parsing did not give one.
template <class Config>
Config config_of(Command command, const std::vector<std::string>& args, const Env& env = {}) {
  const auto result = parse_config(command, args, env_of(env));
  if (const auto* problem = std::get_if<std::string>(&result)) ADD_FAILURE() << *problem;
  if (!std::holds_alternative<CommandConfig>(result)) return {};
  const auto& config = std::get<CommandConfig>(result);
  EXPECT_TRUE(std::holds_alternative<Config>(config));
  return std::holds_alternative<Config>(config) ? std::get<Config>(config) : Config{};
}

// The error message for `args` and `env`, or "" when they parse.
std::string error_of(Command command, const std::vector<std::string>& args, const Env& env = {}) {
  const auto result = parse_config(command, args, env_of(env));
  return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : "";
}

TEST(ServeConfig, DefaultsWithoutFlagsOrEnvironment) {
  const auto config = config_of<ServeConfig>(Command::kServe, {});
  EXPECT_EQ(config.http.listen.host, "127.0.0.1");
  EXPECT_EQ(config.http.listen.port, 8080);
  EXPECT_TRUE(config.http.demo);
  EXPECT_FALSE(config.http.admin_token);
  EXPECT_EQ(config.http.max_connections_per_network, 1024u);
}

TEST(ServeConfig, FlagsWinOverEnvironment) {
  const auto config = config_of<ServeConfig>(
      Command::kServe, {"--listen", "[::1]:9000", "--pow-difficulty=1000", "--no-demo"},
      {{"PAREDAO_LISTEN", "0.0.0.0:80"}, {"PAREDAO_ADMIN_TOKEN", "secret-token"}});
  EXPECT_EQ(config.http.listen.host, "::1");
  EXPECT_EQ(config.http.listen.port, 9000);
  EXPECT_EQ(config.http.pow_difficulty, 1000u);
  EXPECT_FALSE(config.http.demo);
  EXPECT_EQ(config.http.admin_token, "secret-token");
}

TEST(ServeConfig, TheProofOfWorkDefaultsToScryptAndItsWorkFollowsTheAlgorithm) {
  const auto defaults = config_of<ServeConfig>(Command::kServe, {}, {}).http;
  EXPECT_EQ(defaults.derivation.algorithm, altcha::Algorithm::kScrypt);
  EXPECT_EQ(defaults.derivation.cost, 64);
  EXPECT_EQ(defaults.derivation.memory_cost, 8);
  EXPECT_EQ(defaults.pow_difficulty, 2000u);
  EXPECT_EQ(defaults.challenge_policy().work.max, 64u * 2000u);

  const auto sha = config_of<ServeConfig>(Command::kServe, {"--pow-algorithm", "SHA-256"}, {}).http;
  EXPECT_EQ(sha.derivation.algorithm, altcha::Algorithm::kSha256);
  EXPECT_EQ(sha.derivation.cost, 1);
  EXPECT_EQ(sha.pow_difficulty, 50000u);

  // Whichever order the flags come in, and a difficulty given is kept.
  const auto scrypt =
      config_of<ServeConfig>(
          Command::kServe,
          {"--pow-scrypt-cost", "256", "--pow-difficulty", "10", "--pow-algorithm", "SCRYPT"}, {})
          .http;
  EXPECT_EQ(scrypt.derivation.cost, 256);
  EXPECT_EQ(scrypt.pow_difficulty, 10u);
  EXPECT_TRUE(std::holds_alternative<std::string>(
      parse_config(Command::kServe, {"--pow-scrypt-cost", "100"},
                   [](const std::string&) { return std::optional<std::string>(); })));
}

TEST(ServeConfig, NoDemoFromEnvironment) {
  EXPECT_FALSE(config_of<ServeConfig>(Command::kServe, {}, {{"PAREDAO_NO_DEMO", "1"}}).http.demo);
}

TEST(ServeConfig, NamesTheBadSetting) {
  const auto error = [](const std::vector<std::string>& args, const Env& env = {}) {
    return error_of(Command::kServe, args, env);
  };
  EXPECT_EQ(error({"--listen", "8080"}).rfind("--listen", 0), 0u);
  EXPECT_EQ(error({"--pow-difficulty", "0"}).rfind("--pow-difficulty", 0), 0u);
  EXPECT_EQ(error({"--pow-difficulty", "12x"}).rfind("--pow-difficulty", 0), 0u);
  EXPECT_EQ(error({"--bogus"}).rfind("unknown option --bogus", 0), 0u);
  EXPECT_EQ(error({"--data-dir"}), "--data-dir needs a value");
  EXPECT_EQ(error({}, {{"PAREDAO_POW_DIFFICULTY", "-3"}}).rfind("PAREDAO_POW_DIFFICULTY", 0), 0u);
  EXPECT_EQ(error({"--admin-token", "short"}).rfind("--admin-token", 0), 0u);
  EXPECT_EQ(error({"--max-connections-per-network", "0"}).rfind("--max-connections-per", 0), 0u);
  // Another command's settings mean nothing here.
  EXPECT_EQ(error({"--redis-url", "redis://x"}).rfind("unknown option --redis-url", 0), 0u);
}

TEST(ServeConfig, TrustedProxiesAreCidrs) {
  const auto config = config_of<ServeConfig>(
      Command::kServe, {"--trusted-proxies", "10.0.0.0/8, 192.0.2.7,2001:db8::/32"});
  ASSERT_EQ(config.http.trusted_proxies.size(), 3u);
  EXPECT_EQ(config.http.trusted_proxies[0].cidr(), "10.0.0.0/8");
  EXPECT_EQ(config.http.trusted_proxies[1].cidr(), "192.0.2.7/32");
  EXPECT_EQ(config.http.trusted_proxies[2].cidr(), "2001:db8::/32");
  EXPECT_EQ(error_of(Command::kServe, {"--trusted-proxies", "10.0.0.0/33"}).rfind("--trusted", 0),
            0u);
  EXPECT_EQ(error_of(Command::kServe, {"--trusted-proxies", "lb.local"}).rfind("--trusted", 0), 0u);
}

TEST(ServeConfig, Help) {
  EXPECT_TRUE(
      std::holds_alternative<HelpRequested>(parse_config(Command::kServe, {"--help"}, env_of({}))));
}

TEST(DistributedConfig, EachCommandGetsItsOwnTypeWithTheServerUrlsParsed) {
  const auto api = config_of<ApiConfig>(
      Command::kApi, {"--redis-url", "redis://:pw@cache:7000/2", "--deployment", "night"},
      {{"PAREDAO_AMQP_URL", "amqp://u:p@broker:5673/votes"}});
  EXPECT_EQ(api.servers.redis.host, "cache");
  EXPECT_EQ(api.servers.redis.port, 7000);
  EXPECT_EQ(api.servers.redis.database, 2);
  EXPECT_EQ(api.servers.redis.password, "pw");
  EXPECT_EQ(api.servers.amqp.host, "broker");
  EXPECT_EQ(api.servers.amqp.vhost, "votes");
  EXPECT_EQ(api.servers.deployment, "night");
  const auto worker = config_of<WorkerConfig>(Command::kWorker, {"--consumers", "4"});
  EXPECT_EQ(worker.consumers, 4u);
  const auto reconcile = config_of<ReconcileConfig>(
      Command::kReconcile, {"--check", "--interval-ms", "250", "--double-use-interval-ms", "900"});
  EXPECT_TRUE(reconcile.check_only);
  EXPECT_EQ(reconcile.interval, std::chrono::milliseconds(250));
  EXPECT_EQ(reconcile.double_use_interval, std::chrono::milliseconds(900));
  const auto migrate =
      config_of<MigrateConfig>(Command::kMigrate, {"--postgres-url", "host=db dbname=paredao"});
  EXPECT_EQ(migrate.postgres_url, "host=db dbname=paredao");
}

TEST(DistributedConfig, AMalformedUrlIsRefusedAtStartNamingItsSetting) {
  EXPECT_EQ(error_of(Command::kApi, {"--redis-url", "http://cache"}).rfind("--redis-url", 0), 0u);
  EXPECT_EQ(error_of(Command::kWorker, {"--amqp-url", "amqp://h:notaport/"}).rfind("--amqp-url", 0),
            0u);
  EXPECT_EQ(error_of(Command::kMigrate, {"--postgres-url", "postgresql://[::1"})
                .rfind("--postgres-url", 0),
            0u);
  EXPECT_EQ(error_of(Command::kReconcile, {}, {{"PAREDAO_POSTGRES_URL", "host=x bogus=1"}})
                .rfind("--postgres-url", 0),
            0u);
  // The worker takes no HTTP setting, the reconciler no broker.
  EXPECT_EQ(error_of(Command::kWorker, {"--listen", "127.0.0.1:1"}).rfind("unknown option", 0), 0u);
  EXPECT_EQ(error_of(Command::kReconcile, {"--amqp-url", "amqp://x/"}).rfind("unknown option", 0),
            0u);
}

TEST(TracingConfig, EveryServingCommandTakesTheEndpointAndTheRatio) {
  EXPECT_FALSE(config_of<ServeConfig>(Command::kServe, {}).tracing.otlp_endpoint);
  EXPECT_DOUBLE_EQ(config_of<ServeConfig>(Command::kServe, {}).tracing.sample_ratio, 0.01);
  const auto api =
      config_of<ApiConfig>(Command::kApi, {"--otlp-endpoint", "http://127.0.0.1:4318/v1/traces"},
                           {{"PAREDAO_TRACE_SAMPLE_RATIO", "0.25"}});
  EXPECT_EQ(api.tracing.otlp_endpoint, "http://127.0.0.1:4318/v1/traces");
  EXPECT_DOUBLE_EQ(api.tracing.sample_ratio, 0.25);
  EXPECT_DOUBLE_EQ(
      config_of<WorkerConfig>(Command::kWorker, {"--trace-sample-ratio", "1"}).tracing.sample_ratio,
      1.0);
  EXPECT_EQ(
      config_of<ReconcileConfig>(Command::kReconcile, {"--otlp-endpoint", "https://c/v1/traces"})
          .tracing.otlp_endpoint,
      "https://c/v1/traces");
  for (const auto* bad : {"1.5", "-0.1", "nan", "half", ""}) {
    EXPECT_EQ(error_of(Command::kApi, {"--trace-sample-ratio", bad}).rfind("--trace-sample", 0), 0u)
        << bad;
  }
  EXPECT_EQ(error_of(Command::kWorker, {"--otlp-endpoint", "127.0.0.1:4318"}).rfind("--otlp", 0),
            0u);
  EXPECT_EQ(error_of(Command::kMigrate, {"--otlp-endpoint", "http://c"}).rfind("unknown option", 0),
            0u);
}

TEST(ParseListen, AcceptsHostPortForms) {
  EXPECT_EQ(parse_listen("localhost:0")->port, 0);
  EXPECT_FALSE(parse_listen("127.0.0.1:70000"));
  EXPECT_FALSE(parse_listen("::1:80"));
  EXPECT_FALSE(parse_listen(":80"));
}

}  // namespace
}  // namespace paredao

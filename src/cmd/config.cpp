#include "cmd/config.hpp"

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <cctype>
#include <charconv>
#include <map>

#include "adapters/postgres/pg_connection.hpp"

namespace paredao {
namespace {

// Every setting of every command, as read from flags and the environment; each command then
// takes its own part (to_command_config), so that no command sees another's.
struct Settings {
  HttpConfig http;
  std::filesystem::path data_dir = "paredao-data";
  std::string postgres_url = "postgresql://paredao:paredao@127.0.0.1:5432/paredao";
  std::string redis_url = "redis://127.0.0.1:6379";
  std::string amqp_url = "amqp://paredao:paredao@127.0.0.1:5672/";
  std::string deployment = "paredao";
  std::optional<ListenAddress> metrics_listen;
  unsigned consumers = 2;
  unsigned reconcile_interval_ms = 1000;
  unsigned double_use_interval_ms = 30000;
  bool check_only = false;
  TracingConfig tracing;
  std::optional<std::int64_t> scrypt_cost;  // --pow-scrypt-cost, whichever order the flags come in
  bool pow_difficulty_given = false;        // else the algorithm's default
};

template <class T>
std::optional<T> parse_number(const std::string& text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

using Apply = std::function<std::optional<std::string>(Settings&, const std::string&)>;

constexpr unsigned bit(Command c) { return 1u << unsigned(c); }
constexpr unsigned kHttp = bit(Command::kServe) | bit(Command::kApi);
constexpr unsigned kPostgres =
    bit(Command::kApi) | bit(Command::kWorker) | bit(Command::kReconcile) | bit(Command::kMigrate);
constexpr unsigned kRedis = bit(Command::kApi) | bit(Command::kWorker) | bit(Command::kReconcile);
constexpr unsigned kAmqp = bit(Command::kApi) | bit(Command::kWorker);
constexpr unsigned kTraced = kHttp | bit(Command::kWorker) | bit(Command::kReconcile);

// One setting: the commands that take it, its flag, its environment variable, how to apply a
// value, and its help line.
struct Setting {
  unsigned commands;
  const char* flag;
  const char* env;
  bool takes_value;
  Apply apply;
  const char* help;
};

Apply text_setting(std::string Settings::*field) {
  return [field](Settings& c, const std::string& v) -> std::optional<std::string> {
    if (v.empty()) return "must not be empty";
    c.*field = v;
    return std::nullopt;
  };
}

// A whole number from `low` to `high` into the field `field_of` gives.
template <class FieldOf>
Apply number_setting(FieldOf field_of, unsigned low, unsigned high) {
  return [=](Settings& c, const std::string& v) -> std::optional<std::string> {
    const auto n = parse_number<unsigned>(v);
    if (!n || *n < low || *n > high) {
      return "must be a whole number from " + std::to_string(low) + " to " + std::to_string(high);
    }
    field_of(c) = *n;
    return std::nullopt;
  };
}

std::vector<Setting> settings() {
  return {
      {kHttp, "--listen", "PAREDAO_LISTEN", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         const auto address = parse_listen(v);
         if (!address) return "must be ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080";
         c.http.listen = *address;
         return std::nullopt;
       },
       "where HTTP is served (default 127.0.0.1:8080)"},
      {bit(Command::kServe), "--data-dir", "PAREDAO_DATA_DIR", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         if (v.empty()) return "must not be empty";
         c.data_dir = v;
         return std::nullopt;
       },
       "where data is kept (default ./paredao-data)"},
      {kHttp, "--admin-token", "PAREDAO_ADMIN_TOKEN", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         if (v.size() < 8) return "must have at least 8 characters";
         for (char ch : v) {
           if (ch <= ' ' || ch == 0x7F) return "must not contain spaces or control characters";
         }
         c.http.admin_token = v;
         return std::nullopt;
       },
       "production bearer token; if unset one is generated, kept and printed"},
      {kHttp, "--pow-difficulty", "PAREDAO_POW_DIFFICULTY", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         const auto n = parse_number<std::uint32_t>(v);
         if (!n || *n < 1) return "must be a whole number from 1 to 4294967295";
         c.http.pow_difficulty = *n;
         c.pow_difficulty_given = true;
         return std::nullopt;
       },
       "most key derivations to solve one challenge while the pace is human (default 2000 "
       "with SCRYPT, 50000 with SHA-256)"},
      {kHttp, "--pow-difficulty-max", "PAREDAO_POW_DIFFICULTY_MAX", true,
       number_setting([](Settings& c) -> unsigned& { return c.http.pow_difficulty_max; }, 1,
                      4'294'967'295u),
       "the most work a challenge asks of a network past the human pace (default 64 x "
       "--pow-difficulty; never below it)"},
      {kHttp, "--pow-algorithm", "PAREDAO_POW_ALGORITHM", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         const auto algorithm = altcha::algorithm_from_name(v);
         if (!algorithm) return "must be SHA-256 or SCRYPT";
         // Each algorithm's own cost: one SHA-256 round; scrypt's N.
         c.http.derivation.algorithm = *algorithm;
         c.http.derivation.cost = *algorithm == altcha::Algorithm::kScrypt
                                      ? c.scrypt_cost.value_or(kDefaultScryptCost)
                                      : 1;
         return std::nullopt;
       },
       "the proof of work's key derivation: SCRYPT (memory-hard, the default) or SHA-256"},
      {kHttp, "--pow-scrypt-cost", "PAREDAO_POW_SCRYPT_COST", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         const auto n = parse_number<std::int64_t>(v);
         if (!n || *n < 2 || *n > (1 << 20) || (*n & (*n - 1)) != 0) {
           return "must be a power of two from 2 to 1048576";
         }
         c.scrypt_cost = *n;
         if (c.http.derivation.algorithm == altcha::Algorithm::kScrypt) c.http.derivation.cost = *n;
         return std::nullopt;
       },
       "scrypt's N, the cost of one evaluation (default 64)"},
      {kHttp, "--pow-scrypt-block-size", "PAREDAO_POW_SCRYPT_BLOCK_SIZE", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         const auto r = parse_number<std::int64_t>(v);
         if (!r || *r < 1 || *r > 64) return "must be a whole number from 1 to 64";
         c.http.derivation.memory_cost = *r;
         return std::nullopt;
       },
       "scrypt's r: one evaluation uses 128 x N x r bytes (default 8)"},
      {kHttp, "--human-pace", "PAREDAO_HUMAN_PACE", true,
       number_setting([](Settings& c) -> unsigned& { return c.http.human_pace; }, 0, 1'000'000),
       "challenges per network in 60 s past which the work doubles (default 30; 0: off)"},
      {kHttp, "--challenge-limit", "PAREDAO_CHALLENGE_LIMIT", true,
       number_setting([](Settings& c) -> unsigned& { return c.http.challenge_limit; }, 0,
                      1'000'000'000),
       "challenges per network in any 60 s; more get 429 (default 600; 0: off)"},
      {kHttp, "--vote-limit", "PAREDAO_VOTE_LIMIT", true,
       number_setting([](Settings& c) -> unsigned& { return c.http.vote_limit; }, 0, 1'000'000'000),
       "votes answered 202 per network in any 60 s; more get 429 (default 600; 0: off)"},
      {kHttp, "--quarantine-pace", "PAREDAO_QUARANTINE_PACE", true,
       number_setting([](Settings& c) -> unsigned& { return c.http.quarantine_pace; }, 0,
                      1'000'000'000),
       "votes per network in 60 s past which its votes are held for review (default 120; 0: off)"},
      {kHttp, "--no-demo", "PAREDAO_NO_DEMO", false,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         if (v != "1" && v != "true" && v != "0" && v != "false" && !v.empty()) {
           return "must be 1 or 0";
         }
         c.http.demo = !(v.empty() || v == "1" || v == "true");
         return std::nullopt;
       },
       "do not create the demo paredão on first start"},
      {kHttp, "--web-dir", "PAREDAO_WEB_DIR", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         c.http.web_dir = v;
         return std::nullopt;
       },
       "built vote page (default: web/dist near the binary)"},
      {kHttp, "--threads", "PAREDAO_THREADS", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         const auto n = parse_number<unsigned>(v);
         if (!n || *n > 256) return "must be a whole number from 0 (one per core) to 256";
         c.http.threads = *n;
         return std::nullopt;
       },
       "HTTP I/O threads (default: one per core)"},
      {kHttp, "--max-connections", "PAREDAO_MAX_CONNECTIONS", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         const auto n = parse_number<std::size_t>(v);
         if (!n || *n > 10'000'000) return "must be a whole number from 0 (automatic) to 10000000";
         c.http.max_connections = *n;
         return std::nullopt;
       },
       "open connections at most (default: the file limit, less a reserve)"},
      {kHttp, "--max-connections-per-network", "PAREDAO_MAX_CONNECTIONS_PER_NETWORK", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         const auto n = parse_number<std::size_t>(v);
         if (!n || *n < 1 || *n > 10'000'000) return "must be a whole number from 1 to 10000000";
         c.http.max_connections_per_network = *n;
         return std::nullopt;
       },
       "open connections from one network at most (default 1024)"},
      {kHttp, "--trusted-proxies", "PAREDAO_TRUSTED_PROXIES", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         c.http.trusted_proxies.clear();
         std::size_t start = 0;
         while (start <= v.size()) {
           const auto comma = std::min(v.find(',', start), v.size());
           auto item = v.substr(start, comma - start);
           item.erase(0, item.find_first_not_of(' '));
           item.erase(item.find_last_not_of(' ') + 1);
           if (!item.empty()) {
             const auto network = parse_cidr(item);
             if (!network) return "must be CIDRs separated by commas, e.g. 10.0.0.0/8,::1/128";
             c.http.trusted_proxies.push_back(*network);
           }
           start = comma + 1;
         }
         return std::nullopt;
       },
       "CIDRs of our own proxies (load balancers): they name the client (PROXY header, "
       "X-Forwarded-For) and are exempt from the per-network connection cap"},
      {kHttp, "--client-prefix-v4", "PAREDAO_CLIENT_PREFIX_V4", true,
       number_setting([](Settings& c) -> unsigned& { return c.http.client_prefix_v4; }, 0, 32),
       "bits of an IPv4 address that make a client's network (default 32)"},
      {kHttp, "--client-prefix-v6", "PAREDAO_CLIENT_PREFIX_V6", true,
       number_setting([](Settings& c) -> unsigned& { return c.http.client_prefix_v6; }, 0, 128),
       "bits of an IPv6 address that make a client's network (default 64)"},
      {kPostgres, "--postgres-url", "PAREDAO_POSTGRES_URL", true,
       text_setting(&Settings::postgres_url), "PostgreSQL connection URL"},
      {kRedis, "--redis-url", "PAREDAO_REDIS_URL", true, text_setting(&Settings::redis_url),
       "Redis URL, redis://[:password@]host:port[/db]"},
      {kAmqp, "--amqp-url", "PAREDAO_AMQP_URL", true, text_setting(&Settings::amqp_url),
       "RabbitMQ URL, amqp://user:password@host:port/vhost"},
      {kRedis | kAmqp, "--deployment", "PAREDAO_DEPLOYMENT", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         if (v.empty() || v.size() > 40) return "must have 1 to 40 characters";
         for (const char ch : v) {
           if (!(std::islower(static_cast<unsigned char>(ch)) ||
                 std::isdigit(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_')) {
             return "may only contain a-z, 0-9, - and _";
           }
         }
         c.deployment = v;
         return std::nullopt;
       },
       "names the queues and prefixes the Redis keys (default paredao)"},
      {bit(Command::kWorker) | bit(Command::kReconcile), "--metrics-listen",
       "PAREDAO_METRICS_LISTEN", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         const auto address = parse_listen(v);
         if (!address) return "must be ADDR:PORT, e.g. 127.0.0.1:9101";
         c.metrics_listen = *address;
         return std::nullopt;
       },
       "where /metrics is served (default: not served)"},
      {bit(Command::kWorker), "--consumers", "PAREDAO_CONSUMERS", true,
       number_setting([](Settings& c) -> unsigned& { return c.consumers; }, 1, 64),
       "consumer threads (default 2)"},
      {bit(Command::kReconcile), "--interval-ms", "PAREDAO_RECONCILE_INTERVAL_MS", true,
       number_setting([](Settings& c) -> unsigned& { return c.reconcile_interval_ms; }, 10,
                      3'600'000),
       "pause between two rounds (default 1000)"},
      {bit(Command::kReconcile), "--double-use-interval-ms", "PAREDAO_DOUBLE_USE_INTERVAL_MS", true,
       number_setting([](Settings& c) -> unsigned& { return c.double_use_interval_ms; }, 10,
                      3'600'000),
       "pause between two searches for a challenge used twice (default 30000)"},
      {kTraced, "--otlp-endpoint", "PAREDAO_OTLP_ENDPOINT", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         if (!v.starts_with("http://") && !v.starts_with("https://")) {
           return "must be an http:// or https:// URL, e.g. http://127.0.0.1:4318/v1/traces";
         }
         c.tracing.otlp_endpoint = v;
         return std::nullopt;
       },
       "where spans are sent with OTLP over HTTP, e.g. an OpenTelemetry Collector's "
       "http://host:4318/v1/traces (default: not sent)"},
      {kTraced, "--trace-sample-ratio", "PAREDAO_TRACE_SAMPLE_RATIO", true,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         const auto ratio = parse_number<double>(v);
         if (!ratio || !(*ratio >= 0 && *ratio <= 1)) return "must be a number from 0 to 1";
         c.tracing.sample_ratio = *ratio;
         return std::nullopt;
       },
       "share of the traces starting here that are recorded (default 0.01; a request whose "
       "traceparent is sampled always is)"},
      {bit(Command::kReconcile), "--check", "PAREDAO_RECONCILE_CHECK", false,
       [](Settings& c, const std::string& v) -> std::optional<std::string> {
         if (v != "1" && v != "true" && v != "0" && v != "false" && !v.empty()) {
           return "must be 1 or 0";
         }
         c.check_only = v.empty() || v == "1" || v == "true";
         return std::nullopt;
       },
       "audit once without repairing; exit status 1 on any drift or challenge used twice"},
  };
}

}  // namespace

TracingSettings tracing_settings(std::string service, const TracingConfig& config) {
  return {.service = std::move(service),
          .endpoint = config.otlp_endpoint,
          .sample_ratio = config.sample_ratio};
}

ChallengePolicy HttpConfig::challenge_policy() const {
  const std::uint64_t max =
      pow_difficulty_max ? pow_difficulty_max : std::uint64_t(pow_difficulty) * 64;
  return {.work = {.base = pow_difficulty,
                   .max = std::uint32_t(std::clamp<std::uint64_t>(max, pow_difficulty, UINT32_MAX)),
                   .human_pace = human_pace},
          .limit = challenge_limit};
}

std::optional<ListenAddress> parse_listen(const std::string& text) {
  std::string host, port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || text.find(':') != colon) return std::nullopt;
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  const auto number = parse_number<unsigned short>(port);
  if (host.empty() || !number) return std::nullopt;
  return ListenAddress{host, *number};
}

namespace {

// The command's own part of `settings`, the server URLs parsed; or what is wrong with them.
std::variant<CommandConfig, std::string> to_command_config(Command command,
                                                           const Settings& settings) {
  ServerAddresses servers{.postgres_url = settings.postgres_url, .deployment = settings.deployment};
  if (command != Command::kServe) {
    if (auto problem = pg::url_problem(settings.postgres_url)) {
      return "--postgres-url / PAREDAO_POSTGRES_URL is not a PostgreSQL connection string: " +
             *problem;
    }
  }
  if (command == Command::kApi || command == Command::kWorker || command == Command::kReconcile) {
    const auto redis = redis::parse_url(settings.redis_url);
    if (!redis) {
      return "--redis-url / PAREDAO_REDIS_URL must be redis://[:password@]host[:port][/db], not " +
             settings.redis_url;
    }
    servers.redis = *redis;
  }
  if (command == Command::kApi || command == Command::kWorker) {
    const auto amqp = amqp::parse_url(settings.amqp_url);
    if (!amqp) {
      return "--amqp-url / PAREDAO_AMQP_URL must be amqp://user:password@host[:port]/vhost, not " +
             settings.amqp_url;
    }
    servers.amqp = *amqp;
  }
  switch (command) {
    case Command::kServe:
      return ServeConfig{
          .http = settings.http, .data_dir = settings.data_dir, .tracing = settings.tracing};
    case Command::kApi:
      return ApiConfig{.http = settings.http, .servers = servers, .tracing = settings.tracing};
    case Command::kWorker:
      return WorkerConfig{.servers = servers,
                          .tracing = settings.tracing,
                          .metrics_listen = settings.metrics_listen,
                          .consumers = settings.consumers};
    case Command::kReconcile:
      return ReconcileConfig{
          .servers = servers,
          .tracing = settings.tracing,
          .metrics_listen = settings.metrics_listen,
          .interval = std::chrono::milliseconds(settings.reconcile_interval_ms),
          .double_use_interval = std::chrono::milliseconds(settings.double_use_interval_ms),
          .check_only = settings.check_only};
    case Command::kMigrate:
      return MigrateConfig{.postgres_url = settings.postgres_url};
  }
  return std::string("unknown command");
}

}  // namespace

std::variant<CommandConfig, HelpRequested, std::string> parse_config(
    Command command, const std::vector<std::string>& args, const GetEnv& getenv) {
  Settings config;
  auto table = settings();
  std::erase_if(table, [command](const Setting& s) { return !(s.commands & bit(command)); });
  for (const auto& setting : table) {
    if (const auto value = getenv(setting.env)) {
      if (auto problem = setting.apply(config, *value)) {
        return std::string(setting.env) + " " + *problem;
      }
    }
  }
  for (std::size_t i = 0; i < args.size(); ++i) {
    const auto& arg = args[i];
    if (arg == "--help" || arg == "-h") return HelpRequested{};
    const auto equals = arg.find('=');
    const auto name = arg.substr(0, equals);
    const Setting* setting = nullptr;
    for (const auto& candidate : table) {
      if (name == candidate.flag) setting = &candidate;
    }
    if (!setting) {
      return "unknown option " + arg + " (see paredao " + command_name(command) + " --help)";
    }
    std::string value;
    if (!setting->takes_value) {
      if (equals != std::string::npos) return name + " takes no value";
      value = "1";
    } else if (equals != std::string::npos) {
      value = arg.substr(equals + 1);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return name + " needs a value";
    }
    if (auto problem = setting->apply(config, value)) return name + " " + *problem;
  }
  if (!config.pow_difficulty_given) {
    config.http.pow_difficulty = config.http.derivation.algorithm == altcha::Algorithm::kScrypt
                                     ? kDefaultScryptWork
                                     : kDefaultSha256Work;
  }
  auto typed = to_command_config(command, config);
  if (auto* problem = std::get_if<std::string>(&typed)) return std::move(*problem);
  return std::get<CommandConfig>(std::move(typed));
}

std::optional<Command> command_from_name(const std::string& name) {
  for (const auto command :
       {Command::kServe, Command::kApi, Command::kWorker, Command::kReconcile, Command::kMigrate}) {
    if (command_name(command) == name) return command;
  }
  return std::nullopt;
}

std::string command_name(Command command) {
  switch (command) {
    case Command::kServe:
      return "serve";
    case Command::kApi:
      return "api";
    case Command::kWorker:
      return "worker";
    case Command::kReconcile:
      return "reconcile";
    case Command::kMigrate:
      return "migrate";
  }
  return "";
}

std::string usage(Command command) {
  std::string text = "Usage: paredao " + command_name(command) + " [options]\n\n";
  switch (command) {
    case Command::kServe:
      text +=
          "Runs Paredão in embedded mode: one process serving the API and the vote page, votes "
          "kept\n"
          "durably in SQLite (WAL) in the data dir, live counts in memory. No other server "
          "needed.\n";
      break;
    case Command::kApi:
      text +=
          "Runs a stateless HTTP front of the distributed mode (several copies behind a load\n"
          "balancer): polls from PostgreSQL, votes published to RabbitMQ and answered 202 once\n"
          "the broker confirmed them, results and stats from Redis.\n";
      break;
    case Command::kWorker:
      text +=
          "Consumes the vote queue: each batch into PostgreSQL (votes, hourly rollup, applied\n"
          "batch) in one transaction, then into the Redis counters once, then acknowledged.\n";
      break;
    case Command::kReconcile:
      text +=
          "The sync service: compares the Redis counters with the PostgreSQL rollup per poll,\n"
          "candidate and hour, repairs Redis, and exports the drift as a metric. With --check,\n"
          "audits once and exits 1 on any drift (0 when in sync).\n";
      break;
    case Command::kMigrate:
      text +=
          "Creates or upgrades the PostgreSQL schema (versioned), the vote partitions ahead,\n"
          "and the settings every process shares (challenge secret, admin token).\n";
      break;
  }
  text += "\nOptions (each also read from the environment variable shown; a flag wins):\n";
  for (const auto& setting : settings()) {
    if (!(setting.commands & bit(command))) continue;
    std::string left = std::string("  ") + setting.flag + (setting.takes_value ? " VALUE" : "");
    left.resize(std::max<std::size_t>(left.size() + 1, 26), ' ');
    std::string env = setting.env;
    env.resize(std::max<std::size_t>(env.size() + 1, 32), ' ');
    text += left + env + setting.help + "\n";
  }
  text += "  -h, --help                this help\n";
  return text;
}

}  // namespace paredao

#pragma once
// The settings of every `paredao` command, from flags and environment variables (flags win),
// parsed and validated once, with one clear message per bad value. Each command accepts only the
// settings that mean something to it.
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "adapters/altcha/altcha_crypto.hpp"
#include "adapters/amqp/amqp_connection.hpp"
#include "adapters/redis/redis_connection.hpp"
#include "adapters/tracing/otel_tracer.hpp"
#include "app/issue_challenge.hpp"
#include "domain/network.hpp"

namespace paredao {

struct ListenAddress {
  std::string host;
  unsigned short port = 0;
};

enum class Command { kServe, kApi, kWorker, kReconcile, kMigrate };

// The proof of work's defaults (docs/decisions/0012-memory-hard-proof-of-work.md): scrypt with
// N = 64 and r = 8 (64 KiB per evaluation) and at most 2,000 evaluations per challenge; with
// --pow-algorithm SHA-256, at most 50,000 hashes.
inline constexpr std::int64_t kDefaultScryptCost = 64;
inline constexpr std::uint32_t kDefaultScryptWork = 2000;
inline constexpr std::uint32_t kDefaultSha256Work = 50000;

// The HTTP side of serve (embedded) and api (distributed).
struct HttpConfig {
  ListenAddress listen{"127.0.0.1", 8080};
  std::optional<std::string> admin_token;
  std::uint32_t pow_difficulty = kDefaultScryptWork;  // the default follows the algorithm
  bool demo = true;
  std::optional<std::filesystem::path> web_dir;
  unsigned threads = 0;             // 0: one per core
  std::size_t max_connections = 0;  // 0: what the file limit allows, less a reserve
  std::size_t max_connections_per_network = 1024;
  unsigned client_prefix_v4 = 32;
  unsigned client_prefix_v6 = 64;
  // Peers that are proxies of ours (load balancers): exempt from the per-network cap, which
  // would otherwise count every client behind one as a single network.
  std::vector<Network> trusted_proxies;
  std::int64_t challenge_ttl_seconds = kChallengeLifetime.count();
  // The edge (the contract's "The edge"); 0 turns a defence off.
  std::uint32_t pow_difficulty_max = 0;  // 0: 64 × pow_difficulty
  std::uint32_t human_pace = 30;
  std::uint32_t challenge_limit = 600;
  std::uint32_t vote_limit = 600;
  std::uint32_t quarantine_pace = 120;

  // The key derivation of the proof of work (ALTCHA PoW v2 "algorithm") and its costs.
  // The defaults are measured: docs/decisions/0012-memory-hard-proof-of-work.md.
  altcha::Derivation derivation{
      .algorithm = altcha::Algorithm::kScrypt, .cost = kDefaultScryptCost, .memory_cost = 8};

  // The challenges' work and limit, as the use case takes them.
  ChallengePolicy challenge_policy() const;
};

// Tracing (adapters/tracing): where spans are exported, and how many traces are sampled.
struct TracingConfig {
  std::optional<std::string> otlp_endpoint;  // an OTLP/HTTP traces URL; none: no export
  double sample_ratio = 0.01;                // of the traces that start in this process
};

// The tracer's settings for a process named `service` (service.name).
TracingSettings tracing_settings(std::string service, const TracingConfig& config);

struct ServeConfig {
  HttpConfig http;
  std::filesystem::path data_dir = "paredao-data";
  TracingConfig tracing;
};

// Where the distributed mode's servers are, parsed and checked. The defaults are the servers
// `make run-distributed` starts.
struct ServerAddresses {
  std::string postgres_url;  // a libpq connection string, syntax checked
  redis::Endpoint redis;
  amqp::Endpoint amqp;
  std::string deployment = "paredao";  // names the queues and prefixes the Redis keys
};

struct ApiConfig {
  HttpConfig http;
  ServerAddresses servers;
  TracingConfig tracing;
};

struct WorkerConfig {
  ServerAddresses servers;
  TracingConfig tracing;
  std::optional<ListenAddress> metrics_listen;
  unsigned consumers = 2;
};

struct ReconcileConfig {
  ServerAddresses servers;
  TracingConfig tracing;
  std::optional<ListenAddress> metrics_listen;
  std::chrono::milliseconds interval{1000};              // between two rounds
  std::chrono::milliseconds double_use_interval{30000};  // between two double-use searches
  bool check_only = false;                               // audit once, exit status
};

struct MigrateConfig {
  std::string postgres_url;
};

// One config type per command: a command sees only the settings that mean something to it.
using CommandConfig =
    std::variant<ServeConfig, ApiConfig, WorkerConfig, ReconcileConfig, MigrateConfig>;

struct HelpRequested {};

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

// Parses "host:port" or "[v6]:port".
std::optional<ListenAddress> parse_listen(const std::string& text);

// The command's config, a request for --help, or an error message naming the bad flag or
// variable. Every value is checked here, URLs included, once.
std::variant<CommandConfig, HelpRequested, std::string> parse_config(
    Command command, const std::vector<std::string>& args, const GetEnv& getenv);

std::optional<Command> command_from_name(const std::string& name);
std::string command_name(Command command);
std::string usage(Command command);

}  // namespace paredao

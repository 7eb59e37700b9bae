#pragma once
// The settings of every `paredao` command, from flags and environment variables (flags win),
// parsed and validated once, with one clear message per bad value. Each command accepts only the
// settings that mean something to it.
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace paredao {

struct ListenAddress {
  std::string host;
  unsigned short port = 0;
};

enum class Command { kServe, kApi, kWorker, kReconcile, kMigrate };

struct ServeConfig {
  ListenAddress listen{"127.0.0.1", 8080};
  std::filesystem::path data_dir = "paredao-data";
  std::optional<std::string> admin_token;
  std::uint32_t pow_difficulty = 50000;
  bool demo = true;
  std::optional<std::filesystem::path> web_dir;
  unsigned threads = 0;             // 0: one per core
  std::size_t max_connections = 0;  // 0: what the file limit allows, less a reserve
  std::size_t max_connections_per_network = 1024;
  unsigned client_prefix_v4 = 32;
  unsigned client_prefix_v6 = 64;
  std::int64_t challenge_ttl_seconds = 300;

  // Distributed mode. The defaults are the servers `make run-distributed` starts.
  std::string postgres_url = "postgresql://paredao:paredao@127.0.0.1:55432/paredao";
  std::string redis_url = "redis://127.0.0.1:56379";
  std::string amqp_url = "amqp://paredao:paredao@127.0.0.1:55672/";
  std::string deployment = "paredao";           // names the queues and prefixes the Redis keys
  std::optional<ListenAddress> metrics_listen;  // worker and reconcile: where /metrics is served
  unsigned consumers = 2;                       // worker: consumer threads
  unsigned reconcile_interval_ms = 1000;        // reconcile: between two rounds
  unsigned double_use_interval_ms = 30000;      // reconcile: between two double-use searches
  bool check_only = false;                      // reconcile --check: audit once, exit status
};

struct HelpRequested {};

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

// Parses "host:port" or "[v6]:port".
std::optional<ListenAddress> parse_listen(const std::string& text);

// A config, a request for --help, or an error message naming the bad flag or variable.
std::variant<ServeConfig, HelpRequested, std::string> parse_config(
    Command command, const std::vector<std::string>& args, const GetEnv& getenv);
inline std::variant<ServeConfig, HelpRequested, std::string> parse_serve_config(
    const std::vector<std::string>& args, const GetEnv& getenv) {
  return parse_config(Command::kServe, args, getenv);
}

std::optional<Command> command_from_name(const std::string& name);
std::string command_name(Command command);
std::string usage(Command command);

}  // namespace paredao

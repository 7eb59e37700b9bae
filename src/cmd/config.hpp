#pragma once
// The settings of `paredao serve`, from flags and environment variables (flags win), parsed and
// validated once, with one clear message per bad value.
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

struct ServeConfig {
  ListenAddress listen{"127.0.0.1", 8080};
  std::filesystem::path data_dir = "paredao-data";
  std::optional<std::string> admin_token;
  std::uint32_t pow_difficulty = 50000;
  bool demo = true;
  std::optional<std::filesystem::path> web_dir;
  unsigned threads = 0;  // 0: one per core
  std::int64_t challenge_ttl_seconds = 300;
};

struct HelpRequested {};

using GetEnv = std::function<std::optional<std::string>(const std::string&)>;

// Parses "host:port" or "[v6]:port".
std::optional<ListenAddress> parse_listen(const std::string& text);

// A config, a request for --help, or an error message naming the bad flag or variable.
std::variant<ServeConfig, HelpRequested, std::string> parse_serve_config(
    const std::vector<std::string>& args, const GetEnv& getenv);

std::string serve_usage();

}  // namespace paredao

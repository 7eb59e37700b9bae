#include "cmd/config.hpp"

#include <charconv>
#include <map>

namespace paredao {
namespace {

template <class T>
std::optional<T> parse_number(const std::string& text) {
  T value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// One setting: its flag, its environment variable, and how to apply a value.
struct Setting {
  const char* flag;
  const char* env;
  bool takes_value;
  std::function<std::optional<std::string>(ServeConfig&, const std::string&)> apply;
};

std::vector<Setting> settings() {
  return {
      {"--listen", "PAREDAO_LISTEN", true,
       [](ServeConfig& c, const std::string& v) -> std::optional<std::string> {
         const auto address = parse_listen(v);
         if (!address) return "must be ADDR:PORT, e.g. 127.0.0.1:8080 or [::1]:8080";
         c.listen = *address;
         return std::nullopt;
       }},
      {"--data-dir", "PAREDAO_DATA_DIR", true,
       [](ServeConfig& c, const std::string& v) -> std::optional<std::string> {
         if (v.empty()) return "must not be empty";
         c.data_dir = v;
         return std::nullopt;
       }},
      {"--admin-token", "PAREDAO_ADMIN_TOKEN", true,
       [](ServeConfig& c, const std::string& v) -> std::optional<std::string> {
         if (v.size() < 8) return "must have at least 8 characters";
         for (char ch : v) {
           if (ch <= ' ' || ch == 0x7F) return "must not contain spaces or control characters";
         }
         c.admin_token = v;
         return std::nullopt;
       }},
      {"--pow-difficulty", "PAREDAO_POW_DIFFICULTY", true,
       [](ServeConfig& c, const std::string& v) -> std::optional<std::string> {
         const auto n = parse_number<std::uint32_t>(v);
         if (!n || *n < 1) return "must be a whole number from 1 to 4294967295";
         c.pow_difficulty = *n;
         return std::nullopt;
       }},
      {"--no-demo", "PAREDAO_NO_DEMO", false,
       [](ServeConfig& c, const std::string& v) -> std::optional<std::string> {
         if (v != "1" && v != "true" && v != "0" && v != "false" && !v.empty()) {
           return "must be 1 or 0";
         }
         c.demo = !(v.empty() || v == "1" || v == "true");
         return std::nullopt;
       }},
      {"--web-dir", "PAREDAO_WEB_DIR", true,
       [](ServeConfig& c, const std::string& v) -> std::optional<std::string> {
         c.web_dir = v;
         return std::nullopt;
       }},
      {"--threads", "PAREDAO_THREADS", true,
       [](ServeConfig& c, const std::string& v) -> std::optional<std::string> {
         const auto n = parse_number<unsigned>(v);
         if (!n || *n > 256) return "must be a whole number from 0 (one per core) to 256";
         c.threads = *n;
         return std::nullopt;
       }},
  };
}

}  // namespace

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

std::variant<ServeConfig, HelpRequested, std::string> parse_serve_config(
    const std::vector<std::string>& args, const GetEnv& getenv) {
  ServeConfig config;
  const auto table = settings();
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
    if (!setting) return "unknown option " + arg + " (see paredao serve --help)";
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
  return config;
}

std::string serve_usage() {
  return R"(Usage: paredao serve [options]

Runs Paredão in embedded mode: one process serving the API and the vote page, votes kept
durably in SQLite (WAL) in the data dir, live counts in memory. No other server needed.

Options (each also read from the environment variable shown; a flag wins):
  --listen ADDR:PORT      PAREDAO_LISTEN          where HTTP is served (default 127.0.0.1:8080)
  --data-dir DIR          PAREDAO_DATA_DIR        where data is kept (default ./paredao-data)
  --admin-token TOKEN     PAREDAO_ADMIN_TOKEN     production bearer token; if unset one is
                                                  generated, kept in the data dir and printed
  --pow-difficulty N      PAREDAO_POW_DIFFICULTY  most hash evaluations to solve one challenge
                                                  (default 50000, a second or less on a phone)
  --no-demo               PAREDAO_NO_DEMO=1       do not create the demo paredão on first start
  --web-dir DIR           PAREDAO_WEB_DIR         built vote page (default: web/dist near the binary)
  --threads N             PAREDAO_THREADS         HTTP I/O threads (default: one per core)
  -h, --help                                      this help
)";
}

}  // namespace paredao

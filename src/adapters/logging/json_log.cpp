#include "adapters/logging/json_log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <chrono>
#include <map>
#include <mutex>

namespace paredao::log {
namespace {

spdlog::logger& logger() {
  static const auto instance = [] {
    auto created = std::make_shared<spdlog::logger>(
        "paredao", std::make_shared<spdlog::sinks::stdout_sink_mt>());
    // The message is the rest of the JSON object, already serialized and escaped.
    created->set_formatter(std::make_unique<spdlog::pattern_formatter>(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%eZ","level":"%l",%v})", spdlog::pattern_time_type::utc));
    created->flush_on(spdlog::level::trace);  // a crash must not eat the lines before it
    created->set_level(spdlog::level::info);
    return created;
  }();
  return *instance;
}

spdlog::level::level_enum to_spdlog(Level level) {
  switch (level) {
    case Level::kDebug:
      return spdlog::level::debug;
    case Level::kInfo:
      return spdlog::level::info;
    case Level::kWarn:
      return spdlog::level::warn;
    case Level::kError:
      return spdlog::level::err;
  }
  return spdlog::level::info;
}

}  // namespace

void set_level(Level level) { logger().set_level(to_spdlog(level)); }

void write(Level level, std::string_view event, boost::json::object fields) {
  auto& sink = logger();
  if (!sink.should_log(to_spdlog(level))) return;
  boost::json::object line;
  line["event"] = event;
  for (auto& field : fields) line[field.key()] = std::move(field.value());
  std::string text = boost::json::serialize(line);
  // Drop the braces: the pattern supplies them around time and level.
  sink.log(to_spdlog(level), std::string_view(text).substr(1, text.size() - 2));
}

void write_sampled(Level level, std::string_view event, boost::json::object fields) {
  struct Window {
    std::chrono::steady_clock::time_point last{};
    std::int64_t count = 0;
  };
  static std::mutex mutex;
  static std::map<std::string, Window, std::less<>> windows;  // guarded by mutex
  const auto now = std::chrono::steady_clock::now();
  std::int64_t occurrences = 0;
  {
    std::lock_guard lock(mutex);
    auto& window = windows[std::string(event)];
    ++window.count;
    if (now - window.last < std::chrono::seconds(1)) return;
    occurrences = window.count;
    window = Window{now, 0};
  }
  fields["occurrences"] = occurrences;
  write(level, event, std::move(fields));
}

}  // namespace paredao::log

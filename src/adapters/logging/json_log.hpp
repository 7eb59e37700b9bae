#pragma once
// Structured logging: every line is one JSON object with time (UTC), level, event and fields.
// info: start, stop, configuration; warn: refused input patterns; error: failures.
#include <boost/json/object.hpp>
#include <string_view>

namespace paredao::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the lowest level written (default kInfo). Call once at start-up.
void set_level(Level level);

// Writes {"time":…,"level":…,"event":event, …fields}. Thread-safe.
void write(Level level, std::string_view event, boost::json::object fields = {});

// Like write(), but at most one line per `event` per second: for input patterns that an attacker
// can repeat at will. The line counts the occurrences it stands for ("occurrences").
void write_sampled(Level level, std::string_view event, boost::json::object fields = {});

inline void debug(std::string_view event, boost::json::object fields = {}) {
  write(Level::kDebug, event, std::move(fields));
}
inline void info(std::string_view event, boost::json::object fields = {}) {
  write(Level::kInfo, event, std::move(fields));
}
inline void warn(std::string_view event, boost::json::object fields = {}) {
  write(Level::kWarn, event, std::move(fields));
}
inline void error(std::string_view event, boost::json::object fields = {}) {
  write(Level::kError, event, std::move(fields));
}

}  // namespace paredao::log

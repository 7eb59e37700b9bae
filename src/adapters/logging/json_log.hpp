#pragma once
// Structured logging: every line is one JSON object with time (UTC), level, event and fields.
// info: start, stop, configuration; warn: refused input patterns; error: failures.
#include <boost/json/object.hpp>
#include <string_view>

#include "app/ports/tracer.hpp"

namespace paredao::log {

enum class Level { kDebug, kInfo, kWarn, kError };

// Sets the lowest level written (default kInfo). Call once at start-up.
void set_level(Level level);

// Writes {"time":…,"level":…,"event":event, …fields}. Thread-safe. Warnings and errors that
// repeat are aggregated (repeat_filter.hpp): the first is written, then one line per 5 s with
// the count ("repeated") and the last one's fields.
void write(Level level, std::string_view event, boost::json::object fields = {});

// Writes the counts of repeated lines whose interval has ended (all of them when `all`, at
// shutdown). Call it now and then: a flood that stops is summed up without waiting for a line.
void flush_repeats(bool all = false);

// Every line written inside a TraceScope (app/ports/tracer.hpp) carries "trace_id" and
// "span_id".
using paredao::TraceScope;

// `fields` with "trace_id" and "span_id" of `context` (unchanged when it is not valid): a
// coroutine's line.
boost::json::object traced(const TraceContext& context, boost::json::object fields);

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

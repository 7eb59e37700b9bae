#include "adapters/logging/json_log.hpp"

#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json/serialize.hpp>
#include <chrono>

#include "adapters/logging/repeat_filter.hpp"
#include "adapters/tracing/traceparent.hpp"

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

namespace {

void emit(Level level, std::string_view event, boost::json::object fields) {
  boost::json::object line;
  line["event"] = event;
  for (auto& field : fields) line[field.key()] = std::move(field.value());
  std::string text = boost::json::serialize(line);
  // Drop the braces: the pattern supplies them around time and level.
  logger().log(to_spdlog(level), std::string_view(text).substr(1, text.size() - 2));
}

RepeatFilter& repeats() {
  static RepeatFilter filter(std::chrono::milliseconds(5000));
  return filter;
}

const RepeatFilter::Sink& repeat_sink() {
  static const RepeatFilter::Sink sink = [](int level, std::string_view event,
                                            boost::json::object fields) {
    emit(Level(level), event, std::move(fields));
  };
  return sink;
}

}  // namespace

boost::json::object traced(const TraceContext& context, boost::json::object fields) {
  if (!context.valid()) return fields;
  fields["trace_id"] = trace_id_hex(context);
  fields["span_id"] = span_id_hex(context);
  return fields;
}

void write(Level level, std::string_view event, boost::json::object fields) {
  if (!logger().should_log(to_spdlog(level))) return;
  if (const auto* trace = TraceScope::current();
      trace && trace->valid() && !fields.contains("trace_id")) {
    fields["trace_id"] = trace_id_hex(*trace);
    fields["span_id"] = span_id_hex(*trace);
  }
  if (level < Level::kWarn) return emit(level, event, std::move(fields));
  repeats().offer(int(level), event, std::move(fields), RepeatFilter::Clock::now(), repeat_sink());
}

void flush_repeats(bool all) { repeats().flush(RepeatFilter::Clock::now(), all, repeat_sink()); }

}  // namespace paredao::log

#pragma once
// Instants and their wire format (RFC 3339). Millisecond precision inside, whole seconds on the
// wire.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace paredao {

using TimePoint = std::chrono::sys_time<std::chrono::milliseconds>;

// Parses an RFC 3339 date-time with any offset ("Z", "+03:00", "-0130" is refused) and any
// fraction of a second (truncated to milliseconds). Returns nullopt for anything else,
// including impossible dates such as 2026-02-30.
std::optional<TimePoint> parse_rfc3339(std::string_view text);

// Formats as "YYYY-MM-DDTHH:MM:SSZ", truncating to the whole second.
std::string format_rfc3339(TimePoint t);

TimePoint floor_to_second(TimePoint t);
TimePoint ceil_to_second(TimePoint t);
TimePoint hour_start(TimePoint t);
TimePoint minute_start(TimePoint t);
std::int64_t unix_seconds(TimePoint t);
TimePoint from_unix_seconds(std::int64_t seconds);

}  // namespace paredao

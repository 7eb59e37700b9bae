#pragma once
// The W3C Trace Context `traceparent` text (https://www.w3.org/TR/trace-context/), as HTTP
// requests and queue messages carry it: "00-<trace id, 32 hex>-<span id, 16 hex>-<flags, 2 hex>".
#include <optional>
#include <string>
#include <string_view>

#include "app/ports/tracer.hpp"

namespace paredao {

// nullopt for anything the specification says to ignore: a wrong length or separator, upper
// case or non-hex digits, an all-zero id, version ff; a later version's extra fields are allowed.
std::optional<TraceContext> parse_traceparent(std::string_view text);
// Version 00 (empty for a context that is not valid).
std::string format_traceparent(const TraceContext& context);
std::string trace_id_hex(const TraceContext& context);
std::string span_id_hex(const TraceContext& context);

}  // namespace paredao

#pragma once
// From JSON request bodies to use-case inputs: type checks only, naming the offending field.
// Meaning (lengths, uniqueness, schedule) is the domain's to check.
#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "adapters/http/http_types.hpp"
#include "app/cast_vote.hpp"
#include "app/ports/vote_review.hpp"
#include "app/result.hpp"
#include "domain/new_poll.hpp"
#include "domain/time.hpp"

namespace paredao::http {

// Parses a body already known to be within the size limit. kInvalidJson when it is not JSON.
// `storage` lets a caller parse into its own arena (the value must not outlive it).
Result<boost::json::value> parse_json_body(std::string_view body,
                                           boost::json::storage_ptr storage = {});

// kInvalidRequest naming the field when a field is missing or of the wrong type. `null` for an
// optional field is the same as leaving it out; unknown fields are ignored.
Result<NewPoll> parse_new_poll(const boost::json::value& body);

// The optional filter of release and void: {"network"?: CIDR, "reason"?: string}.
Result<HeldFilter> parse_held_filter(const boost::json::value& body);
// The body of PUT …/watch: {"networks": [CIDR, …]} (required), each canonicalized.
Result<std::vector<Network>> parse_watch_list(const boost::json::value& body);
// Missing or non-string fields are left empty: the use case decides when to complain.
VoteRequest parse_vote(const boost::json::value& body, std::string poll_id);

// RFC 9112 framing beyond what the parser checks, for a header already parsed: exactly one Host
// field; a Transfer-Encoding only as exactly "chunked" (one field, no other coding), and never
// together with Content-Length. What a proxy in front could read differently is refused (the
// connection is then closed: request smuggling). The reason, or nullopt when the framing is sound.
std::optional<std::string> framing_error(const RequestHeader& header);

// The `since` of GET …/stats/minutes, from the request target's query string: nullopt when the
// query has none; kInvalidRequest naming "since" when it is not an RFC 3339 time (its colons
// may come percent-encoded, %3A).
Result<std::optional<TimePoint>> parse_since_query(std::string_view target);
// Whether a Content-Type header value is application/json (parameters allowed).
bool is_json_media_type(std::string_view content_type);

}  // namespace paredao::http

#pragma once
// The client's side of the human check, for tests and benchmarks: solves a challenge the way the
// widget does (counters from 0 until the key carries the prefix) and encodes the payload.
#include <boost/json/object.hpp>
#include <string>
#include <string_view>

namespace paredao::altcha {

std::string to_base64(std::string_view bytes);

// The solution object {"counter", "derivedKey"} of a challenge as served (SHA-256 or SCRYPT).
boost::json::object solve(const boost::json::object& challenge);

// The widget's base64 payload for a challenge document as served by GET …/challenge.
std::string solve_to_payload(std::string_view challenge_json);

}  // namespace paredao::altcha

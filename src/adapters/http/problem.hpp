#pragma once
// The one place where application errors become HTTP: status, stable code, title, and the
// application/problem+json body (RFC 9457) that every error response carries.
#include <string_view>

#include "adapters/http/http_types.hpp"
#include "app/result.hpp"

namespace paredao::http {

struct ProblemKind {
  beast_http::status status;
  std::string_view code;
  std::string_view title;
};

ProblemKind describe(ErrorCode code);

// A complete problem response. 405 gets `allow`, 429/503 get Retry-After.
Response problem_response(const Error& error, unsigned http_version, std::string_view allow = {});
// For errors found before the request could be parsed (414, 431, 400 malformed).
Response malformed_response(beast_http::status status, std::string_view detail);

}  // namespace paredao::http

#include "adapters/http/problem.hpp"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace paredao::http {

using beast_http::status;

ProblemKind describe(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidJson:
      return {status::bad_request, "invalid_json", "Body is not valid JSON"};
    case ErrorCode::kInvalidRequest:
      return {status::bad_request, "invalid_request", "Invalid request"};
    case ErrorCode::kUnauthorized:
      return {status::unauthorized, "unauthorized", "Unauthorized"};
    case ErrorCode::kNotFound:
      return {status::not_found, "not_found", "Not found"};
    case ErrorCode::kMethodNotAllowed:
      return {status::method_not_allowed, "method_not_allowed", "Method not allowed"};
    case ErrorCode::kPollNotOpen:
      return {status::conflict, "poll_not_open", "Poll is not open"};
    case ErrorCode::kInvalidTransition:
      return {status::conflict, "invalid_transition", "Invalid transition"};
    case ErrorCode::kResultsHidden:
      return {status::forbidden, "results_hidden", "Results are hidden"};
    case ErrorCode::kPayloadTooLarge:
      return {status::payload_too_large, "payload_too_large", "Payload too large"};
    case ErrorCode::kUnsupportedMediaType:
      return {status::unsupported_media_type, "unsupported_media_type", "Unsupported media type"};
    case ErrorCode::kUnknownCandidate:
      return {status::unprocessable_entity, "unknown_candidate", "Unknown candidate"};
    case ErrorCode::kHumanCheckFailed:
      return {status::unprocessable_entity, "human_check_failed", "Human check failed"};
    case ErrorCode::kRateLimited:
      return {status::too_many_requests, "rate_limited", "Too many requests"};
    case ErrorCode::kUnavailable:
      return {status::service_unavailable, "unavailable", "Service unavailable"};
    case ErrorCode::kMalformedRequest:
      return {status::bad_request, "malformed_request", "Malformed request"};
    case ErrorCode::kInternal:
      return {status::internal_server_error, "internal", "Internal error"};
    case ErrorCode::kOutcomeUnknown:
      return {kNoAnswer, "outcome_unknown", "Outcome unknown"};
  }
  return {status::internal_server_error, "internal", "Internal error"};
}

namespace {

Response make_problem(status code_status, std::string_view code, std::string_view title,
                      std::string_view detail, unsigned version) {
  Response response{code_status, version};
  response.set(beast_http::field::content_type, "application/problem+json");
  response.set(beast_http::field::cache_control, "no-store");
  response.body() = boost::json::serialize(
      boost::json::object{{"type", "https://paredao.dev/problems/" + std::string(code)},
                          {"title", title},
                          {"status", static_cast<unsigned>(code_status)},
                          {"detail", detail},
                          {"code", code}});
  response.prepare_payload();
  return response;
}

}  // namespace

Response problem_response(const Error& error, unsigned http_version, std::string_view allow) {
  const auto kind = describe(error.code);
  auto response = make_problem(kind.status, kind.code, kind.title, error.detail, http_version);
  if (!allow.empty()) response.set(beast_http::field::allow, allow);
  if (kind.status == status::too_many_requests) {
    response.set(beast_http::field::retry_after,
                 std::to_string(std::max<std::int64_t>(1, error.retry_after.count())));
  } else if (kind.status == status::service_unavailable) {
    response.set(beast_http::field::retry_after, "1");
  }
  return response;
}

Response malformed_response(status code_status, std::string_view detail) {
  auto response = make_problem(code_status, "malformed_request", "Malformed request", detail, 11);
  response.keep_alive(false);
  return response;
}

}  // namespace paredao::http

#pragma once
// The one error policy of the application: expected outcomes (a closed poll, a failed human
// check, a dependency that is down) are values of type Error, never exceptions. The HTTP
// adapter maps each ErrorCode to its status in one place (adapters/http/problem.cpp).
#include <chrono>
#include <string>
#include <utility>
#include <variant>

namespace paredao {

enum class ErrorCode {
  kInvalidJson,
  kInvalidRequest,
  kUnauthorized,
  kNotFound,
  kMethodNotAllowed,
  kPollNotOpen,
  kInvalidTransition,
  kResultsHidden,
  kPayloadTooLarge,
  kUnsupportedMediaType,
  kUnknownCandidate,
  kHumanCheckFailed,
  kRateLimited,
  kUnavailable,
  kMalformedRequest,
  kInternal,
  // Whether the request took effect is unknown (a dependency failed mid-way and could not be
  // asked): the HTTP adapter drops the connection instead of answering, since every status of
  // the contract would claim an outcome.
  kOutcomeUnknown,
};

struct Error {
  ErrorCode code;
  std::string detail;
  // kRateLimited: whole seconds until the same request would be allowed.
  std::chrono::seconds retry_after{0};
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}

  bool ok() const { return state_.index() == 0; }
  const T& value() const& { return std::get<0>(state_); }
  T& value() & { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  const Error& error() const { return std::get<1>(state_); }

 private:
  std::variant<T, Error> state_;
};

}  // namespace paredao

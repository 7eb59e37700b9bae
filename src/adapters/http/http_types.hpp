#pragma once
#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http.hpp>
#include <memory>
#include <optional>
#include <string>

namespace paredao::http {

// Each I/O thread runs its own io_context and every connection stays on one thread, so the
// concrete executor type is used throughout: no strands, no type-erased executors on the hot path.
using Executor = boost::asio::io_context::executor_type;
template <class T>
using Task = boost::asio::awaitable<T, Executor>;
using UseTask = boost::asio::use_awaitable_t<Executor>;
inline constexpr UseTask use_task{};

namespace beast_http = boost::beast::http;
using Request = beast_http::request<beast_http::string_body>;
using RequestHeader = beast_http::request_header<>;
using Response = beast_http::response<beast_http::string_body>;

// A body too large to hold, written piece by piece after the head (the audit). The session
// awaits next() on its own thread: an empty piece ends the body; nullopt means the source
// failed, and the connection is then reset, so that the client sees a cut body rather than a
// short complete one.
class BodyStream {
 public:
  virtual ~BodyStream() = default;
  virtual Task<std::optional<std::string>> next() = 0;
};

// What a route answers: a response, complete unless `stream` is set (then its body follows,
// chunked in HTTP/1.1, until the connection closes in HTTP/1.0).
struct Reply {
  Reply(Response r) : response(std::move(r)) {}  // NOLINT(google-explicit-constructor)
  Reply(Response r, std::shared_ptr<BodyStream> s) : response(std::move(r)), stream(std::move(s)) {}
  Response response;
  std::shared_ptr<BodyStream> stream;
};

// The status of a "response" that must not be sent: the session drops the connection instead,
// because the outcome of the request is unknown and every real status would claim one.
constexpr auto kNoAnswer = beast_http::status::unknown;

// Limits of the contract and of this server.
constexpr std::size_t kMaxBodyBytes = 8192;    // larger bodies: 413 before parsing
constexpr std::size_t kMaxHeaderBytes = 8192;  // request line + headers: 414 / 431 beyond

}  // namespace paredao::http

#include "adapters/http/http_server.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <thread>
#include <vector>

#include "adapters/http/problem.hpp"
#include "adapters/logging/json_log.hpp"

namespace paredao::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using beast_http::status;
constexpr auto kAwaitTuple = asio::as_tuple(asio::use_awaitable);

bool is_disconnect(const boost::system::error_code& ec) {
  return ec == beast_http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == beast::error::timeout ||
         ec == asio::error::operation_aborted || ec == asio::error::broken_pipe ||
         ec == beast_http::error::partial_message;
}

// A header that overflows the limit before its request line ended is a URI too long (414);
// otherwise the header fields are too large (431).
Response header_limit_response(const beast::flat_buffer& buffer) {
  const std::string_view received(static_cast<const char*>(buffer.data().data()),
                                  buffer.data().size());
  if (received.find("\r\n") == std::string_view::npos && received.find('\n') == std::string_view::npos) {
    return malformed_response(status::uri_too_long, "the request URI is too long");
  }
  return malformed_response(status::request_header_fields_too_large,
                            "the request header fields are too large");
}

}  // namespace

// What the server knows of a connection, to close it when it is idle during a drain.
struct HttpServer::Connection {
  explicit Connection(beast::tcp_stream& s) : stream(s) {}
  beast::tcp_stream& stream;
  bool idle = true;     // accessed on the connection's strand only
  bool closed = false;  // set on the strand before the stream is destroyed
};

HttpServer::HttpServer(HttpSettings settings, Api& api, Metrics& metrics)
    : settings_(std::move(settings)),
      api_(api),
      metrics_(metrics),
      io_(int(settings_.threads)),
      acceptor_(io_) {
  const tcp::endpoint endpoint{asio::ip::make_address(settings_.host), settings_.port};
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(asio::socket_base::max_listen_connections);
}

HttpServer::~HttpServer() = default;

tcp::endpoint HttpServer::local_endpoint() const { return acceptor_.local_endpoint(); }

void HttpServer::run() {
  asio::signal_set signals(io_, SIGINT, SIGTERM);
  signals.async_wait([this](const boost::system::error_code& ec, int signal) {
    if (ec) return;
    log::info("stopping", {{"signal", signal}});
    begin_drain();
  });
  asio::co_spawn(io_, accept_loop(), asio::detached);
  std::vector<std::thread> threads;
  for (unsigned i = 1; i < settings_.threads; ++i) threads.emplace_back([this] { io_.run(); });
  io_.run();
  for (auto& thread : threads) thread.join();
}

asio::awaitable<void> HttpServer::accept_loop() {
  while (!draining_) {
    auto [ec, socket] = co_await acceptor_.async_accept(asio::make_strand(io_), kAwaitTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || draining_) break;
      // Out of file descriptors or similar: say so, breathe, go on.
      log::error("accept_failed", {{"error", ec.message()}});
      asio::steady_timer pause(io_, std::chrono::milliseconds(50));
      co_await pause.async_wait(kAwaitTuple);
      continue;
    }
    socket.set_option(tcp::no_delay(true));
    auto executor = socket.get_executor();
    asio::co_spawn(executor, serve(std::move(socket)), asio::detached);
  }
}

asio::awaitable<void> HttpServer::serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  auto connection = std::make_shared<Connection>(stream);
  {
    std::lock_guard lock(connections_mutex_);
    connections_.insert(connection);
  }
  metrics_.set_open_connections(++open_connections_);
  beast::flat_buffer buffer;

  for (bool keep_alive = true; keep_alive && !draining_;) {
    beast_http::request_parser<beast_http::string_body> parser;
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(boost::none);  // the declared size is judged after route and token
    connection->idle = true;
    stream.expires_after(settings_.idle_timeout);
    auto [read_error, header_bytes] = co_await beast_http::async_read_header(stream, buffer, parser, kAwaitTuple);
    connection->idle = false;
    const auto started = std::chrono::steady_clock::now();
    Response response;
    RouteMatch match;
    if (read_error) {
      if (is_disconnect(read_error) && buffer.size() == 0) break;
      if (read_error == beast_http::error::header_limit) response = header_limit_response(buffer);
      else if (is_disconnect(read_error)) break;
      else response = malformed_response(status::bad_request, "the request is not valid HTTP/1.1");
    } else {
      match = match_route(parser.get().target());
      if (auto early = api_.precheck(parser.get(), match)) {
        response = std::move(*early);
        // The body, if any, was not read: the connection cannot carry another request.
        response.keep_alive(false);
      } else {
        if (beast::iequals(parser.get()[beast_http::field::expect], "100-continue")) {
          beast_http::response<beast_http::empty_body> go_on{status::continue_, parser.get().version()};
          stream.expires_after(settings_.write_timeout);
          auto [ec, n] = co_await beast_http::async_write(stream, go_on, kAwaitTuple);
          if (ec) break;
        }
        parser.body_limit(kMaxBodyBytes);
        stream.expires_after(settings_.request_timeout);
        auto [body_error, body_bytes] = co_await beast_http::async_read(stream, buffer, parser, kAwaitTuple);
        if (body_error == beast_http::error::body_limit) {
          response = problem_response({ErrorCode::kPayloadTooLarge, "the body is larger than 8192 bytes"},
                                      parser.get().version());
          response.keep_alive(false);
        } else if (body_error) {
          if (is_disconnect(body_error)) break;
          response = malformed_response(status::bad_request, "the request body is malformed");
        } else {
          const auto& request = parser.get();
          response = co_await api_.handle(request, match);
          response.keep_alive(request.keep_alive() && !draining_);
          if (request.method() == beast_http::verb::head) {
            const auto length = response.body().size();
            response.body().clear();
            response.content_length(length);
          }
        }
      }
    }
    keep_alive = response.keep_alive();
    const auto code = response.result_int();
    stream.expires_after(settings_.write_timeout);
    auto [write_error, written] = co_await beast_http::async_write(stream, response, kAwaitTuple);
    metrics_.observe_request(
        route_name(match.route), code,
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (write_error) break;
  }

  boost::system::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  connection->closed = true;
  {
    std::lock_guard lock(connections_mutex_);
    connections_.erase(connection);
  }
  metrics_.set_open_connections(--open_connections_);
}

void HttpServer::begin_drain() {
  if (draining_.exchange(true)) return;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  {
    // Idle keep-alive connections would wait for their timeout: close them now. Busy ones see
    // draining_ after their response and close themselves.
    std::lock_guard lock(connections_mutex_);
    for (const auto& connection : connections_) {
      asio::post(connection->stream.get_executor(), [connection] {
        if (!connection->closed && connection->idle) connection->stream.cancel();
      });
    }
  }
  finish_when_idle(std::chrono::steady_clock::now() + settings_.drain_timeout);
}

void HttpServer::finish_when_idle(std::chrono::steady_clock::time_point deadline) {
  if (open_connections_ == 0 || std::chrono::steady_clock::now() >= deadline) {
    if (open_connections_ != 0) {
      log::warn("drain_timeout", {{"open_connections", open_connections_.load()}});
    }
    io_.stop();
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(io_, std::chrono::milliseconds(20));
  timer->async_wait([this, timer, deadline](const boost::system::error_code&) {
    finish_when_idle(deadline);
  });
}

}  // namespace paredao::http

#include "adapters/http/http_server.hpp"

#include <pthread.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/range/iterator_range.hpp>
#include <cstdio>
#include <optional>
#include <thread>
#include <vector>

#include "adapters/http/client_address.hpp"
#include "adapters/http/completion_inbox.hpp"
#include "adapters/http/problem.hpp"
#include "adapters/http/proxy_protocol.hpp"
#include "adapters/http/request_parsing.hpp"
#include "adapters/logging/json_log.hpp"
#include "adapters/tracing/traceparent.hpp"

namespace paredao::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using beast_http::status;
constexpr auto kAwaitTuple = asio::as_tuple(use_task);

// A connection's read buffer: a vote (request line, headers and an ~650-byte body) fits whole,
// and so do most browsers' headers; larger requests still grow it.
constexpr std::size_t kReadBufferBytes = 2048;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

// A timer on an I/O thread's executor (the pause after a failed accept, the deadline sweep).
using Timer = asio::basic_waitable_timer<std::chrono::steady_clock,
                                         asio::wait_traits<std::chrono::steady_clock>, Executor>;

// How often each I/O thread looks for connections past their deadline.
constexpr auto kSweepPeriod = std::chrono::milliseconds(250);

// The peer went away, or the connection was closed (deadline passed) or cancelled (drain).
bool is_disconnect(const boost::system::error_code& ec) {
  return ec == beast_http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::operation_aborted ||
         ec == asio::error::bad_descriptor || ec == asio::error::broken_pipe ||
         ec == beast_http::error::partial_message;
}

// A header that overflows the limit before its request line was parsed is a URI too long (414);
// otherwise the header fields are too large (431). Beast consumes the request line as soon as it
// is complete, so a parsed target tells the two apart.
Response header_limit_response(const beast_http::request_parser<beast_http::string_body>& parser) {
  if (parser.get().target().empty()) {
    return malformed_response(status::uri_too_long, "the request URI is too long");
  }
  return malformed_response(status::request_header_fields_too_large,
                            "the request header fields are too large");
}

// The status line and header fields of a response, ready to be written before its body. Beast's
// serializer is general (chunked bodies, buffer sequences of any shape) and measured at almost
// half of the instructions of a small response; ours are all complete strings.
void serialize_head(const Response& response, std::string& out) {
  out.clear();
  out += response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
  out += std::to_string(response.result_int());
  out += ' ';
  const auto reason = response.reason();
  out.append(reason.data(), reason.size());
  out += "\r\n";
  for (const auto& field : response.base()) {
    const auto name = field.name_string();
    const auto value = field.value();
    out.append(name.data(), name.size());
    out += ": ";
    out.append(value.data(), value.size());
    out += "\r\n";
  }
  out += "\r\n";
}

}  // namespace

// What the server knows of a connection, to close it when it is idle during a drain or past its
// deadline.
struct HttpServer::Connection {
  Connection(Socket& s, Network peer_address, bool from_trusted_proxy)
      : socket(s),
        peer(peer_address),
        client(peer_address),
        trusted(from_trusted_proxy),
        deadline([&socket = s] {
          // As Beast's own timeouts do: the pending read or write ends, and so does the
          // connection.
          boost::system::error_code ignored;
          socket.close(ignored);
        }) {}
  Socket& socket;
  const Network peer;    // the TCP peer's whole address
  Network client;        // the PROXY header's source if there was one, else the peer
  const bool trusted;    // the peer is one of our proxies
  bool opened = false;   // the opening bytes were looked at for a PROXY header
  bool proxied = false;  // a PROXY header named the client (X-Forwarded-For is then not read)
  ConnectionDeadlines::Deadline deadline;  // armed around each read and write
  bool idle = true;                        // accessed on the connection's thread only
  bool closed = false;                     // set on that thread before the socket is destroyed
};

// One I/O thread: its own io_context (so its connections need no strand) and its own acceptor.
struct HttpServer::Worker {
  asio::io_context io{1};
  ConnectionDeadlines deadlines;  // of the connections served by this thread
  Acceptor acceptor{io.get_executor()};
  CompletionInbox inbox{io.get_executor()};

  void run() {
    CompletionInbox::bind_to_this_thread(&inbox);
    // Keep running while idle: work arrives from the acceptor and from the vote pipeline.
    auto guard = asio::make_work_guard(io);
    io.run();
  }
};

HttpServer::HttpServer(HttpSettings settings, Api& api, Metrics& metrics, Tracer& tracer)
    : settings_(std::move(settings)),
      api_(api),
      metrics_(metrics),
      tracer_(tracer),
      caps_(settings_.max_connections, settings_.max_connections_per_network) {
  tcp::endpoint endpoint{asio::ip::make_address(settings_.host), settings_.port};
  for (unsigned i = 0; i < std::max(1u, settings_.threads); ++i) {
    auto worker = std::make_unique<Worker>();
    worker->acceptor.open(endpoint.protocol());
    worker->acceptor.set_option(asio::socket_base::reuse_address(true));
    worker->acceptor.set_option(ReusePort(true));
    worker->acceptor.bind(endpoint);
    worker->acceptor.listen(asio::socket_base::max_listen_connections);
    endpoint = worker->acceptor.local_endpoint();  // port 0: the others join the port chosen
    workers_.push_back(std::move(worker));
  }
}

HttpServer::~HttpServer() {
  try {
    stop();
  } catch (const std::exception& e) {
    // Joining a thread can only fail on a broken invariant; nothing to do but say so.
    log::error("http_stop_failed", {{"error", e.what()}});
  }
}

tcp::endpoint HttpServer::local_endpoint() const {
  return workers_.front()->acceptor.local_endpoint();
}

void HttpServer::start() {
  if (!threads_.empty()) return;
  for (auto& worker : workers_) {
    asio::co_spawn(worker->io, accept_loop(*worker), asio::detached);
    asio::co_spawn(worker->io, sweep_loop(*worker), asio::detached);
  }
  for (std::size_t i = 0; i < workers_.size(); ++i) {
    threads_.emplace_back([this, i] {
      pthread_setname_np(pthread_self(), ("http-io-" + std::to_string(i)).c_str());
      workers_[i]->run();
    });
  }
}

void HttpServer::stop() {
  if (threads_.empty()) return;
  // On an I/O thread: the drain touches connections and timers that belong to them.
  asio::post(workers_.front()->io, [this] { begin_drain(); });
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

Task<void> HttpServer::accept_loop(Worker& worker) {
  while (!draining_) {
    auto [ec, socket] = co_await worker.acceptor.async_accept(kAwaitTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || draining_) break;
      // Out of file descriptors or similar: say so, breathe, go on.
      log::error("accept_failed", {{"error", ec.message()}});
      Timer pause(worker.io.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(kAwaitTuple);
      continue;
    }
    boost::system::error_code peer_error;
    const auto peer = socket.remote_endpoint(peer_error);
    if (peer_error) continue;  // already gone; the socket closes with it
    const auto address = whole_address(peer.address());
    const auto network = network_of(address, settings_.client_prefixes);
    const bool trusted = is_in(address, settings_.trusted_proxies);
    const auto admission = caps_.admit(network, trusted);
    if (admission != ConnectionCaps::Admission::kAdmitted) {
      // Closed at once, before any byte is read: a reset, so that it holds nothing here.
      const bool over_network = admission == ConnectionCaps::Admission::kOverNetwork;
      metrics_.count_connection_refused(over_network);
      log::write(log::Level::kWarn, "connection_refused",
                 {{"network", network.cidr()}, {"reason", over_network ? "network" : "total"}});
      boost::system::error_code ignored;
      socket.set_option(tcp::socket::linger(true, 0), ignored);
      socket.close(ignored);
      continue;
    }
    boost::system::error_code no_delay_error;  // a socket already reset: served, then closed
    socket.set_option(tcp::no_delay(true), no_delay_error);
    asio::co_spawn(worker.io, serve(std::move(socket), worker, address, trusted), asio::detached);
  }
}

Task<void> HttpServer::sweep_loop(Worker& worker) {
  Timer timer(worker.io.get_executor());
  for (;;) {
    timer.expires_after(kSweepPeriod);
    auto [ec] = co_await timer.async_wait(kAwaitTuple);
    if (ec) co_return;
    worker.deadlines.sweep(std::chrono::steady_clock::now());
  }
}

Task<void> HttpServer::serve(Socket socket, Worker& worker, Network address, bool trusted) {
  const auto network = network_of(address, settings_.client_prefixes);
  auto connection = std::make_shared<Connection>(socket, address, trusted);
  worker.deadlines.add(connection->deadline);
  {
    std::lock_guard lock(connections_mutex_);
    connections_.insert(connection);
  }
  metrics_.set_open_connections(++open_connections_);
  // Beast reads at most the free capacity (512 bytes at first): without room for a whole vote
  // every vote took two reads.
  beast::flat_buffer buffer;
  buffer.reserve(kReadBufferBytes);
  std::string head;  // reused for every response of the connection

  // An exception (memory, a bug) ends this connection, never the cleanup below: a cap slot or a
  // connection left counted would outlive it.
  try {
    for (bool keep_alive = true; keep_alive && !draining_;) {
      auto exchange = co_await next_exchange(*connection, buffer);
      if (!exchange) break;  // the peer went away or timed out
      if (exchange->response.result() == kNoAnswer) {
        // Reset rather than close, so that the client sees a failed request, not an empty one.
        record(*exchange);
        boost::system::error_code ignored;
        socket.set_option(tcp::socket::linger(true, 0), ignored);
        socket.close(ignored);
        break;
      }
      keep_alive = exchange->response.keep_alive();
      serialize_head(exchange->response, head);
      const std::array<asio::const_buffer, 2> buffers{asio::buffer(head),
                                                      asio::buffer(exchange->response.body())};
      connection->deadline.arm(settings_.write_timeout);
      auto [write_error, written] = co_await asio::async_write(socket, buffers, kAwaitTuple);
      connection->deadline.disarm();
      if (!write_error && exchange->stream) {
        const bool complete =
            co_await write_stream(*connection, *exchange->stream, exchange->response.chunked());
        if (!complete) {
          record(*exchange);
          boost::system::error_code ignored;
          socket.set_option(tcp::socket::linger(true, 0), ignored);
          socket.close(ignored);
          break;
        }
      }
      record(*exchange);
      if (write_error) break;
    }
  } catch (const std::exception& e) {
    log::error("connection_failed", {{"error", e.what()}});
    connection->deadline.disarm();
  }

  boost::system::error_code ignored;
  socket.shutdown(tcp::socket::shutdown_send, ignored);
  connection->closed = true;
  worker.deadlines.remove(connection->deadline);
  {
    std::lock_guard lock(connections_mutex_);
    connections_.erase(connection);
  }
  caps_.release(network);
  metrics_.set_open_connections(--open_connections_);
}

Task<bool> HttpServer::write_stream(Connection& connection, BodyStream& stream, bool chunked) {
  std::string frame;
  for (;;) {
    auto piece = co_await stream.next();
    if (!piece) co_return false;
    const bool last = piece->empty();
    frame.clear();
    if (chunked) {
      char size[24];
      const int n = std::snprintf(size, sizeof size, "%zx\r\n", piece->size());
      frame.append(size, std::size_t(n));
      frame += *piece;
      frame += "\r\n";
    } else {
      frame = std::move(*piece);
    }
    // Each piece has the whole write timeout: a slow reader of a long audit is not cut, a
    // stalled one is.
    connection.deadline.arm(settings_.write_timeout);
    auto [error, written] =
        co_await asio::async_write(connection.socket, asio::buffer(frame), kAwaitTuple);
    connection.deadline.disarm();
    if (error) co_return false;
    if (last) co_return true;  // the last chunk ("0\r\n\r\n") is written
  }
}

Task<std::optional<HttpServer::Exchange>> HttpServer::next_exchange(Connection& connection,
                                                                    beast::flat_buffer& buffer) {
  auto& socket = connection.socket;
  if (!connection.opened) {
    connection.opened = true;
    if (auto refused = co_await read_proxy_header(connection, buffer)) co_return refused;
    if (!socket.is_open()) co_return std::nullopt;
  }
  beast_http::request_parser<beast_http::string_body> parser;
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(boost::none);  // the declared size is judged after route and token
  connection.idle = true;
  connection.deadline.arm(settings_.idle_timeout);
  auto [read_error, header_bytes] =
      co_await beast_http::async_read_header(socket, buffer, parser, kAwaitTuple);
  connection.deadline.disarm();
  connection.idle = false;
  Exchange exchange{.started = std::chrono::steady_clock::now()};
  if (read_error) {
    if (is_disconnect(read_error)) co_return std::nullopt;
    exchange.response =
        read_error == beast_http::error::header_limit
            ? header_limit_response(parser)
            : malformed_response(status::bad_request, "the request is not valid HTTP/1.1");
    // Requests that could not even be routed; an attacker can repeat them at will.
    log::write(log::Level::kWarn, "malformed_request",
               {{"status", exchange.response.result_int()}, {"detail", read_error.message()}});
    co_return exchange;
  }

  if (const auto framing = framing_error(parser.get())) {
    exchange.response = malformed_response(status::bad_request, *framing);
    log::write(log::Level::kWarn, "malformed_request", {{"status", 400}, {"detail", *framing}});
    co_return exchange;
  }
  exchange.match = match_route(parser.get().target());
  if (auto early = api_.precheck(parser.get(), exchange.match)) {
    exchange.response = std::move(*early);
    // A body left unread makes the connection unusable for another request.
    exchange.response.keep_alive(parser.is_done() && parser.get().keep_alive() && !draining_);
    co_return exchange;
  }
  if (beast::iequals(parser.get()[beast_http::field::expect], "100-continue")) {
    beast_http::response<beast_http::empty_body> go_on{status::continue_, parser.get().version()};
    connection.deadline.arm(settings_.write_timeout);
    auto [ec, n] = co_await beast_http::async_write(socket, go_on, kAwaitTuple);
    connection.deadline.disarm();
    if (ec) co_return std::nullopt;
  }
  parser.body_limit(kMaxBodyBytes);
  connection.deadline.arm(settings_.request_timeout);
  auto [body_error, body_bytes] =
      co_await beast_http::async_read(socket, buffer, parser, kAwaitTuple);
  connection.deadline.disarm();
  if (body_error == beast_http::error::body_limit) {
    exchange.response =
        problem_response({ErrorCode::kPayloadTooLarge, "the body is larger than 8192 bytes"},
                         parser.get().version());
    exchange.response.keep_alive(false);
    co_return exchange;
  }
  if (body_error) {
    if (is_disconnect(body_error)) co_return std::nullopt;
    exchange.response = malformed_response(status::bad_request, "the request body is malformed");
    co_return exchange;
  }

  const auto& request = parser.get();
  // The request's span: a child of the caller's, when its traceparent is one.
  const auto route = route_name(exchange.match.route);
  const auto traceparent = request.find("traceparent");
  auto parent = traceparent == request.end()
                    ? std::nullopt
                    : parse_traceparent({traceparent->value().data(), traceparent->value().size()});
  if (parent && parent->sampled && !caller_sampling_.take(std::chrono::steady_clock::now())) {
    parent->sampled = false;  // over the callers' budget: continued, not recorded
  }
  const auto span = tracer_.start(std::string(request.method_string()) + " " + std::string(route),
                                  SpanKind::kServer, parent.value_or(TraceContext{}));
  span->set_attribute("http.route", route);
  auto reply = co_await api_.handle(request, exchange.match, client_network(connection, request),
                                    span->context());
  const unsigned code = reply.response.result_int();
  span->set_attribute("http.response.status_code", std::int64_t(code));
  if (code >= 500) span->set_error(reply.response.reason());
  span->end();
  exchange.response = std::move(reply.response);
  exchange.stream = std::move(reply.stream);
  exchange.response.keep_alive(request.keep_alive() && !draining_);
  if (exchange.stream) {
    // HTTP/1.0 has no chunks: the body ends when the connection does.
    if (request.version() == 10) {
      exchange.response.keep_alive(false);
    } else {
      exchange.response.chunked(true);
    }
    if (request.method() == beast_http::verb::head) exchange.stream.reset();
  } else if (request.method() == beast_http::verb::head) {
    const auto length = exchange.response.body().size();
    exchange.response.body().clear();
    exchange.response.content_length(length);
  }
  co_return exchange;
}

Task<std::optional<HttpServer::Exchange>> HttpServer::read_proxy_header(
    Connection& connection, beast::flat_buffer& buffer) {
  auto& socket = connection.socket;
  for (;;) {
    const std::string_view bytes(static_cast<const char*>(buffer.data().data()), buffer.size());
    Exchange exchange{.started = std::chrono::steady_clock::now()};
    if (!connection.trusted) {
      const auto signature = proxy_signature(bytes);
      if (signature == ProxySignature::kAbsent) co_return std::nullopt;
      if (signature == ProxySignature::kPresent) {
        exchange.response = malformed_response(
            status::bad_request, "a PROXY protocol header is accepted only from a trusted proxy");
        log::write(log::Level::kWarn, "malformed_request",
                   {{"status", 400},
                    {"detail", "PROXY header from an untrusted peer"},
                    {"peer", connection.peer.cidr()}});
        co_return exchange;
      }
    } else {
      const auto parsed = parse_proxy_header(bytes);
      switch (parsed.kind) {
        case ProxyParse::Kind::kAbsent:
          co_return std::nullopt;
        case ProxyParse::Kind::kParsed:
          buffer.consume(parsed.length);
          connection.proxied = true;
          if (parsed.source) connection.client = *parsed.source;
          co_return std::nullopt;
        case ProxyParse::Kind::kMalformed:
          exchange.response = malformed_response(status::bad_request, parsed.error);
          log::write(log::Level::kWarn, "malformed_request",
                     {{"status", 400}, {"detail", parsed.error}});
          co_return exchange;
        case ProxyParse::Kind::kIncomplete:
          break;
      }
    }
    // Undecided: read more, as the request header would have been read (same deadline).
    connection.deadline.arm(settings_.idle_timeout);
    auto [ec, n] = co_await socket.async_read_some(buffer.prepare(kReadBufferBytes), kAwaitTuple);
    connection.deadline.disarm();
    if (ec) {
      // Gone before saying anything: let the request reader see the closed socket.
      boost::system::error_code ignored;
      socket.close(ignored);
      co_return std::nullopt;
    }
    buffer.commit(n);
  }
}

Network HttpServer::client_network(const Connection& connection,
                                   const RequestHeader& request) const {
  if (!connection.trusted || connection.proxied) {
    return network_of(connection.client, settings_.client_prefixes);
  }
  std::vector<std::string_view> forwarded;
  for (const auto& field : boost::make_iterator_range(request.equal_range("X-Forwarded-For"))) {
    forwarded.push_back(field.value());
  }
  return network_of(forwarded_client(forwarded, connection.peer, settings_.trusted_proxies),
                    settings_.client_prefixes);
}

void HttpServer::record(const Exchange& exchange) {
  // Per I/O thread, so the handles are found without a lock after the first request of a kind.
  thread_local std::unordered_map<std::uint32_t, Metrics::RequestHandle> handles;
  const unsigned code = exchange.response.result_int();
  const auto key = std::uint32_t(exchange.match.route) << 16 | code;
  auto handle = handles.find(key);
  if (handle == handles.end()) {
    handle =
        handles.emplace(key, metrics_.request_handle(route_name(exchange.match.route), code)).first;
  }
  Metrics::observe_request(
      handle->second,
      std::chrono::duration<double>(std::chrono::steady_clock::now() - exchange.started).count());
}

void HttpServer::begin_drain() {
  if (draining_.exchange(true)) return;
  for (auto& worker : workers_) {
    asio::post(worker->io, [&acceptor = worker->acceptor] {
      boost::system::error_code ignored;
      acceptor.close(ignored);
    });
  }
  {
    // Idle keep-alive connections would wait for their timeout: close them now. Busy ones see
    // draining_ after their response and close themselves.
    std::lock_guard lock(connections_mutex_);
    for (const auto& connection : connections_) {
      asio::post(connection->socket.get_executor(), [connection] {
        boost::system::error_code ignored;
        if (!connection->closed && connection->idle) connection->socket.cancel(ignored);
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
    stop_all();
    return;
  }
  auto timer =
      std::make_shared<asio::steady_timer>(workers_.front()->io, std::chrono::milliseconds(20));
  timer->async_wait(
      [this, timer, deadline](const boost::system::error_code&) { finish_when_idle(deadline); });
}

}  // namespace paredao::http

namespace paredao::http {

void HttpServer::stop_all() {
  for (auto& worker : workers_) worker->io.stop();
}

}  // namespace paredao::http

#pragma once
// The HTTP/1.1 server: one io_context per I/O thread, each with its own SO_REUSEPORT acceptor so
// the kernel spreads connections; one coroutine per connection, which never leaves its thread.
// Keep-alive, a deadline on every read and write (swept per thread: connection_deadlines.hpp),
// size limits, and a graceful stop.
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

#include "adapters/http/api.hpp"
#include "adapters/http/connection_caps.hpp"
#include "adapters/http/connection_deadlines.hpp"
#include "adapters/tracing/sampling_budget.hpp"
#include "app/ports/tracer.hpp"
#include "domain/network.hpp"

namespace paredao::http {

struct HttpSettings {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;
  unsigned threads = 2;
  std::chrono::seconds idle_timeout{30};     // keep-alive connection without a request
  std::chrono::seconds request_timeout{10};  // to receive a whole request once it has begun
  std::chrono::seconds write_timeout{10};
  std::chrono::seconds drain_timeout{10};  // on stop, to finish requests in flight
  std::size_t max_connections = 10000;     // open at once, in all
  std::size_t max_connections_per_network = 1024;
  NetworkPrefixes client_prefixes;  // what a client's network is
  // Our own proxies (load balancers): they may name the client (PROXY header, X-Forwarded-For)
  // and are exempt from the per-network connection cap.
  std::vector<Network> trusted_proxies;
};

class HttpServer {
 public:
  // Binds at once (throws std::system_error if the address is taken or invalid); serves nothing
  // until start().
  // Each request is a span of `tracer` (a child of its `traceparent`, when it has one).
  HttpServer(HttpSettings settings, Api& api, Metrics& metrics, Tracer& tracer);
  // Stops first, if still serving.
  ~HttpServer();

  boost::asio::ip::tcp::endpoint local_endpoint() const;

  // Starts the I/O threads: from now on connections are accepted and served.
  void start();
  // Stops accepting, closes idle connections, lets requests in flight finish (votes waiting for
  // their commit get their answer, so whatever answers them must still run) for up to
  // drain_timeout, then stops the I/O threads and returns. Nothing runs on them afterwards; a
  // completion posted later to a connection's thread is dropped with the server. Idempotent.
  void stop();

 private:
  using Acceptor = boost::asio::basic_socket_acceptor<boost::asio::ip::tcp, Executor>;
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
  struct Worker;
  struct Connection;
  // One request and its response.
  struct Exchange {
    std::chrono::steady_clock::time_point started;  // when the request header was complete
    RouteMatch match;
    Response response;
    std::shared_ptr<BodyStream> stream;  // the rest of the body, when it is streamed
  };

  Task<void> accept_loop(Worker& worker);
  Task<void> sweep_loop(Worker& worker);
  Task<void> serve(Socket socket, Worker& worker, Network address, bool trusted);
  // Writes a streamed body after its head; false when the stream or the socket failed (the
  // body is then incomplete and the connection must be reset).
  Task<bool> write_stream(Connection& connection, BodyStream& stream, bool chunked);
  // Reads one request and computes its answer (404/405/401/413 before the body is read);
  // nullopt when the peer went away or timed out.
  Task<std::optional<Exchange>> next_exchange(Connection& connection,
                                              boost::beast::flat_buffer& buffer);
  // At the start of a connection: takes a trusted proxy's PROXY header off the buffer and names
  // its client; refuses one from any other peer (the response to send), or a malformed one.
  Task<std::optional<Exchange>> read_proxy_header(Connection& connection,
                                                  boost::beast::flat_buffer& buffer);
  // The network of the client a request comes from (the contract's "The edge: the client").
  Network client_network(const Connection& connection, const RequestHeader& request) const;
  void record(const Exchange& exchange);
  void begin_drain();
  void finish_when_idle(std::chrono::steady_clock::time_point deadline);
  void stop_all();

  HttpSettings settings_;
  Api& api_;
  Metrics& metrics_;
  Tracer& tracer_;
  // Callers may have at most 100 traces a second recorded here (a traceparent saying "sampled");
  // beyond, theirs are continued unsampled.
  SamplingBudget caller_sampling_{100};
  ConnectionCaps caps_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::vector<std::thread> threads_;  // one per worker, while started
  std::atomic<bool> draining_{false};
  std::atomic<int> open_connections_{0};
  std::mutex connections_mutex_;
  std::unordered_set<std::shared_ptr<Connection>> connections_;  // guarded by connections_mutex_
};

}  // namespace paredao::http

#pragma once
// A thin RAII layer over rabbitmq-c: one connection with one channel, opened with timeouts, the
// vote queue declared, publisher confirms or a consumer set up. Used by one thread at a time.
#include <amqp.h>

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace paredao::amqp {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 5672;
  std::string user = "guest";
  std::string password = "guest";
  std::string vhost = "/";
};

// "amqp://user:password@host:port/vhost"; nullopt when malformed.
std::optional<Endpoint> parse_url(const std::string& url);

// The names of a deployment's queues: the votes and, beside them, the messages no worker could
// read (dead-lettered for an operator, never dropped).
struct QueueNames {
  std::string votes;
  std::string dead;
  static QueueNames for_deployment(const std::string& prefix) {
    return {prefix + ".votes", prefix + ".votes.dead"};
  }
};

class Connection {
 public:
  // Connects, logs in, opens channel 1 and declares both queues (durable quorum queues; every
  // process declares them with the same arguments, so whoever starts first creates them).
  // Throws amqp::Error.
  Connection(const Endpoint& endpoint, const QueueNames& queues,
             std::chrono::milliseconds timeout = std::chrono::milliseconds(3000));
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  amqp_connection_state_t state() { return state_; }
  // After a failure: close without the polite handshake, which would only wait for a timeout.
  void mark_broken() { broken_ = true; }
  static constexpr amqp_channel_t kChannel = 1;
  // Throws amqp::Error describing `reply` unless it is normal.
  void check(const amqp_rpc_reply_t& reply, std::string_view what);

 private:
  amqp_connection_state_t state_;
  bool broken_ = false;
};

}  // namespace paredao::amqp
